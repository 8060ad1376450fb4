//! The in-memory store: the same keyspace and checks as [`crate::SledStore`], in a
//! `BTreeMap` behind a mutex. Nothing survives the process; for unit tests.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Mutex, MutexGuard};

use crate::backend::{prefix_end, Backend, Snapshot, Visit};
use crate::staging::Group;
use crate::{Batch, Error, Receipt, Store};

type Map = BTreeMap<Vec<u8>, Vec<u8>>;

#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    map: Map,
    next_seq: u64,
}

impl Default for Inner {
    fn default() -> Self {
        Inner {
            map: Map::new(),
            next_seq: 1,
        }
    }
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a half-applied batch: writes are
        // staged first and applied by infallible map inserts.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Snapshot for Map {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        Ok(BTreeMap::get(self, key).cloned())
    }
}

impl Backend for MemoryStore {
    fn read(&self, key: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        Ok(self.lock().map.get(key).cloned())
    }

    fn range(&self, from: &[u8], until: &[u8], visit: Visit<'_>) -> Result<(), Error> {
        let inner = self.lock();
        for (k, v) in inner
            .map
            .range::<[u8], _>((Bound::Included(from), Bound::Excluded(until)))
        {
            if !visit(k, v)? {
                break;
            }
        }
        Ok(())
    }

    fn scan(&self, prefix: &[u8], after: Option<&[u8]>, visit: Visit<'_>) -> Result<(), Error> {
        let inner = self.lock();
        let start = match after {
            Some(a) => Bound::Excluded(a.to_vec()),
            None => Bound::Included(prefix.to_vec()),
        };
        for (k, v) in inner
            .map
            .range((start, Bound::Excluded(prefix_end(prefix))))
        {
            if !visit(k, v)? {
                break;
            }
        }
        Ok(())
    }

    fn last_key(&self, prefix: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        let inner = self.lock();
        let last = inner
            .map
            .range(prefix.to_vec()..prefix_end(prefix))
            .next_back();
        Ok(last.map(|(k, _)| k.clone()))
    }
}

impl Store for MemoryStore {
    fn commit(&self, batch: Batch) -> Result<Receipt, Error> {
        let mut inner = self.lock();
        let mut group = Group::new(inner.next_seq);
        let receipt = group.stage(&inner.map, batch)?;
        inner.next_seq = group.next_seq();
        for (key, value) in group.into_writes() {
            match value {
                Some(v) => inner.map.insert(key, v),
                None => inner.map.remove(&key),
            };
        }
        Ok(receipt)
    }
}
