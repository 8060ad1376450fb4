//! Runs cases durably.
//!
//! The [`Runtime`] turns commands (a submission, an action, a fired timer, an obligation's
//! occurrence, a provisional recount) into calls of the pure case machine and commits what
//! each decided as one store batch. It also owns the clock, the pack registry and the
//! scheduler thread that fires timers and recurring obligations.
//!
//! The store is synchronous (a commit returns once the batch is on disk), so every method
//! here blocks; the HTTP layer calls them from a blocking task.
//!
//! | what | where |
//! |---|---|
//! | read → decide → commit → retry, for every writer | `transact` |
//! | the board's counters, kept in each commit | `board` |
//! | submitting a case or a batch of them, acting on one, idempotency | `commands` |
//! | due timers, the scheduler thread, moving the simulated clock | `scheduler` |
//! | the simulated clock's time, shared by every node on the store | `shared_clock` |
//! | recurring obligations and the departments they address | `obligations` |
//! | reloading packs and the calendar, the provisional recount | `reload` |
//! | which pack version governs a case; the archive of versions | `versions` |
//! | the packs and calendar served | `registry` |
//! | how a case's deadlines were derived (`govflow explain`) | `explain` |
//! | case ids, the clock, metrics | `ids`, `clock`, `metrics` |

mod board;
mod clock;
mod commands;
mod error;
mod explain;
mod ids;
mod metrics;
mod obligations;
mod reads;
mod registry;
mod reload;
mod scheduler;
mod shared_clock;
mod transact;
mod versions;

pub use board::BOARD_COUNTERS;
pub use clock::{Backwards, Clock, SimulatedClock, SystemClock};
pub use commands::{BatchItem, Submission, Submitted};
pub use error::Error;
pub use ids::{CaseIds, SequentialIds, WallClockIds};
pub use metrics::Metrics;
pub use registry::{
    CalendarState, CityPack, LoadFailure, Registry, ReloadReport, Sources, StartError,
};
pub use scheduler::{Advanced, SchedulerHandle, CLAIM_LEASE};
pub use shared_clock::SIMULATED_CLOCK;
pub use versions::MissingVersion;

pub use govflow_loader::{Diagnostic, Severity};
use govflow_store::Store;
pub use govflow_store::{CaseQuery, Page, Recorded};
use scheduler::Wake;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use versions::Missing;

/// Cheap to clone: every clone drives the same service.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    registry: Registry,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn CaseIds>,
    metrics: Metrics,
    wake: Wake,
    /// One pass over due timers and obligations at a time.
    firing: Mutex<()>,
    /// Whether provisional deadlines were recounted on the calendar served at start-up.
    recounted: AtomicBool,
    missing: Missing,
    /// The highest sequence number committed, for whoever follows the feed (webhooks).
    feed: tokio::sync::watch::Sender<u64>,
}

impl Runtime {
    /// A runtime over `store`, serving `registry`'s packs, with new case ids from `ids`.
    /// Every pack version served is archived in the store first (see `versions`), so the
    /// runtime does not start if the store cannot take them.
    pub fn new(
        store: Arc<dyn Store>,
        registry: Registry,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn CaseIds>,
    ) -> Result<Runtime, Error> {
        let (feed, _) = tokio::sync::watch::channel(store.last_seq()?);
        let runtime = Runtime {
            inner: Arc::new(Inner {
                store,
                registry,
                clock,
                ids,
                metrics: Metrics::default(),
                wake: Wake::default(),
                firing: Mutex::new(()),
                recounted: AtomicBool::new(false),
                missing: Missing::default(),
                feed,
            }),
        };
        runtime.archive_served()?;
        runtime.join_shared_clock()?;
        runtime.build_board_counters()?;
        // A timer another node armed wakes this scheduler too, if it would sleep past it.
        let inner = Arc::downgrade(&runtime.inner);
        runtime.store().on_armed_elsewhere(Box::new(move |at| {
            if let Some(inner) = inner.upgrade() {
                inner.wake.armed(at);
            }
        }));
        Ok(runtime)
    }

    pub(crate) fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }

    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    pub fn clock(&self) -> &dyn Clock {
        self.inner.clock.as_ref()
    }

    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Follows the feed: the value is the highest sequence number committed, and changes
    /// after every commit that added events.
    pub fn feed_head(&self) -> tokio::sync::watch::Receiver<u64> {
        self.inner.feed.subscribe()
    }

    fn ids(&self) -> &dyn CaseIds {
        self.inner.ids.as_ref()
    }
}
