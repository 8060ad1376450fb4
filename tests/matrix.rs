use crate::support::{govflow, path, stderr, stdout};

/// docs/matrix.md is what `govflow matrix --markdown` prints.
#[test]
fn docs_matrix_is_in_sync() {
    let out = govflow(&["matrix", "--markdown"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let committed = std::fs::read_to_string(path("docs/matrix.md")).unwrap_or_default();
    assert!(
        committed == stdout(&out),
        "docs/matrix.md is stale: run `govflow matrix --markdown > docs/matrix.md`"
    );
}

#[test]
fn matrix_json_has_one_object_per_deadline_with_every_field() {
    let out = govflow(&["matrix", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!rows.is_empty());
    for row in &rows {
        for key in [
            "city",
            "procedure",
            "deadline",
            "working_days",
            "days",
            "months",
            "fixed_date",
            "extension_working_days",
            "statutory",
            "imposed_by",
            "kind",
            "article",
            "regulation_status",
        ] {
            assert!(row.get(key).is_some(), "`{key}` missing in {row}");
        }
    }
    let verify = rows
        .iter()
        .find(|r| r["city"] == "wanzhou" && r["procedure"] == "data_verification")
        .expect("wanzhou verification is in the matrix");
    assert_eq!(verify["working_days"], 10);
    assert_eq!(verify["extension_working_days"], 10);
    assert_eq!(verify["article"], "第十七条");
    assert_eq!(verify["statutory"], true);
    assert_eq!(verify["regulation_status"], "in_force");
    // The period of an order to rectify is the imposer's: the pack's is only a default.
    let rectify = rows
        .iter()
        .find(|r| r["city"] == "wanzhou" && r["procedure"] == "rectification")
        .expect("wanzhou rectification is in the matrix");
    assert_eq!(rectify["statutory"], false);
    assert_eq!(rectify["imposed_by"], "authority");
    let draft = rows
        .iter()
        .find(|r| r["city"] == "neijiang")
        .expect("neijiang is in the matrix");
    assert_eq!(draft["regulation_status"], "draft");
}
