use chrono::{DateTime, Utc};
use govflow_model::{Case, CaseId, CityId, DepartmentRegistry, Event};
use std::collections::BTreeMap;
use std::ops::Range;

use crate::{keys, IdempotencyRecord, Record, Subscription};
use govflow_model::{Timer, TimerKey, TimerOp};

/// What the stored case must look like for a put to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The case must not exist yet.
    New,
    /// The stored case must be at this revision.
    Revision(u64),
}

/// Everything one command changes, committed atomically by [`crate::Store::commit`].
///
/// Cases and events are encoded when they are added, on the caller's thread: the store's
/// single committer then only checks and writes bytes.
///
/// Parts apply in this order: case puts, timer operations (in the order added), events,
/// the idempotency records, cron marks, department registries, archived packs,
/// subscriptions, counter deltas, restored records.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub(crate) cases: Vec<CasePut>,
    pub(crate) timers: Vec<TimerOp>,
    pub(crate) events: Vec<EventPut>,
    pub(crate) idempotency: Vec<IdempotencyRecord>,
    pub(crate) cron: Vec<CronMark>,
    pub(crate) departments: Vec<(CityId, DepartmentRegistry)>,
    pub(crate) packs: Vec<(String, serde_json::Value)>,
    pub(crate) subscriptions: Vec<SubscriptionWrite>,
    /// Deltas per counter name, summed.
    pub(crate) counts: BTreeMap<String, i64>,
    pub(crate) restored: Vec<Record>,
}

/// A case to store, encoded.
#[derive(Debug, Clone)]
pub(crate) struct CasePut {
    pub id: CaseId,
    pub body: Vec<u8>,
    pub expect: Expect,
}

/// An event to append, encoded.
#[derive(Debug, Clone)]
pub(crate) struct EventPut {
    pub case: CaseId,
    pub body: Vec<u8>,
}

/// A subscription to store (`Some`) or delete (`None`), provided the stored one matches.
#[derive(Debug, Clone)]
pub(crate) struct SubscriptionWrite {
    pub id: String,
    pub value: Option<Subscription>,
    pub expect: Expect,
}

#[derive(Debug, Clone)]
pub(crate) struct CronMark {
    pub obligation: String,
    pub previous: Option<DateTime<Utc>>,
    pub occurrence: DateTime<Utc>,
}

/// What a successful commit assigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The sequence numbers of the batch's events, in the order they were added
    /// (empty when the batch had none).
    pub events: Range<u64>,
}

impl Batch {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
            && self.timers.is_empty()
            && self.events.is_empty()
            && self.idempotency.is_empty()
            && self.cron.is_empty()
            && self.departments.is_empty()
            && self.packs.is_empty()
            && self.counts.is_empty()
            && self.restored.is_empty()
            && self.subscriptions.is_empty()
    }

    /// Store `case`, provided the stored one matches `expect`.
    pub fn put_case(&mut self, case: Case, expect: Expect) -> &mut Self {
        self.cases.push(CasePut {
            body: keys::encode_infallible(&case),
            id: case.id,
            expect,
        });
        self
    }

    /// Append an event to the feed and to its case's history.
    pub fn emit(&mut self, event: Event) -> &mut Self {
        self.events.push(EventPut {
            body: keys::encode_infallible(&event),
            case: event.case,
        });
        self
    }

    /// Apply a timer change (see [`TimerOp`]), in the order added.
    pub fn timer(&mut self, op: TimerOp) -> &mut Self {
        self.timers.push(op);
        self
    }

    /// Arm a timer, replacing the same key's earlier instant if it was armed.
    pub fn arm(&mut self, timer: Timer) -> &mut Self {
        self.timer(TimerOp::Arm(timer))
    }

    /// Disarm a timer; cancelling one that is not armed is not an error.
    pub fn cancel(&mut self, key: TimerKey) -> &mut Self {
        self.timer(TimerOp::Cancel(key))
    }

    /// Consume a timer that fired. Put this in the same batch as the transition the timer
    /// caused: the batch fails with a conflict unless the timer is still armed for the same
    /// instant, so a timer's effects are stored once even across restarts and re-arms.
    pub fn fire(&mut self, timer: Timer) -> &mut Self {
        self.timer(TimerOp::Fire(timer))
    }

    /// Record an idempotency key; the batch fails with a conflict if the key is taken (also
    /// by an earlier record of the same batch: a batch of submissions keeps one per case).
    pub fn remember(&mut self, record: IdempotencyRecord) -> &mut Self {
        self.idempotency.push(record);
        self
    }

    /// Record that `occurrence` of a recurring obligation was handled, provided the stored
    /// last occurrence is still `previous`.
    pub fn mark_cron(
        &mut self,
        obligation: impl Into<String>,
        previous: Option<DateTime<Utc>>,
        occurrence: DateTime<Utc>,
    ) -> &mut Self {
        self.cron.push(CronMark {
            obligation: obligation.into(),
            previous,
            occurrence,
        });
        self
    }

    /// Keep a pack version, so cases pinned to it can be decided after a restart. The
    /// store does not look inside; a version is written once and never changes.
    pub fn archive_pack(
        &mut self,
        version: impl Into<String>,
        pack: serde_json::Value,
    ) -> &mut Self {
        self.packs.push((version.into(), pack));
        self
    }

    /// Add `delta` to the counter `name` (read with [`crate::Counters`]). The store adds it
    /// to the value stored when the batch commits, so concurrent batches counting the same
    /// name add up exactly; a counter that reaches zero is removed.
    pub fn count(&mut self, name: impl Into<String>, delta: i64) -> &mut Self {
        if delta != 0 {
            let total = self.counts.entry(name.into()).or_insert(0);
            *total += delta;
        }
        self
    }

    /// Store a record read from another store ([`crate::Records`]) unchanged, with the
    /// indexes it implies. The batch fails unless the key is free and, for an event, its
    /// sequence number comes after every stored one; restored events keep their numbers.
    pub fn restore(&mut self, record: Record) -> &mut Self {
        self.restored.push(record);
        self
    }

    /// Store a webhook subscription, provided the stored one matches `expect` (compared
    /// with its `revision`, as for cases).
    pub fn put_subscription(&mut self, subscription: Subscription, expect: Expect) -> &mut Self {
        self.subscriptions.push(SubscriptionWrite {
            id: subscription.id.clone(),
            value: Some(subscription),
            expect,
        });
        self
    }

    /// Delete a webhook subscription, provided it is stored at `revision`.
    pub fn delete_subscription(&mut self, id: impl Into<String>, revision: u64) -> &mut Self {
        self.subscriptions.push(SubscriptionWrite {
            id: id.into(),
            value: None,
            expect: Expect::Revision(revision),
        });
        self
    }

    /// Replace a city's department registry.
    pub fn set_departments(&mut self, city: CityId, registry: DepartmentRegistry) -> &mut Self {
        self.departments.push((city, registry));
        self
    }
}
