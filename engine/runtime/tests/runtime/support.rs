//! The harness: each service gets its own temp sled directory, the real packs from
//! `cities/`, the real calendar from `policies/calendars/` and a simulated clock.

use chrono::{DateTime, NaiveDate, Utc};
use govflow_case::OpenCase;
use govflow_model::{
    Actor, Case, CaseDeadline, CaseId, DeadlineId, Event, EventKind, TimerKey, TimerKind,
};
use govflow_runtime::{Registry, Runtime, SimulatedClock, Sources, Submission, WallClockIds};
use govflow_store::{CaseQuery, SledStore, Timers};
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

fn open_store(dir: &Path) -> SledStore {
    SledStore::open(dir)
        .unwrap_or_else(|e| panic!("the store in {} does not open: {e}", dir.display()))
}

/// A runtime together with the store the harness opened for it: the runtime serves no
/// read of the timer table, which [`timer`] looks at. It derefs to the runtime.
#[derive(Clone)]
pub struct Running {
    runtime: Runtime,
    store: Arc<SledStore>,
}

impl Running {
    /// The store under the runtime, for a test that must write what no command would.
    pub fn store(&self) -> &SledStore {
        &self.store
    }
}

impl Deref for Running {
    type Target = Runtime;
    fn deref(&self) -> &Runtime {
        &self.runtime
    }
}

/// A runtime on the store in `dir`, whose simulated clock starts at `now`.
pub fn start(dir: &Path, sources: Sources, now: DateTime<Utc>) -> Running {
    let store = Arc::new(open_store(dir));
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

/// A service with a store directory of its own, which outlives restarts.
pub struct Service {
    pub runtime: Running,
    sources: Sources,
    dir: TempDir,
}

impl Service {
    /// A service on the repository's packs and calendar.
    pub fn new(now: DateTime<Utc>) -> Service {
        Service::with_sources(sources_in(&repo()), now)
    }

    pub fn with_sources(sources: Sources, now: DateTime<Utc>) -> Service {
        let dir = tempfile::tempdir().expect("a temp dir");
        let runtime = start(dir.path(), sources.clone(), now);
        Service {
            runtime,
            sources,
            dir,
        }
    }

    /// Stops the service (dropping the runtime drops the store, releasing sled's lock)
    /// and starts a new one on the same directory with its clock at `now`.
    pub fn restart(self, now: DateTime<Utc>) -> Service {
        let Service {
            runtime,
            sources,
            dir,
        } = self;
        drop(runtime);
        let runtime = start(dir.path(), sources.clone(), now);
        Service {
            runtime,
            sources,
            dir,
        }
    }
}

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
