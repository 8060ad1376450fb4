//! `cargo test` runs the same scenario driver as `govflow test`, on every city's scenarios.

use crate::support::path;

#[test]
fn every_city_scenario_passes() {
    let summary = govflow_scenario::run_paths(&[path("cities")], &path("policies"));
    let failures = summary.failures();
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(summary.passed() > 0, "no scenarios found under cities/");
}

/// Every procedure of every city pack has at least one scenario that opens a case of it.
#[test]
fn every_procedure_has_a_scenario() {
    let (packs, diagnostics) = govflow_loader::load_cities(&govflow_loader::Disk, &path("cities"));
    assert!(!packs.is_empty(), "{diagnostics:#?}");
    let mut missing = Vec::new();
    let scenarios_of = |dir: &std::path::Path| -> String {
        govflow_loader::scenario_files(&govflow_loader::Disk, dir)
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect()
    };
    // A rectification case is opened by a lapse; a scenario proves it by acting on it.
    let covers = |scenarios: &str, id: &str| {
        scenarios.contains(&format!("procedure: {id}"))
            || (id == "rectification" && scenarios.contains("/penalty"))
    };
    for (city, pack) in &packs {
        let scenarios = scenarios_of(&pack.dir);
        let parent = pack.pack.extends.as_ref().and_then(|p| packs.get(p));
        for (id, procedure) in &pack.pack.procedures {
            // A procedure inherited unchanged is covered by its parent's scenarios.
            let inherited_and_covered = parent.is_some_and(|parent| {
                parent.pack.procedures.get(id) == Some(procedure)
                    && covers(&scenarios_of(&parent.dir), id.as_str())
            });
            if !covers(&scenarios, id.as_str()) && !inherited_and_covered {
                missing.push(format!("{city}/{id}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "procedures without a scenario: {missing:?}"
    );
}

#[test]
fn govflow_test_prints_the_closing_count_and_fails_on_failure() {
    let out = crate::support::govflow(&["test", "cities/wanzhou"]);
    let text = crate::support::stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.lines().last().unwrap().ends_with(" 0 failed"),
        "{text}"
    );

    // A scenario that expects the wrong due date fails, shows expected against actual,
    // and makes the command exit non-zero.
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("wrong.yaml");
    std::fs::write(
        &scenario,
        "schema_version: 1\nname: wrong due date\nstart: 2021-02-08T09:00:00+08:00\n\
         actors: {citizen: {roles: [applicant]}}\nsteps:\n\
         \x20 - submit: {procedure: data_verification, as: citizen, provider: 区公安局}\n\
         \x20   expect: {deadlines: {verify: {due_date: 2021-02-19}}}\n",
    )
    .unwrap();
    let outcome = govflow_scenario::run_file(&path("cities/wanzhou"), &path("policies"), &scenario);
    let shown = outcome.to_string();
    assert!(
        shown.contains("deadlines.verify.due_date: expected `2021-02-19`, got `2021-02-26`"),
        "{shown}"
    );
    assert!(shown.contains("(step 1)"), "{shown}");
}
