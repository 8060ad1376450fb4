//! [`Records`] for [`PgStore`]: each table's rows turned back into the keyspace's records,
//! so a copy to or from PostgreSQL is checked record by record like any other.

use govflow_store::kit;
use govflow_store::{Error, Record, Records};
use postgres::types::ToSql;

use crate::store::PgStore;

/// How a table's key column becomes the part of the record's key after the prefix.
#[derive(Clone, Copy)]
enum Key {
    Text,
    Bytes,
    Seq,
}

/// Each table by key prefix, in key order (as `govflow_store::TABLES`).
const TABLES: [(&[u8], &str, &str, Key); 9] = [
    (kit::CASE, "cases", "id", Key::Text),
    (kit::COUNTER, "counters", "key", Key::Text),
    (kit::CRON, "cron", "obligation", Key::Text),
    (kit::DEPARTMENT, "departments", "city", Key::Text),
    (kit::EVENT, "events", "seq", Key::Seq),
    (kit::SUBSCRIPTION, "subscriptions", "id", Key::Text),
    (kit::IDEMPOTENCY, "idempotency", "key", Key::Text),
    (kit::PACK, "packs", "version", Key::Text),
    (kit::TIMER, "timers", "key", Key::Bytes),
];

impl Records for PgStore {
    fn records(&self, after: Option<&[u8]>, limit: usize) -> Result<Vec<Record>, Error> {
        let mut out = Vec::new();
        for (prefix, table, column, key) in TABLES {
            let left = i64::try_from(limit - out.len()).unwrap_or(i64::MAX);
            if left == 0 {
                break;
            }
            let from = match after {
                Some(a) if a > prefix && !a.starts_with(prefix) => continue,
                Some(a) => a.strip_prefix(prefix),
                None => None,
            };
            let rows = match from {
                None => self.rows(
                    &format!("SELECT {column}, body FROM {table} ORDER BY {column} LIMIT $1"),
                    &[&left],
                )?,
                Some(from) => {
                    let sql = format!(
                        "SELECT {column}, body FROM {table} WHERE {column} > $1 ORDER BY {column} LIMIT $2"
                    );
                    let bound: Box<dyn ToSql + Sync> = match key {
                        Key::Text => Box::new(String::from_utf8_lossy(from).into_owned()),
                        Key::Bytes => Box::new(from.to_vec()),
                        Key::Seq => Box::new(
                            <[u8; 8]>::try_from(from)
                                .map(|b| i64::try_from(u64::from_be_bytes(b)).unwrap_or(i64::MAX))
                                .unwrap_or(i64::MAX),
                        ),
                    };
                    self.rows(&sql, &[bound.as_ref(), &left])?
                }
            };
            for row in rows {
                let suffix = match key {
                    Key::Text => row.get::<_, String>(0).into_bytes(),
                    Key::Bytes => row.get::<_, Vec<u8>>(0),
                    Key::Seq => (row.get::<_, i64>(0) as u64).to_be_bytes().to_vec(),
                };
                out.push(Record {
                    key: [prefix, &suffix[..]].concat(),
                    value: row.get(1),
                });
            }
        }
        Ok(out)
    }
}
