//! [`PgStore`]: opening (migrations, the committer thread) and the read side.

use chrono::{DateTime, Utc};
use govflow_model::{Case, CaseId, CityId, DepartmentRegistry, Event, Timer, TimerKey};
use govflow_store::kit::{self, Committer};
use govflow_store::{
    Batch, CaseQuery, Cases, Counters, Cron, Departments, Error, Events, Idempotency,
    IdempotencyRecord, Packs, Page, Receipt, Recorded, Store, Subscription, Subscriptions, Timers,
};
use postgres::types::ToSql;
use postgres::Config;
use std::sync::Arc;

use crate::armed;
use crate::claims;
use crate::committer;
use crate::conn::{db, describe, Conn, Pool};
use crate::leases;
use crate::schema;

pub struct PgStore {
    pool: Pool,
    location: String,
    committer: Committer,
    features: Features,
    /// Who this store is when it claims timers: unique per open, across nodes.
    holder: String,
    config_for_listener: Config,
    /// Set when the store is dropped, to end its listener (see `armed`).
    listening: Arc<std::sync::atomic::AtomicBool>,
    /// Whether this store ever took a role (`Store::lead`), to give them up when dropped.
    led: std::sync::atomic::AtomicBool,
}

impl Drop for PgStore {
    fn drop(&mut self) {
        self.listening
            .store(true, std::sync::atomic::Ordering::Relaxed);
        if self.led.load(std::sync::atomic::Ordering::Relaxed) {
            if let Err(e) = leases::resign(&self.pool, &self.holder) {
                tracing::warn!(error = %e, "cannot give up this node's roles; another node takes them when their leases pass");
            }
        }
    }
}

/// What the store uses of the server where a PostgreSQL-compatible database may lack it.
/// [`PgStore::open`] detects each; [`PgStore::open_with`] can turn one off, so the
/// fallback is tested on a server that has the feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    /// `FOR UPDATE SKIP LOCKED` when nodes claim due timers (else claims queue).
    pub skip_locked: bool,
    /// `LISTEN/NOTIFY` to wake the other nodes when a timer is armed (else they find it
    /// on their periodic look).
    pub notify: bool,
}

impl Features {
    pub const ALL: Features = Features {
        skip_locked: true,
        notify: true,
    };
    pub const NONE: Features = Features {
        skip_locked: false,
        notify: false,
    };
}

impl PgStore {
    /// Connects to the database at `url` (a `postgres://` URL or `key=value` pairs),
    /// applies the migrations it lacks, and starts the committer.
    pub fn open(url: &str) -> Result<PgStore, Error> {
        PgStore::open_with(url, Features::ALL)
    }

    /// As [`PgStore::open`], using at most the `allowed` features (each still only if the
    /// server has it).
    pub fn open_with(url: &str, allowed: Features) -> Result<PgStore, Error> {
        let config: Config = url.parse().map_err(db)?;
        let location = describe(&config);
        let mut writer = Conn::open(&config)?;
        schema::migrate(&mut writer.client, &location)?;
        let features = Features {
            skip_locked: allowed.skip_locked
                && writer
                    .client
                    .batch_execute("SELECT key FROM timers LIMIT 0 FOR UPDATE SKIP LOCKED")
                    .is_ok(),
            notify: allowed.notify
                && writer
                    .client
                    .batch_execute("LISTEN govflow_probe; UNLISTEN govflow_probe")
                    .is_ok(),
        };
        let holder = holder();
        let notifying = features.notify.then(|| holder.clone());
        let committer_config = config.clone();
        let config_clone = config.clone();
        let committer = Committer::spawn("govflow-pg-commit", move |requests| {
            committer::run(committer_config, Some(writer), requests, notifying)
        })
        .map_err(|e| Error::Database(Arc::new(e)))?;
        Ok(PgStore {
            pool: Pool::new(config),
            location,
            committer,
            features,
            holder,
            config_for_listener: config_clone,
            listening: Arc::default(),
            led: Default::default(),
        })
    }

    /// What this store uses of the server.
    pub fn features(&self) -> Features {
        self.features
    }

    /// The database, as `postgres://user@host:port/name`: never the password.
    pub fn location(&self) -> &str {
        &self.location
    }

    pub(crate) fn rows(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<postgres::Row>, Error> {
        self.pool.with(|conn| conn.query(sql, params))
    }

    /// The body of the single row `sql` finds, decoded.
    fn one<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        sql: &str,
        key: &(dyn ToSql + Sync),
    ) -> Result<Option<T>, Error> {
        let rows = self.rows(sql, &[key])?;
        rows.first()
            .map(|row| kit::decode(what.as_bytes(), row.get::<_, &[u8]>(0)))
            .transpose()
    }

    fn recorded(rows: Vec<postgres::Row>) -> Result<Vec<Recorded>, Error> {
        rows.iter()
            .map(|row| {
                let seq: i64 = row.get(0);
                let event: Event = kit::decode(format!("events/{seq}").as_bytes(), row.get(1))?;
                Ok(Recorded {
                    seq: seq as u64,
                    event,
                })
            })
            .collect()
    }
}

/// A name no other open store has: the host, the process and a counter.
fn holder() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static OPENED: AtomicU64 = AtomicU64::new(0);
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!(
        "{}-{started}-{}",
        std::process::id(),
        OPENED.fetch_add(1, Ordering::Relaxed)
    )
}

impl Store for PgStore {
    fn commit(&self, batch: Batch) -> Result<Receipt, Error> {
        self.committer.commit(batch)
    }

    fn lead(&self, role: &str, lease: std::time::Duration) -> Result<bool, Error> {
        let held = leases::take(&self.pool, &self.holder, role, lease)?;
        if held {
            self.led.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(held)
    }

    fn on_armed_elsewhere(&self, armed: govflow_store::ArmedElsewhere) {
        if !self.features.notify {
            return;
        }
        let (config, holder) = (self.config_for_listener.clone(), self.holder.clone());
        let stop = self.listening.clone();
        let spawned = std::thread::Builder::new()
            .name("govflow-pg-listen".into())
            .spawn(move || armed::listen(config, holder, armed, stop));
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "cannot listen for timers armed on other nodes");
        }
    }
}

impl Counters for PgStore {
    fn counts_page(
        &self,
        from: &str,
        until: &str,
        limit: usize,
    ) -> Result<Vec<(String, i64)>, Error> {
        // The primary key (`COLLATE "C"`: byte order) answers the range and its limit.
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.rows(
            "SELECT key, body FROM counters WHERE key >= $1 AND key < $2 ORDER BY key LIMIT $3",
            &[&from, &until, &limit],
        )?;
        rows.iter()
            .map(|row| {
                let name: String = row.get(0);
                let value = kit::decode::<i64>(name.as_bytes(), row.get(1))?;
                Ok((name, value))
            })
            .collect()
    }
}

impl Cases for PgStore {
    fn case(&self, id: &CaseId) -> Result<Option<Case>, Error> {
        self.one(
            &format!("cases/{id}"),
            "SELECT body FROM cases WHERE id = $1",
            &id.as_str(),
        )
    }

    fn cases(&self, query: &CaseQuery) -> Result<Page, Error> {
        let mut texts: Vec<(&str, &str)> = Vec::new();
        if let Some(city) = &query.city {
            texts.push(("city =", city.as_str()));
        }
        if let Some(procedure) = &query.procedure {
            texts.push(("procedure =", procedure.as_str()));
        }
        if let Some(state) = &query.state {
            texts.push(("state =", state.as_str()));
        }
        if let Some(parent) = &query.parent {
            texts.push(("parent =", parent.as_str()));
        }
        if let Some(after) = &query.after {
            texts.push(("id >", after.as_str()));
        }
        let mut sql = String::from("SELECT body FROM cases WHERE true");
        let mut params: Vec<&(dyn ToSql + Sync)> = Vec::new();
        for (condition, value) in &texts {
            params.push(value);
            sql.push_str(&format!(" AND {condition} ${}", params.len()));
        }
        if let Some(overdue) = &query.overdue {
            params.push(overdue);
            sql.push_str(&format!(" AND overdue = ${}", params.len()));
        }
        let limit = i64::try_from(query.limit).unwrap_or(i64::MAX - 1) + 1;
        params.push(&limit);
        sql.push_str(&format!(" ORDER BY id LIMIT ${}", params.len()));
        let cases = self
            .rows(&sql, &params)?
            .iter()
            .map(|row| kit::decode::<Case>(b"cases", row.get(0)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::of(cases, query.limit))
    }
}

impl Events for PgStore {
    fn events_after(&self, after: u64, limit: usize) -> Result<Vec<Recorded>, Error> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        Self::recorded(self.rows(
            "SELECT seq, body FROM events WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&after, &limit],
        )?)
    }

    fn history(&self, case: &CaseId) -> Result<Vec<Recorded>, Error> {
        Self::recorded(self.rows(
            "SELECT seq, body FROM events WHERE case_id = $1 ORDER BY seq",
            &[&case.as_str()],
        )?)
    }

    fn last_seq(&self) -> Result<u64, Error> {
        let rows = self.rows("SELECT seq FROM feed_head WHERE id = 1", &[])?;
        let seq: i64 = rows.first().map_or(0, |row| row.get(0));
        Ok(seq as u64)
    }
}

const DUE_ORDER: &str = "ORDER BY due_secs, due_nanos, key";

impl Timers for PgStore {
    fn timer(&self, key: &TimerKey) -> Result<Option<Timer>, Error> {
        let full = kit::timer_key(key)?;
        let suffix = &full[kit::TIMER.len()..];
        self.one(
            &String::from_utf8_lossy(&full),
            "SELECT body FROM timers WHERE key = $1",
            &suffix,
        )
    }

    fn due_by(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Timer>, Error> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let (secs, nanos) = (now.timestamp(), now.timestamp_subsec_nanos() as i32);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let sql = format!(
            "SELECT body FROM timers WHERE (due_secs, due_nanos) <= ($1, $2) {DUE_ORDER} LIMIT $3"
        );
        self.rows(&sql, &[&secs, &nanos, &limit])?
            .iter()
            .map(|row| kit::decode(b"timers", row.get(0)))
            .collect()
    }

    fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        lease: std::time::Duration,
    ) -> Result<Vec<Timer>, Error> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        claims::claim(
            &self.pool,
            self.features.skip_locked,
            &self.holder,
            now,
            limit,
            lease,
        )
    }

    fn next_due(&self) -> Result<Option<Timer>, Error> {
        let sql = format!("SELECT body FROM timers {DUE_ORDER} LIMIT 1");
        self.rows(&sql, &[])?
            .first()
            .map(|row| kit::decode(b"timers", row.get(0)))
            .transpose()
    }
}

impl Idempotency for PgStore {
    fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, Error> {
        self.one(
            &format!("idempotency/{key}"),
            "SELECT body FROM idempotency WHERE key = $1",
            &key,
        )
    }
}

impl Departments for PgStore {
    fn departments(&self, city: &CityId) -> Result<DepartmentRegistry, Error> {
        Ok(self
            .one(
                &format!("departments/{city}"),
                "SELECT body FROM departments WHERE city = $1",
                &city.as_str(),
            )?
            .unwrap_or_default())
    }
}

impl Packs for PgStore {
    fn archived_pack(&self, version: &str) -> Result<Option<serde_json::Value>, Error> {
        self.one(
            &format!("packs/{version}"),
            "SELECT body FROM packs WHERE version = $1",
            &version,
        )
    }
}

impl Subscriptions for PgStore {
    fn subscription(&self, id: &str) -> Result<Option<Subscription>, Error> {
        self.one(
            &format!("subscriptions/{id}"),
            "SELECT body FROM subscriptions WHERE id = $1",
            &id,
        )
    }

    fn subscriptions(&self) -> Result<Vec<Subscription>, Error> {
        self.rows("SELECT body FROM subscriptions ORDER BY id", &[])?
            .iter()
            .map(|row| kit::decode(b"subscriptions", row.get(0)))
            .collect()
    }
}

impl Cron for PgStore {
    fn last_occurrence(&self, obligation: &str) -> Result<Option<DateTime<Utc>>, Error> {
        self.one(
            &format!("cron/{obligation}"),
            "SELECT body FROM cron WHERE obligation = $1",
            &obligation,
        )
    }
}
