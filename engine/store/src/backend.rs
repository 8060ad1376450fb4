//! The ordered byte map both stores are built on, and the table traits implemented once
//! on top of it so the memory and sled stores cannot drift apart.

use chrono::{DateTime, Utc};
use govflow_model::{Case, CaseId, CityId, DepartmentRegistry, Event, Timer, TimerKey};

use crate::{
    keys, CaseQuery, Cases, Counters, Cron, Departments, Error, Events, Idempotency,
    IdempotencyRecord, Packs, Page, Record, Recorded, Records, Subscription, Subscriptions, Timers,
    TABLES,
};

/// Visits `(key, value)` pairs; returns whether to go on.
pub type Visit<'a> = &'a mut dyn FnMut(&[u8], &[u8]) -> Result<bool, Error>;

/// Point reads, as the committer sees the data while it checks a batch.
pub trait Snapshot {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, Error>;
}

/// An ordered byte map. Public in a private module: a sealed trait, not part of the API.
pub trait Backend {
    fn read(&self, key: &[u8]) -> Result<Option<Vec<u8>>, Error>;
    /// Visit the keys starting with `prefix` in order, from just after `after` when given.
    fn scan(&self, prefix: &[u8], after: Option<&[u8]>, visit: Visit<'_>) -> Result<(), Error>;
    /// Visit the keys from `from` (included) to `until` (excluded) in order.
    fn range(&self, from: &[u8], until: &[u8], visit: Visit<'_>) -> Result<(), Error>;
    /// The last key starting with `prefix`.
    fn last_key(&self, prefix: &[u8]) -> Result<Option<Vec<u8>>, Error>;
}

/// The first key after every key starting with `prefix` (prefixes here end in `/`).
pub fn prefix_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    if let Some(last) = end.last_mut() {
        *last += 1;
    }
    end
}

fn get<B: Backend + ?Sized, T: serde::de::DeserializeOwned>(
    b: &B,
    key: &[u8],
) -> Result<Option<T>, Error> {
    b.read(key)?.map(|v| keys::decode(key, &v)).transpose()
}

impl<B: Backend> Cases for B {
    fn case(&self, id: &CaseId) -> Result<Option<Case>, Error> {
        get(self, &keys::case(id))
    }

    fn cases(&self, query: &CaseQuery) -> Result<Page, Error> {
        let after = query.after.as_ref().map(keys::case);
        let mut cases = Vec::new();
        self.scan(keys::CASE, after.as_deref(), &mut |k, v| {
            let case: Case = keys::decode(k, v)?;
            if query.matches(&case) {
                cases.push(case);
            }
            Ok(cases.len() <= query.limit)
        })?;
        Ok(Page::of(cases, query.limit))
    }
}

impl<B: Backend> Events for B {
    fn events_after(&self, after: u64, limit: usize) -> Result<Vec<Recorded>, Error> {
        let mut out = Vec::new();
        if limit == 0 {
            return Ok(out);
        }
        self.scan(keys::EVENT, Some(&keys::event(after)), &mut |k, v| {
            let seq = keys::seq_of_event(k).ok_or_else(|| corrupt_key(k))?;
            out.push(Recorded {
                seq,
                event: keys::decode(k, v)?,
            });
            Ok(out.len() < limit)
        })?;
        Ok(out)
    }

    fn history(&self, case: &CaseId) -> Result<Vec<Recorded>, Error> {
        let mut seqs = Vec::new();
        self.scan(&keys::history_prefix(case)?, None, &mut |k, _| {
            seqs.push(keys::seq_of_history(k).ok_or_else(|| corrupt_key(k))?);
            Ok(true)
        })?;
        seqs.into_iter()
            .map(|seq| {
                let key = keys::event(seq);
                let event: Event = get(self, &key)?.ok_or_else(|| corrupt_key(&key))?;
                Ok(Recorded { seq, event })
            })
            .collect()
    }

    fn last_seq(&self) -> Result<u64, Error> {
        match self.last_key(keys::EVENT)? {
            Some(k) => keys::seq_of_event(&k).ok_or_else(|| corrupt_key(&k)),
            None => Ok(0),
        }
    }
}

impl<B: Backend> Timers for B {
    fn timer(&self, key: &TimerKey) -> Result<Option<Timer>, Error> {
        get(self, &keys::timer(key)?)
    }

    fn due_by(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Timer>, Error> {
        let mut out = Vec::new();
        if limit == 0 {
            return Ok(out);
        }
        self.scan(keys::DUE, None, &mut |k, _| {
            let timer = keys::timer_of_due(k).ok_or_else(|| corrupt_key(k))?;
            if timer.at > now {
                return Ok(false);
            }
            out.push(timer);
            Ok(out.len() < limit)
        })?;
        Ok(out)
    }

    fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        _lease: std::time::Duration,
    ) -> Result<Vec<Timer>, Error> {
        self.due_by(now, limit)
    }

    fn next_due(&self) -> Result<Option<Timer>, Error> {
        let mut first = None;
        self.scan(keys::DUE, None, &mut |k, _| {
            first = Some(keys::timer_of_due(k).ok_or_else(|| corrupt_key(k))?);
            Ok(false)
        })?;
        Ok(first)
    }
}

impl<B: Backend> Idempotency for B {
    fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, Error> {
        get(self, &keys::idempotency(key))
    }
}

impl<B: Backend> Departments for B {
    fn departments(&self, city: &CityId) -> Result<DepartmentRegistry, Error> {
        Ok(get(self, &keys::department(city.as_str()))?.unwrap_or_default())
    }
}

impl<B: Backend> Packs for B {
    fn archived_pack(&self, version: &str) -> Result<Option<serde_json::Value>, Error> {
        get(self, &keys::pack(version))
    }
}

impl<B: Backend> Subscriptions for B {
    fn subscription(&self, id: &str) -> Result<Option<Subscription>, Error> {
        get(self, &keys::subscription(id))
    }

    fn subscriptions(&self) -> Result<Vec<Subscription>, Error> {
        let mut out = Vec::new();
        self.scan(keys::SUBSCRIPTION, None, &mut |k, v| {
            out.push(keys::decode(k, v)?);
            Ok(true)
        })?;
        Ok(out)
    }
}

impl<B: Backend> Cron for B {
    fn last_occurrence(&self, obligation: &str) -> Result<Option<DateTime<Utc>>, Error> {
        get(self, &keys::cron(obligation))
    }
}

impl<B: Backend> Counters for B {
    fn counts_page(
        &self,
        from: &str,
        until: &str,
        limit: usize,
    ) -> Result<Vec<(String, i64)>, Error> {
        let mut out = Vec::new();
        if limit == 0 || from >= until {
            return Ok(out);
        }
        let (from, until) = (keys::counter(from), keys::counter(until));
        self.range(&from, &until, &mut |k, v| {
            let name =
                std::str::from_utf8(&k[keys::COUNTER.len()..]).map_err(|_| corrupt_key(k))?;
            out.push((name.to_owned(), keys::decode(k, v)?));
            Ok(out.len() < limit)
        })?;
        Ok(out)
    }
}

impl<B: Backend> Records for B {
    fn records(&self, after: Option<&[u8]>, limit: usize) -> Result<Vec<Record>, Error> {
        let mut out = Vec::new();
        for (_, prefix) in TABLES {
            if out.len() >= limit {
                break;
            }
            let from = match after {
                Some(a) if a >= prefix_end(prefix).as_slice() => continue,
                Some(a) if a.starts_with(prefix) => Some(a),
                _ => None,
            };
            self.scan(prefix, from, &mut |k, v| {
                out.push(Record {
                    key: k.to_vec(),
                    value: v.to_vec(),
                });
                Ok(out.len() < limit)
            })?;
        }
        Ok(out)
    }
}

fn corrupt_key(key: &[u8]) -> Error {
    Error::Corrupt {
        key: String::from_utf8_lossy(key).into_owned(),
        source: serde::de::Error::custom("malformed key or dangling index entry"),
    }
}
