use crate::support::path;
use govflow_loader::{load_pack, Disk};

#[test]
fn a_child_inherits_overrides_by_id_and_removes() {
    let (parent, d) = load_pack(&Disk, &path("examples/packs/jiaozuo"));
    let parent = parent.unwrap_or_else(|| panic!("{d:#?}"));
    let (child, d) = load_pack(&Disk, &path("examples/packs/macun"));
    let child = child.unwrap_or_else(|| panic!("{d:#?}"));
    let (parent, child) = (&parent.pack, &child.pack);

    assert_eq!(child.extends.as_ref().map(|c| c.as_str()), Some("jiaozuo"));
    // Inherited unchanged.
    assert_eq!(
        child.procedure("data_verification"),
        parent.procedure("data_verification")
    );
    assert_eq!(
        child.roles[&"provider".into()],
        parent.roles[&"provider".into()]
    );
    // Overridden by id.
    assert_eq!(
        child.roles[&"authority".into()].name,
        "马村区政务服务和大数据管理局"
    );
    assert_eq!(
        parent.roles[&"authority".into()].name,
        "市政务服务和大数据管理局"
    );
    // Removed.
    assert!(parent.procedure("catalog_update").is_some());
    assert!(child.procedure("catalog_update").is_none());
    // Its own regulation and dates, its own version.
    assert_eq!(child.regulation.document, "马政办〔2020〕56号");
    assert_ne!(child.version, parent.version);
}

#[test]
fn the_example_scenarios_pass() {
    let summary = govflow_scenario::run_paths(&[path("examples/packs")], &path("policies"));
    let failures = summary.failures();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(summary.passed() >= 1);
}
