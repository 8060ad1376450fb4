//! The tables, as versioned migrations applied when a store opens.
//!
//! Each table keeps the stored value (`body`) in the encoding the sled store uses
//! (`govflow_store::kit::encode`), next to plain indexed columns for what the API filters
//! and sorts on, so a list or a count is an index lookup. Text columns that order pages
//! use the `"C"` collation: byte order, as in sled, whatever the database's locale. Only
//! PostgreSQL 9.4-era SQL is used (no `jsonb`, no `ON CONFLICT`).
//!
//! Migration `n` is `MIGRATIONS[n - 1]`; a database that records a version above
//! `MIGRATIONS.len()` was written by a newer build and is refused.

use govflow_store::Error;
use postgres::Client;

use crate::conn::db;

const V1: &str = r#"
CREATE TABLE cases (
    id        text COLLATE "C" PRIMARY KEY,
    city      text COLLATE "C" NOT NULL,
    procedure text COLLATE "C" NOT NULL,
    state     text COLLATE "C" NOT NULL,
    overdue   boolean NOT NULL,
    provider  text COLLATE "C",
    parent    text COLLATE "C",
    revision  bigint NOT NULL,
    body      bytea NOT NULL
);
CREATE INDEX cases_by_city ON cases (city, id);
CREATE INDEX cases_by_procedure ON cases (procedure, id);
CREATE INDEX cases_by_state ON cases (state, id);
CREATE INDEX cases_by_overdue ON cases (overdue, id);
CREATE INDEX cases_by_provider ON cases (provider, id);
CREATE INDEX cases_by_parent ON cases (parent, id);

CREATE TABLE events (
    seq     bigint PRIMARY KEY,
    case_id text COLLATE "C" NOT NULL,
    body    bytea NOT NULL
);
CREATE INDEX events_by_case ON events (case_id, seq);

-- The last sequence number given out; every commit with events moves it under a row lock,
-- so numbers are gapless and in commit order.
CREATE TABLE feed_head (
    id  integer PRIMARY KEY CHECK (id = 1),
    seq bigint NOT NULL
);
INSERT INTO feed_head (id, seq) VALUES (1, 0);

-- `key` is the sled timer key (length-prefixed case and deadline ids, one byte of kind):
-- ordering by it breaks ties between timers due at the same instant exactly as sled does.
CREATE TABLE timers (
    key       bytea PRIMARY KEY,
    case_id   text COLLATE "C" NOT NULL,
    deadline  text COLLATE "C" NOT NULL,
    kind      text NOT NULL,
    due_secs  bigint NOT NULL,
    due_nanos integer NOT NULL,
    body      bytea NOT NULL
);
CREATE INDEX timers_by_due ON timers (due_secs, due_nanos, key);
CREATE INDEX timers_by_case ON timers (case_id);

CREATE TABLE idempotency (
    key  text COLLATE "C" PRIMARY KEY,
    body bytea NOT NULL
);
CREATE TABLE departments (
    city text COLLATE "C" PRIMARY KEY,
    body bytea NOT NULL
);
CREATE TABLE cron (
    obligation text COLLATE "C" PRIMARY KEY,
    body       bytea NOT NULL
);
CREATE TABLE packs (
    version text COLLATE "C" PRIMARY KEY,
    body    bytea NOT NULL
);
"#;

/// Timer claims for several nodes (`claim_due`): who holds a due timer, until when (the
/// database's clock). A row written by a commit starts unclaimed.
const V2: &str = r#"
ALTER TABLE timers ADD COLUMN claimed_by text;
ALTER TABLE timers ADD COLUMN claim_until timestamptz;
"#;

/// Webhook subscriptions (`govflow_store::Subscription`), each its delivery cursor.
const V3: &str = r#"
CREATE TABLE subscriptions (
    id   text COLLATE "C" PRIMARY KEY,
    body bytea NOT NULL
);
"#;

/// Counters kept in the same commit as the transitions they count (the board's figures):
/// `key` is the counter's name, `body` its value as every store encodes it.
const V4: &str = r#"
CREATE TABLE counters (
    key  text COLLATE "C" PRIMARY KEY,
    body bytea NOT NULL
);
"#;

/// Roles one node holds for the cluster (`Store::lead`): who holds each, until when (the
/// database's clock, as for timer claims).
const V5: &str = r#"
CREATE TABLE leases (
    role   text COLLATE "C" PRIMARY KEY,
    holder text NOT NULL,
    until  timestamptz NOT NULL
);
"#;

const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Brings the database to [`SCHEMA_VERSION`], in one transaction, or refuses a newer one.
/// `database` names it (without a password) in the error.
pub fn migrate(client: &mut Client, database: &str) -> Result<(), Error> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    integer PRIMARY KEY,
                 applied_at timestamptz NOT NULL DEFAULT now()
             )",
        )
        .map_err(db)?;
    let mut tx = client.transaction().map_err(db)?;
    // Two nodes starting together: the second waits, then finds the work done.
    tx.batch_execute("LOCK TABLE schema_migrations IN EXCLUSIVE MODE")
        .map_err(db)?;
    let found: i32 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            &[],
        )
        .map_err(db)?
        .get(0);
    let found = u32::try_from(found).unwrap_or(0);
    if found > SCHEMA_VERSION {
        return Err(Error::SchemaVersion {
            database: database.to_owned(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (version, sql) in (1i32..).zip(MIGRATIONS).skip(found as usize) {
        tx.batch_execute(sql).map_err(db)?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[&version],
        )
        .map_err(db)?;
    }
    tx.commit().map_err(db)
}
