//! A real watcher on real files: each test copies the packs and policies into its own temp
//! dir, serves them from a runtime on a sled store, edits files the ways editors do, and
//! polls until the registry shows the outcome.

use chrono::{DateTime, TimeZone, Utc};
use govflow_case::OpenCase;
use govflow_model::{Actor, CityId, ProcedureId};
use govflow_runtime::{
    CityPack, Registry, Runtime, SimulatedClock, Sources, Submission, WallClockIds,
};
use govflow_store::SledStore;
use govflow_testkit::{append, copy_sources, copy_tree, wait_for};
use govflow_watch::{watch, Watcher};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;

const DEBOUNCE: Duration = Duration::from_millis(100);
/// How long a test waits for an outcome before failing; never how fast it must be.
const PATIENCE: Duration = Duration::from_secs(10);

/// Fields drop in order: the watcher's thread ends, then the runtime closes its store, and
/// only then is the directory under the store removed (sled writes as its last handle drops;
/// with the directory gone that write never becomes durable and the drop waits for ever).
struct World {
    watcher: Option<Watcher>,
    runtime: Runtime,
    dir: TempDir,
}

impl World {
    /// `cities/` and `policies/` copied side by side (packs name their regulation text as
    /// `../../policies/regulations/…`), served and watched.
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let (cities, policies) = copy_sources(dir.path());
        let sources = Sources {
            files: Arc::new(govflow_loader::Disk),
            cities,
            policies,
        };
        let registry = Registry::load(sources, start()).unwrap();
        let store = Arc::new(SledStore::open(dir.path().join("data")).unwrap());
        let clock = Arc::new(SimulatedClock::new(start()));
        let runtime =
            Runtime::new(store, registry, clock, Arc::new(WallClockIds::default())).unwrap();
        assert!(
            runtime.registry().current(&wanzhou()).is_some(),
            "wanzhou loads"
        );
        let watcher = watch(runtime.clone(), DEBOUNCE).unwrap();
        World {
            watcher: Some(watcher),
            runtime,
            dir,
        }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn version(&self) -> String {
        self.runtime
            .registry()
            .current(&wanzhou())
            .expect("wanzhou is served")
            .pack
            .version
            .clone()
    }

    fn wanzhou(&self) -> Arc<CityPack> {
        self.runtime.registry().cities()[&wanzhou()].clone()
    }

    fn reloads(&self) -> u64 {
        self.runtime.metrics().reloads.load(Ordering::Relaxed)
    }

    /// Waits until wanzhou serves a version other than `old` with no error; returns it.
    fn new_version_after(&self, old: &str) -> String {
        eventually("wanzhou serves a new version with no error", || {
            let city = self.wanzhou();
            let version = &city.pack.as_ref()?.pack.version;
            (version != old && city.last_error.is_none()).then(|| version.clone())
        })
    }
}

fn start() -> DateTime<Utc> {
    // Monday 2024-03-04, 09:00 in Chongqing.
    Utc.with_ymd_and_hms(2024, 3, 4, 1, 0, 0).unwrap()
}

fn wanzhou() -> CityId {
    "wanzhou".into()
}

/// Polls `check` until it returns a value; panics naming `what` after [`PATIENCE`].
fn eventually<T>(what: &str, check: impl FnMut() -> Option<T>) -> T {
    wait_for(PATIENCE, what, check)
}

#[test]
fn a_valid_edit_serves_a_new_version() {
    let world = World::new();
    let before = world.version();

    append(
        &world.path("cities/wanzhou/pack.yaml"),
        "# edited while serving\n",
    );

    let after = world.new_version_after(&before);
    assert!(after.starts_with("wanzhou@"), "{after}");
    assert!(world.wanzhou().last_error.is_none());
}

#[test]
fn a_broken_edit_keeps_the_last_good_pack_until_fixed() {
    let world = World::new();
    let before = world.version();
    let file = world.path("cities/wanzhou/procedures/data_verification.yaml");
    let original = std::fs::read_to_string(&file).unwrap();
    assert!(original.contains("deadlines:"));

    std::fs::write(&file, original.replacen("deadlines:", "deadlnes:", 1)).unwrap();

    let failure = eventually("wanzhou reports the broken file", || {
        world.wanzhou().last_error.clone()
    });
    assert!(
        failure
            .diagnostics
            .iter()
            .any(|d| d.file.ends_with("data_verification.yaml")),
        "the diagnostics name the file: {:?}",
        failure.diagnostics
    );
    assert!(
        failure
            .diagnostics
            .iter()
            .any(|d| d.message.contains("deadlnes")),
        "the diagnostics name the key: {:?}",
        failure.diagnostics
    );
    assert_eq!(
        world.version(),
        before,
        "the last good pack stays in service"
    );

    std::fs::write(&file, format!("{original}# fixed\n")).unwrap();

    world.new_version_after(&before);
}

#[test]
fn garbage_then_the_original_restores_the_same_version() {
    let world = World::new();
    let before = world.version();
    let file = world.path("cities/wanzhou/pack.yaml");
    let original = std::fs::read(&file).unwrap();

    std::fs::write(&file, "city: [wanzhou\n  : : :\n").unwrap();

    let failure = eventually("wanzhou reports the garbled pack.yaml", || {
        world.wanzhou().last_error.clone()
    });
    assert!(
        failure
            .diagnostics
            .iter()
            .any(|d| d.file.ends_with("pack.yaml")),
        "{:?}",
        failure.diagnostics
    );
    assert_eq!(world.version(), before);

    std::fs::write(&file, original).unwrap();

    eventually("the error clears", || {
        world.wanzhou().last_error.is_none().then_some(())
    });
    assert_eq!(
        world.version(),
        before,
        "the same bytes are the same version"
    );
}

#[test]
fn a_save_by_rename_reloads() {
    let world = World::new();
    let before = world.version();
    let file = world.path("cities/wanzhou/pack.yaml");
    let scratch = world.path("cities/wanzhou/pack.yaml.tmp");
    let mut content = std::fs::read_to_string(&file).unwrap();
    content.push_str("# saved by rename\n");

    std::fs::write(&scratch, content).unwrap();
    std::fs::rename(&scratch, &file).unwrap();

    world.new_version_after(&before);
}

#[test]
fn a_file_moved_in_from_outside_reloads() {
    let world = World::new();
    let before = world.version();
    let file = world.path("cities/wanzhou/pack.yaml");
    // Outside the watched directories: only the rename itself is seen.
    let staged = world.path("pack.yaml.staged");
    let mut content = std::fs::read_to_string(&file).unwrap();
    content.push_str("# deployed\n");

    std::fs::write(&staged, content).unwrap();
    std::fs::rename(&staged, &file).unwrap();

    world.new_version_after(&before);
}

#[test]
fn a_delete_then_create_reloads() {
    let world = World::new();
    let before = world.version();
    let file = world.path("cities/wanzhou/procedures/objection.yaml");
    let content = std::fs::read_to_string(&file).unwrap();
    let reloads = world.reloads();

    std::fs::remove_file(&file).unwrap();
    // The deletion alone is a change: a pack without objection is still valid, so a
    // smaller pack is served until the file comes back.
    eventually("the deletion is reloaded", || {
        (world.reloads() > reloads).then_some(())
    });
    let without = world.runtime.registry().current(&wanzhou()).unwrap();
    assert!(without.pack.procedure("objection").is_none());
    assert_ne!(without.pack.version, before);
    std::fs::write(&file, format!("{content}# recreated\n")).unwrap();

    let with = world.new_version_after(&without.pack.version);
    assert_ne!(with, before);
    let pack = world.runtime.registry().current(&wanzhou()).unwrap();
    assert!(pack.pack.procedure("objection").is_some());
}

#[test]
fn replacing_a_city_directory_reloads() {
    let world = World::new();
    let before = world.version();
    let city = world.path("cities/wanzhou");
    let saved = world.path("saved-wanzhou");
    copy_tree(&city, &saved);
    append(&saved.join("pack.yaml"), "# replaced\n");

    std::fs::remove_dir_all(&city).unwrap();
    copy_tree(&saved, &city);

    world.new_version_after(&before);
}

#[test]
fn a_change_under_policies_reloads() {
    let world = World::new();
    let reloads = world.reloads();

    append(&world.path("policies/calendars/2026.yaml"), "# noted\n");

    eventually("the policies change is reloaded", || {
        (world.reloads() > reloads).then_some(())
    });
    let calendar = world.runtime.registry().calendar_state();
    assert!(calendar.last_error.is_none());
}

#[test]
fn an_open_case_stays_pinned_to_its_version() {
    let world = World::new();
    let before = world.version();
    let citizen = Actor {
        id: "citizen".into(),
        jurisdiction: "wanzhou".into(),
        department: String::new(),
        roles: vec!["applicant".into()],
    };
    let submission = Submission {
        city: wanzhou(),
        case: OpenCase {
            procedure: ProcedureId::new("data_verification"),
            received_at: None,
            provider: Some("区公安局".into()),
            subject: None,
            period: None,
            data: Default::default(),
            parent: None,
            start: None,
        },
    };
    let case = world
        .runtime
        .submit(&citizen, &submission, None)
        .unwrap()
        .case;
    assert_eq!(case.pack_version, before);

    append(&world.path("cities/wanzhou/pack.yaml"), "# amended\n");
    let after = world.new_version_after(&before);

    let stored = world.runtime.case(&case.id).unwrap();
    assert_eq!(stored.pack_version, before);
    assert_ne!(stored.pack_version, after);
    let governing = world
        .runtime
        .registry()
        .version(&stored.pack_version)
        .unwrap();
    assert_eq!(governing.pack.version, before);
    // A case opened now is under the new version.
    let newer = world
        .runtime
        .submit(&citizen, &submission, None)
        .unwrap()
        .case;
    assert_eq!(newer.pack_version, after);
}

#[test]
fn stop_ends_watching() {
    let mut world = World::new();
    let before = world.version();
    world.watcher.take().unwrap().stop();
    let reloads = world.reloads();

    append(&world.path("cities/wanzhou/pack.yaml"), "# after stop\n");
    // Nothing can reload any more; give a live watcher ample time to have done so.
    std::thread::sleep(DEBOUNCE * 10);

    assert_eq!(world.reloads(), reloads);
    assert_eq!(world.version(), before);
}
