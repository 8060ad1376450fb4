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
//! | the board's counters and the case index, kept in each commit | `board` |
//! | walking the case index for the case list | `listing` |
//! | submitting a case or a batch of them, acting on one, idempotency | `commands` |
//! | due timers, the scheduler thread, moving the simulated clock | `scheduler` |
//! | the simulated clock's time, shared by every node on the store | `shared_clock` |
//! | recurring obligations and the departments they address | `obligations` |
//! | reloading packs and the calendar | `reload` |
//! | sets of cases kept in each commit (provisional, 督办) | `case_sets` |
//! | the index of provisional deadlines, and their recount | `provisional` |
//! | the 督办 queue's index of open penalty cases | `supervision` |
//! | the packs served, published for every node on the store | `published` |
//! | which pack version governs a case; the archive of versions | `versions` |
//! | the packs and calendar served | `registry` |
//! | how a case's deadlines were derived (`govflow explain`) | `explain` |
//! | case ids, the clock, metrics | `ids`, `clock`, `metrics` |

mod board;
mod case_sets;
mod clock;
mod commands;
mod error;
mod explain;
mod ids;
mod listing;
mod metrics;
mod obligations;
mod provisional;
mod published;
mod reads;
mod registry;
mod reload;
mod scheduler;
mod shared_clock;
mod supervision;
mod transact;
mod versions;

pub use board::{BOARD_COUNTERS, CASE_INDEX};
pub use case_sets::Members;
pub use clock::{Backwards, Clock, SimulatedClock, SystemClock};
pub use commands::{BatchItem, Submission, Submitted};
pub use error::Error;
pub use ids::{CaseIds, SequentialIds, WallClockIds};
pub use metrics::Metrics;
pub use provisional::{Waiting, PROVISIONAL_INDEX};
pub use published::SERVED;
pub use registry::{
    CalendarState, CityPack, LoadFailure, Registry, ReloadReport, Sources, StartError,
};
pub use scheduler::{Advanced, Move, Moving, SchedulerHandle, CLAIM_LEASE, OBLIGATIONS_LEASE};
pub use shared_clock::SIMULATED_CLOCK;
pub use supervision::SUPERVISION_INDEX;
pub use versions::MissingVersion;

pub use govflow_loader::{Diagnostic, Severity};
use govflow_store::Store;
pub use govflow_store::{render_leads, CaseQuery, Lead, Page, Recorded};
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
    /// Whether this node handles recurring obligations for the cluster.
    obligations_lead: Lead,
    /// The move of the simulated clock under way, if any (`scheduler`).
    moving: Mutex<Option<scheduler::Moving>>,
    /// Set when the service stops: passes and moves end between two chunks.
    stopping: AtomicBool,
    /// The publication of served packs this node serves or published last (`published`).
    seen_publication: Mutex<Option<chrono::DateTime<chrono::Utc>>>,
}

impl Runtime {
    /// A runtime over `store`, serving `registry`'s packs, with new case ids from `ids`.
    /// Every pack version served is archived in the store first (see `versions`), so the
    /// runtime does not start if the store cannot take them; then what other nodes
    /// published is joined (see `published`).
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
                obligations_lead: Lead::new("obligations", OBLIGATIONS_LEASE),
                seen_publication: Mutex::new(None),
                moving: Mutex::new(None),
                stopping: AtomicBool::new(false),
            }),
        };
        runtime.archive_served()?;
        runtime.join_published()?;
        runtime.join_shared_clock()?;
        runtime.build_counters()?;
        runtime.build_case_sets()?;
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

    /// Whether this node handles recurring obligations for the cluster, as last asked.
    pub fn obligations_lead(&self) -> &Lead {
        &self.inner.obligations_lead
    }

    fn ids(&self) -> &dyn CaseIds {
        self.inner.ids.as_ref()
    }
}
