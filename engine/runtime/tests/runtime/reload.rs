//! Reloading packs while cases run: new cases take the new version, running cases keep the
//! one they were opened under, and a broken edit keeps the last good pack.

use super::support::*;
use govflow_model::CityId;
use govflow_runtime::Error;
use serde_json::json;
use std::fs;

fn running_cases_keep_their_pack_version_and_new_cases_take_the_new_one(store: Kind) {
    let root = tempfile::tempdir().unwrap();
    let sources = copy_sources(root.path());
    let procedure = sources
        .cities
        .join("wanzhou/procedures/data_verification.yaml");
    let service = Service::with_sources(store, sources.clone(), at("2026-09-30T09:00:00+08:00"));
    let rt = &service.runtime;
    let citizen = actor("citizen", "", &["applicant"]);
    let police = actor("police", "区公安局", &["provider"]);

    // Received Wed 2026-09-30 under the pack as written (10 working days, cap 10):
    // National Day 2026 rests 10-01..10-07, make-up Sat 10-10: 10-08, 10-09, 10-10, 10-12
    // .. 10-16, 10-19, 10-20 → 2026-10-20.
    let old = rt
        .submit(&citizen, &request("data_verification", "区公安局"), None)
        .unwrap()
        .case;
    assert_eq!(deadline(&old, "verify").due_date, date("2026-10-20"));

    // An edit gives 15 working days and a cap of 15.
    let text = fs::read_to_string(&procedure).unwrap();
    let edited = text
        .replace("within: {working_days: 10}", "within: {working_days: 15}")
        .replace("max_working_days: 10", "max_working_days: 15");
    assert_ne!(edited, text);
    fs::write(&procedure, edited).unwrap();
    let report = rt.reload().unwrap();
    assert_eq!(report.swapped, [CityId::from("wanzhou")]);
    assert!(report.failed.is_empty());

    // A new case counts 15: … 10-20 (10th), 10-21, 10-22, 10-23, 10-26, 10-27 → 2026-10-27.
    let new = rt
        .submit(&citizen, &request("data_verification", "区公安局"), None)
        .unwrap()
        .case;
    assert_ne!(new.pack_version, old.pack_version);
    assert_eq!(deadline(&new, "verify").due_date, date("2026-10-27"));
    // The running case keeps its cap of 10; the new one allows 12.
    let twelve = data(json!({"working_days": 12, "reason": "涉及多个系统"}));
    match rt.act(&police, &old.id, "request_extension", &twelve) {
        Err(Error::Refused(r)) => assert_eq!(r.code(), "extension_over_cap"),
        other => panic!("expected the old cap, got {other:?}"),
    }
    rt.act(&police, &new.id, "request_extension", &twelve)
        .unwrap();
    assert_eq!(rt.case(&old.id).unwrap().pack_version, old.pack_version);

    // A broken edit is reported and the last good pack (the edited one) keeps serving.
    fs::write(
        sources.cities.join("wanzhou/pack.yaml"),
        "schema_version: 1\ncity: [",
    )
    .unwrap();
    let report = rt.reload().unwrap();
    assert_eq!(report.failed, [CityId::from("wanzhou")]);
    assert!(report.swapped.is_empty());
    let entry = rt.registry().cities()[&CityId::from("wanzhou")].clone();
    assert!(entry.last_error.is_some());
    let served = rt
        .submit(&citizen, &request("data_verification", "区公安局"), None)
        .unwrap()
        .case;
    assert_eq!(served.pack_version, new.pack_version);
}

/// After a restart on an edited pack, a running case is still decided on the version it
/// was opened under (restored from the store's archive), not on the pack now on disk.
fn running_cases_keep_their_pack_version_across_a_restart(store: Kind) {
    let root = tempfile::tempdir().unwrap();
    let sources = copy_sources(root.path());
    let procedure = sources
        .cities
        .join("wanzhou/procedures/data_verification.yaml");
    let service = Service::with_sources(store, sources.clone(), at("2026-09-30T09:00:00+08:00"));
    let citizen = actor("citizen", "", &["applicant"]);
    let police = actor("police", "区公安局", &["provider"]);
    let old = service
        .runtime
        .submit(&citizen, &request("data_verification", "区公安局"), None)
        .unwrap()
        .case;

    // The cap goes from 10 to 15 while the service is down.
    let text = fs::read_to_string(&procedure).unwrap();
    let edited = text.replace("max_working_days: 10", "max_working_days: 15");
    assert_ne!(edited, text);
    fs::write(&procedure, edited).unwrap();
    // The restart serves the published version first (restored from the archive: the
    // disk no longer has it), then the edited files over it.
    let service = service.restart(at("2026-09-30T10:00:00+08:00"));
    let rt = &service.runtime;
    let current = rt.registry().current(&old.city).unwrap();
    assert_ne!(current.pack.version, old.pack_version);

    let twelve = data(json!({"working_days": 12, "reason": "涉及多个系统"}));
    match rt.act(&police, &old.id, "request_extension", &twelve) {
        Err(Error::Refused(r)) => assert_eq!(r.code(), "extension_over_cap"),
        other => panic!("expected the cap of the case's own version (10), got {other:?}"),
    }
    let new = rt
        .submit(&citizen, &request("data_verification", "区公安局"), None)
        .unwrap()
        .case;
    assert_ne!(new.pack_version, old.pack_version);
    rt.act(&police, &new.id, "request_extension", &twelve)
        .unwrap();
}

/// The registry reads through `Sources::files`: packs held in memory load, and an edit
/// made in memory (the disk untouched) is what the next reload swaps in.
#[test]
fn packs_held_in_memory_load_and_an_edit_in_memory_reloads() {
    use govflow_loader::{Files, InMemory};
    use govflow_runtime::{Registry, Sources};
    use std::sync::Arc;

    let now = at("2026-09-30T09:00:00+08:00");
    let on_disk = sources_in(&repo());
    let files = Arc::new(InMemory::from_disk(&[&on_disk.cities, &on_disk.policies]).unwrap());
    let sources = Sources {
        files: files.clone(),
        ..on_disk
    };
    let registry = Registry::load(sources.clone(), now).unwrap();
    let wanzhou = CityId::from("wanzhou");
    let before = registry.current(&wanzhou).unwrap().pack.version.clone();

    let procedure = sources
        .cities
        .join("wanzhou/procedures/data_verification.yaml");
    let text = files.read(&procedure).unwrap();
    let edited = text.replace("within: {working_days: 10}", "within: {working_days: 15}");
    assert_ne!(edited, text);
    files.write(&procedure, edited).unwrap();
    let report = registry.reload(now);
    assert_eq!(report.swapped, [CityId::from("wanzhou")]);
    assert_ne!(registry.current(&wanzhou).unwrap().pack.version, before);
    assert_eq!(fs::read_to_string(&procedure).unwrap(), text);
}

on_every_store!(
    running_cases_keep_their_pack_version_and_new_cases_take_the_new_one,
    running_cases_keep_their_pack_version_across_a_restart,
);

/// Two nodes on one store, each with its own copy of the files: a pack edited and
/// reloaded on one is what the other serves once it follows the publication (restored
/// from the archive, not read from its own files), and new cases on either take it. A
/// broken edit reloaded on one shows its error on both, the last good pack still serving.
fn a_reload_on_one_node_reaches_the_other(store: Kind) {
    use std::time::Duration;
    let home = Home::new(store);
    let now = at("2026-09-30T09:00:00+08:00");
    let (root_a, root_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let sources_a = copy_sources(root_a.path());
    let a = start(home.open(), sources_a.clone(), now);
    let b = start(home.open(), copy_sources(root_b.path()), now);
    let _following = b.start_scheduler();
    let wanzhou = CityId::new("wanzhou");
    let version = |rt: &Running| {
        rt.registry()
            .current(&wanzhou)
            .unwrap()
            .pack
            .version
            .clone()
    };
    let first = version(&a);
    assert_eq!(version(&b), first);

    let procedure = sources_a
        .cities
        .join("wanzhou/procedures/data_verification.yaml");
    let text = fs::read_to_string(&procedure).unwrap();
    fs::write(
        &procedure,
        text.replace("max_working_days: 10", "max_working_days: 15"),
    )
    .unwrap();
    let report = a.reload().unwrap();
    assert_eq!(report.swapped, vec![wanzhou.clone()]);
    let edited = version(&a);
    assert_ne!(edited, first);
    govflow_testkit::wait_for(Duration::from_secs(20), "b serving a's edit", || {
        (version(&b) == edited).then_some(())
    });
    let citizen = actor("citizen", "", &["applicant"]);
    let opened = b
        .submit(&citizen, &request("data_verification", "区公安局"), None)
        .unwrap()
        .case;
    assert_eq!(opened.pack_version, edited);

    fs::write(&procedure, "states: [unclosed").unwrap();
    let report = a.reload().unwrap();
    assert_eq!(report.failed, vec![wanzhou.clone()]);
    let error_on = |rt: &Running| {
        rt.registry().cities()[&wanzhou]
            .last_error
            .as_ref()
            .map(|f| f.diagnostics[0].to_string())
    };
    let on_a = error_on(&a).expect("a shows why its edit does not load");
    assert!(on_a.contains("data_verification.yaml"), "{on_a}");
    let on_b = govflow_testkit::wait_for(Duration::from_secs(20), "b showing a's error", || {
        error_on(&b)
    });
    assert_eq!(on_b, on_a);
    assert_eq!(version(&b), edited, "the last good pack still serves");
}

mod a_reload_on_one_node_reaches_the_other {
    use crate::runtime::support::Kind;
    // Two runtimes on one memory store, or on one database: sled is one process's.
    #[test]
    fn memory() {
        super::a_reload_on_one_node_reaches_the_other(Kind::Memory)
    }
    #[test]
    fn postgres() {
        super::a_reload_on_one_node_reaches_the_other(Kind::Postgres)
    }
}
