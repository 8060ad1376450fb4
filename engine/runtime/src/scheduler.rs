//! Durable timers. Armed timers live in the store, indexed by due instant; one scheduler
//! thread sleeps until the earliest of them (or the next occurrence of a recurring
//! obligation), fires everything due, and sleeps again. A commit that arms an earlier
//! timer wakes it.
//!
//! **Exactly once.** Firing a timer and storing what it caused is one batch, which also
//! consumes the timer only if it is still armed for the same instant; a crash before the
//! commit leaves the timer armed (it fires at the next start), a crash after it leaves
//! nothing to fire again.
//!
//! **Throughput.** Due timers are fired up to [`CHUNK`] per batch, so 10,000 deadlines
//! falling due at once cost a few dozen flushes rather than 10,000. If a chunk conflicts
//! with a concurrent action, its timers are fired again one batch each.
//!
//! **The legal instant.** A timer is decided with `now` set to its own due instant, not to
//! the moment it happened to run, so a lapse caught up after a restart opens its penalty
//! case from the day the duty lapsed.

use crate::executor::Changes;
use crate::{context, Error, Runtime};
use chrono::{DateTime, Utc};
use govflow_case::{fire, settle};
use govflow_model::{Case, CaseId, TimerKind};
use govflow_store::{Conflict, Expect, Timer};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// The most timers fired in one batch.
pub const CHUNK: usize = 512;
/// The longest the scheduler sleeps without looking again (the system clock may jump).
const MAX_SLEEP: Duration = Duration::from_secs(30);

/// The scheduler's doorbell.
#[derive(Default)]
pub(crate) struct Wake {
    state: Mutex<WakeState>,
    bell: Condvar,
}

#[derive(Default)]
struct WakeState {
    /// When the scheduler plans to wake; `None` while it is running a pass.
    planned: Option<DateTime<Utc>>,
    rung: bool,
    stop: bool,
}

impl Wake {
    /// A commit armed a timer due at `at`: wake the scheduler if it would sleep past it.
    pub fn armed(&self, at: DateTime<Utc>) {
        let mut s = self.lock();
        if s.planned.is_none_or(|p| at < p) {
            s.rung = true;
            self.bell.notify_one();
        }
    }

    pub fn ring(&self) {
        self.lock().rung = true;
        self.bell.notify_one();
    }

    fn stop(&self) {
        self.lock().stop = true;
        self.bell.notify_one();
    }

    /// Sleeps until `until` (real time `timeout`), a ring or a stop; true when stopping.
    fn sleep(&self, planned: Option<DateTime<Utc>>, timeout: Duration) -> bool {
        let mut s = self.lock();
        s.planned = planned;
        if !s.rung && !s.stop {
            s = self
                .bell
                .wait_timeout_while(s, timeout, |s| !s.rung && !s.stop)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        s.rung = false;
        s.planned = None;
        s.stop
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, WakeState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The running scheduler thread; [`SchedulerHandle::stop`] ends it after its current pass.
pub struct SchedulerHandle {
    runtime: Runtime,
    thread: Option<JoinHandle<()>>,
}

impl SchedulerHandle {
    pub fn stop(self) {
        drop(self);
    }
}

/// Dropping the handle stops the thread too, so it never outlives its owner holding the
/// store open.
impl Drop for SchedulerHandle {
    fn drop(&mut self) {
        self.runtime.inner.wake.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What moving the simulated clock did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Advanced {
    pub now: DateTime<Utc>,
    /// Timers fired (warnings, lapses and stale ones consumed) and obligation occurrences
    /// handled during the move.
    pub fired: usize,
}

impl Runtime {
    /// Starts the scheduler thread. It fires whatever came due while the service was down
    /// before it first sleeps.
    pub fn start_scheduler(&self) -> SchedulerHandle {
        let runtime = self.clone();
        let thread = std::thread::Builder::new()
            .name("govflow-scheduler".into())
            .spawn(move || runtime.schedule_loop())
            .expect("spawning the scheduler thread");
        SchedulerHandle {
            runtime: self.clone(),
            thread: Some(thread),
        }
    }

    fn schedule_loop(&self) {
        loop {
            let result = {
                let _one = self.firing_lock();
                self.pass(self.clock().now())
            };
            let mut timeout = MAX_SLEEP;
            let mut planned = None;
            match result.and_then(|_| self.next_wake()) {
                Ok(Some(at)) => {
                    planned = Some(at);
                    if self.clock().simulated().is_none() {
                        let wait = (at - self.clock().now()).to_std().unwrap_or_default();
                        timeout = wait.min(MAX_SLEEP);
                    }
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(error = %e, "the scheduler's pass failed; retrying in a second");
                    timeout = Duration::from_secs(1);
                }
            }
            if self.inner.wake.sleep(planned, timeout) {
                tracing::info!("scheduler stopped");
                return;
            }
        }
    }

    /// Moves the simulated clock to `to`, firing every timer and obligation due by then in
    /// due order before returning.
    pub fn advance(&self, to: DateTime<Utc>) -> Result<Advanced, Error> {
        let clock = self.clock().simulated().ok_or(Error::NotSimulated)?;
        let _one = self.firing_lock();
        clock.begin_move(to)?;
        let mut fired = self.pass(self.clock().now())?;
        while let Some(at) = self.next_wake()?.filter(|at| *at <= to) {
            clock.step(at);
            fired += self.pass(at)?;
        }
        clock.step(to);
        fired += self.pass(to)?;
        self.inner.wake.ring();
        Ok(Advanced { now: to, fired })
    }

    /// The earliest instant something is due: an armed timer or an obligation's next
    /// occurrence.
    pub(crate) fn next_wake(&self) -> Result<Option<DateTime<Utc>>, Error> {
        let timer = self.store().next_due()?.map(|t| t.at);
        let obligation = self.next_occurrence()?;
        Ok(timer.into_iter().chain(obligation).min())
    }

    pub(crate) fn firing_lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.inner.firing.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Fires every timer and obligation due at `now`; returns how many.
    fn pass(&self, now: DateTime<Utc>) -> Result<usize, Error> {
        self.recount_at_start()?;
        let mut fired = self.run_obligations(now)?;
        loop {
            let due = self.store().due_by(now, CHUNK)?;
            if due.is_empty() {
                return Ok(fired);
            }
            fired += due.len();
            match self.fire_chunk(&due) {
                Err(Error::Store(govflow_store::Error::Conflict(_))) => {
                    for timer in &due {
                        self.fire_alone(timer)?;
                    }
                }
                other => other?,
            }
        }
    }

    /// Fires `timer` in a batch of its own, deciding again if its case changes meanwhile.
    pub(crate) fn fire_alone(&self, timer: &Timer) -> Result<(), Error> {
        for _ in 0..8 {
            match self.fire_chunk(std::slice::from_ref(timer)) {
                Err(Error::Store(govflow_store::Error::Conflict(Conflict::TimerMoved {
                    ..
                }))) => return Ok(()),
                Err(Error::Store(govflow_store::Error::Conflict(_))) => continue,
                other => return other,
            }
        }
        Err(Error::Busy(timer.case.clone()))
    }

    /// Fires `timers` (earliest first) in one batch.
    fn fire_chunk(&self, timers: &[Timer]) -> Result<(), Error> {
        let calendar = self.registry().calendar();
        let mut cases: HashMap<CaseId, Case> = HashMap::new();
        let mut expects: HashMap<CaseId, Expect> = HashMap::new();
        let mut changes = Changes::default();
        let (mut warnings, mut lapses, mut stale) = (0, 0, 0);
        for timer in timers {
            changes.batch.fire(timer.clone());
            let case = match cases.get(&timer.case) {
                Some(case) => case.clone(),
                None => match self.store().case(&timer.case)? {
                    Some(case) => {
                        expects.insert(case.id.clone(), Expect::Revision(case.revision));
                        case
                    }
                    None => {
                        tracing::error!(timer = %timer.key(), "a timer's case is missing; dropping the timer");
                        continue;
                    }
                },
            };
            let pack = match self.pack_of_case(&case) {
                Ok(pack) => pack,
                Err(e) => {
                    tracing::error!(timer = %timer.key(), error = %e, "no pack governs the timer's case; dropping the timer");
                    continue;
                }
            };
            // A timer armed before the case was known (a request filed late, its deadline
            // already past) is decided when the case was opened.
            let ctx = context(&pack, &calendar, timer.at.max(case.created_at));
            let Some(transition) = fire(&ctx, &case, &timer.deadline, timer.kind) else {
                stale += 1;
                continue;
            };
            match timer.kind {
                TimerKind::Warning => warnings += 1,
                TimerKind::Lapse => lapses += 1,
            }
            let settled = settle(&ctx, transition, &mut || self.inner.ids.next());
            for case in &settled.cases {
                cases.insert(case.id.clone(), case.clone());
            }
            let mut settled = settled;
            // Each case is put once, at its final revision, checked against the revision
            // it was read at.
            let written: Vec<CaseId> = settled.cases.iter().map(|c| c.id.clone()).collect();
            settled.cases.clear();
            changes.add(settled, &expects);
            for id in written {
                expects.entry(id).or_insert(Expect::New);
            }
        }
        let mut ids: Vec<&CaseId> = cases.keys().collect();
        ids.sort();
        for id in ids {
            let expect = expects.get(id).copied().unwrap_or(Expect::New);
            changes.put_case(cases[id].clone(), expect);
        }
        self.commit(changes)?;
        let metrics = self.metrics();
        metrics
            .warnings_fired
            .fetch_add(warnings, Ordering::Relaxed);
        metrics.lapses_fired.fetch_add(lapses, Ordering::Relaxed);
        metrics.stale_timers.fetch_add(stale, Ordering::Relaxed);
        for timer in timers {
            metrics
                .timer_lateness_seconds
                .observe(self.clock().lateness(timer.at));
        }
        Ok(())
    }
}
