//! The one command path: read → decide → commit → retry on conflict.
//!
//! Every writer (a submission, an action, a chunk of fired timers, an obligation's
//! occurrence, a provisional recount) runs inside [`Runtime::transact`]. It hands the
//! writer a [`Tx`], which reads cases once, decides each command with the pure
//! [`govflow_case::apply`] under the pack version that governs the case, and gathers
//! everything decided into one store batch. The commit checks every case against the
//! revision it was read at (or that it is new) and every fired timer against the instant it
//! was armed for; when another writer got there first, the whole attempt is read and decided
//! again, up to [`ATTEMPTS`] times.

use crate::{board, case_sets, Error, Runtime};
use chrono::{DateTime, Utc};
use govflow_calendar::Calendar;
use govflow_case::{apply, Command, Context, OpenCase, Settled};
use govflow_loader::LoadedPack;
use govflow_model::{Actor, Case, CaseId, CityId, Timer, TimerKind, TimerOp};
use govflow_store::{Batch, Conflict, Expect};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

/// How often a command is decided again after losing a race for the same case.
pub(crate) const ATTEMPTS: usize = 8;

/// The most due timers of one case fired before an action is decided on it (a penalty
/// ladder runs a few steps; this only bounds a pack that re-enters a lapsed state forever).
const CATCH_UP_LIMIT: usize = 64;

impl Runtime {
    /// Runs `attempt` and commits what it decided as one batch, deciding again when the
    /// commit loses a race for a case or a timer.
    pub(crate) fn transact<T>(
        &self,
        mut attempt: impl FnMut(&mut Tx<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut last = CaseId::new("(new case)");
        for _ in 0..ATTEMPTS {
            let (tx, value) = self.decide_once(&mut attempt)?;
            if let Some(id) = tx.read.keys().next() {
                last = id.clone();
            }
            if self.commit_decided(tx)? {
                return Ok(value);
            }
        }
        Err(Error::Busy(last))
    }

    /// One attempt of `attempt`, decided and not committed: [`Runtime::commit_decided`]
    /// commits it later (the scheduler decides its next chunk while the one before commits).
    pub(crate) fn decide_once<T>(
        &self,
        attempt: impl FnOnce(&mut Tx<'_>) -> Result<T, Error>,
    ) -> Result<(Tx<'_>, T), Error> {
        let mut tx = Tx::new(self);
        let value = attempt(&mut tx)?;
        Ok((tx, value))
    }

    /// Commits an attempt of [`Runtime::decide_once`]; `false` when it lost a race for a
    /// case or a timer and nothing was stored (decide it again with [`Runtime::transact`]).
    pub(crate) fn commit_decided(&self, tx: Tx<'_>) -> Result<bool, Error> {
        match self.commit(tx) {
            Ok(()) => Ok(true),
            Err(e) if e.conflict().is_some_and(retried) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Commits what `tx` decided with the board counters and the sets of cases
    /// (`case_sets`) it changes, timing it, counting it,
    /// and waking the scheduler when it armed a timer earlier than it planned to wake.
    fn commit(&self, mut tx: Tx<'_>) -> Result<(), Error> {
        let lapsed = board::lapsed_deltas(self, tx.changed_cases());
        for parent in lapsed.keys() {
            tx.touch_supervised(parent)?;
        }
        for (name, n) in board::count(self, &tx.calendar, tx.changed_cases(), &lapsed)? {
            tx.batch.count(name, n);
        }
        let sets: Vec<_> = tx
            .changed_cases()
            .flat_map(|(before, after)| {
                case_sets::SETS
                    .iter()
                    .flat_map(move |set| set.deltas(self, before, after))
            })
            .collect();
        for (name, n) in sets {
            tx.batch.count(name, n);
        }
        let Tx {
            read,
            mut cases,
            changed,
            mut batch,
            counts,
            earliest_arm,
            problems,
            ..
        } = tx;
        for id in changed {
            let Some(case) = cases.remove(&id) else {
                continue;
            };
            let expect = match read.get(&id) {
                Some(Some(revision)) => Expect::Revision(*revision),
                _ => Expect::New,
            };
            batch.put_case(case, expect);
        }
        let started = Instant::now();
        let receipt = self.store().commit(batch)?;
        if !receipt.events.is_empty() {
            let last = receipt.events.end - 1;
            // Commits may answer out of order; the head only moves forward.
            self.inner.feed.send_if_modified(|head| {
                let moved = last > *head;
                *head = (*head).max(last);
                moved
            });
        }
        let metrics = self.metrics();
        metrics.commit_seconds.observe(started.elapsed());
        for (counter, n) in [
            (&metrics.cases_opened, counts.opened),
            (&metrics.actions, counts.actions),
            (&metrics.warnings_fired, counts.warnings),
            (&metrics.lapses_fired, counts.lapses),
            (&metrics.stale_timers, counts.stale),
            (&metrics.provisional_recomputed, counts.recounted),
        ] {
            counter.fetch_add(n, Ordering::Relaxed);
        }
        for problem in &problems {
            tracing::warn!("{problem}");
        }
        if let Some(at) = earliest_arm {
            self.inner.wake.armed(at);
        }
        Ok(())
    }
}

/// A lost race: reading again and deciding again resolves it. (A taken idempotency key or
/// an obligation handled by another pass is the caller's to answer.)
fn retried(conflict: &Conflict) -> bool {
    matches!(
        conflict,
        Conflict::CaseRevision { .. } | Conflict::TimerMoved { .. }
    )
}

#[derive(Default)]
struct Counts {
    opened: u64,
    actions: u64,
    warnings: u64,
    lapses: u64,
    stale: u64,
    recounted: u64,
}

/// One attempt: the cases it read (at which revision), each case as it stands after what
/// was decided, and the batch being built.
pub(crate) struct Tx<'r> {
    runtime: &'r Runtime,
    calendar: Arc<Calendar>,
    /// Each case read, with the revision it had (`None`: it did not exist).
    read: BTreeMap<CaseId, Option<u64>>,
    /// Every case read or decided in this attempt, as it stands now.
    cases: HashMap<CaseId, Case>,
    /// Every case read, as it was read (what its board contribution was).
    originals: HashMap<CaseId, Case>,
    /// The cases to put: read and changed, or new.
    changed: BTreeSet<CaseId>,
    batch: Batch,
    counts: Counts,
    earliest_arm: Option<DateTime<Utc>>,
    problems: Vec<String>,
}

impl<'r> Tx<'r> {
    fn new(runtime: &'r Runtime) -> Tx<'r> {
        Tx {
            runtime,
            calendar: runtime.registry().calendar(),
            read: BTreeMap::new(),
            cases: HashMap::new(),
            originals: HashMap::new(),
            changed: BTreeSet::new(),
            batch: Batch::new(),
            counts: Counts::default(),
            earliest_arm: None,
            problems: Vec::new(),
        }
    }

    /// The batch, for what is committed beside the decisions (an idempotency record, an
    /// obligation's mark).
    pub fn batch(&mut self) -> &mut Batch {
        &mut self.batch
    }

    /// Reads case `id` from the store unless this attempt has it already; whether it
    /// exists. From then on `self.cases` holds it as decided.
    fn load(&mut self, id: &CaseId) -> Result<bool, Error> {
        if !self.read.contains_key(id) && !self.cases.contains_key(id) {
            let stored = self.runtime.store().case(id)?;
            self.read
                .insert(id.clone(), stored.as_ref().map(|c| c.revision));
            if let Some(case) = stored {
                self.originals.insert(id.clone(), case.clone());
                self.cases.insert(id.clone(), case);
            }
        }
        Ok(self.cases.contains_key(id))
    }

    /// Each case to put, as it was read (none when new) and as it is now.
    fn changed_cases(&self) -> impl Iterator<Item = (Option<&Case>, &Case)> {
        self.changed
            .iter()
            .filter_map(|id| Some((self.originals.get(id), self.cases.get(id)?)))
    }

    /// Puts parent `id` again, its revision bumped, when its light reads its penalty cases'
    /// lapses and one changed (see `board`): its board contribution is then counted from
    /// this read, and a concurrent transition of it conflicts and is decided again.
    fn touch_supervised(&mut self, id: &CaseId) -> Result<(), Error> {
        if self.changed.contains(id) || !self.load(id)? {
            return Ok(());
        }
        let pack = self.runtime.board_pack(&self.cases[id]);
        if board::reads_supervision(pack.as_ref().map(|p| p.pack.as_ref())) {
            if let Some(case) = self.cases.get_mut(id) {
                case.revision += 1;
            }
            self.changed.insert(id.clone());
        }
        Ok(())
    }

    /// Opens a case in `city` under the city's current pack.
    pub fn open(
        &mut self,
        city: &CityId,
        request: &OpenCase,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Case, Error> {
        let pack = self.runtime.pack_of_city(city)?;
        let settled = self.decide(&pack, now, Command::Open { request, actor })?;
        let opened = self
            .absorb(settled)
            .expect("an accepted opening settles its new case first");
        Ok(self.cases[&opened].clone())
    }

    /// Takes `action` on case `id`, after firing the case's timers that fell due by `now`
    /// (the scheduler lags a little, and after a restart until its first pass ends): a reply
    /// after the due date is late even if the lapse timer had not run yet.
    pub fn act(
        &mut self,
        id: &CaseId,
        action: &str,
        data: &Map<String, Value>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Case, Error> {
        self.catch_up(id, now)?;
        if !self.load(id)? {
            return Err(Error::CaseNotFound(id.clone()));
        }
        let case = &self.cases[id];
        let pack = self.runtime.pack_of_case(case)?;
        let settled = self.decide(
            &pack,
            now,
            Command::Act {
                case,
                action,
                data,
                actor,
            },
        )?;
        self.counts.actions += 1;
        self.absorb(settled);
        Ok(self.cases[id].clone())
    }

    /// Fires `timer`, which the store listed as due by `now`. A timer whose case is gone
    /// is dropped; one whose case's pack version cannot be read is left armed and reported.
    pub fn fire(&mut self, timer: &Timer, now: DateTime<Utc>) -> Result<(), Error> {
        if !self.load(&timer.case)? {
            tracing::error!(timer = %timer.key(), "a timer's case is missing; dropping the timer");
            self.batch.timer(TimerOp::Cancel(timer.key()));
            return Ok(());
        }
        let case = &self.cases[&timer.case];
        let pack = self.runtime.pack_of_case(case)?;
        let settled = self.decide(&pack, now, Command::Fire { case, timer })?;
        match (settled.cases.is_empty(), timer.kind) {
            (true, _) => self.counts.stale += 1,
            (false, TimerKind::Warning) => self.counts.warnings += 1,
            (false, TimerKind::Lapse) => self.counts.lapses += 1,
        }
        self.absorb(settled);
        Ok(())
    }

    /// Recounts case `id`'s provisional deadlines on the calendar served; whether any moved
    /// or became final.
    pub fn recount(&mut self, id: &CaseId, now: DateTime<Utc>) -> Result<bool, Error> {
        if !self.load(id)? {
            return Ok(false);
        }
        let case = &self.cases[id];
        let pack = self.runtime.pack_of_case(case)?;
        let settled = self.decide(&pack, now, Command::Recount { case })?;
        let changed = self.absorb(settled).is_some();
        self.counts.recounted += u64::from(changed);
        Ok(changed)
    }

    /// Fires, earliest first, every timer of case `id` due by `now`.
    fn catch_up(&mut self, id: &CaseId, now: DateTime<Utc>) -> Result<(), Error> {
        for _ in 0..CATCH_UP_LIMIT {
            if !self.load(id)? {
                return Ok(());
            }
            let Some(due) = self.cases[id]
                .armed_timers()
                .filter(|t| t.is_due(now))
                .min_by(|a, b| (a.at, a.key()).cmp(&(b.at, b.key())))
            else {
                return Ok(());
            };
            self.fire(&due, now)?;
        }
        Ok(())
    }

    fn decide(
        &self,
        pack: &LoadedPack,
        now: DateTime<Utc>,
        command: Command<'_>,
    ) -> Result<Settled, Error> {
        let ctx = Context {
            pack: &pack.pack,
            calendar: &self.calendar,
            guards: pack.scripts.as_ref(),
            now,
        };
        let ids = self.runtime.ids();
        apply(&ctx, command, &mut || ids.next()).map_err(|refusal| {
            self.runtime.metrics().refused(refusal.code());
            Error::Refused(refusal)
        })
    }

    /// Adds what a decision settled to the attempt; returns the id of the commanded case
    /// when it changed.
    fn absorb(&mut self, settled: Settled) -> Option<CaseId> {
        let Settled {
            cases,
            timers,
            events,
            problems,
        } = settled;
        let commanded = cases.first().map(|c| c.id.clone());
        for case in cases {
            if !self.read.contains_key(&case.id) && !self.cases.contains_key(&case.id) {
                self.counts.opened += 1;
            }
            self.changed.insert(case.id.clone());
            self.cases.insert(case.id.clone(), case);
        }
        for op in timers {
            if let TimerOp::Arm(timer) = &op {
                self.earliest_arm = Some(self.earliest_arm.map_or(timer.at, |e| e.min(timer.at)));
            }
            self.batch.timer(op);
        }
        for event in events {
            self.batch.emit(event);
        }
        self.problems.extend(problems);
        commanded
    }
}
