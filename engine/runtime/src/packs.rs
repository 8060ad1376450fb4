//! Reloading packs and the calendar while cases run, and the department registry that
//! recurring obligations address.

use crate::executor::Changes;
use crate::{context, Error, ReloadReport, Runtime};
use govflow_case::{recompute_provisional, settle};
use govflow_model::CityId;
use govflow_store::{Batch, CaseQuery, Expect};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::Ordering;

/// Cases read per page when recounting provisional deadlines.
const PAGE: usize = 500;

impl Runtime {
    /// Re-reads every pack and the calendar (see [`crate::Registry::reload`]). When a new
    /// calendar is served, every open provisional deadline is recounted on it and its
    /// timers re-armed. No timer fires between the swap and the recount, so none lapses on
    /// a count the new calendar has already replaced.
    pub fn reload(&self) -> Result<ReloadReport, Error> {
        let _no_firing = self.firing_lock();
        let report = self.registry().reload(self.clock().now());
        let metrics = self.metrics();
        metrics.reloads.fetch_add(1, Ordering::Relaxed);
        if !report.failed.is_empty() || report.calendar_failed {
            metrics.reload_failures.fetch_add(1, Ordering::Relaxed);
        }
        if !report.swapped.is_empty() {
            self.archive_served()?;
        }
        if report.calendar_swapped {
            let n = self.recompute_provisional()?;
            tracing::info!(
                cases = n,
                "a new calendar is served; provisional deadlines recounted"
            );
        }
        self.inner.wake.ring();
        Ok(report)
    }

    /// Recounts provisional deadlines once, before the first pass fires anything or the
    /// first action is decided: a schedule installed while the service was down (or a
    /// reload whose recount was cut short) settles them at start-up, before they lapse on
    /// the weekends-only count. Two callers racing both recount; the case revisions keep
    /// each change single.
    pub(crate) fn recount_at_start(&self) -> Result<(), Error> {
        if self.inner.recounted.load(Ordering::Acquire) {
            return Ok(());
        }
        let n = self.recompute_provisional()?;
        if n > 0 {
            tracing::info!(
                cases = n,
                "provisional deadlines recounted on the calendar served at start-up"
            );
        }
        self.inner.recounted.store(true, Ordering::Release);
        Ok(())
    }

    /// Recounts every open provisional deadline on the current calendar; returns the
    /// number of cases whose deadlines moved or became final.
    fn recompute_provisional(&self) -> Result<usize, Error> {
        let mut changed = 0;
        let mut query = CaseQuery {
            limit: PAGE,
            ..CaseQuery::default()
        };
        loop {
            let page = self.store().cases(&query)?;
            for case in &page.cases {
                if case.open_deadlines().any(|d| d.provisional) && self.recompute_one(&case.id)? {
                    changed += 1;
                }
            }
            match page.next {
                Some(next) => query.after = Some(next),
                None => break,
            }
        }
        self.metrics()
            .provisional_recomputed
            .fetch_add(changed as u64, Ordering::Relaxed);
        Ok(changed)
    }

    fn recompute_one(&self, id: &govflow_model::CaseId) -> Result<bool, Error> {
        for _ in 0..8 {
            let case = self.case(id)?;
            let pack = self.pack_of_case(&case)?;
            let calendar = self.registry().calendar();
            let ctx = context(&pack, &calendar, self.clock().now());
            let Some(transition) = recompute_provisional(&ctx, &case) else {
                return Ok(false);
            };
            let settled = settle(&ctx, transition, &mut || self.inner.ids.next());
            let mut changes = Changes::default();
            changes.add(
                settled,
                &HashMap::from([(case.id.clone(), Expect::Revision(case.revision))]),
            );
            match self.commit(changes) {
                Ok(()) => return Ok(true),
                Err(Error::Store(govflow_store::Error::Conflict(_))) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(Error::Busy(id.clone()))
    }

    /// Replaces the departments registered in `city` (who recurring obligations fall on).
    pub fn set_departments(&self, city: &CityId, names: BTreeSet<String>) -> Result<(), Error> {
        self.pack_of_city(city)?;
        let mut batch = Batch::new();
        batch.set_departments(city.clone(), names);
        self.store().commit(batch)?;
        Ok(())
    }
}
