//! The stored rows a group's checks read, fetched in bulk and locked.
//!
//! `govflow_store::kit::Group` checks batches by reading keys one at a time. A round trip
//! per key would make a group of 64 submissions cost hundreds of them, so the committer
//! stages the group against a [`Fetched`] cache that answers what it holds and records
//! what it does not ([`Fetched::misses`]), fetches every missed key of the group with one
//! `SELECT … WHERE key = ANY($1) FOR UPDATE` per table, and stages again, until a pass
//! misses nothing. That last pass read only real rows, so its outcome is exact. A batch
//! usually needs two or three passes (a case, then the timers its transition touches).

use govflow_store::kit::{self, Snapshot};
use govflow_store::Error;
use postgres::Transaction;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use crate::conn::{prepared, Statements};

#[derive(Default)]
pub struct Fetched {
    /// Every key fetched, with its stored value or `None` when there is no row.
    rows: HashMap<Vec<u8>, Option<Vec<u8>>>,
    misses: RefCell<BTreeSet<Vec<u8>>>,
}

impl Snapshot for Fetched {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        match self.rows.get(key) {
            Some(value) => Ok(value.clone()),
            None => {
                self.misses.borrow_mut().insert(key.to_vec());
                Ok(None)
            }
        }
    }
}

/// The tables a check reads, by key prefix: table, key column, whether the key is bytes.
const READ: &[(&[u8], &str, &str, bool)] = &[
    (kit::CASE, "cases", "id", false),
    (kit::TIMER, "timers", "key", true),
    (kit::IDEMPOTENCY, "idempotency", "key", false),
    (kit::CRON, "cron", "obligation", false),
    (kit::DEPARTMENT, "departments", "city", false),
    (kit::PACK, "packs", "version", false),
    (kit::SUBSCRIPTION, "subscriptions", "id", false),
    (kit::COUNTER, "counters", "key", false),
];

impl Fetched {
    /// Whether the last pass read a key not fetched yet; clears the record.
    pub fn take_misses(&self) -> BTreeSet<Vec<u8>> {
        std::mem::take(&mut *self.misses.borrow_mut())
    }

    /// Fetches and locks the rows of `keys`.
    pub fn fetch(
        &mut self,
        tx: &mut Transaction<'_>,
        statements: &mut Statements,
        keys: BTreeSet<Vec<u8>>,
    ) -> Result<(), postgres::Error> {
        for &(prefix, table, column, bytes) in READ {
            let wanted: Vec<&[u8]> = keys.iter().filter_map(|k| k.strip_prefix(prefix)).collect();
            if wanted.is_empty() {
                continue;
            }
            // Sorted keys: two committers lock rows in the same order and cannot deadlock.
            let sql = format!(
                "SELECT {column}, body FROM {table} WHERE {column} = ANY($1) ORDER BY {column} FOR UPDATE"
            );
            let statement = prepared(tx, statements, &sql)?;
            let rows = if bytes {
                tx.query(&statement, &[&wanted])?
            } else {
                let texts: Vec<&str> = wanted
                    .iter()
                    .map(|k| std::str::from_utf8(k).unwrap_or_default())
                    .collect();
                tx.query(&statement, &[&texts])?
            };
            for suffix in &wanted {
                self.rows.insert([prefix, suffix].concat(), None);
            }
            for row in rows {
                let key: Vec<u8> = if bytes {
                    row.get(0)
                } else {
                    row.get::<_, String>(0).into_bytes()
                };
                self.rows
                    .insert([prefix, &key[..]].concat(), Some(row.get(1)));
            }
        }
        // Keys of no table a check reads (none today) are absent, not fetched forever.
        for key in keys {
            self.rows.entry(key).or_insert(None);
        }
        Ok(())
    }
}
