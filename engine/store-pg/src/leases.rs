//! Roles held by one node for the cluster (`Store::lead`).
//!
//! A role is a row naming its holder and, on the database's clock (so nodes need not agree
//! on time), until when. Taking it is one statement: insert the row, or take it over when
//! the holder is this store or its lease has passed; the row comes back only if this
//! store now holds the role. Two nodes asking at once serialise on the row, and the
//! second sees the first's lease. Like claims, leases need no durability (a lost one only
//! lets another node take the role sooner), so they commit with `synchronous_commit` off.
//! A store that closes gives its roles up, so another node takes them at its next ask.

use govflow_store::Error;
use std::time::Duration;

use crate::conn::{prepared, Pool};

const TAKE: &str = "INSERT INTO leases (role, holder, until)
     VALUES ($1, $2, clock_timestamp() + $3::int8 * interval '1 millisecond')
     ON CONFLICT (role) DO UPDATE SET holder = excluded.holder, until = excluded.until
     WHERE leases.holder = excluded.holder OR leases.until < clock_timestamp()
     RETURNING holder";

/// Whether `holder` holds `role` for `lease` from now.
pub fn take(pool: &Pool, holder: &str, role: &str, lease: Duration) -> Result<bool, Error> {
    let lease = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
    pool.with(|conn| {
        let (client, statements) = conn.split();
        let mut tx = client.transaction()?;
        tx.batch_execute("SET LOCAL synchronous_commit TO off")?;
        let statement = prepared(&mut tx, statements, TAKE)?;
        let rows = tx.query(&statement, &[&role, &holder, &lease])?;
        tx.commit()?;
        Ok(!rows.is_empty())
    })
}

/// Gives up every role `holder` holds.
pub fn resign(pool: &Pool, holder: &str) -> Result<(), Error> {
    pool.with(|conn| {
        conn.query("DELETE FROM leases WHERE holder = $1", &[&holder])
            .map(drop)
    })
}
