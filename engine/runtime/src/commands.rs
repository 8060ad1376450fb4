//! Commands from outside: submitting a case and acting on one, each one transaction
//! (see `transact`).

use crate::{Error, Runtime};
use govflow_case::OpenCase;
use govflow_model::{Actor, Case, CaseId, CityId};
use govflow_store::{Batch, Conflict, IdempotencyRecord};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// `POST /v1/cases`, validated.
#[derive(Debug, Clone)]
pub struct Submission {
    pub city: CityId,
    pub case: OpenCase,
}

#[derive(Debug, Clone)]
pub struct Submitted {
    pub case: Case,
    /// The idempotency key had been used for this same request: nothing new was stored.
    pub replayed: bool,
}

impl Submission {
    /// A digest of the request, to tell a retry from a different request under one key.
    fn fingerprint(&self) -> String {
        let c = &self.case;
        let mut canonical = json!({
            "city": self.city,
            "procedure": c.procedure,
            "received_at": c.received_at,
            "provider": c.provider,
            "subject": c.subject,
            "data": c.data,
        });
        // Only where given, so a key recorded before cases had periods still matches.
        if let Some(period) = c.period {
            canonical["period"] = period.into();
        }
        // Only when given, so the fingerprints of keys stored before `start` existed hold.
        if let Some(start) = &c.start {
            canonical["start"] = json!(start);
        }
        let digest = Sha256::digest(canonical.to_string().as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl Runtime {
    /// Opens a case. With an idempotency key, a repeat of the same request returns the case
    /// the first one created; the key is scoped to the actor, so clients cannot collide.
    pub fn submit(
        &self,
        actor: &Actor,
        submission: &Submission,
        idempotency_key: Option<&str>,
    ) -> Result<Submitted, Error> {
        let keyed = idempotency_key.map(|key| Keyed {
            key,
            scoped: format!("{}\u{1f}{key}", actor.id),
            fingerprint: submission.fingerprint(),
        });
        if let Some(keyed) = &keyed {
            if let Some(record) = self.store().idempotency(&keyed.scoped)? {
                let same_request = record.fingerprint == keyed.fingerprint;
                return self.replay(record.case, same_request, keyed);
            }
        }
        let now = self.clock().now();
        let opened = self.transact(|tx| {
            let case = tx.open(&submission.city, &submission.case, actor, now)?;
            if let Some(keyed) = &keyed {
                tx.batch().remember(IdempotencyRecord {
                    key: keyed.scoped.clone(),
                    fingerprint: keyed.fingerprint.clone(),
                    case: case.id.clone(),
                });
            }
            Ok(case)
        });
        match (opened, &keyed) {
            (Ok(case), _) => Ok(Submitted {
                case,
                replayed: false,
            }),
            // A concurrent request under the same key committed first.
            (Err(e), Some(keyed)) => match e.conflict() {
                Some(Conflict::IdempotencyKeyTaken {
                    case, same_request, ..
                }) => self.replay(case.clone(), *same_request, keyed),
                _ => Err(e),
            },
            (Err(e), None) => Err(e),
        }
    }

    /// Answers a request whose key was first used for `case`: with that case when it was
    /// the same request, refused when it was another.
    fn replay(
        &self,
        case: CaseId,
        same_request: bool,
        keyed: &Keyed<'_>,
    ) -> Result<Submitted, Error> {
        if !same_request {
            return Err(Error::IdempotencyMismatch {
                key: keyed.key.to_owned(),
                case,
            });
        }
        let case = self.case(&case)?;
        // A read can see a group the store has applied but not yet flushed, and a replay
        // acknowledges the case: answer only once what was read is durable. (The first
        // request may still be waiting for that flush; a SIGKILL in between lost replayed
        // cases, tests/durability/replay.rs.)
        self.store().commit(Batch::new())?;
        Ok(Submitted {
            case,
            replayed: true,
        })
    }

    /// Takes `action` on case `id` as `actor`; returns the case as stored afterwards.
    pub fn act(
        &self,
        actor: &Actor,
        id: &CaseId,
        action: &str,
        data: &Map<String, Value>,
    ) -> Result<Case, Error> {
        self.recount_at_start()?;
        self.transact(|tx| {
            let now = self.clock().now();
            tx.act(id, action, data, actor, now)
        })
    }
}

/// A submission's idempotency key: as the client sent it, scoped to the actor, and the
/// request's fingerprint.
struct Keyed<'a> {
    key: &'a str,
    scoped: String,
    fingerprint: String,
}
