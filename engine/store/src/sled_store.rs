//! The sled store.
//!
//! **Atomicity.** Every table lives in sled's default tree under its own key prefix (see
//! `keys`), so one batch — across cases, events, timers, idempotency keys and cron marks —
//! is one `Tree::apply_batch`, which sled applies atomically, also across a crash. We do
//! not use sled's multi-tree transactions: they retry closures under contention and cost
//! more than the read-check-write we need, and a single writer makes them unnecessary.
//!
//! **Group commit.** One committer thread owns every write. `commit` sends its batch over a
//! channel and waits for the answer. The committer takes one request, drains whatever
//! else is already queued (up to [`MAX_GROUP`]), checks each batch against the tree plus
//! the writes of the batches before it (so conflicts within a group are caught as if the
//! commits were sequential), applies all surviving writes with one `apply_batch`, calls
//! `flush` once, `fsync`s sled's log (see `write`), and only then answers every caller. While it flushes, new requests queue
//! up and form the next group, so the number of fsyncs follows the disk's speed, not the
//! number of writers, and a lone writer waits for nothing but its own flush. Being the
//! only writer also makes the event sequence gapless and the optimistic checks race-free
//! without locks.
//!
//! Measured (`benches/commit.rs`, a 2-core VM on ext4, one flush ≈ 0.2 ms; each commit
//! is a case, an event and a timer): 4.1k durable commits/s with 1 writer, 15k with 16,
//! 19k with 64. Without the committer (each writer calling `apply_batch` and `flush`
//! itself, writing only the case) sled gives 5.6k, 6.6k and 6.3k: its flushes serialise
//! rather than coalesce, so grouping has to be ours.
//!
//! **Reads** go straight to the tree. They can see a group that is applied but whose flush
//! has not returned yet (and would be lost if the process died in between); nothing that
//! was acknowledged is ever missing from a read.
//!
//! **Failure.** If `apply_batch` or `flush` fails, every caller of that group gets the
//! error and the committer stops: later commits fail with [`Error::Closed`] until the
//! store is reopened, because what is on disk is no longer known.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::sync::Arc;

use crate::backend::{prefix_end, Backend, Snapshot, Visit};
use crate::committer::{Committer, Request};
use crate::staging::{Group, Writes};
use crate::{keys, Batch, Error, Events, Receipt, Store, FORMAT_VERSION, UPGRADES_FROM};

/// The most batches one flush covers; bounds the latency a single group adds.
pub const MAX_GROUP: usize = 1024;

pub struct SledStore {
    db: sled::Db,
    path: PathBuf,
    committer: Option<Committer>,
}

/// How long to wait for a previous owner of the directory to release sled's file lock,
/// which sled does a moment after the `Db` is dropped.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// The most memory sled's page cache may take. With sled's default (1 GiB) a store of
/// 200,000 open cases held 927 MiB resident, 1,687 MiB after their deadlines ran out; with
/// this, 498 and 696 MiB at the same throughput. The operating system's page cache still
/// keeps the file's hot pages. Measured in docs/performance.md, "A million open cases".
const CACHE_BYTES: u64 = 256 << 20;

fn open_db(path: &Path) -> Result<sled::Db, Error> {
    let started = std::time::Instant::now();
    loop {
        match sled::Config::new()
            .path(path)
            .cache_capacity(CACHE_BYTES)
            .open()
        {
            // sled reports the lock as an `Other` I/O error with this text.
            Err(sled::Error::Io(e))
                if e.to_string().contains("could not acquire lock")
                    && started.elapsed() < LOCK_WAIT =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => return Ok(other?),
        }
    }
}

impl SledStore {
    /// Open (creating if needed) the store in `dir`, checking its format version.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, Error> {
        let path = dir.as_ref().to_path_buf();
        let db = open_db(&path)?;
        check_format(&db, &path)?;
        let mut store = SledStore {
            db: db.clone(),
            path,
            committer: None,
        };
        let next_seq = store.last_seq()? + 1;
        let log = std::fs::File::open(store.path.join(SLED_LOG))
            .map_err(|e| Error::Storage(Arc::new(e.into())))?;
        let committer = Committer::spawn("govflow-store-commit", move |requests| {
            run(db, log, requests, next_seq)
        })
        .map_err(|e| Error::Storage(Arc::new(e.into())))?;
        store.committer = Some(committer);
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn check_format(db: &sled::Db, path: &Path) -> Result<(), Error> {
    match db.get(keys::FORMAT)? {
        Some(raw) => {
            let found = std::str::from_utf8(&raw)
                .ok()
                .and_then(|s| s.parse::<u32>().ok())
                .ok_or_else(|| Error::NotAStore {
                    path: path.to_path_buf(),
                })?;
            if UPGRADES_FROM.contains(&found) {
                db.insert(keys::FORMAT, FORMAT_VERSION.to_string().as_bytes())?;
                db.flush()?;
            } else if found != FORMAT_VERSION {
                return Err(Error::FormatVersion {
                    path: path.to_path_buf(),
                    found,
                    expected: FORMAT_VERSION,
                });
            }
        }
        None if db.is_empty() => {
            db.insert(keys::FORMAT, FORMAT_VERSION.to_string().as_bytes())?;
            db.flush()?;
        }
        None => {
            return Err(Error::NotAStore {
                path: path.to_path_buf(),
            })
        }
    }
    Ok(())
}

/// sled 0.34 keeps its log in this file of the store's directory.
const SLED_LOG: &str = "db";

fn run(db: sled::Db, log: std::fs::File, requests: Receiver<Request>, mut next_seq: u64) {
    while let Ok(first) = requests.recv() {
        let mut group_requests = vec![first];
        group_requests.extend(requests.try_iter().take(MAX_GROUP - 1));
        let mut group = Group::new(next_seq);
        let mut answers = Vec::with_capacity(group_requests.len());
        for request in group_requests {
            let outcome = group.stage(&*db, request.batch);
            answers.push((request.reply, outcome));
        }
        let after = group.next_seq();
        match write(&db, &log, group.into_writes()) {
            Ok(()) => {
                next_seq = after;
                for (reply, outcome) in answers {
                    // A caller that stopped waiting needs no answer; its batch is stored.
                    let _ = reply.send(outcome);
                }
            }
            Err(e) => {
                let e = Arc::new(e);
                for (reply, outcome) in answers {
                    let _ = reply.send(outcome.and(Err(Error::Storage(e.clone()))));
                }
                return;
            }
        }
    }
}

/// One group is written at a time in the whole process, whatever the store. sled 0.34 has
/// one concurrency lock per process: `apply_batch` takes it exclusively, and a flush in
/// progress on another store of the same process can wait for a thread that the pending
/// writer keeps from reading, so the two deadlock (seen with several stores in one test
/// process, each in its own temp directory). A service opens one store, so this costs it
/// nothing.
static ONE_WRITE_PER_PROCESS: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn write(db: &sled::Db, log: &std::fs::File, writes: Writes) -> Result<(), sled::Error> {
    if writes.is_empty() {
        return Ok(());
    }
    let _one = ONE_WRITE_PER_PROCESS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut batch = sled::Batch::default();
    for (key, value) in writes {
        match value {
            Some(v) => batch.insert(key, v),
            None => batch.remove(key),
        }
    }
    db.apply_batch(batch)?;
    db.flush()?;
    // sled's flush ends with `sync_file_range` on Linux, which neither flushes the
    // device's write cache nor the file's metadata, and sled calls `fsync` only every half
    // second or so: a power loss could take acknowledged commits with it. An `fsync` of
    // the log through our own handle makes the group durable before anyone is answered.
    log.sync_data()?;
    Ok(())
}

impl Store for SledStore {
    fn commit(&self, batch: Batch) -> Result<Receipt, Error> {
        self.committer.as_ref().ok_or(Error::Closed)?.commit(batch)
    }
}

impl Snapshot for sled::Tree {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        Ok(sled::Tree::get(self, key)?.map(|v| v.to_vec()))
    }
}

impl Backend for SledStore {
    fn read(&self, key: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        Ok(self.db.get(key)?.map(|v| v.to_vec()))
    }

    fn range(&self, from: &[u8], until: &[u8], visit: Visit<'_>) -> Result<(), Error> {
        for item in self.db.range(from..until) {
            let (k, v) = item?;
            if !visit(&k, &v)? {
                break;
            }
        }
        Ok(())
    }

    fn scan(&self, prefix: &[u8], after: Option<&[u8]>, visit: Visit<'_>) -> Result<(), Error> {
        use std::ops::Bound;
        let start = match after {
            Some(a) => Bound::Excluded(a.to_vec()),
            None => Bound::Included(prefix.to_vec()),
        };
        for item in self
            .db
            .range::<Vec<u8>, _>((start, Bound::Excluded(prefix_end(prefix))))
        {
            let (k, v) = item?;
            if !visit(&k, &v)? {
                break;
            }
        }
        Ok(())
    }

    fn last_key(&self, prefix: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        Ok(self
            .db
            .scan_prefix(prefix)
            .next_back()
            .transpose()?
            .map(|(k, _)| k.to_vec()))
    }
}
