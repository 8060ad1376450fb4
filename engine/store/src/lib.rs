//! Durable storage for govflow.
//!
//! Reads go through one small trait per table ([`Cases`], [`Events`], [`Timers`],
//! [`Idempotency`], [`Departments`], [`Cron`], [`Packs`], [`Subscriptions`], [`Counters`]); every write goes through one call,
//! [`Store::commit`], which applies a [`Batch`] atomically and returns only once the batch
//! is on disk. Two implementations share the key layout, the encoding and the checks:
//!
//! * [`SledStore`]: one sled tree with key prefixes per table, written by a single
//!   committer thread that groups concurrent batches into one `apply_batch` and one
//!   flush (group commit). See the `sled_store` module for why.
//! * [`MemoryStore`]: the same keyspace in a `BTreeMap`, for unit tests of the runtime.
//!
//! The store knows nothing about packs or procedures: it keeps what the runtime hands it.
//! Optimistic checks ([`Expect`] on a case's revision, [`Batch::fire`] on a timer,
//! [`Batch::mark_cron`] on an obligation's last occurrence, a fresh idempotency key) make
//! a batch fail with [`Error::Conflict`] instead of overwriting a concurrent change; the
//! runtime re-reads and retries or reports.

mod backend;
mod batch;
mod committer;
mod error;
mod keys;
mod lead;
mod memory;
mod sled_store;
mod staging;
mod subscription;
mod tables;
mod transfer;

#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
#[cfg(test)]
mod tests;

pub use batch::{Batch, Expect, Receipt};
pub use error::{Conflict, Error};
pub use lead::{render_leads, Lead};
pub use memory::MemoryStore;
pub use sled_store::SledStore;
pub use subscription::{Secret, Subscription, SubscriptionState};
/// What another implementation of [`Store`] builds on, so every store keeps the same
/// encoding and makes the same optimistic checks: the keyspace ([`kit::Writes`] are keyed
/// by it), the encoding of stored values, [`kit::Group`], which checks batches
/// against a [`kit::Snapshot`] of the stored data and turns them into writes, and
/// [`kit::Committer`], the handle of a committer thread that groups concurrent commits.
pub mod kit {
    pub use crate::backend::Snapshot;
    pub use crate::committer::{Committer, Request};
    pub use crate::keys::{
        decode, encode, timer as timer_key, CASE, COUNTER, CRON, DEPARTMENT, DUE, EVENT, HISTORY,
        IDEMPOTENCY, PACK, SUBSCRIPTION, TIMER,
    };
    pub use crate::staging::{reads, Group, Writes};
}
pub use tables::{
    CaseQuery, Cases, Counters, Cron, Departments, Events, Idempotency, IdempotencyRecord, Packs,
    Page, Recorded, Subscriptions, Timers,
};
pub use transfer::{table_of, Record, Records, TABLES};

/// The on-disk format this build reads and writes. Bump it whenever a key layout or a
/// stored value's shape changes, and teach [`SledStore::open`] to migrate or refuse.
/// Format 2 stores no value in the index of timers by instant; it reads a format-1 store
/// as it is (the values it ignores) and marks it 2, so an older build refuses it.
pub const FORMAT_VERSION: u32 = 2;

/// Older formats this build opens, marking them [`FORMAT_VERSION`].
pub const UPGRADES_FROM: &[u32] = &[1];

/// Every table, the single way to change them, and every record for a copy.
pub trait Store:
    Cases
    + Events
    + Timers
    + Idempotency
    + Departments
    + Cron
    + Packs
    + Counters
    + Records
    + Subscriptions
    + Send
    + Sync
{
    /// Apply `batch` atomically: either every part of it is stored or none is.
    ///
    /// When this returns `Ok`, the batch is durable (flushed to disk for [`SledStore`]),
    /// and so is every batch a read made before the call could have seen: committing an
    /// empty batch after a read makes what was read durable before it is acknowledged.
    /// A failed optimistic check returns [`Error::Conflict`] and stores nothing.
    fn commit(&self, batch: Batch) -> Result<Receipt, Error>;

    /// Calls `armed` with the instant of a timer another process armed in this store
    /// (another node on the same database), so the caller's scheduler can wake before it
    /// would have looked again. A store no other process writes never calls it; one that
    /// cannot be told (a server without `LISTEN/NOTIFY`) leaves the scheduler to its
    /// periodic look. A store keeps one callback; a later call replaces it.
    fn on_armed_elsewhere(&self, armed: ArmedElsewhere) {
        let _ = armed;
    }

    /// Whether this store handle leads `role` among every process sharing the store, for
    /// `lease` from now: true when it took the role (free, or its holder's lease passed)
    /// or renewed its own. Work done once for the whole cluster (recurring obligations,
    /// webhook delivery) runs where this is true, the holder asking again well before its
    /// lease passes ([`Lead`]); the conditional writes that work makes still guard
    /// correctness while two processes briefly overlap. A store only one process opens
    /// leads every role.
    fn lead(&self, role: &str, lease: std::time::Duration) -> Result<bool, Error> {
        let _ = (role, lease);
        Ok(true)
    }
}

/// What [`Store::on_armed_elsewhere`] calls.
pub type ArmedElsewhere = Box<dyn Fn(chrono::DateTime<chrono::Utc>) + Send + Sync>;
