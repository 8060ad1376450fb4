//! Checking batches and turning them into key writes.
//!
//! A [`Group`] collects the writes of several batches that will hit the disk together.
//! Each batch is checked against the stored data plus the writes of the batches staged
//! before it in the same group, so two batches of one group bumping the same case from
//! the same revision conflict exactly as they would in two separate commits. A batch that
//! fails leaves no trace in the group.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::BTreeMap;

use crate::backend::Snapshot;
use crate::batch::{CronMark, SubscriptionWrite};
use crate::transfer;
use crate::{keys, Batch, Conflict, Error, Expect, IdempotencyRecord, Receipt, Record};
use govflow_model::{Event, Timer, TimerOp};

/// Writes in key order; `None` deletes.
pub type Writes = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

pub struct Group {
    writes: Writes,
    next_seq: u64,
}

impl Group {
    pub fn new(next_seq: u64) -> Self {
        Group {
            writes: Writes::new(),
            next_seq,
        }
    }

    /// The sequence number the next event will get once this group is written.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    pub fn into_writes(self) -> Writes {
        self.writes
    }

    /// Check `batch` and add its writes to the group, or leave the group untouched.
    pub fn stage<S: Snapshot + ?Sized>(
        &mut self,
        base: &S,
        batch: Batch,
    ) -> Result<Receipt, Error> {
        let mut tx = Tx {
            base,
            group: &self.writes,
            own: Writes::new(),
        };
        let first = self.next_seq;
        let next = tx.apply(batch, first)?;
        let own = tx.own;
        self.writes.extend(own);
        self.next_seq = next;
        Ok(Receipt {
            events: first..next,
        })
    }
}

/// Every stored key checking `batch` reads, so a store that fetches rows (PostgreSQL)
/// can fetch them all at once before [`Group::stage`] instead of learning them one miss
/// at a time (which, for a chunk of hundreds of fired timers, is hundreds of passes).
pub fn reads(batch: &Batch) -> Result<Vec<Vec<u8>>, Error> {
    let mut keys = Vec::new();
    for case in &batch.cases {
        keys.push(keys::case(&case.id));
    }
    for op in &batch.timers {
        let key = match op {
            TimerOp::Arm(timer) | TimerOp::Fire(timer) => timer.key(),
            TimerOp::Cancel(key) => key.clone(),
        };
        keys.push(keys::timer(&key)?);
    }
    for record in &batch.idempotency {
        keys.push(keys::idempotency(&record.key));
    }
    for mark in &batch.cron {
        keys.push(keys::cron(&mark.obligation));
    }
    for write in &batch.subscriptions {
        keys.push(keys::subscription(&write.id));
    }
    for name in batch.counts.keys() {
        keys.push(keys::counter(name));
    }
    for record in &batch.restored {
        keys.push(record.key.clone());
    }
    Ok(keys)
}

struct Tx<'a, S: ?Sized> {
    base: &'a S,
    group: &'a Writes,
    own: Writes,
}

/// Enough of a stored case to check its revision without decoding all of it.
#[derive(Deserialize)]
struct Revision {
    revision: u64,
}

impl<S: Snapshot + ?Sized> Tx<'_, S> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        if let Some(v) = self.own.get(key).or_else(|| self.group.get(key)) {
            return Ok(v.clone());
        }
        self.base.get(key)
    }

    fn get_as<T: serde::de::DeserializeOwned>(&self, key: &[u8]) -> Result<Option<T>, Error> {
        self.get(key)?.map(|v| keys::decode(key, &v)).transpose()
    }

    fn put(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.own.insert(key, Some(value));
    }

    fn delete(&mut self, key: Vec<u8>) {
        self.own.insert(key, None);
    }

    /// Returns the sequence number after the batch's events.
    fn apply(&mut self, batch: Batch, mut seq: u64) -> Result<u64, Error> {
        for case in batch.cases {
            let key = keys::case(&case.id);
            let found = self.get_as::<Revision>(&key)?.map(|r| r.revision);
            let expected = match case.expect {
                Expect::New => None,
                Expect::Revision(r) => Some(r),
            };
            if found != expected {
                return Err(Conflict::CaseRevision {
                    case: case.id,
                    expected,
                    found,
                }
                .into());
            }
            self.put(key, case.body);
        }
        for op in batch.timers {
            self.timer(op)?;
        }
        for event in batch.events {
            self.put(keys::history(&event.case, seq)?, Vec::new());
            self.put(keys::event(seq), event.body);
            seq += 1;
        }
        for record in batch.idempotency {
            self.idempotency(record)?;
        }
        for mark in batch.cron {
            self.cron(mark)?;
        }
        for (city, registry) in batch.departments {
            self.put(keys::department(city.as_str()), keys::encode(&registry)?);
        }
        for (version, pack) in batch.packs {
            self.put(keys::pack(&version), keys::encode(&pack)?);
        }
        for write in batch.subscriptions {
            self.subscription(write)?;
        }
        for (name, delta) in batch.counts {
            self.count(&name, delta)?;
        }
        for record in batch.restored {
            seq = self.restore(record, seq)?;
        }
        Ok(seq)
    }

    /// Returns the sequence number after the record (unchanged unless it is an event).
    fn restore(&mut self, record: Record, seq: u64) -> Result<u64, Error> {
        let refuse = |reason| Error::Restore {
            key: String::from_utf8_lossy(&record.key).into_owned(),
            reason,
        };
        let table = transfer::check(&record)?;
        if self.get(&record.key)?.is_some() {
            return Err(refuse("a record is already stored under that key"));
        }
        let mut next = seq;
        match table {
            "events" => {
                let restored =
                    keys::seq_of_event(&record.key).ok_or_else(|| refuse("not an event key"))?;
                if restored < seq {
                    return Err(refuse("the feed already has events up to that number"));
                }
                let event: Event = keys::decode(&record.key, &record.value)?;
                self.put(keys::history(&event.case, restored)?, Vec::new());
                next = restored + 1;
            }
            "timers" => {
                let timer: Timer = keys::decode(&record.key, &record.value)?;
                if keys::timer(&timer.key())? != record.key {
                    return Err(refuse("the timer is stored under another timer's key"));
                }
                self.put(keys::due(&timer.key(), timer.at)?, Vec::new());
            }
            _ => {}
        }
        self.put(record.key, record.value);
        Ok(next)
    }

    /// Read-modify-write on the data as staged so far, so batches of one group add up.
    fn count(&mut self, name: &str, delta: i64) -> Result<(), Error> {
        let key = keys::counter(name);
        let total = self.get_as::<i64>(&key)?.unwrap_or(0) + delta;
        if total == 0 {
            self.delete(key);
        } else {
            self.put(key, keys::encode(&total)?);
        }
        Ok(())
    }

    fn timer(&mut self, op: TimerOp) -> Result<(), Error> {
        let (key, arm) = match op {
            TimerOp::Arm(timer) => (timer.key(), Some(timer)),
            TimerOp::Cancel(key) => (key, None),
            TimerOp::Fire(timer) => {
                let key = timer.key();
                let stored: Option<Timer> = self.get_as(&keys::timer(&key)?)?;
                if stored.as_ref().map(|t| t.at) != Some(timer.at) {
                    return Err(Conflict::TimerMoved { key, at: timer.at }.into());
                }
                (key, None)
            }
        };
        let primary = keys::timer(&key)?;
        if let Some(old) = self.get_as::<Timer>(&primary)? {
            self.delete(keys::due(&key, old.at)?);
        }
        match arm {
            Some(timer) => {
                self.put(keys::due(&key, timer.at)?, Vec::new());
                self.put(primary, keys::encode(&timer)?);
            }
            None => self.delete(primary),
        }
        Ok(())
    }

    fn idempotency(&mut self, record: IdempotencyRecord) -> Result<(), Error> {
        let key = keys::idempotency(&record.key);
        if let Some(stored) = self.get_as::<IdempotencyRecord>(&key)? {
            return Err(Conflict::IdempotencyKeyTaken {
                same_request: stored.fingerprint == record.fingerprint,
                key: record.key,
                case: stored.case,
            }
            .into());
        }
        self.put(key, keys::encode(&record)?);
        Ok(())
    }

    fn subscription(&mut self, write: SubscriptionWrite) -> Result<(), Error> {
        let key = keys::subscription(&write.id);
        let found = self.get_as::<Revision>(&key)?.map(|r| r.revision);
        let expected = match write.expect {
            Expect::New => None,
            Expect::Revision(r) => Some(r),
        };
        if found != expected {
            return Err(Conflict::SubscriptionRevision {
                id: write.id,
                expected,
                found,
            }
            .into());
        }
        match write.value {
            Some(subscription) => self.put(key, keys::encode(&subscription)?),
            None => self.delete(key),
        }
        Ok(())
    }

    fn cron(&mut self, mark: CronMark) -> Result<(), Error> {
        let key = keys::cron(&mark.obligation);
        let found: Option<DateTime<Utc>> = self.get_as(&key)?;
        if found != mark.previous {
            return Err(Conflict::CronMoved {
                obligation: mark.obligation,
                expected: mark.previous,
                found,
            }
            .into());
        }
        self.put(key, keys::encode(&mark.occurrence)?);
        Ok(())
    }
}
