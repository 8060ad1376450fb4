//! Handing due timers to one node at a time (`Timers::claim_due`).
//!
//! A claim is a lease on the timer's row: `claimed_by` names the store that took it and
//! `claim_until` (the database's clock, so nodes need not agree on time) says until when.
//! A node takes the earliest due timers that nobody holds, whose lease has passed, or that
//! it holds itself (a chunk it failed to fire is taken again at once). Firing deletes the
//! row, so a claim ends with the timer; a timer re-armed by a commit is a new, unclaimed
//! row. Only a case's earliest timer is claimable, so one node never fires a case's lapse
//! while another still holds its warning.
//!
//! With `SKIP LOCKED` two nodes claiming at once take different rows without waiting.
//! Without it (an older or a compatible server that lacks it) the second waits for the
//! first to commit, and the outer condition, evaluated again on the row the first
//! claimed, passes it over: the same outcome, one claim after the other. Claims need no
//! durability (a lost claim only lets another node fire sooner), so they commit with
//! `synchronous_commit` off.

use chrono::{DateTime, Utc};
use govflow_model::Timer;
use govflow_store::{kit, Error};
use std::time::Duration;

use crate::conn::{prepared, Pool};

fn sql(skip_locked: bool) -> String {
    let lock = if skip_locked {
        "FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    format!(
        "UPDATE timers SET claimed_by = $1,
                claim_until = clock_timestamp() + $2::int8 * interval '1 millisecond'
         WHERE key IN (
             SELECT t.key FROM timers t
             WHERE (t.due_secs, t.due_nanos) <= ($3, $4)
               AND (t.claim_until IS NULL OR t.claim_until < clock_timestamp() OR t.claimed_by = $1)
               AND NOT EXISTS (
                   SELECT 1 FROM timers e
                   WHERE e.case_id = t.case_id
                     AND (e.due_secs, e.due_nanos, e.key) < (t.due_secs, t.due_nanos, t.key))
             ORDER BY t.due_secs, t.due_nanos, t.key
             LIMIT $5
             {lock})
           AND (claim_until IS NULL OR claim_until < clock_timestamp() OR claimed_by = $1)
         RETURNING due_secs, due_nanos, key, body"
    )
}

/// Claims up to `limit` timers due by `now` for `holder`; earliest first.
pub fn claim(
    pool: &Pool,
    skip_locked: bool,
    holder: &str,
    now: DateTime<Utc>,
    limit: usize,
    lease: Duration,
) -> Result<Vec<Timer>, Error> {
    let (secs, nanos) = (now.timestamp(), now.timestamp_subsec_nanos() as i32);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let lease = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
    let sql = sql(skip_locked);
    let mut rows = pool.with(|conn| {
        let (client, statements) = conn.split();
        let mut tx = client.transaction()?;
        tx.batch_execute("SET LOCAL synchronous_commit TO off")?;
        let statement = prepared(&mut tx, statements, &sql)?;
        let rows = tx.query(&statement, &[&holder, &lease, &secs, &nanos, &limit])?;
        tx.commit()?;
        Ok(rows)
    })?;
    rows.sort_by_key(|row| {
        (
            row.get::<_, i64>(0),
            row.get::<_, i32>(1),
            row.get::<_, Vec<u8>>(2),
        )
    });
    rows.iter()
        .map(|row| kit::decode(b"timers", row.get(3)))
        .collect()
}
