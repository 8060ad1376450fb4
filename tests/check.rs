use crate::support::{govflow, stderr};

#[test]
fn every_city_pack_checks_clean() {
    let out = govflow(&["check", "cities"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains(" 0 errors"), "{}", stderr(&out));
}

/// Issue 2: a misspelt key, an unknown state and a missing article give three located
/// errors in one run; issue 8: so does a misspelt name of a closed set (`from: recieved`).
#[test]
fn a_broken_pack_reports_every_problem_located_in_one_run() {
    let out = govflow(&["check", "tests/fixtures/broken/wanzhou"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    let dir = "tests/fixtures/broken/wanzhou/procedures";
    for expected in [
        format!("{dir}/catalog_update.yaml:11:5: error[GF0002]: unknown key `deadlnes`"),
        "help: did you mean `deadlines`?".to_owned(),
        format!("{dir}/data_verification.yaml:20:5: error[GF0004]: unknown state `verifed`"),
        "help: did you mean `verified`?".to_owned(),
        format!("{dir}/data_verification.yaml:13:9: error[GF0006]: deadline `verify` does not cite its article"),
        format!("{dir}/objection.yaml:14:9: error[GF0003]: unknown value `recieved`"),
        "help: did you mean `received`?".to_owned(),
    ] {
        assert!(err.contains(&expected), "missing `{expected}` in:\n{err}");
    }
}

#[test]
fn a_quote_that_is_not_in_the_text_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("wanzhou");
    govflow_testkit::copy_tree(
        &crate::support::path("tests/fixtures/broken/wanzhou"),
        &pack,
    );
    std::fs::remove_dir_all(pack.join("procedures")).unwrap();
    let text = crate::support::path("policies/regulations/000_61a89b42ec8d31af.txt");
    let yaml = std::fs::read_to_string(pack.join("pack.yaml"))
        .unwrap()
        .replace(
            "../../../../policies/regulations/000_61a89b42ec8d31af.txt",
            text.to_str().unwrap(),
        )
        .replace("本办法自公布之日起施行。", "本办法自印发之日起施行。");
    std::fs::write(pack.join("pack.yaml"), yaml).unwrap();
    let out = govflow(&["check", pack.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(
            "error[GF0018]: the quote is not in the regulation's text: `本办法自印发之日起施行。`"
        ),
        "{}",
        stderr(&out)
    );
}

/// Issue 9: each misuse of notices, imposed periods, not-before gates and `sets_period` is
/// its own diagnostic, located at the line and column of the key that is wrong.
#[test]
fn misused_gates_notices_and_imposed_periods_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (cities, _) = govflow_testkit::copy_sources(dir.path());
    let procedures = cities.join("jiaozuo/procedures");
    // Replaces `from` (once in `file`) and returns `file:line:column` of `key` in the edit.
    let edit = |file: &str, from: &str, to: &str, key: &str| {
        let path = procedures.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches(from).count(), 1, "`{from}` in {file}");
        let text = text.replacen(from, to, 1);
        let at = text.find(to).unwrap() + to.find(key).unwrap();
        let line = text[..at].matches('\n').count() + 1;
        let column = at - text[..at].rfind('\n').map_or(0, |n| n + 1) + 1;
        std::fs::write(&path, &text).unwrap();
        format!("{}:{line}:{column}", path.display())
    };
    let expected = [
        (
            edit(
                "rectification.yaml",
                "        imposed_by:\n          role: authority",
                "        statutory: true\n        imposed_by:\n          role: authority",
                "statutory",
            ),
            "error[GF0023]: `rectify` is imposed by `authority`, so its period is not the text's",
        ),
        (
            edit(
                "it_project_plan.yaml",
                "on_lapse: {to: removed}",
                "on_lapse: {to: removed, open: rectification}",
                "open",
            ),
            "error[GF0024]: notice `library_funding` cannot open a penalty case",
        ),
        (
            edit(
                "it_project_evaluation.yaml",
                "after: {years: 1}",
                "after: {fixed_date: \"01-10\"}",
                "fixed_date",
            ),
            "error[GF0025]: a not-before gate counts a period, not a fixed date",
        ),
        (
            edit(
                "it_project_acceptance.yaml",
                "sets_period: acceptance",
                "sets_period: acceptanse",
                "sets_period",
            ),
            "error[GF0026]: state `awaiting_acceptance`, where the action leads, arms no deadline `acceptanse`",
        ),
    ];
    let out = govflow(&["check", cities.join("jiaozuo").to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    for (at, message) in expected {
        let line = format!("{at}: {message}");
        assert!(err.contains(&line), "missing `{line}` in:\n{err}");
    }
}
