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
//! **Several nodes.** Each pass claims the due timers it fires (`Timers::claim_due`), so
//! nodes on one database share the work instead of racing for the same timers, and a
//! node that dies or freezes holds its claims for [`CLAIM_LEASE`] at most. Recurring
//! obligations are handled by the node that leads them (`Store::lead`, for
//! [`OBLIGATIONS_LEASE`]), and by a node moving the simulated clock during its move;
//! their conditional marks keep each occurrence single if two overlap.
//!
//! **Throughput.** Due timers are fired up to [`CHUNK`] per transaction, so 10,000
//! deadlines falling due at once cost a few dozen flushes rather than 10,000. A pass
//! decides the next chunk while the one before commits on a thread of its own; a chunk
//! that loses a race with a concurrent action, or with the chunk before it for a case
//! both hold, is read and decided again (see `transact`). Timers of different cases may
//! then fire in a slightly different order than their instants, which changes nothing:
//! each is decided at its own instant.
//!
//! **The legal instant.** A timer is decided at its own due instant, not at the moment it
//! happened to run (`govflow_case::Command::Fire`), so a lapse caught up after a restart
//! opens its penalty case from the day the duty lapsed.

use crate::transact::Tx;
use crate::{Backwards, Clock, Error, Runtime};
use chrono::{DateTime, Utc};
use govflow_model::{CaseId, Timer, TimerKey};
use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::{Condvar, Mutex};
use std::thread::{JoinHandle, ScopedJoinHandle};
use std::time::Duration;

/// The most timers fired in one batch.
pub const CHUNK: usize = 512;
/// The longest the scheduler sleeps without looking again (the system clock may jump, and
/// another node may have armed an earlier timer and died).
const MAX_SLEEP: Duration = Duration::from_secs(30);
/// How long due timers claimed by this node are its own to fire (see
/// `Timers::claim_due`): if the node dies or freezes, another fires them once it passes.
pub const CLAIM_LEASE: Duration = Duration::from_secs(10);
/// How long to wait before looking again when what is due is held by another node.
const HELD_ELSEWHERE: Duration = Duration::from_millis(200);
/// How long the node handling recurring obligations for the cluster holds that role
/// without renewing it (it renews at every pass, at least every [`MAX_SLEEP`]); another
/// node takes over within about a lease of its death. An occurrence handled that late
/// still opens its cases from the occurrence's own instant.
pub const OBLIGATIONS_LEASE: Duration = Duration::from_secs(60);

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

/// The running scheduler thread, and the thread following the packs other nodes publish
/// (`published`); [`SchedulerHandle::stop`] ends them after their current pass.
pub struct SchedulerHandle {
    runtime: Runtime,
    thread: Option<JoinHandle<()>>,
    follower: Option<crate::published::Follower>,
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
        self.follower.take();
        self.runtime.inner.wake.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A move of the simulated clock under way ([`Runtime::moving`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moving {
    pub to: DateTime<Utc>,
    /// When it began (real time).
    pub since: DateTime<Utc>,
    /// Timers and obligation occurrences it handled so far.
    pub fired: usize,
}

/// A move of the simulated clock begun with [`Runtime::begin_move`]; it ends, however it
/// ends, when this is dropped.
pub struct Move {
    runtime: Runtime,
    to: DateTime<Utc>,
}

impl Move {
    /// Fires every timer and obligation due by the move's end, in due order, then leaves
    /// the clock there. A stop ([`Runtime::stop_work`]) ends it between two chunks with
    /// [`Error::Stopping`]; the shared clock already says where the move goes, so what
    /// is left fires, once, at the next start.
    pub fn run(self) -> Result<Advanced, Error> {
        let (rt, to) = (&self.runtime, self.to);
        let clock = rt.clock().simulated().ok_or(Error::NotSimulated)?;
        let _one = rt.firing_lock();
        clock.begin_move(to)?;
        rt.move_shared_clock(clock, to)?;
        let mut fired = rt.pass(rt.clock().now(), Obligations::Here)?;
        let mut last = None;
        while let Some(at) = rt.next_wake()?.filter(|at| *at <= to) {
            rt.check_stopping()?;
            clock.step(at);
            let now_fired = rt.pass(at, Obligations::Here)?;
            if now_fired == 0 && last == Some(at) {
                std::thread::sleep(HELD_ELSEWHERE);
            }
            last = Some(at);
            fired += now_fired;
        }
        clock.step(to);
        fired += rt.pass(to, Obligations::Here)?;
        rt.inner.wake.ring();
        Ok(Advanced { now: to, fired })
    }
}

impl Drop for Move {
    fn drop(&mut self) {
        *self
            .runtime
            .inner
            .moving
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = None;
    }
}

impl Runtime {
    /// Adds `n` to the move under way, if any (passes run one at a time, so during a
    /// move every pass is the move's).
    fn count_moved(&self, n: usize) {
        if let Some(m) = self
            .inner
            .moving
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_mut()
        {
            m.fired += n;
        }
    }
}

/// Where a pass handles recurring obligations.
#[derive(Clone, Copy)]
enum Obligations {
    /// On this node: it is moving the simulated clock, and the move returns once
    /// everything due by its end was handled.
    Here,
    /// Only if this node leads them for the cluster.
    IfLeading,
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
            follower: Some(crate::published::Follower::start(self.clone())),
        }
    }

    fn schedule_loop(&self) {
        loop {
            let result = self.run_due();
            // A simulated clock moves when a node is told to: look for a move elsewhere.
            let mut timeout = match self.clock().simulated() {
                Some(_) => crate::shared_clock::FOLLOW_EVERY,
                None => MAX_SLEEP,
            };
            let mut planned = None;
            let fired_any = result.as_ref().is_ok_and(|fired| *fired > 0);
            match result.and_then(|_| self.next_wake()) {
                Ok(Some(at)) => {
                    planned = Some(at);
                    if self.clock().simulated().is_none() {
                        let wait = (at - self.clock().now()).to_std().unwrap_or_default();
                        timeout = wait.min(MAX_SLEEP);
                        if timeout.is_zero() && !fired_any {
                            timeout = HELD_ELSEWHERE;
                        }
                    }
                }
                Ok(None) => {}
                Err(Error::Stopping) => {}
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
    /// due order before returning: [`Runtime::begin_move`] then [`Move::run`].
    pub fn advance(&self, to: DateTime<Utc>) -> Result<Advanced, Error> {
        self.begin_move(to)?.run()
    }

    /// Starts a move of the simulated clock to `to` (checked now: the clock is simulated,
    /// `to` is not before it, and no other move is under way on this node, else
    /// [`Error::ClockMoving`]); [`Move::run`] makes it. Until the move ends
    /// [`Runtime::moving`] tells how far it got.
    pub fn begin_move(&self, to: DateTime<Utc>) -> Result<Move, Error> {
        let clock = self.clock().simulated().ok_or(Error::NotSimulated)?;
        let mut moving = self.inner.moving.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(m) = moving.as_ref() {
            return Err(Error::ClockMoving {
                to: m.to,
                since: m.since,
            });
        }
        if to < clock.now() {
            return Err(Backwards {
                now: clock.now(),
                requested: to,
            }
            .into());
        }
        *moving = Some(Moving {
            to,
            since: Utc::now(),
            fired: 0,
        });
        Ok(Move {
            runtime: self.clone(),
            to,
        })
    }

    /// The move of the simulated clock under way on this node, if one is.
    pub fn moving(&self) -> Option<Moving> {
        self.inner
            .moving
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Stops firing between two chunks from now on: a pass or a move under way returns
    /// [`Error::Stopping`] at its next chunk (SIGTERM: the service stops within a chunk's
    /// commit, and what is still due fires once at the next start).
    pub fn stop_work(&self) {
        self.inner.stopping.store(true, Ordering::Release);
        self.inner.wake.ring();
    }

    pub(crate) fn check_stopping(&self) -> Result<(), Error> {
        match self.inner.stopping.load(Ordering::Acquire) {
            true => Err(Error::Stopping),
            false => Ok(()),
        }
    }

    /// The earliest instant something is due: an armed timer (other than those waiting for
    /// a missing pack version) or an obligation's next occurrence.
    pub(crate) fn next_wake(&self) -> Result<Option<DateTime<Utc>>, Error> {
        let timer = self
            .unblocked(1, |n| self.store().due_by(DateTime::<Utc>::MAX_UTC, n))?
            .first()
            .map(|t| t.at);
        let obligation = self.next_occurrence()?;
        Ok(timer.into_iter().chain(obligation).min())
    }

    /// Up to `limit` of the timers `read(n)` gives, passing over those of cases whose
    /// pack version is missing (they wait for a reload), reading more while those fill
    /// the page.
    fn unblocked(
        &self,
        limit: usize,
        read: impl Fn(usize) -> Result<Vec<Timer>, govflow_store::Error>,
    ) -> Result<Vec<Timer>, Error> {
        let blocked = self.inner.missing.blocked().clone();
        let mut wanted = limit + blocked.len();
        loop {
            let read = read(wanted)?;
            let complete = read.len() < wanted;
            let kept: Vec<Timer> = read
                .into_iter()
                .filter(|t| !blocked.contains(&t.case))
                .take(limit)
                .collect();
            if kept.len() == limit || complete {
                return Ok(kept);
            }
            wanted *= 2;
        }
    }

    pub(crate) fn firing_lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.inner.firing.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Fires every timer and obligation due at the clock's time, as the scheduler's pass
    /// does (at start-up: everything that fell due while the service was down); returns
    /// how many.
    pub fn run_due(&self) -> Result<usize, Error> {
        let _one = self.firing_lock();
        self.follow_shared_clock()?;
        self.pass(self.clock().now(), Obligations::IfLeading)
    }

    /// Fires every timer (and, as `obligations` says, every obligation) due at `now`;
    /// returns how many.
    fn pass(&self, now: DateTime<Utc>, obligations: Obligations) -> Result<usize, Error> {
        self.recount_at_start()?;
        let here = match obligations {
            Obligations::Here => true,
            Obligations::IfLeading => self.inner.obligations_lead.holds(self.store())?,
        };
        let mut fired = if here { self.run_obligations(now)? } else { 0 };
        self.count_moved(fired);
        std::thread::scope(|scope| {
            // The chunk committing on its own thread while this one claims and decides the
            // next: its timers stay in the due index until its commit, so they are skipped.
            let mut committing: Option<(HashSet<TimerKey>, ScopedJoinHandle<'_, _>)> = None;
            loop {
                let decided = self.check_stopping().and_then(|()| {
                    let skip = committing.as_ref().map(|(keys, _)| keys);
                    let due = self.next_chunk(now, skip)?;
                    match due.is_empty() {
                        true => Ok(None),
                        false => self.decide_chunk(due, now).map(Some),
                    }
                });
                let was_committing = committing.is_some();
                if let Some((_, previous)) = committing.take() {
                    fired += previous
                        .join()
                        .unwrap_or_else(|p| std::panic::resume_unwind(p))?;
                }
                let Some(chunk) = decided? else {
                    // What the chunk before armed may be due already: look again after it.
                    match was_committing {
                        true => continue,
                        false => return Ok(fired),
                    }
                };
                let keys = chunk.timers.iter().map(Timer::key).collect();
                committing = Some((keys, scope.spawn(move || self.commit_chunk(chunk, now))));
            }
        })
    }

    /// The next due timers to fire, up to [`CHUNK`], earliest first, leaving out those in
    /// `skip` (a chunk still committing) and those of cases whose pack version is missing.
    fn next_chunk(
        &self,
        now: DateTime<Utc>,
        skip: Option<&HashSet<TimerKey>>,
    ) -> Result<Vec<Timer>, Error> {
        let skipped = skip.map_or(0, HashSet::len);
        let due = self.unblocked(CHUNK + skipped, |n| {
            self.store().claim_due(now, n, CLAIM_LEASE)
        })?;
        Ok(due
            .into_iter()
            .filter(|t| skip.is_none_or(|keys| !keys.contains(&t.key())))
            .take(CHUNK)
            .collect())
    }

    /// Decides `timers` (earliest first) as one attempt, not yet committed. A timer whose
    /// case's pack version cannot be read stays armed and is passed over until a reload.
    fn decide_chunk(&self, timers: Vec<Timer>, now: DateTime<Utc>) -> Result<Chunk<'_>, Error> {
        let (tx, blocked) = self.decide_once(|tx| fire_each(tx, &timers, now))?;
        Ok(Chunk {
            timers,
            tx,
            blocked,
        })
    }

    /// Commits a decided chunk; when it lost a race with a concurrent action (or with the
    /// chunk before it, for a case in both), decides it again and commits, as every
    /// command does. Returns how many timers it handled.
    fn commit_chunk(&self, chunk: Chunk<'_>, now: DateTime<Utc>) -> Result<usize, Error> {
        let Chunk {
            timers,
            tx,
            mut blocked,
        } = chunk;
        if !self.commit_decided(tx)? {
            blocked = self.transact(|tx| fire_each(tx, &timers, now))?;
        }
        self.inner.missing.blocked().extend(blocked);
        for timer in &timers {
            self.metrics()
                .timer_lateness_seconds
                .observe(self.clock().lateness(timer.at));
        }
        self.count_moved(timers.len());
        Ok(timers.len())
    }
}

/// A chunk of due timers decided as one attempt, with the cases whose pack version is
/// missing (their timers stay armed).
struct Chunk<'r> {
    timers: Vec<Timer>,
    tx: Tx<'r>,
    blocked: Vec<CaseId>,
}

/// Fires each of `timers` in `tx`; returns the cases whose pack version is missing.
fn fire_each(tx: &mut Tx<'_>, timers: &[Timer], now: DateTime<Utc>) -> Result<Vec<CaseId>, Error> {
    let mut blocked = Vec::new();
    for timer in timers {
        match tx.fire(timer, now) {
            Err(Error::PackVersionMissing { .. }) => blocked.push(timer.case.clone()),
            other => other?,
        }
    }
    Ok(blocked)
}
