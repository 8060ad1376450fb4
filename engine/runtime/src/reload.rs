//! Reloading packs and the calendar while cases run, and recounting provisional deadlines
//! when a new calendar is served.

use crate::{Error, ReloadReport, Runtime};
use std::sync::atomic::Ordering;

impl Runtime {
    /// Re-reads every pack and the calendar (see [`crate::Registry::reload`]) and
    /// publishes what is served for every node on the store (see `published`). When a new
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
        self.publish()?;
        self.settle(&report)?;
        Ok(report)
    }

    /// What serving other packs or another calendar calls for, on the node that reloaded
    /// and on every node that follows: versions missing before may be readable now, a new
    /// calendar recounts provisional deadlines, and the scheduler looks again. Called
    /// with the firing lock held.
    pub(crate) fn settle(&self, report: &ReloadReport) -> Result<(), Error> {
        self.inner.missing.forget();
        if report.calendar_swapped {
            let n = self.recompute_provisional()?;
            tracing::info!(
                cases = n,
                "a new calendar is served; provisional deadlines recounted"
            );
        }
        self.inner.wake.ring();
        Ok(())
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
}
