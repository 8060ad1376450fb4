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
