//! Hot reload through the real file watcher (and `POST /v1/admin/reload`), on a copy of
//! `cities/` and `policies/`.

use super::kit::{catalog_update, wait_for, EDU};
use crate::support::server::{Options, Server, Who};
use govflow_testkit::{append, copy_sources, copy_tree};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// 聊城's 市自然资源和规划局 (cities/liaocheng/scenarios/catalog_update_lapse_ladder.yaml).
const NATURE: Who = Who {
    name: "nature",
    city: "liaocheng",
    department: "市自然资源和规划局",
    roles: &["provider"],
};

/// While both 聊城 (valid two years from 2021) and 万州 are in force.
const START: &str = "2021-06-01T10:00:00+08:00";
/// The watcher's debounce is 300 ms; a reload takes a moment more.
const WATCH_LIMIT: Duration = Duration::from_secs(10);

/// The `GET /v1/packs` entry of `city`.
fn pack(server: &Server, city: &str) -> Value {
    let reply = server.get("admin", "/v1/packs");
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["packs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["city"] == city)
        .unwrap_or_else(|| panic!("no `{city}` in {:#}", reply.body))
        .clone()
}

fn version(server: &Server, city: &str) -> String {
    pack(server, city)["version"].as_str().unwrap().to_owned()
}

/// Opens a catalog update in 万州 and returns the version it was pinned to.
fn pinned_version(server: &Server) -> String {
    let case = server.submit("edu", catalog_update("reload"));
    case["pack_version"].as_str().unwrap().to_owned()
}

fn reload_now(server: &Server) -> Value {
    let reply = server.post("admin", "/v1/admin/reload", json!({}));
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body
}

/// The server stops before the directory holding its data is removed (fields drop in order).
struct Copy {
    server: Server,
    cities: PathBuf,
    _tmp: tempfile::TempDir,
}

fn start() -> Copy {
    let tmp = tempfile::tempdir().unwrap();
    let (cities, policies) = copy_sources(tmp.path());
    let server = Server::start(&Options {
        data: tmp.path().join("data"),
        cities: cities.clone(),
        policies,
        start: Some(START.to_owned()),
        who: vec![EDU, NATURE],
        store: None,
        webhooks: None,
    });
    Copy {
        server,
        cities,
        _tmp: tmp,
    }
}

/// The procedure file the broken edits go into, its text, and the same text with the
/// first `deadlines:` misspelt, plus the 1-based line of the typo.
fn typo(cities: &Path) -> (PathBuf, String, String, usize) {
    let file = cities.join("wanzhou/procedures/catalog_update.yaml");
    let good = std::fs::read_to_string(&file).unwrap();
    let line = good
        .lines()
        .position(|l| l.trim_start() == "deadlines:")
        .expect("catalog_update.yaml has deadlines")
        + 1;
    let bad = good.replacen("deadlines:", "deadlnes:", 1);
    (file, good, bad, line)
}

/// Asserts that `failure` (a `last_error`) names the misspelt key in `file` at `line`.
fn assert_names_the_typo(failure: &Value, line: usize) {
    let diagnostics = failure["diagnostics"].as_array().expect("diagnostics");
    assert!(
        diagnostics.iter().any(|d| {
            d["file"]
                .as_str()
                .is_some_and(|f| f.ends_with("wanzhou/procedures/catalog_update.yaml"))
                && d["line"] == line
                && d["severity"] == "error"
                && d["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("deadlnes"))
        }),
        "no diagnostic names catalog_update.yaml:{line} and `deadlnes`: {failure:#}"
    );
}

/// Pins hot reload through the real watcher. (a) Appending a comment to
/// cities/wanzhou/pack.yaml serves a new wanzhou version within seconds; a case opened
/// before keeps its version, a new case gets the new one. (b) Misspelling `deadlines:` in
/// a procedure file keeps the last good version serving (new cases still open on it) and
/// reports a diagnostic naming the file, the line and the key; fixing the file clears the
/// error without changing the version.
#[test]
fn the_watcher_swaps_a_valid_edit_and_keeps_the_last_good_pack_on_a_broken_one() {
    let Copy { cities, server, .. } = &start();
    let v0 = version(server, "wanzhou");
    let before = server.submit("edu", catalog_update("before the edit"));
    assert_eq!(before["pack_version"], v0.as_str());

    // (a) A valid edit.
    let pack_file = cities.join("wanzhou/pack.yaml");
    append(&pack_file, "\n# reviewed again by the durability tests\n");
    let v1 = wait_for(WATCH_LIMIT, "a new wanzhou version", || {
        Some(version(server, "wanzhou")).filter(|v| *v != v0)
    });
    assert!(v1.starts_with("wanzhou@"), "{v1}");
    let id = before["id"].as_str().unwrap();
    let kept = server.get("edu", &format!("/v1/cases/{id}"));
    assert_eq!(
        kept.body["pack_version"],
        v0.as_str(),
        "an open case keeps its version"
    );
    assert_eq!(
        pinned_version(server),
        v1,
        "a new case gets the new version"
    );
    let act = server.post("edu", &format!("/v1/cases/{id}/actions/submit"), json!({}));
    assert_eq!(
        act.status, 200,
        "the old version still runs its case: {act:#?}"
    );
    assert_eq!(act.body["pack_version"], v0.as_str());

    // (b) A broken edit.
    let (file, good, bad, line) = typo(cities);
    std::fs::write(&file, &bad).unwrap();
    let failure = wait_for(WATCH_LIMIT, "wanzhou's reload error", || {
        Some(pack(server, "wanzhou")["last_error"].clone()).filter(|e| !e.is_null())
    });
    assert_names_the_typo(&failure, line);
    let entry = pack(server, "wanzhou");
    assert_eq!(entry["serving"], true);
    assert_eq!(
        entry["version"],
        v1.as_str(),
        "the last good version still serves"
    );
    assert_eq!(pinned_version(server), v1, "submissions still open on it");

    // Fixing it clears the error; the files are those of v1 again.
    std::fs::write(&file, &good).unwrap();
    wait_for(WATCH_LIMIT, "wanzhou's reload error to clear", || {
        pack(server, "wanzhou")["last_error"]
            .is_null()
            .then_some(())
    });
    assert_eq!(version(server, "wanzhou"), v1);
    assert!(
        server
            .log_text()
            .contains("watching packs and policies for changes"),
        "the watcher was running"
    );
}

/// Pins `POST /v1/admin/reload`: right after an edit (before the watcher's debounce), it
/// reloads on demand with the same outcome: a broken edit answers `failed: [wanzhou]`
/// and the packs list shows the diagnostic at once; the fix answers no failure and clears
/// it; a valid edit is served when the call returns. (d) Deleting cities/liaocheng/pack.yaml
/// reports 聊城 in `failed` with a diagnostic naming the file, while its last pack still
/// opens cases.
#[test]
fn reload_on_demand_and_a_deleted_pack_keeps_serving() {
    let Copy { cities, server, .. } = &start();
    let v0 = version(server, "wanzhou");

    // (c) On demand.
    let (file, good, bad, line) = typo(cities);
    std::fs::write(&file, &bad).unwrap();
    let report = reload_now(server);
    assert_eq!(report["failed"], json!(["wanzhou"]), "{report:#}");
    assert_eq!(report["swapped"], json!([]), "{report:#}");
    assert_names_the_typo(&pack(server, "wanzhou")["last_error"], line);
    assert_eq!(version(server, "wanzhou"), v0);
    assert_eq!(pinned_version(server), v0);

    std::fs::write(&file, &good).unwrap();
    let report = reload_now(server);
    assert_eq!(report["failed"], json!([]), "{report:#}");
    assert!(pack(server, "wanzhou")["last_error"].is_null());
    assert_eq!(version(server, "wanzhou"), v0);

    let pack_file = cities.join("wanzhou/pack.yaml");
    append(&pack_file, "\n# reloaded on demand\n");
    let report = reload_now(server);
    assert_eq!(report["failed"], json!([]), "{report:#}");
    // The watcher may have swapped it first; either way it is served once the call returns.
    assert!(
        report["swapped"] == json!(["wanzhou"]) || report["swapped"] == json!([]),
        "{report:#}"
    );
    let v1 = version(server, "wanzhou");
    assert_ne!(v1, v0, "the edit is served when the reload returns");
    assert_eq!(pinned_version(server), v1);

    // (d) A deleted pack file.
    let liaocheng = version(server, "liaocheng");
    std::fs::remove_file(cities.join("liaocheng/pack.yaml")).unwrap();
    let report = reload_now(server);
    assert_eq!(report["failed"], json!(["liaocheng"]), "{report:#}");
    let entry = pack(server, "liaocheng");
    assert_eq!(entry["serving"], true, "{entry:#}");
    assert_eq!(entry["version"], liaocheng.as_str());
    let diagnostics = entry["last_error"]["diagnostics"]
        .as_array()
        .expect("a diagnostic");
    assert_eq!(diagnostics.len(), 1, "{entry:#}");
    assert!(
        diagnostics[0]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("liaocheng/pack.yaml")),
        "{entry:#}"
    );
    assert_eq!(diagnostics[0]["severity"], "error");
    let case = server.submit(
        "nature",
        json!({"city": "liaocheng", "procedure": "catalog_update", "provider": "市自然资源和规划局"}),
    );
    assert_eq!(
        case["pack_version"],
        liaocheng.as_str(),
        "the last pack still serves"
    );
    // The watcher reaches the same verdict on its own.
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(
        pack(server, "liaocheng")["last_error"]["diagnostics"],
        json!(diagnostics)
    );
}

/// Pins the ways editors and admins replace files: a save by writing a scratch file and
/// renaming it over pack.yaml serves a new version; removing the whole cities/neijiang
/// directory reports 内江 as failed (its last pack still served), copying it back clears
/// the error at the same version; and edits inside the re-created directory, also in its
/// `procedures/` subdirectory, are still seen by the watcher.
#[test]
fn the_watcher_follows_rename_saves_and_a_replaced_city_directory() {
    let Copy { cities, server, .. } = &start();
    let v0 = version(server, "wanzhou");
    let pack_file = cities.join("wanzhou/pack.yaml");
    let scratch = cities.join("wanzhou/.pack.yaml.tmp");
    std::fs::copy(&pack_file, &scratch).unwrap();
    append(&scratch, "\n# saved by rename\n");
    std::fs::rename(&scratch, &pack_file).unwrap();
    wait_for(
        WATCH_LIMIT,
        "a new wanzhou version after a rename-save",
        || Some(version(server, "wanzhou")).filter(|v| *v != v0),
    );

    let n0 = version(server, "neijiang");
    let dir = cities.join("neijiang");
    let saved = cities.parent().unwrap().join("neijiang-saved");
    copy_tree(&dir, &saved);
    std::fs::remove_dir_all(&dir).unwrap();
    let failure = wait_for(WATCH_LIMIT, "neijiang's files to be missed", || {
        Some(pack(server, "neijiang")["last_error"].clone()).filter(|e| !e.is_null())
    });
    assert!(
        failure["diagnostics"][0]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("neijiang/pack.yaml")),
        "{failure:#}"
    );
    assert_eq!(
        version(server, "neijiang"),
        n0,
        "its last pack still serves"
    );

    copy_tree(&saved, &dir);
    wait_for(WATCH_LIMIT, "neijiang back", || {
        pack(server, "neijiang")["last_error"]
            .is_null()
            .then_some(())
    });
    assert_eq!(
        version(server, "neijiang"),
        n0,
        "the same files, the same version"
    );

    append(&dir.join("pack.yaml"), "\n# edited after the copy\n");
    let n1 = wait_for(WATCH_LIMIT, "an edit in the re-created directory", || {
        Some(version(server, "neijiang")).filter(|v| *v != n0)
    });
    let procedure = std::fs::read_dir(dir.join("procedures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "yaml"))
        .expect("neijiang has procedures");
    append(&procedure, "\n# nested edit\n");
    wait_for(WATCH_LIMIT, "an edit in its procedures/", || {
        Some(version(server, "neijiang")).filter(|v| *v != n1)
    });
}
