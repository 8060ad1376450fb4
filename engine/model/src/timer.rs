//! Timers: the one shape a timer has from the case machine to the store, and the one place
//! that says when a deadline's timers are due.
//!
//! A case's open deadlines determine its armed timers exactly ([`Case::armed_timers`]):
//! a warning at `warn_at` until it was given, and a lapse at local midnight after the due
//! date. Every change to a case is committed with the [`TimerOp`]s that keep the store's
//! timer index equal to that set, so the index is a lookup structure over it, never a
//! second source of truth.

use crate::time::local_midnight;
use crate::{Case, CaseDeadline, CaseId, DeadlineId, DeadlineStatus};
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which timer of a deadline fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimerKind {
    Warning,
    Lapse,
}

impl TimerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TimerKind::Warning => "warning",
            TimerKind::Lapse => "lapse",
        }
    }
}

/// Which timer: one per deadline of a case and kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TimerKey {
    pub case: CaseId,
    pub deadline: DeadlineId,
    pub kind: TimerKind,
}

impl fmt::Display for TimerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}/{}/{}`",
            self.case,
            self.deadline,
            self.kind.as_str()
        )
    }
}

/// An armed timer: a key and the instant it falls due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timer {
    pub case: CaseId,
    pub deadline: DeadlineId,
    pub kind: TimerKind,
    pub at: DateTime<Utc>,
}

impl Timer {
    pub fn key(&self) -> TimerKey {
        TimerKey {
            case: self.case.clone(),
            deadline: self.deadline.clone(),
            kind: self.kind,
        }
    }

    /// Whether the timer has fallen due by `now`. This is the only due-ness rule: the
    /// store's index lists timers in this order, and the case machine fires only a timer
    /// for which it holds.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.at <= now
    }
}

/// A change to the armed timers, applied by the store in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimerOp {
    /// Arm or re-arm (replacing any earlier instant).
    Arm(Timer),
    /// Remove if armed; a missing timer is fine.
    Cancel(TimerKey),
    /// Remove, and fail the whole commit unless it is still armed for exactly this instant:
    /// what makes a timer fire once however many firers race for it.
    Fire(Timer),
}

/// A deadline lapses when its last day is over: local midnight after the due date.
pub fn lapse_instant(due_date: NaiveDate) -> DateTime<Utc> {
    local_midnight(due_date + Days::new(1))
}

impl CaseDeadline {
    /// The timers this deadline has armed on `case`: none once it is met, missed or
    /// cancelled; otherwise its warning (until given) and its lapse.
    pub fn timers<'a>(&'a self, case: &'a CaseId) -> impl Iterator<Item = Timer> + 'a {
        let open = self.status == DeadlineStatus::Open;
        let warning = self
            .warn_at
            .filter(|_| open && !self.warned)
            .map(|at| (TimerKind::Warning, at));
        let lapse = open.then(|| (TimerKind::Lapse, lapse_instant(self.due_date)));
        warning
            .into_iter()
            .chain(lapse)
            .map(move |(kind, at)| Timer {
                case: case.clone(),
                deadline: self.name.clone(),
                kind,
                at,
            })
    }
}

impl Case {
    /// Every timer the case has armed, in deadline order.
    pub fn armed_timers(&self) -> impl Iterator<Item = Timer> + '_ {
        self.deadlines.iter().flat_map(|d| d.timers(&self.id))
    }

    /// Whether `timer` is armed on the case for exactly its instant.
    pub fn arms(&self, timer: &Timer) -> bool {
        self.deadline(&timer.deadline)
            .is_some_and(|d| d.timers(&self.id).any(|t| t == *timer))
    }
}
