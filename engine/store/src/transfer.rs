//! Copying one store into another (`govflow migrate`): every stored record, read in the
//! keyspace's order with [`Records`] and written with [`crate::Batch::restore`].
//!
//! A record is a key of one of the primary [`TABLES`] and its stored value, byte for byte
//! in the encoding every store shares, so a copy can be checked by comparing the records
//! of both stores. The derived indexes (a case's history, timers by due instant) are not
//! records: restoring an event or a timer writes them, as committing one does.

use crate::{keys, Error};

/// A stored record: its key in the keyspace (`case/…`, `evt/…`) and its stored value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub key: Vec<u8>,
    pub value: Vec<u8>,
}

/// The primary tables, by name and key prefix, in key order.
pub const TABLES: [(&str, &[u8]); 9] = [
    ("cases", keys::CASE),
    ("counters", keys::COUNTER),
    ("cron", keys::CRON),
    ("departments", keys::DEPARTMENT),
    ("events", keys::EVENT),
    ("subscriptions", keys::SUBSCRIPTION),
    ("idempotency", keys::IDEMPOTENCY),
    ("packs", keys::PACK),
    ("timers", keys::TIMER),
];

/// The name of the primary table a key belongs to.
pub fn table_of(key: &[u8]) -> Option<&'static str> {
    TABLES
        .iter()
        .find(|(_, prefix)| key.starts_with(prefix))
        .map(|(name, _)| *name)
}

/// Every record of a store, for copying it.
pub trait Records {
    /// Up to `limit` records in key order, from just after `after` (from the first
    /// record when `None`).
    fn records(&self, after: Option<&[u8]>, limit: usize) -> Result<Vec<Record>, Error>;
}

/// Checks a record before it is restored: its table, and that its value decodes as that
/// table's values do, so a copy never stores what the store could not read back.
pub(crate) fn check(record: &Record) -> Result<&'static str, Error> {
    use govflow_model::{Case, DepartmentRegistry, Event, Timer};
    let table = table_of(&record.key).ok_or_else(|| Error::Restore {
        key: String::from_utf8_lossy(&record.key).into_owned(),
        reason: "the key is in no table",
    })?;
    let (key, value) = (&record.key[..], &record.value[..]);
    match table {
        "cases" => keys::decode::<Case>(key, value).map(drop),
        "counters" => keys::decode::<i64>(key, value).map(drop),
        "cron" => keys::decode::<chrono::DateTime<chrono::Utc>>(key, value).map(drop),
        "departments" => keys::decode::<DepartmentRegistry>(key, value).map(drop),
        "events" => keys::decode::<Event>(key, value).map(drop),
        "idempotency" => keys::decode::<crate::IdempotencyRecord>(key, value).map(drop),
        "packs" => keys::decode::<serde_json::Value>(key, value).map(drop),
        "subscriptions" => keys::decode::<crate::Subscription>(key, value).map(drop),
        _ => keys::decode::<Timer>(key, value).map(drop),
    }?;
    Ok(table)
}
