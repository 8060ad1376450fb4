//! Runs cases durably.
//!
//! The [`Runtime`] turns commands (a submission, an action, a fired timer, an obligation's
//! occurrence) into calls of the pure case machine, settles the transition (opening any
//! penalty case it asks for), and commits everything it changed as one store batch. It
//! also owns the clock, the pack registry and the scheduler thread that fires timers and
//! recurring obligations.
//!
//! The store is synchronous (a commit returns once the batch is on disk), so every method
//! here blocks; the HTTP layer calls them from a blocking task.

mod archive;
mod clock;
mod error;
mod executor;
mod ids;
mod metrics;
mod obligations;
mod packs;
mod reads;
mod registry;
mod scheduler;

pub use clock::{Backwards, Clock, SimulatedClock, SystemClock};
pub use error::Error;
pub use executor::{Submission, Submitted};
pub use metrics::Metrics;
pub use registry::{
    CalendarState, CityPack, LoadFailure, Registry, ReloadReport, Sources, StartError,
};
pub use scheduler::{Advanced, SchedulerHandle};

use govflow_store::Store;
pub use govflow_store::{CaseQuery, Page, Recorded};
use ids::Ids;
use scheduler::Wake;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

/// Cheap to clone: every clone drives the same service.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    registry: Registry,
    clock: Arc<dyn Clock>,
    ids: Ids,
    metrics: Metrics,
    wake: Wake,
    /// One pass over due timers and obligations at a time.
    firing: Mutex<()>,
    /// Whether provisional deadlines were recounted on the calendar served at start-up.
    recounted: AtomicBool,
}

impl Runtime {
    /// A runtime over `store`, serving `registry`'s packs; every pack version served is
    /// archived in the store (see the `archive` module).
    pub fn new(store: Arc<dyn Store>, registry: Registry, clock: Arc<dyn Clock>) -> Runtime {
        let runtime = Runtime {
            inner: Arc::new(Inner {
                store,
                registry,
                clock,
                ids: Ids::default(),
                metrics: Metrics::default(),
                wake: Wake::default(),
                firing: Mutex::new(()),
                recounted: AtomicBool::new(false),
            }),
        };
        if let Err(e) = runtime.archive_served() {
            tracing::error!(error = %e, "cannot archive the pack versions being served");
        }
        runtime
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
}

/// What the case machine decides against: the governing pack version, the calendar
/// served, that pack's guards and `now`.
fn context<'a>(
    pack: &'a govflow_loader::LoadedPack,
    calendar: &'a govflow_calendar::Calendar,
    now: chrono::DateTime<chrono::Utc>,
) -> govflow_case::Context<'a> {
    govflow_case::Context {
        pack: &pack.pack,
        calendar,
        guards: pack.scripts.as_ref(),
        now,
    }
}
