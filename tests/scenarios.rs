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
    // The same run keeps each city README's "Scenario coverage" section honest.
    let coverage = summary.coverage();
    assert_eq!(coverage.len(), 6, "one coverage per city pack");
    for (dir, city) in coverage {
        let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
        assert_eq!(
            govflow_scenario::coverage::with_section(&readme, &city.markdown()),
            readme,
            "{}: the \"Scenario coverage\" section is out of date; run `govflow test cities --coverage --write`",
            dir.display()
        );
        assert!(
            city.exercised().count() > 0,
            "{}: no article exercised",
            city.city
        );
    }
}

/// `--coverage --format json`: per city, every article the pack cites, the scenarios that
/// exercise it (none for some), and where the pack cites it.
#[test]
fn coverage_names_the_scenarios_that_exercise_each_article() {
    let out =
        crate::support::govflow(&["test", "cities/wanzhou", "--coverage", "--format", "json"]);
    assert!(out.status.success(), "{out:?}");
    let cities: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let wanzhou = &cities[0];
    assert_eq!(wanzhou["city"], "wanzhou");
    let article = |a: &str| {
        wanzhou["articles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["article"] == a)
            .unwrap_or_else(|| panic!("{a} in {wanzhou:#}"))
            .clone()
    };
    // 第十七条 (数据校核): its scenario arms the deadline and extends it.
    let verification = article("第十七条");
    assert!(verification["scenarios"]
        .as_array()
        .unwrap()
        .contains(&"data_verification_extension.yaml".into()));
    assert!(verification["cited_at"]
        .as_array()
        .unwrap()
        .contains(&"procedures.data_verification".into()));
    // The regulation's own dates (第五十四条) are cited but no step rests on them.
    assert_eq!(article("第五十四条")["scenarios"], serde_json::json!([]));
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

/// Runs `steps` (YAML lines under `steps:`) as a Wanzhou scenario starting at `start`;
/// returns the outcome as `govflow test` prints it.
fn run_wanzhou(start: &str, steps: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("steps.yaml");
    std::fs::write(
        &scenario,
        format!(
            "schema_version: 1\nname: steps\nstart: {start}\n\
             actors: {{citizen: {{roles: [applicant]}}, police: {{roles: [provider], department: 区公安局}}}}\n\
             steps:\n{steps}"
        ),
    )
    .unwrap();
    govflow_scenario::run_file(&path("cities/wanzhou"), &path("policies"), &scenario).to_string()
}

#[test]
fn a_scenario_step_that_cannot_be_carried_out_says_why() {
    // A reload edit whose text is not in the file, a restart back in time, a case name
    // nobody gave: each fails its step with what is wrong, naming what it looked for.
    let reload = run_wanzhou(
        "2021-03-01T09:00:00+08:00",
        "  - reload: {edits: [{file: procedures/data_verification.yaml, replace: 'working_days: 99', with: 'working_days: 5'}]}\n",
    );
    assert!(
        reload.contains("`working_days: 99` occurs 0 times in `procedures/data_verification.yaml`"),
        "{reload}"
    );
    let restart = run_wanzhou(
        "2021-03-01T09:00:00+08:00",
        "  - restart: 2021-02-01T09:00:00+08:00\n",
    );
    assert!(restart.contains("before the clock"), "{restart}");
    let unnamed = run_wanzhou(
        "2021-03-01T09:00:00+08:00",
        "  - act: {case: nobody, action: reply, as: police}\n",
    );
    assert!(unnamed.contains("no case named `nobody`"), "{unnamed}");
    let obligation = run_wanzhou(
        "2021-03-01T09:00:00+08:00",
        "  - act: {case: department_annual_submission@区公安局, action: submit, as: police}\n",
    );
    assert!(
        obligation.contains(
            "obligation `department_annual_submission` has opened no case for `区公安局`"
        ),
        "{obligation}"
    );
}

#[test]
fn a_broken_reload_keeps_the_last_good_pack_and_a_resubmission_is_idempotent() {
    // 10 working days from Mon 2021-03-01 → 03-15. The broken edit names a state the
    // procedure does not have; the pack keeps serving, so the next case is due 03-15 too.
    let shown = run_wanzhou(
        "2021-03-01T09:00:00+08:00",
        "  - submit: {procedure: data_verification, as: citizen, provider: 区公安局, idempotency_key: k1}\n\
         \x20   expect: {id: c-000001, deadlines: {verify: {due_date: 2021-03-15}}}\n\
         \x20 - reload: {edits: [{file: procedures/data_verification.yaml, replace: 'initial: verifying', with: 'initial: verifyng'}]}\n\
         \x20   expect_error: {code: GF0004, contains: verifyng}\n\
         \x20 - submit: {name: again, procedure: data_verification, as: citizen, provider: 区公安局, idempotency_key: k1}\n\
         \x20   expect: {id: c-000001}\n\
         \x20 - submit: {name: other, procedure: data_verification, as: citizen, provider: 区税务局, idempotency_key: k1}\n\
         \x20   expect_error: {code: idempotency_key_reused}\n\
         \x20 - submit: {name: new, procedure: data_verification, as: citizen, provider: 区公安局}\n\
         \x20   expect: {id: c-000002, deadlines: {verify: {due_date: 2021-03-15}}}\n",
    );
    assert!(shown.starts_with("ok "), "{shown}");
}

#[test]
fn govflow_test_on_a_path_that_holds_nothing_fails_naming_it() {
    let out = crate::support::govflow(&["test", "no/such/dir"]);
    let text = crate::support::stdout(&out);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("no/such/dir: error[GF0011]: cannot read the directory"),
        "{text}"
    );
    assert!(text.ends_with("0 passed, 1 failed\n"), "{text}");
}
