use crate::support::{govflow, stderr};

/// The committed schemas are what the Rust types generate (`govflow schema`).
#[test]
fn the_committed_schemas_are_in_sync() {
    let out = govflow(&["schema", "--check"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Every pack, procedure and scenario file names its schema so editors validate it.
#[test]
fn every_pack_file_starts_with_the_schema_modeline() {
    let mut missing = Vec::new();
    for dir in ["cities", "examples/packs"] {
        visit(&crate::support::path(dir), &mut |p| {
            if p.extension().is_some_and(|e| e == "yaml") {
                let text = std::fs::read_to_string(p).unwrap();
                if !text
                    .lines()
                    .next()
                    .unwrap_or("")
                    .starts_with("# yaml-language-server: $schema=")
                {
                    missing.push(p.display().to_string());
                }
            }
        });
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

fn visit(dir: &std::path::Path, f: &mut dyn FnMut(&std::path::Path)) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            visit(&p, f);
        } else {
            f(&p);
        }
    }
}
