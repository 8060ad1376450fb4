//! The kit on real files in a temp directory.

use govflow_testkit::{append, copy_sources, copy_tree, repo_root, wait_for};
use std::path::Path;
use std::time::Duration;

#[test]
fn the_repository_root_holds_the_workspace() {
    let root = repo_root();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("[workspace]"), "{}", root.display());
    assert!(root.join("cities").is_dir() && root.join("policies").is_dir());
}

/// Every file under `dir`, relative to it, with its bytes; sorted.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().display().to_string();
                found.push((relative, std::fs::read(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn a_copied_tree_has_the_same_files_and_bytes_at_every_depth() {
    let tmp = tempfile::tempdir().unwrap();
    let from = tmp.path().join("from");
    std::fs::create_dir_all(from.join("a/b")).unwrap();
    std::fs::create_dir_all(from.join("empty")).unwrap();
    std::fs::write(from.join("top.yaml"), "top: 1\n").unwrap();
    std::fs::write(from.join("a/b/deep.txt"), "深\n").unwrap();
    let to = tmp.path().join("to/nested");

    copy_tree(&from, &to);

    assert_eq!(files(&to), files(&from));
    assert_eq!(files(&to).len(), 2);
    assert!(
        to.join("empty").is_dir(),
        "empty directories are copied too"
    );
}

#[test]
fn the_sources_are_copied_side_by_side_as_in_the_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let (cities, policies) = copy_sources(tmp.path());
    assert_eq!(cities, tmp.path().join("cities"));
    assert_eq!(policies, tmp.path().join("policies"));
    assert_eq!(files(&cities), files(&repo_root().join("cities")));
    assert_eq!(files(&policies), files(&repo_root().join("policies")));
}

#[test]
fn append_adds_to_the_end() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("pack.yaml");
    std::fs::write(&file, "city: wanzhou\n").unwrap();
    append(&file, "# edited\n");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "city: wanzhou\n# edited\n"
    );
}

#[test]
#[should_panic(expected = "cannot read `")]
fn append_to_a_missing_file_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    append(&tmp.path().join("missing.yaml"), "# edited\n");
}

#[test]
fn wait_for_returns_what_the_probe_finds() {
    let mut asked = 0;
    let found = wait_for(Duration::from_secs(60), "the third answer", || {
        asked += 1;
        (asked == 3).then_some(asked * 10)
    });
    assert_eq!(found, 30);
    assert_eq!(asked, 3, "it stops asking once it has an answer");
}

#[test]
#[should_panic(expected = "waiting for an answer that never comes")]
fn wait_for_gives_up_naming_what_it_waited_for() {
    wait_for(Duration::ZERO, "an answer that never comes", || None::<()>);
}

#[test]
fn the_postgres_server_gives_each_caller_a_fresh_database() {
    use govflow_testkit::postgres;
    let server = postgres::shared();
    let (first, second) = (server.database(), server.database());
    assert_ne!(first, second);
    let psql = |url: &str, sql: &str| {
        let out = std::process::Command::new("psql")
            .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql])
            .output()
            .expect("psql runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    psql(&first, "CREATE TABLE only_here (n int)");
    assert_eq!(psql(&first, "SELECT count(*) FROM only_here"), "0");
    let tables = "SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'";
    assert_eq!(psql(&second, tables), "0");
    assert_eq!(psql(&first, "SHOW synchronous_commit"), "on");
}
