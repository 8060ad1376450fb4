//! The harness: each service gets a store of its own (memory, sled in a temp directory, or
//! a fresh database on the test kit's PostgreSQL server), the real packs from `cities/`,
//! the real calendar from `policies/calendars/` and a simulated clock.

use chrono::{DateTime, NaiveDate, Utc};
use govflow_case::OpenCase;
use govflow_model::{
    Actor, Case, CaseDeadline, CaseId, DeadlineId, Event, EventKind, TimerKey, TimerKind,
};
use govflow_runtime::{Registry, Runtime, SimulatedClock, Sources, Submission, WallClockIds};
use govflow_store::{CaseQuery, MemoryStore, SledStore, Store};
use govflow_store_pg::PgStore;
use serde_json::{Map, Value};
use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;

use tempfile::TempDir;

/// The repository root.
pub use govflow_testkit::repo_root as repo;

/// `cities/` and `policies/` under `root`.
pub fn sources_in(root: &Path) -> Sources {
    Sources {
        files: Arc::new(govflow_loader::Disk),
        cities: root.join("cities"),
        policies: root.join("policies"),
    }
}

/// An instant written the way the scenario files write one.
pub fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap_or_else(|e| panic!("`{rfc3339}`: {e}"))
        .with_timezone(&Utc)
}

pub fn date(iso: &str) -> NaiveDate {
    iso.parse().unwrap_or_else(|e| panic!("`{iso}`: {e}"))
}

/// The store a test runs on; [`on_every_store!`] runs a test on each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Memory,
    Sled,
    Postgres,
}

/// Where a service's data lives across restarts: a memory store kept by the test, a sled
/// directory, or a database of the PostgreSQL server the test kit starts.
pub enum Home {
    Memory(Arc<MemoryStore>),
    Sled(TempDir),
    Postgres(String),
}

impl Home {
    pub fn new(kind: Kind) -> Home {
        match kind {
            Kind::Memory => Home::Memory(Arc::new(MemoryStore::new())),
            Kind::Sled => Home::Sled(tempfile::tempdir().expect("a temp dir")),
            Kind::Postgres => Home::Postgres(govflow_testkit::postgres::shared().database()),
        }
    }

    /// A store on this home's data, as a restarted process would open it.
    pub fn open(&self) -> Arc<dyn Store> {
        match self {
            Home::Memory(store) => store.clone(),
            Home::Sled(dir) => Arc::new(SledStore::open(dir.path()).unwrap_or_else(|e| {
                panic!("the store in {} does not open: {e}", dir.path().display())
            })),
            Home::Postgres(url) => {
                Arc::new(PgStore::open(url).unwrap_or_else(|e| panic!("{url}: {e}")))
            }
        }
    }
}

/// A runtime together with the store the harness opened for it: the runtime serves no
/// read of the timer table, which [`timer`] looks at. It derefs to the runtime.
#[derive(Clone)]
pub struct Running {
    runtime: Runtime,
    store: Arc<dyn Store>,
}

impl Running {
    /// The store under the runtime, for a test that must write what no command would.
    pub fn store(&self) -> &dyn Store {
        &*self.store
    }
}

impl Deref for Running {
    type Target = Runtime;
    fn deref(&self) -> &Runtime {
        &self.runtime
    }
}

/// A runtime on `store`, whose simulated clock starts at `now`.
pub fn start(store: Arc<dyn Store>, sources: Sources, now: DateTime<Utc>) -> Running {
    let registry = Registry::load(sources, now).expect("the packs and the calendar load");
    let runtime = Runtime::new(
        store.clone(),
        registry,
        Arc::new(SimulatedClock::new(now)),
        Arc::new(WallClockIds::default()),
    )
    .expect("the runtime starts");
    Running { runtime, store }
}

/// A service with a store of its own, which outlives restarts.
pub struct Service {
    pub runtime: Running,
    sources: Sources,
    home: Home,
}

impl Service {
    /// A service on the repository's packs and calendar.
    pub fn new(kind: Kind, now: DateTime<Utc>) -> Service {
        Service::with_sources(kind, sources_in(&repo()), now)
    }

    pub fn with_sources(kind: Kind, sources: Sources, now: DateTime<Utc>) -> Service {
        let home = Home::new(kind);
        let runtime = start(home.open(), sources.clone(), now);
        Service {
            runtime,
            sources,
            home,
        }
    }

    /// Stops the service (dropping the runtime drops the store, releasing sled's lock and
    /// the database's connections) and starts a new one on the same data with its clock
    /// at `now`.
    pub fn restart(self, now: DateTime<Utc>) -> Service {
        let Service {
            runtime,
            sources,
            home,
        } = self;
        drop(runtime);
        let runtime = start(home.open(), sources.clone(), now);
        Service {
            runtime,
            sources,
            home,
        }
    }
}

/// One `#[test]` per store for each test function named, written once as
/// `fn name(store: Kind)`: `name::memory`, `name::sled` and `name::postgres`.
macro_rules! on_every_store {
    ($($name:ident),* $(,)?) => {
        $(mod $name {
            use crate::runtime::support::Kind;
            #[test]
            fn memory() {
                super::$name(Kind::Memory)
            }
            #[test]
            fn sled() {
                super::$name(Kind::Sled)
            }
            #[test]
            fn postgres() {
                super::$name(Kind::Postgres)
            }
        })*
    };
}
pub(crate) use on_every_store;

/// An actor of 万州区.
pub fn actor(id: &str, department: &str, roles: &[&str]) -> Actor {
    Actor {
        id: id.to_owned(),
        jurisdiction: "wanzhou".into(),
        department: department.to_owned(),
        roles: roles.iter().map(|r| (*r).into()).collect(),
    }
}

/// A 万州区 submission received now.
pub fn request(procedure: &str, provider: &str) -> Submission {
    Submission {
        city: "wanzhou".into(),
        case: OpenCase {
            procedure: procedure.into(),
            received_at: None,
            provider: Some(provider.to_owned()),
            subject: None,
            period: None,
            data: Map::new(),
            parent: None,
            start: None,
        },
    }
}

/// Action data from a JSON object literal.
pub fn data(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("action data must be an object, got {other}"),
    }
}

pub fn deadline<'c>(case: &'c Case, name: &str) -> &'c CaseDeadline {
    case.deadline(&DeadlineId::new(name))
        .unwrap_or_else(|| panic!("case `{}` has no deadline `{name}`", case.id))
}

/// When the timer of `kind` of `deadline` is armed for, if it is.
pub fn timer(
    rt: &Running,
    case: &CaseId,
    deadline: &str,
    kind: TimerKind,
) -> Option<DateTime<Utc>> {
    rt.store
        .timer(&TimerKey {
            case: case.clone(),
            deadline: DeadlineId::new(deadline),
            kind,
        })
        .expect("the timer table reads")
        .map(|t| t.at)
}

/// Every case matching `query` (its limit is raised to see them all).
pub fn cases(rt: &Runtime, query: CaseQuery) -> Vec<Case> {
    let page = rt
        .cases(&CaseQuery {
            limit: 10_000,
            ..query
        })
        .expect("the case table reads");
    assert!(page.next.is_none(), "more than 10,000 cases");
    page.cases
}

/// The cases opened by the lapses of `parent`.
pub fn children(rt: &Runtime, parent: &CaseId) -> Vec<Case> {
    let page = rt
        .cases(&CaseQuery {
            parent: Some(parent.clone()),
            limit: 10,
            ..CaseQuery::default()
        })
        .expect("the case table reads");
    page.cases
}

/// The whole event feed, checked to be numbered 1, 2, 3, … without gaps.
pub fn feed(rt: &Runtime) -> Vec<Event> {
    let recorded = rt.feed(0, 100_000).expect("the feed reads");
    let seqs: Vec<u64> = recorded.iter().map(|r| r.seq).collect();
    let expected: Vec<u64> = (1..=recorded.len() as u64).collect();
    assert_eq!(seqs, expected, "the feed is numbered without gaps");
    recorded.into_iter().map(|r| r.event).collect()
}

/// The history of one case, in order.
pub fn history(rt: &Runtime, case: &CaseId) -> Vec<Event> {
    rt.history(case)
        .expect("the history reads")
        .into_iter()
        .map(|r| r.event)
        .collect()
}

/// The feed's name for an event's kind.
pub fn kind(event: &Event) -> &'static str {
    match event.kind {
        EventKind::Opened { .. } => "opened",
        EventKind::Acted { .. } => "acted",
        EventKind::ExtensionRequested { .. } => "extension_requested",
        EventKind::ExtensionApproved { .. } => "extension_approved",
        EventKind::ExtensionRejected { .. } => "extension_rejected",
        EventKind::Warning { .. } => "warning",
        EventKind::Lapsed { .. } => "lapsed",
        EventKind::Elapsed { .. } => "elapsed",
        EventKind::PeriodSet { .. } => "period_set",
        EventKind::PenaltyOpened { .. } => "penalty_opened",
        EventKind::Recomputed { .. } => "recomputed",
        EventKind::ChildOpened { .. } => "child_opened",
        EventKind::JointActRecorded { .. } => "joint_act_recorded",
    }
}

pub fn kinds(events: &[Event]) -> Vec<&'static str> {
    events.iter().map(kind).collect()
}

/// How many of `events` are of `kind`.
pub fn count(events: &[Event], of: &str) -> usize {
    events.iter().filter(|e| kind(e) == of).count()
}

/// A copy of the repository's `cities/` and `policies/` under `root`, for tests that edit
/// them ([`govflow_testkit::copy_sources`]).
pub fn copy_sources(root: &Path) -> Sources {
    govflow_testkit::copy_sources(root);
    sources_in(root)
}
