//! Issue 9, structure: the misuses of child cases (`opens`), entries (`start`), bodies and
//! joint acts are `govflow check` diagnostics at their file, line and column, with their
//! codes (GF0030–GF0033), all reported in one run.

use crate::support::{govflow, stderr};
use std::path::Path;

/// Replaces the one occurrence of `from` in `file` and returns the 1-based line it is on.
fn edit(file: &Path, from: &str, to: &str) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` in {}",
        file.display()
    );
    let line = line_of(file, from);
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
    line
}

#[test]
fn misused_child_cases_entries_bodies_and_joint_acts_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (cities, _) = govflow_testkit::copy_sources(dir.path());
    let pack = cities.join("jiaozuo");
    let procedures = pack.join("procedures");
    let acceptance = procedures.join("it_project_acceptance.yaml");
    let child = edit(
        &acceptance,
        "opens: {procedure: it_project_acceptance, start: rectifying, provider: case, on_decision: reject}",
        "opens: {procedure: it_project_acceptance, start: awaiting_approval, provider: data, on_decision: rejected}",
    );
    let lapse = edit(
        &acceptance,
        "on_lapse: {to: funds_withheld}",
        "on_lapse: {to: funds_withheld, start: funds_withheld}",
    );
    let body = edit(
        &pack.join("pack.yaml"),
        "  audit_bureau:\n    name: 市审计局",
        "  audit_bureu:\n    name: 市审计局",
    );
    let joint = edit(
        &procedures.join("it_project_plan.yaml"),
        "    roles: [authority, finance_bureau]\n    jointly: true",
        "    roles: [authority]\n    jointly: true",
    );
    let out = govflow(&["check", pack.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    let at = |file: &Path, line: usize, code: &str, message: &str| {
        let expected = format!("{}:{line}:", file.display());
        let found = err
            .lines()
            .any(|l| l.starts_with(&expected) && l.contains(code) && l.contains(message));
        assert!(found, "no `{expected}… {code} {message}` in:\n{err}");
    };
    at(
        &acceptance,
        child,
        "error[GF0031]",
        "`awaiting_approval` is not an entry of `it_project_acceptance`",
    );
    at(
        &acceptance,
        child,
        "error[GF0030]",
        "`rejected` is not a decision of `reply`",
    );
    at(
        &acceptance,
        child,
        "error[GF0030]",
        "addressed to `data.provider`, which `reply` does not require",
    );
    at(
        &acceptance,
        lapse,
        "error[GF0031]",
        "the lapse opens no case",
    );
    at(
        &pack.join("pack.yaml"),
        body,
        "error[GF0032]",
        "`audit_bureu` is not a canonical body",
    );
    assert!(err.contains("did you mean `audit_bureau`?"), "{err}");
    // The body is then undeclared where the audit ladder names it.
    at(
        &procedures.join("rectification.yaml"),
        line_of(
            &procedures.join("rectification.yaml"),
            "opened_by: [audit_bureau]",
        ),
        "error[GF0032]",
        "body `audit_bureau` is not declared in this pack's `bodies`",
    );
    at(
        &procedures.join("it_project_plan.yaml"),
        joint + 1,
        "error[GF0033]",
        "joint act `decide` names 1 role",
    );
}

/// The 1-based line of the one occurrence of `needle` in `file`.
fn line_of(file: &Path, needle: &str) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}
