//! Commands from outside: submitting a case, a batch of cases, and acting on one, each
//! one transaction (see `transact`).

use crate::transact::Tx;
use crate::{Error, Runtime};
use chrono::{DateTime, Utc};
use govflow_case::OpenCase;
use govflow_model::{Actor, Case, CaseId, CityId};
use govflow_store::{Batch, Conflict, IdempotencyRecord};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// `POST /v1/cases`, validated.
#[derive(Debug, Clone)]
pub struct Submission {
    pub city: CityId,
    pub case: OpenCase,
}

/// One case of a batch submission, with its own idempotency key.
#[derive(Debug, Clone)]
pub struct BatchItem {
    pub submission: Submission,
    pub idempotency_key: Option<String>,
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
        let keyed = idempotency_key.map(|key| Keyed::new(actor, key, submission));
        if let Some(keyed) = &keyed {
            if let Some(record) = self.store().idempotency(&keyed.scoped)? {
                let same_request = record.fingerprint == keyed.fingerprint;
                return self.replay(record.case, same_request, keyed);
            }
        }
        let now = self.clock().now();
        let opened = self.transact(|tx| open(tx, actor, submission, keyed.as_ref(), now));
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

    /// Opens the cases of a batch, each item decided as [`Runtime::submit`] decides one
    /// (its own key, replayed or refused alike), and commits every accepted case in one
    /// store commit. Answers each item's outcome in order. A whole-batch error (the store
    /// failed, the commit kept losing races) leaves the outcome unknown, as it does for one
    /// submission: sending the batch again replays what its keyed items committed.
    ///
    /// A key the merged commit finds taken (by a concurrent request) fails that commit:
    /// the item under that key is answered as a replay and the others are decided and
    /// committed again, so one item's failure never drops or doubles another. An item
    /// whose key an earlier item of the batch uses waits for that item, then is answered
    /// as a retry of it.
    pub fn submit_batch(
        &self,
        actor: &Actor,
        items: &[BatchItem],
    ) -> Result<Vec<Result<Submitted, Error>>, Error> {
        let keyed: Vec<Option<Keyed<'_>>> = items
            .iter()
            .map(|item| {
                let key = item.idempotency_key.as_deref();
                key.map(|key| Keyed::new(actor, key, &item.submission))
            })
            .collect();
        let mut outcomes: Vec<Option<Result<Submitted, Error>>> =
            items.iter().map(|_| None).collect();
        // Whether a replay was read after the last commit.
        let mut unsettled = false;
        let mut pending: Vec<usize> = (0..items.len()).collect();
        let now = self.clock().now();
        while !pending.is_empty() {
            // In the items' order, so the first item under a key is the one decided.
            pending.sort_unstable();
            let mut round = Vec::new();
            let mut waiting = Vec::new();
            let mut keys = HashSet::new();
            for i in pending {
                if let Some(keyed) = &keyed[i] {
                    if let Some(record) = self.store().idempotency(&keyed.scoped)? {
                        let same_request = record.fingerprint == keyed.fingerprint;
                        outcomes[i] = Some(self.recorded(record.case, same_request, keyed));
                        continue;
                    }
                    if !keys.insert(keyed.scoped.as_str()) {
                        waiting.push(i);
                        continue;
                    }
                }
                round.push(i);
            }
            // Also when the round is empty, its commit makes the replays read above durable
            // before they are answered (see `settle_reads`).
            let opened = self.transact(|tx| {
                Ok(round
                    .iter()
                    .map(|&i| open(tx, actor, &items[i].submission, keyed[i].as_ref(), now))
                    .collect::<Vec<_>>())
            });
            pending = waiting;
            match opened {
                Ok(cases) => {
                    unsettled = false;
                    for (&i, case) in round.iter().zip(cases) {
                        outcomes[i] = Some(case.map(|case| Submitted {
                            case,
                            replayed: false,
                        }));
                    }
                }
                Err(e) => {
                    let Some(Conflict::IdempotencyKeyTaken {
                        key,
                        case,
                        same_request,
                    }) = e.conflict()
                    else {
                        return Err(e);
                    };
                    let taken = |i: &usize| keyed[*i].as_ref().is_some_and(|k| &k.scoped == key);
                    let Some(&i) = round.iter().find(|i| taken(i)) else {
                        return Err(e);
                    };
                    let keyed = keyed[i].as_ref().expect("found by its key");
                    outcomes[i] = Some(self.recorded(case.clone(), *same_request, keyed));
                    unsettled = true;
                    pending.extend(round.into_iter().filter(|j| *j != i));
                }
            }
        }
        if unsettled {
            self.settle_reads()?;
        }
        outcomes
            .into_iter()
            .map(|outcome| match outcome.expect("every item is decided") {
                // The store failing fails the batch, as it fails a single submission.
                Err(Error::Store(e)) => Err(Error::Store(e)),
                outcome => Ok(outcome),
            })
            .collect()
    }

    /// Answers a request whose key was first used for `case`, once what was read is durable.
    fn replay(
        &self,
        case: CaseId,
        same_request: bool,
        keyed: &Keyed<'_>,
    ) -> Result<Submitted, Error> {
        let submitted = self.recorded(case, same_request, keyed)?;
        self.settle_reads()?;
        Ok(submitted)
    }

    /// What a request whose key was first used for `case` is answered: that case when it
    /// was the same request, a refusal when it was another. Not yet durable: see
    /// [`Runtime::settle_reads`].
    fn recorded(
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
        Ok(Submitted {
            case: self.case(&case)?,
            replayed: true,
        })
    }

    /// Returns once every group the store applied before now is durable. A read can see a
    /// group the store has applied but not yet flushed, and a replay acknowledges the
    /// case: answer only once what was read is durable. (The first request may still be
    /// waiting for that flush; a SIGKILL in between lost replayed cases,
    /// tests/durability/replay.rs.)
    fn settle_reads(&self) -> Result<(), Error> {
        self.store().commit(Batch::new())?;
        Ok(())
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

/// Opens `submission` in `tx`, recording its key beside the case.
fn open(
    tx: &mut Tx<'_>,
    actor: &Actor,
    submission: &Submission,
    keyed: Option<&Keyed<'_>>,
    now: DateTime<Utc>,
) -> Result<Case, Error> {
    let case = tx.open(&submission.city, &submission.case, actor, now)?;
    if let Some(keyed) = keyed {
        tx.batch().remember(IdempotencyRecord {
            key: keyed.scoped.clone(),
            fingerprint: keyed.fingerprint.clone(),
            case: case.id.clone(),
        });
    }
    Ok(case)
}

/// A submission's idempotency key: as the client sent it, scoped to the actor, and the
/// request's fingerprint.
struct Keyed<'a> {
    key: &'a str,
    scoped: String,
    fingerprint: String,
}

impl<'a> Keyed<'a> {
    fn new(actor: &Actor, key: &'a str, submission: &Submission) -> Keyed<'a> {
        Keyed {
            key,
            scoped: format!("{}\u{1f}{key}", actor.id),
            fingerprint: submission.fingerprint(),
        }
    }
}
