//! Commands from outside: submitting a case and acting on one. Each is decided by the
//! pure case machine, settled, and committed as one batch; an optimistic conflict (another
//! command changed the case first) re-reads and decides again.

use crate::{context, Error, Runtime};
use chrono::{DateTime, Utc};
use govflow_case::{act, lapse_instant, open, settle, OpenCase, Settled, TimerChange};
use govflow_loader::LoadedPack;
use govflow_model::{Actor, Case, CaseId, CityId, TimerKind};
use govflow_store::{Batch, Conflict, Expect, IdempotencyRecord, Timer, TimerKey};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// How often a command is decided again after losing a race for the same case.
const ATTEMPTS: usize = 8;

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
        let canonical = json!({
            "city": self.city,
            "procedure": c.procedure,
            "received_at": c.received_at,
            "provider": c.provider,
            "subject": c.subject,
            "data": c.data,
        });
        let digest = Sha256::digest(canonical.to_string().as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl Runtime {
    /// Opens a case. With an idempotency key, a repeat of the same request returns the case
    /// the first one created; the key scoped to the actor, so clients cannot collide.
    pub fn submit(
        &self,
        actor: &Actor,
        submission: &Submission,
        idempotency_key: Option<&str>,
    ) -> Result<Submitted, Error> {
        let scoped = idempotency_key.map(|k| format!("{}\u{1f}{k}", actor.id));
        // Only a keyed request is ever compared with an earlier one.
        let fingerprint = if scoped.is_some() {
            submission.fingerprint()
        } else {
            String::new()
        };
        if let Some(scoped) = &scoped {
            if let Some(record) = self.store().idempotency(scoped)? {
                return self.replay(record, &fingerprint, idempotency_key.unwrap_or_default());
            }
        }
        let pack = self.pack_of_city(&submission.city)?;
        let calendar = self.registry().calendar();
        let ctx = context(&pack, &calendar, self.clock().now());
        for _ in 0..ATTEMPTS {
            let id = self.inner.ids.next();
            let transition = open(&ctx, id.clone(), &submission.case, actor).inspect_err(|r| {
                self.metrics().refused(r.code());
            })?;
            let settled = settle(&ctx, transition, &mut || self.inner.ids.next());
            let case = settled.cases[0].clone();
            let mut changes = Changes::default();
            changes.add(settled, &HashMap::new());
            if let Some(key) = &scoped {
                changes.batch.remember(IdempotencyRecord {
                    key: key.clone(),
                    fingerprint: fingerprint.clone(),
                    case: id.clone(),
                });
            }
            match self.commit(changes) {
                Ok(()) => {
                    return Ok(Submitted {
                        case,
                        replayed: false,
                    })
                }
                Err(Error::Store(govflow_store::Error::Conflict(
                    Conflict::IdempotencyKeyTaken { .. },
                ))) => {
                    let key = scoped.as_deref().unwrap_or_default();
                    if let Some(record) = self.store().idempotency(key)? {
                        return self.replay(
                            record,
                            &fingerprint,
                            idempotency_key.unwrap_or_default(),
                        );
                    }
                }
                // An id collision (clock set back): take the next id.
                Err(Error::Store(govflow_store::Error::Conflict(Conflict::CaseRevision {
                    expected: None,
                    ..
                }))) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(Error::Busy(CaseId::new("(new case)")))
    }

    fn replay(
        &self,
        record: IdempotencyRecord,
        fingerprint: &str,
        key: &str,
    ) -> Result<Submitted, Error> {
        if record.fingerprint != fingerprint {
            return Err(Error::IdempotencyMismatch {
                key: key.to_owned(),
                case: record.case,
            });
        }
        let case = self
            .store()
            .case(&record.case)?
            .ok_or(Error::CaseNotFound(record.case))?;
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
        for _ in 0..ATTEMPTS {
            let now = self.clock().now();
            let mut case = self.case(id)?;
            if self.fire_overdue_timers(&case, now)? {
                case = self.case(id)?;
            }
            let pack = self.pack_of_case(&case)?;
            let calendar = self.registry().calendar();
            let ctx = context(&pack, &calendar, now);
            let transition = act(&ctx, &case, action, data, actor).inspect_err(|r| {
                self.metrics().refused(r.code());
            })?;
            let settled = settle(&ctx, transition, &mut || self.inner.ids.next());
            let after = settled.cases[0].clone();
            let mut changes = Changes::default();
            changes.add(
                settled,
                &HashMap::from([(case.id.clone(), Expect::Revision(case.revision))]),
            );
            match self.commit(changes) {
                Ok(()) => {
                    self.metrics().actions.fetch_add(1, Ordering::Relaxed);
                    return Ok(after);
                }
                Err(Error::Store(govflow_store::Error::Conflict(Conflict::CaseRevision {
                    ..
                }))) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(Error::Busy(id.clone()))
    }

    /// Fires the timers of `case` that fell due by `now` but have not fired yet (the
    /// scheduler lags a little, and after a restart until its first pass ends), so an
    /// action is decided after every warning and lapse the law puts before it: a reply
    /// after the due date is late even if the lapse timer had not run. Returns whether
    /// any fired; each is consumed once, whoever fires it first.
    fn fire_overdue_timers(&self, case: &Case, now: DateTime<Utc>) -> Result<bool, Error> {
        let overdue = case.open_deadlines().any(|d| {
            now >= lapse_instant(d.due_date) || (!d.warned && d.warn_at.is_some_and(|w| w <= now))
        });
        if !overdue {
            return Ok(false);
        }
        let mut due = Vec::new();
        for d in case.open_deadlines() {
            for kind in [TimerKind::Warning, TimerKind::Lapse] {
                let key = TimerKey {
                    case: case.id.clone(),
                    deadline: d.name.clone(),
                    kind,
                };
                if let Some(timer) = self.store().timer(&key)?.filter(|t| t.at <= now) {
                    due.push(timer);
                }
            }
        }
        due.sort_by_key(|t| (t.at, t.key()));
        for timer in &due {
            self.fire_alone(timer)?;
        }
        Ok(!due.is_empty())
    }

    pub fn case(&self, id: &CaseId) -> Result<Case, Error> {
        self.store()
            .case(id)?
            .ok_or_else(|| Error::CaseNotFound(id.clone()))
    }

    pub(crate) fn pack_of_city(&self, city: &CityId) -> Result<LoadedPack, Error> {
        self.registry()
            .current(city)
            .ok_or_else(|| Error::UnknownCity {
                city: city.clone(),
                served: self.served_cities(),
            })
    }

    pub(crate) fn served_cities(&self) -> String {
        let cities = self.registry().cities();
        let served: Vec<&str> = cities
            .iter()
            .filter(|(_, c)| c.pack.is_some())
            .map(|(id, _)| id.as_str())
            .collect();
        served.join(", ")
    }

    /// Commits `changes`, timing it and waking the scheduler when it armed a timer.
    pub(crate) fn commit(&self, changes: Changes) -> Result<(), Error> {
        let started = Instant::now();
        self.store().commit(changes.batch)?;
        self.metrics().commit_seconds.observe(started.elapsed());
        self.metrics()
            .cases_opened
            .fetch_add(changes.opened, Ordering::Relaxed);
        for problem in &changes.problems {
            tracing::warn!("{problem}");
        }
        if let Some(at) = changes.earliest_arm {
            self.inner.wake.armed(at);
        }
        Ok(())
    }
}

/// What one commit changes: a store batch plus what the runtime reports about it.
#[derive(Default)]
pub(crate) struct Changes {
    pub batch: Batch,
    opened: u64,
    earliest_arm: Option<DateTime<Utc>>,
    problems: Vec<String>,
}

impl Changes {
    /// Puts `case`, checked against `expect`.
    pub fn put_case(&mut self, case: Case, expect: Expect) {
        if expect == Expect::New {
            self.opened += 1;
        }
        self.batch.put_case(case, expect);
    }

    /// Adds `settled`: each case put with the revision it was read at (`expects`; cases
    /// not in it are new and must not exist yet), then its timer changes and events.
    pub fn add(&mut self, settled: Settled, expects: &HashMap<CaseId, Expect>) {
        for case in settled.cases {
            let expect = expects.get(&case.id).copied().unwrap_or(Expect::New);
            self.put_case(case, expect);
        }
        for change in settled.timers {
            match change {
                TimerChange::Arm {
                    case,
                    deadline,
                    kind,
                    at,
                } => {
                    self.earliest_arm = Some(self.earliest_arm.map_or(at, |e| e.min(at)));
                    self.batch.arm(Timer {
                        case,
                        deadline,
                        kind,
                        at,
                    })
                }
                TimerChange::Cancel {
                    case,
                    deadline,
                    kind,
                } => self.batch.cancel(TimerKey {
                    case,
                    deadline,
                    kind,
                }),
            };
        }
        for event in settled.events {
            self.batch.emit(event);
        }
        self.problems.extend(settled.problems);
    }
}
