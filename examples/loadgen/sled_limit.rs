//! What sled itself allows on this disk, for scale (`--only sled-limit`): one writer
//! inserting `BATCH` values of a stored case's size per group, each group applied and made
//! durable as govflow's committer makes one (`apply_batch`, `flush`, `fdatasync` of the
//! log), the "peers-style" limit the issue measures govflow against. No HTTP, no
//! decisions, no encoding: the ceiling for one durable insert per case.

use serde::Serialize;
use std::time::{Duration, Instant};

/// Inserts per flush.
pub const BATCH: usize = 64;
/// About one stored case's JSON (docs/performance.md, "The board over 1,000,000 cases").
const VALUE_BYTES: usize = 1_100;
/// sled 0.34 keeps its log in this file of the database's directory (as
/// `engine/store/src/sled_store.rs` says).
const SLED_LOG: &str = "db";

#[derive(Debug, Serialize)]
pub struct SledLimit {
    pub inserts_per_flush: usize,
    pub value_bytes: usize,
    pub flushes: u64,
    pub inserts_per_second: f64,
    pub flush_mean_ms: f64,
}

/// Runs groups for `warmup`, then counts them for `measured`, on a fresh temp database.
pub fn measure(warmup: Duration, measured: Duration) -> anyhow::Result<SledLimit> {
    let dir = tempfile::tempdir()?;
    let db = sled::open(dir.path())?;
    let log = std::fs::File::open(dir.path().join(SLED_LOG))?;
    let value = vec![b'x'; VALUE_BYTES];
    let mut next: u64 = 0;
    let mut group = || -> anyhow::Result<()> {
        let mut batch = sled::Batch::default();
        for _ in 0..BATCH {
            batch.insert(&next.to_be_bytes(), value.as_slice());
            next += 1;
        }
        db.apply_batch(batch)?;
        db.flush()?;
        log.sync_data()?;
        Ok(())
    };
    let from = Instant::now() + warmup;
    while Instant::now() < from {
        group()?;
    }
    let started = Instant::now();
    let mut flushes = 0;
    while started.elapsed() < measured {
        group()?;
        flushes += 1;
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok(SledLimit {
        inserts_per_flush: BATCH,
        value_bytes: VALUE_BYTES,
        flushes,
        inserts_per_second: (flushes as usize * BATCH) as f64 / elapsed,
        flush_mean_ms: elapsed * 1000.0 / flushes as f64,
    })
}

impl SledLimit {
    pub fn line(&self) -> String {
        format!(
            "sled alone: {:.0} inserts/s ({} inserts of {} bytes per apply_batch + flush + fdatasync, {:.2} ms per group, {} groups)",
            self.inserts_per_second,
            self.inserts_per_flush,
            self.value_bytes,
            self.flush_mean_ms,
            self.flushes
        )
    }
}
