//! Recurring obligations: at each occurrence of a pack's cron expression (Asia/Shanghai)
//! one case per registered department of the city, per department registered for the
//! obligation, or one for the city's authority; each for the obligation's period and
//! starting in its initial state.
//!
//! Each obligation's last handled occurrence is stored; an occurrence's cases and the new
//! mark are one batch, checked against the previous mark, so an occurrence is handled
//! exactly once across restarts and concurrent passes. Occurrences missed while the
//! service was down are caught up at start-up, each once: a missed annual report is still
//! owed. An obligation the service sees for the first time starts counting from then; it
//! does not open cases for occurrences before it was loaded.

use crate::{Error, Runtime};
use chrono::Datelike;
use chrono::{DateTime, Utc};
use cron::Schedule;
use govflow_case::{OpenCase, Refusal};
use govflow_loader::LoadedPack;
use govflow_model::{Actor, CityId, DepartmentRegistry, Recurring, RecurringScope, SHANGHAI};
use govflow_store::{Batch, Conflict};
use serde_json::Map;
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
    /// Replaces the department registry of `city` (who recurring obligations fall on). An
    /// obligation named in it must be one of the city's `scope: registered` obligations,
    /// and each department it lists one of the registry's departments.
    pub fn set_departments(
        &self,
        city: &CityId,
        registry: DepartmentRegistry,
    ) -> Result<(), Error> {
        let pack = self.pack_of_city(city)?;
        for obligation in registry.obligations.keys() {
            let registered = pack
                .pack
                .recurring
                .iter()
                .any(|r| &r.id == obligation && r.scope == RecurringScope::Registered);
            if !registered {
                let offered: Vec<&str> = pack
                    .pack
                    .recurring
                    .iter()
                    .filter(|r| r.scope == RecurringScope::Registered)
                    .map(|r| r.id.as_str())
                    .collect();
                return Err(Refusal::InvalidField {
                    field: format!("obligations.{obligation}"),
                    help: format!(
                        "`{city}` has no recurring obligation `{obligation}` with `scope: registered`; those it has: {}",
                        if offered.is_empty() { "none".to_owned() } else { offered.join(", ") }
                    ),
                }
                .into());
            }
        }
        if let Some((obligation, name)) = registry.unknown_department() {
            return Err(Refusal::InvalidField {
                field: format!("obligations.{obligation}"),
                help: format!(
                    "`{name}` is not among the registry's `departments`; list it there too"
                ),
            }
            .into());
        }
        let mut batch = Batch::new();
        batch.set_departments(city.clone(), registry);
        self.store().commit(batch)?;
        Ok(())
    }

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
                self.handled_elsewhere(self.transact(|tx| {
                    tx.batch().mark_cron(&o.key, None, now);
                    Ok(())
                }))?;
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

    /// A lost race for the mark means another pass handled the occurrence; nothing to do.
    fn handled_elsewhere(&self, result: Result<(), Error>) -> Result<(), Error> {
        match result {
            Err(e) if matches!(e.conflict(), Some(Conflict::CronMoved { .. })) => Ok(()),
            other => other,
        }
    }

    /// Opens the cases of one occurrence and records it, in one transaction.
    fn occur(
        &self,
        o: &Obligation,
        previous: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        let bodies: Vec<String> = match &o.rule.scope {
            RecurringScope::Departments | RecurringScope::Registered => self
                .store()
                .departments(&o.pack.pack.city)?
                .bodies(&o.rule.scope, &o.rule.id)
                .into_iter()
                .collect(),
            RecurringScope::Role(role) => o
                .pack
                .pack
                .roles
                .get(role)
                .map(|r| vec![r.name.clone()])
                .unwrap_or_default(),
        };
        if bodies.is_empty() {
            tracing::warn!(obligation = %o.key, %at,
                "no department is registered for this obligation; the occurrence opens no case");
        }
        let local_year = at.with_timezone(&SHANGHAI).year();
        let period = o.rule.period.map(|p| p.of(local_year));
        let year = period.unwrap_or(local_year);
        let opened = self.transact(|tx| {
            let mut opened = 0;
            for body in &bodies {
                let request = OpenCase {
                    procedure: o.rule.procedure.clone(),
                    received_at: Some(at),
                    provider: Some(body.clone()),
                    subject: Some(format!("{} {year} ({})", o.rule.id, o.rule.basis.article)),
                    period,
                    data: Map::from_iter([
                        ("obligation".to_owned(), o.rule.id.clone().into()),
                        ("occurrence".to_owned(), at.to_rfc3339().into()),
                    ]),
                    parent: None,
                    start: o.rule.initial.clone(),
                };
                match tx.open(&o.pack.pack.city, &request, &Actor::system(), at) {
                    Ok(_) => opened += 1,
                    Err(Error::Refused(refusal)) => {
                        tracing::warn!(obligation = %o.key, department = %body, %refusal,
                        "the obligation's case could not be opened")
                    }
                    Err(e) => return Err(e),
                }
            }
            tx.batch().mark_cron(&o.key, Some(previous), at);
            Ok(opened)
        });
        match opened {
            Ok(opened) => {
                self.metrics()
                    .obligation_cases
                    .fetch_add(opened, Ordering::Relaxed);
                Ok(())
            }
            Err(e) => self.handled_elsewhere(Err(e)),
        }
    }
}

fn following(schedule: &Schedule, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    schedule
        .after(&after.with_timezone(&SHANGHAI))
        .next()
        .map(|t| t.with_timezone(&Utc))
}
