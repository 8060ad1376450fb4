//! Recurring obligations: at each occurrence of a pack's cron expression (Asia/Shanghai)
//! one case per registered department of the city (or one for the city's authority).
//!
//! Each obligation's last handled occurrence is stored; an occurrence's cases and the new
//! mark are one batch, checked against the previous mark, so an occurrence is handled
//! exactly once across restarts and concurrent passes. Occurrences missed while the
//! service was down are caught up at start-up, each once: a missed annual report is still
//! owed. An obligation the service sees for the first time starts counting from then; it
//! does not open cases for occurrences before it was loaded.

use crate::executor::Changes;
use crate::{context, Error, Runtime};
use chrono::{DateTime, Utc};
use cron::Schedule;
use govflow_case::{open, settle, OpenCase};
use govflow_loader::LoadedPack;
use govflow_model::{Actor, Recurring, RecurringScope, RoleId, SHANGHAI};
use serde_json::Map;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::atomic::Ordering;

/// The most occurrences of one obligation caught up in one pass.
const CATCH_UP_LIMIT: usize = 100;

struct Obligation {
    key: String,
    pack: LoadedPack,
    rule: Recurring,
    schedule: Schedule,
}

impl Runtime {
    fn obligations(&self) -> Vec<Obligation> {
        let mut all = Vec::new();
        for (city, entry) in self.registry().cities().iter() {
            let Some(pack) = &entry.pack else { continue };
            for rule in &pack.pack.recurring {
                // The loader has checked the expression.
                let Ok(schedule) = Schedule::from_str(&rule.cron) else {
                    continue;
                };
                all.push(Obligation {
                    key: format!("{city}/{}", rule.id),
                    pack: pack.clone(),
                    rule: rule.clone(),
                    schedule,
                });
            }
        }
        all
    }

    /// The next occurrence of any obligation after its last handled one.
    pub(crate) fn next_occurrence(&self) -> Result<Option<DateTime<Utc>>, Error> {
        let mut next: Option<DateTime<Utc>> = None;
        for o in self.obligations() {
            let Some(last) = self.store().last_occurrence(&o.key)? else {
                continue;
            };
            if let Some(at) = following(&o.schedule, last) {
                next = Some(next.map_or(at, |n| n.min(at)));
            }
        }
        Ok(next)
    }

    /// Handles every occurrence due by `now`; returns how many.
    pub(crate) fn run_obligations(&self, now: DateTime<Utc>) -> Result<usize, Error> {
        let mut handled = 0;
        for o in self.obligations() {
            let mut last = self.store().last_occurrence(&o.key)?;
            if last.is_none() {
                let mut changes = Changes::default();
                changes.batch.mark_cron(&o.key, None, now);
                self.commit_mark(changes)?;
                continue;
            }
            for _ in 0..CATCH_UP_LIMIT {
                let Some(previous) = last else { break };
                let Some(at) = following(&o.schedule, previous).filter(|at| *at <= now) else {
                    break;
                };
                self.occur(&o, previous, at)?;
                handled += 1;
                last = Some(at);
            }
        }
        Ok(handled)
    }

    /// A lost race for the mark means another pass handled it; nothing to do.
    fn commit_mark(&self, changes: Changes) -> Result<(), Error> {
        match self.commit(changes) {
            Err(Error::Store(govflow_store::Error::Conflict(_))) => Ok(()),
            other => other,
        }
    }

    /// Opens the cases of one occurrence and records it, in one batch.
    fn occur(
        &self,
        o: &Obligation,
        previous: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        let calendar = self.registry().calendar();
        let ctx = context(&o.pack, &calendar, at);
        let bodies = match o.rule.scope {
            RecurringScope::Departments => self
                .store()
                .departments(&o.pack.pack.city)?
                .into_iter()
                .collect(),
            RecurringScope::Authority => o
                .pack
                .pack
                .roles
                .get(&RoleId::from("authority"))
                .map(|r| vec![r.name.clone()])
                .unwrap_or_default(),
        };
        if bodies.is_empty() {
            tracing::warn!(obligation = %o.key, %at,
                "no department is registered for this obligation; the occurrence opens no case");
        }
        let mut changes = Changes::default();
        let year = at.with_timezone(&SHANGHAI).format("%Y");
        for body in &bodies {
            let request = OpenCase {
                procedure: o.rule.procedure.clone(),
                received_at: Some(at),
                provider: Some(body.clone()),
                subject: Some(format!("{} {year} ({})", o.rule.id, o.rule.basis.article)),
                data: Map::from_iter([
                    ("obligation".to_owned(), o.rule.id.clone().into()),
                    ("occurrence".to_owned(), at.to_rfc3339().into()),
                ]),
                parent: None,
            };
            match open(&ctx, self.inner.ids.next(), &request, &Actor::system()) {
                Ok(t) => changes.add(
                    settle(&ctx, t, &mut || self.inner.ids.next()),
                    &HashMap::new(),
                ),
                Err(refusal) => tracing::warn!(obligation = %o.key, department = %body, %refusal,
                    "the obligation's case could not be opened"),
            }
        }
        changes.batch.mark_cron(&o.key, Some(previous), at);
        let opened = bodies.len() as u64;
        self.commit_mark(changes)?;
        self.metrics()
            .obligation_cases
            .fetch_add(opened, Ordering::Relaxed);
        Ok(())
    }
}

fn following(schedule: &Schedule, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    schedule
        .after(&after.with_timezone(&SHANGHAI))
        .next()
        .map(|t| t.with_timezone(&Utc))
}
