//! A group's writes (in the sled keyspace, as `govflow_store::kit::Group` makes them)
//! turned into set-based statements: per table one `DELETE … WHERE key = ANY($1)` for
//! every key written and one `INSERT … SELECT * FROM UNNEST(…)` for the rows that stay.
//! Delete-then-insert replaces a row without `ON CONFLICT`, which older
//! PostgreSQL-compatible servers lack. The history and due-instant index keys are not
//! stored: `events.case_id` and `timers (due_secs, due_nanos, key)` are those indexes.

use govflow_model::{Case, CaseId, Timer, TimerKind};
use govflow_store::kit::{self, Writes};
use govflow_store::Error;
use postgres::types::ToSql;
use postgres::Transaction;
use serde::Deserialize;

use crate::conn::{db, prepared, Statements};

#[derive(Default)]
pub struct Rows {
    cases: Vec<CaseRow>,
    case_keys: Vec<String>,
    events: Vec<(i64, String, Vec<u8>)>,
    timers: Vec<(Vec<u8>, Timer, Vec<u8>)>,
    timer_keys: Vec<Vec<u8>>,
    plain: [Plain; 6],
}

struct CaseRow {
    case: Case,
    body: Vec<u8>,
}

/// A table of a text key and a body.
#[derive(Default)]
struct Plain {
    written: Vec<String>,
    rows: Vec<(String, Vec<u8>)>,
}

const PLAIN: [(&[u8], &str, &str); 6] = [
    (kit::IDEMPOTENCY, "idempotency", "key"),
    (kit::COUNTER, "counters", "key"),
    (kit::DEPARTMENT, "departments", "city"),
    (kit::CRON, "cron", "obligation"),
    (kit::PACK, "packs", "version"),
    (kit::SUBSCRIPTION, "subscriptions", "id"),
];

/// Enough of an event to index it by case.
#[derive(Deserialize)]
struct EventCase {
    case: CaseId,
}

fn text(key: &[u8], prefix: &[u8]) -> Result<String, Error> {
    String::from_utf8(key[prefix.len()..].to_vec()).map_err(|_| corrupt(key))
}

fn corrupt(key: &[u8]) -> Error {
    Error::Corrupt {
        key: String::from_utf8_lossy(key).into_owned(),
        source: serde::de::Error::custom("a write outside every table"),
    }
}

impl Rows {
    pub fn from_writes(writes: Writes) -> Result<Rows, Error> {
        let mut rows = Rows::default();
        for (key, value) in writes {
            if key.starts_with(kit::HISTORY) || key.starts_with(kit::DUE) {
                continue;
            }
            if let Some(id) = key.strip_prefix(kit::CASE) {
                rows.case_keys.push(text(&key, kit::CASE)?);
                if let Some(body) = value {
                    let case: Case = kit::decode(&key, &body)?;
                    debug_assert_eq!(case.id.as_str().as_bytes(), id);
                    rows.cases.push(CaseRow { case, body });
                }
            } else if let Some(seq) = key.strip_prefix(kit::EVENT) {
                let seq = <[u8; 8]>::try_from(seq).map_err(|_| corrupt(&key))?;
                let body = value.ok_or_else(|| corrupt(&key))?;
                let event: EventCase = kit::decode(&key, &body)?;
                let seq = i64::try_from(u64::from_be_bytes(seq)).map_err(|_| corrupt(&key))?;
                rows.events
                    .push((seq, event.case.as_str().to_owned(), body));
            } else if let Some(suffix) = key.strip_prefix(kit::TIMER) {
                rows.timer_keys.push(suffix.to_vec());
                if let Some(body) = value {
                    let timer: Timer = kit::decode(&key, &body)?;
                    rows.timers.push((suffix.to_vec(), timer, body));
                }
            } else {
                let (i, (prefix, _, _)) = PLAIN
                    .iter()
                    .enumerate()
                    .find(|(_, (p, _, _))| key.starts_with(p))
                    .ok_or_else(|| corrupt(&key))?;
                let name = text(&key, prefix)?;
                let plain = &mut rows.plain[i];
                plain.written.push(name.clone());
                if let Some(body) = value {
                    plain.rows.push((name, body));
                }
            }
        }
        Ok(rows)
    }

    /// The earliest instant of a timer these rows arm, if they arm one.
    pub fn earliest_timer(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.timers.iter().map(|(_, timer, _)| timer.at).min()
    }

    pub fn write(self, tx: &mut Transaction<'_>, st: &mut Statements) -> Result<(), Error> {
        let mut run = |sql: &str, params: &[&(dyn ToSql + Sync)]| -> Result<(), Error> {
            let statement = prepared(tx, st, sql).map_err(db)?;
            tx.execute(&statement, params).map_err(db)?;
            Ok(())
        };
        if !self.case_keys.is_empty() {
            run("DELETE FROM cases WHERE id = ANY($1)", &[&self.case_keys])?;
        }
        if !self.cases.is_empty() {
            let c = &self.cases;
            let ids: Vec<&str> = c.iter().map(|r| r.case.id.as_str()).collect();
            let cities: Vec<&str> = c.iter().map(|r| r.case.city.as_str()).collect();
            let procedures: Vec<&str> = c.iter().map(|r| r.case.procedure.as_str()).collect();
            let states: Vec<&str> = c.iter().map(|r| r.case.state.as_str()).collect();
            let overdue: Vec<bool> = c.iter().map(|r| r.case.overdue).collect();
            let providers: Vec<Option<&str>> =
                c.iter().map(|r| r.case.provider.as_deref()).collect();
            let parents: Vec<Option<&str>> = c
                .iter()
                .map(|r| r.case.parent.as_ref().map(|p| p.as_str()))
                .collect();
            let revisions: Vec<i64> = c.iter().map(|r| r.case.revision as i64).collect();
            let bodies: Vec<&[u8]> = c.iter().map(|r| &r.body[..]).collect();
            run(
                "INSERT INTO cases (id, city, procedure, state, overdue, provider, parent, revision, body)
                 SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[],
                                      $6::text[], $7::text[], $8::int8[], $9::bytea[])",
                &[&ids, &cities, &procedures, &states, &overdue, &providers, &parents, &revisions, &bodies],
            )?;
        }
        if !self.events.is_empty() {
            let seqs: Vec<i64> = self.events.iter().map(|e| e.0).collect();
            let cases: Vec<&str> = self.events.iter().map(|e| e.1.as_str()).collect();
            let bodies: Vec<&[u8]> = self.events.iter().map(|e| &e.2[..]).collect();
            run(
                "INSERT INTO events (seq, case_id, body)
                 SELECT * FROM UNNEST($1::int8[], $2::text[], $3::bytea[])",
                &[&seqs, &cases, &bodies],
            )?;
        }
        if !self.timer_keys.is_empty() {
            run(
                "DELETE FROM timers WHERE key = ANY($1)",
                &[&self.timer_keys],
            )?;
        }
        if !self.timers.is_empty() {
            let t = &self.timers;
            let keys: Vec<&[u8]> = t.iter().map(|r| &r.0[..]).collect();
            let cases: Vec<&str> = t.iter().map(|r| r.1.case.as_str()).collect();
            let deadlines: Vec<&str> = t.iter().map(|r| r.1.deadline.as_str()).collect();
            let kinds: Vec<&str> = t.iter().map(|r| kind(r.1.kind)).collect();
            let secs: Vec<i64> = t.iter().map(|r| r.1.at.timestamp()).collect();
            let nanos: Vec<i32> = t
                .iter()
                .map(|r| r.1.at.timestamp_subsec_nanos() as i32)
                .collect();
            let bodies: Vec<&[u8]> = t.iter().map(|r| &r.2[..]).collect();
            run(
                "INSERT INTO timers (key, case_id, deadline, kind, due_secs, due_nanos, body)
                 SELECT * FROM UNNEST($1::bytea[], $2::text[], $3::text[], $4::text[],
                                      $5::int8[], $6::int4[], $7::bytea[])",
                &[&keys, &cases, &deadlines, &kinds, &secs, &nanos, &bodies],
            )?;
        }
        for (plain, (_, table, column)) in self.plain.iter().zip(PLAIN) {
            if !plain.written.is_empty() {
                let sql = format!("DELETE FROM {table} WHERE {column} = ANY($1)");
                run(&sql, &[&plain.written])?;
            }
            if !plain.rows.is_empty() {
                let names: Vec<&str> = plain.rows.iter().map(|r| r.0.as_str()).collect();
                let bodies: Vec<&[u8]> = plain.rows.iter().map(|r| &r.1[..]).collect();
                let sql = format!(
                    "INSERT INTO {table} ({column}, body) SELECT * FROM UNNEST($1::text[], $2::bytea[])"
                );
                run(&sql, &[&names, &bodies])?;
            }
        }
        Ok(())
    }
}

/// The `timers.kind` column, for people reading the table.
fn kind(kind: TimerKind) -> &'static str {
    match kind {
        TimerKind::Warning => "warning",
        TimerKind::Lapse => "lapse",
    }
}
