//! The read side: one trait per table and the values they return.
//!
//! Method names differ across traits (`case`, `timer`, …) so a value implementing all of
//! them never needs a qualified call.

use chrono::{DateTime, Utc};
use govflow_model::{
    Case, CaseId, CityId, DepartmentRegistry, Event, ProcedureId, StateId, Timer, TimerKey,
};
use serde::{Deserialize, Serialize};

use crate::{Error, Subscription};

pub trait Cases {
    fn case(&self, id: &CaseId) -> Result<Option<Case>, Error>;
    /// Cases matching `query`, in case-id order, from just after `query.after`.
    fn cases(&self, query: &CaseQuery) -> Result<Page, Error>;
}

pub trait Events {
    /// Up to `limit` events with a sequence number greater than `after`, in order.
    /// Sequence numbers start at 1, so `after = 0` reads from the beginning.
    fn events_after(&self, after: u64, limit: usize) -> Result<Vec<Recorded>, Error>;
    /// Every event of one case, in order.
    fn history(&self, case: &CaseId) -> Result<Vec<Recorded>, Error>;
    /// The highest sequence number stored, 0 when there is none.
    fn last_seq(&self) -> Result<u64, Error>;
}

pub trait Timers {
    fn timer(&self, key: &TimerKey) -> Result<Option<Timer>, Error>;
    /// Up to `limit` timers due at or before `now`, earliest first (ties by key).
    fn due_by(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Timer>, Error>;
    /// The earliest armed timer, for the scheduler to sleep until.
    fn next_due(&self) -> Result<Option<Timer>, Error>;
    /// Up to `limit` timers due at or before `now` for this caller to fire, earliest first.
    ///
    /// A store that several processes share hands each timer to one of them at a time: it
    /// is claimed for `lease`, and another caller gets it only once the lease has passed
    /// (its holder died or froze); the conditional [`crate::Batch::fire`] still makes a
    /// double fire impossible. Only a case's earliest armed timer is handed out, so a
    /// case's timers fire in due order whichever process fires them. A store that only
    /// one process opens answers as [`Timers::due_by`], which keeps that order too.
    fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        lease: std::time::Duration,
    ) -> Result<Vec<Timer>, Error>;
}

pub trait Idempotency {
    fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, Error>;
}

pub trait Departments {
    /// The department registry of a city; empty when none is registered.
    fn departments(&self, city: &CityId) -> Result<DepartmentRegistry, Error>;
}

pub trait Packs {
    /// A pack version archived with [`crate::Batch::archive_pack`], if it was.
    fn archived_pack(&self, version: &str) -> Result<Option<serde_json::Value>, Error>;
}

pub trait Subscriptions {
    fn subscription(&self, id: &str) -> Result<Option<Subscription>, Error>;
    /// Every subscription, in id order.
    fn subscriptions(&self) -> Result<Vec<Subscription>, Error>;
}

pub trait Cron {
    /// The last occurrence of a recurring obligation that was handled, if any.
    fn last_occurrence(&self, obligation: &str) -> Result<Option<DateTime<Utc>>, Error>;
}

pub trait Counters {
    /// The first `limit` counters named from `from` (included) up to `until` (excluded), in
    /// name (byte) order, with their values; counters at zero are absent. A range read in
    /// pages (the case index, `govflow_board::listing`) starts each page just after the
    /// last name of the one before (`<last>` + U+0001: names hold no control character
    /// below U+001F, and PostgreSQL's text cannot hold U+0000).
    fn counts_page(
        &self,
        from: &str,
        until: &str,
        limit: usize,
    ) -> Result<Vec<(String, i64)>, Error>;

    /// Every counter named from `from` (included) up to `until` (excluded), as
    /// [`Counters::counts_page`] without a limit.
    fn counts(&self, from: &str, until: &str) -> Result<Vec<(String, i64)>, Error> {
        self.counts_page(from, until, usize::MAX)
    }
}

/// A filter over cases; every `Some` field must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseQuery {
    pub city: Option<CityId>,
    pub procedure: Option<ProcedureId>,
    pub state: Option<StateId>,
    pub overdue: Option<bool>,
    pub parent: Option<CaseId>,
    /// The cursor: start after this case id.
    pub after: Option<CaseId>,
    pub limit: usize,
}

impl CaseQuery {
    pub(crate) fn matches(&self, case: &Case) -> bool {
        self.city.as_ref().is_none_or(|c| c == &case.city)
            && self.procedure.as_ref().is_none_or(|p| p == &case.procedure)
            && self.state.as_ref().is_none_or(|s| s == &case.state)
            && self.overdue.is_none_or(|o| o == case.overdue)
            && self
                .parent
                .as_ref()
                .is_none_or(|p| case.parent.as_ref() == Some(p))
    }
}

/// One page of cases; `next` is the cursor for the following page, `None` at the end.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub cases: Vec<Case>,
    pub next: Option<CaseId>,
}

impl Page {
    /// The page of `limit` cases from up to `limit + 1` read in order: the extra one only
    /// says that another page follows, which starts after the page's last case.
    pub fn of(mut cases: Vec<Case>, limit: usize) -> Page {
        let next = if cases.len() > limit {
            cases.truncate(limit);
            cases.last().map(|c| c.id.clone())
        } else {
            None
        };
        Page { cases, next }
    }
}

/// An event with its place in the feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    pub seq: u64,
    pub event: Event,
}

/// What an idempotency key was first used for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    /// Scoped by the caller (e.g. actor id and key) so two clients cannot collide.
    pub key: String,
    /// A hash of the request body: the same key with another body is a client error.
    pub fingerprint: String,
    /// The case the request created or acted on.
    pub case: CaseId,
}
