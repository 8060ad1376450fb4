use super::*;
use crate::files::{Disk, InMemory};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The repository's `cities/` and `policies/` held in memory under a directory that is
/// gone from the disk by the time anything loads, so a read that bypassed the source
/// would fail.
fn in_memory() -> (InMemory, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for name in ["cities", "policies"] {
        std::os::unix::fs::symlink(repo().join(name), dir.path().join(name)).unwrap();
    }
    let root = dir.path().to_path_buf();
    let files = InMemory::from_disk(&[&root.join("cities"), &root.join("policies")]).unwrap();
    drop(dir);
    assert!(!root.exists());
    (files, root)
}

fn versions(packs: &BTreeMap<CityId, LoadedPack>) -> Vec<String> {
    packs.values().map(|p| p.pack.version.clone()).collect()
}

#[test]
fn every_city_loads_from_memory_alone_as_it_does_from_disk() {
    let (files, root) = in_memory();
    let (in_memory, diagnostics) = load_cities(&files, &root.join("cities"));
    assert!(!has_errors(&diagnostics), "{diagnostics:#?}");
    let (on_disk, _) = load_cities(&Disk, &repo().join("cities"));
    assert_eq!(in_memory.len(), 6);
    assert_eq!(versions(&in_memory), versions(&on_disk));
    assert!(
        in_memory.contains_key(&CityId::new("macun")),
        "`extends: jiaozuo` resolves to the sibling held in memory"
    );
    let calendar = load_calendar(&files, &root.join("policies/calendars"));
    assert!(calendar.is_ok(), "{:#?}", calendar.err());
}

#[test]
fn an_edit_in_memory_is_what_the_next_load_reads() {
    let (files, root) = in_memory();
    let dir = root.join("cities/wanzhou");
    let pack_file = dir.join("pack.yaml");
    let text = files.read(&pack_file).unwrap();
    files
        .write(
            &pack_file,
            text.replace("本办法自公布之日起施行。", "本办法自印发之日起施行。"),
        )
        .unwrap();
    let (loaded, diagnostics) = load_pack(&files, &dir);
    assert!(loaded.is_none());
    let rendered: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        rendered[0].lines().next().unwrap(),
        format!(
            "{}:19:3: error[GF0018]: the quote is not in the regulation's text: `本办法自印发之日起施行。`",
            pack_file.display()
        ),
        "{rendered:#?}"
    );

    files.write(&pack_file, text).unwrap();
    assert!(load_pack(&files, &dir).0.is_some());
    assert!(files.remove(&root.join("policies/regulations/000_61a89b42ec8d31af.txt")));
    let (loaded, diagnostics) = load_pack(&files, &dir);
    assert!(loaded.is_none());
    assert_eq!(
        diagnostics[0].to_string(),
        format!(
            "{}:17:3: error[GF0011]: cannot read `../../policies/regulations/000_61a89b42ec8d31af.txt`: no such file or directory",
            pack_file.display()
        )
    );
}

#[test]
fn a_missing_pack_is_reported_alike_from_disk_and_from_memory() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("wanzhou");
    let (none, on_disk) = load_pack(&Disk, &pack);
    assert!(none.is_none());
    assert_eq!(on_disk, load_pack(&InMemory::new(), &pack).1);
    assert_eq!(
        on_disk[0].to_string(),
        format!(
            "{}: error[GF0011]: cannot read the file: no such file or directory",
            pack.join("pack.yaml").display()
        )
    );
}

/// Replaces the first `from` in `dir`'s `file` by `to`.
fn edit(files: &InMemory, dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = files.read(&path).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    files.write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The 1-based line of `needle`'s first occurrence in `dir`'s `file`, so an expected
/// location does not go stale when the pack above it changes.
fn line_of(files: &InMemory, dir: &Path, file: &str, needle: &str) -> usize {
    let text = files.read(&dir.join(file)).unwrap();
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{file} has no `{needle}`"));
    text[..at].lines().count() + usize::from(text[..at].ends_with('\n'))
}

/// The diagnostics of `dir`'s pack, with paths relative to it.
fn rendered(files: &InMemory, dir: &Path) -> Vec<String> {
    let (loaded, diagnostics) = load_pack(files, dir);
    assert_eq!(loaded.is_some(), diagnostics.is_empty(), "{diagnostics:#?}");
    diagnostics
        .iter()
        .map(|d| d.to_string().replace(&format!("{}/", dir.display()), ""))
        .collect()
}

#[test]
fn a_misspelt_name_of_a_closed_set_is_located_with_a_suggestion() {
    let (files, root) = in_memory();
    let dir = root.join("cities/wanzhou");
    let edit = |file: &str, from: &str, to: &str| edit(&files, &dir, file, from, to);
    edit("pack.yaml", "status: in_force", "status: in_forse");
    edit("pack.yaml", "scope: departments", "scope: department");
    edit(
        "procedures/catalog_update.yaml",
        "from: event",
        "from: evnet",
    );
    let scope = line_of(&files, &dir, "pack.yaml", "scope: department");
    assert_eq!(
        rendered(&files, &dir),
        [
            "pack.yaml:12:3: error[GF0003]: unknown value `in_forse`\n  help: did you mean `in_force`?".to_owned(),
            format!("pack.yaml:{scope}:5: error[GF0003]: unknown value `department`\n  help: did you mean `departments`?"),
            "procedures/catalog_update.yaml:29:9: error[GF0003]: unknown value `evnet`\n  help: did you mean `event`?".to_owned(),
        ]
    );
}

/// A role that reaches everything (policies/vocabulary.yaml) is the service's operator: a
/// procedure may name it although the city does not declare it. Any other role it names
/// must be declared.
#[test]
fn only_a_role_reaching_everything_may_go_undeclared() {
    let (files, root) = in_memory();
    let dir = root.join("cities/wanzhou");
    let objection = "procedures/objection.yaml";
    edit(
        &files,
        &dir,
        objection,
        "roles: [authority]",
        "roles: [authority, admin]",
    );
    assert_eq!(rendered(&files, &dir), Vec::<String>::new());

    edit(
        &files,
        &dir,
        objection,
        "[authority, admin]",
        "[authority, government]",
    );
    edit(
        &files,
        &dir,
        "pack.yaml",
        "  government:\n",
        "  governmnt:\n",
    );
    assert_eq!(
        rendered(&files, &dir),
        [
            "pack.yaml:41:3: error[GF0009]: `governmnt` is not a canonical role\n  help: did you mean `government`?",
            "procedures/objection.yaml:24:24: error[GF0004]: role `government` is not declared in this pack's `roles`\n  help: declare it in pack.yaml with the city's own name for it and its article",
        ]
    );
}

/// `scope: authority` falls on the body holding the `authority` role: the pack must name it.
#[test]
fn an_obligation_falls_on_a_role_the_pack_declares() {
    let (files, root) = in_memory();
    let dir = root.join("cities/wanzhou");
    edit(
        &files,
        &dir,
        "pack.yaml",
        "  authority:\n    name:",
        "  mayor:\n    name:",
    );
    let scope = line_of(&files, &dir, "pack.yaml", "scope: authority");
    let rendered = rendered(&files, &dir);
    let expected = format!("pack.yaml:{scope}:5: error[GF0004]: the obligation falls on role `authority`, which this pack's `roles` does not declare");
    assert!(
        rendered.iter().any(|d| d.starts_with(&expected)),
        "{rendered:#?}"
    );
}

/// Loads `city` after replacing `replace` (once) by `with` in `file`; the diagnostics,
/// rendered, with the path made relative to the pack.
fn misuse(city: &str, file: &str, replace: &str, with: &str) -> Vec<String> {
    let (files, root) = in_memory();
    let dir = root.join("cities").join(city);
    let path = dir.join(file);
    let text = files.read(&path).unwrap();
    assert_eq!(text.matches(replace).count(), 1, "{replace}");
    files.write(&path, text.replacen(replace, with, 1)).unwrap();
    let (loaded, diagnostics) = load_pack(&files, &dir);
    assert!(loaded.is_none(), "{diagnostics:#?}");
    diagnostics
        .iter()
        .map(|d| d.to_string().replace(&format!("{}/", dir.display()), ""))
        .collect()
}

fn first_line(rendered: &[String]) -> &str {
    rendered[0].lines().next().unwrap()
}

#[test]
fn a_year_without_a_period_and_a_period_without_a_fixed_date_are_reported_where_written() {
    let rendered = misuse(
        "wanzhou",
        "procedures/annual_report.yaml",
        "        within: {fixed_date: \"01-10\", year: following}\n        from: period",
        "        within: {fixed_date: \"01-10\", year: following}",
    );
    assert_eq!(
        first_line(&rendered),
        "procedures/annual_report.yaml:28:39: error[GF0019]: deadline `department_report` states the year of its fixed date but is not counted `from: period`",
        "{rendered:#?}"
    );
    let rendered = misuse(
        "wanzhou",
        "procedures/annual_report.yaml",
        "within: {fixed_date: \"01-10\", year: following}",
        "within: {working_days: 5}",
    );
    assert_eq!(
        first_line(&rendered),
        "procedures/annual_report.yaml:29:9: error[GF0019]: deadline `department_report` is counted `from: period` but is not a fixed date",
        "{rendered:#?}"
    );
}

#[test]
fn a_recurring_obligation_must_give_the_period_and_start_where_something_is_owed() {
    let rendered = misuse(
        "chongqing",
        "pack.yaml",
        "    scope: departments\n    period: previous_year\n",
        "    scope: departments\n",
    );
    assert!(
        rendered[0].contains("error[GF0020]: obligation `department_annual_submission` opens `annual_report` cases without a period"),
        "{rendered:#?}"
    );
    let rendered = misuse(
        "chongqing",
        "pack.yaml",
        "initial: municipal_report",
        "initial: accepted",
    );
    assert!(
        rendered[0].contains("error[GF0021]: obligation `municipal_annual_report` starts its cases in `accepted`, a terminal state"),
        "{rendered:#?}"
    );
}

#[test]
fn nothing_to_report_must_close_the_case_and_cancel_its_deadlines() {
    let rendered = misuse(
        "jiaozuo",
        "procedures/it_project_plan.yaml",
        "    to: no_plan\n    roles: [provider]\n    cancels_deadlines: true\n",
        "    to: studying\n    roles: [provider]\n",
    );
    let codes: Vec<&str> = rendered
        .iter()
        .filter(|r| r.contains("GF0022"))
        .map(|r| r.lines().next().unwrap())
        .collect();
    assert_eq!(codes.len(), 2, "{rendered:#?}");
    for message in [
        "`nothing_to_report` leads to `studying`, which is not terminal",
        "`nothing_to_report` must cancel the deadlines it ends",
    ] {
        assert!(codes.iter().any(|c| c.contains(message)), "{codes:#?}");
    }
}

/// `legal_basis` is the basis cited; a list of kinds belongs to `legal_basis_kind`, whose
/// terms are the pack's `legal_bases`.
#[test]
fn a_kind_of_basis_is_tested_on_legal_basis_kind() {
    let (files, root) = in_memory();
    let dir = root.join("cities/wanzhou");
    let shared = "require: {legal_basis: present, legal_basis_kind: [law, administrative_regulation, central_policy]}";
    let line = line_of(&files, &dir, "pack.yaml", shared);
    edit(
        &files,
        &dir,
        "pack.yaml",
        shared,
        "require: {legal_basis: [law, central_policy]}",
    );
    assert_eq!(
        rendered(&files, &dir),
        [format!("pack.yaml:{line}:17: error[GF0027]: `legal_basis` is the basis cited, as free text; `[law, central_policy]` are kinds of basis\n  help: require `legal_basis: present` and `legal_basis_kind: [...]` with the terms of `classification.legal_bases`")]
    );
    edit(
        &files,
        &dir,
        "pack.yaml",
        "{legal_basis: [law, central_policy]}",
        "{legal_basis_kind: [law, local_rule]}",
    );
    let rendered = rendered(&files, &dir);
    assert!(
        rendered[0].starts_with(&format!("pack.yaml:{line}:17: error[GF0004]: `local_rule` is not a term of this pack's `legal_basis_kind` vocabulary")),
        "{rendered:#?}"
    );
}

/// A submission's `requires:` names fields of its `data`; its guards name scripts of the pack.
#[test]
fn opening_requirements_name_data_fields_and_scripts() {
    let (files, root) = in_memory();
    let dir = root.join("cities/chongqing");
    let file = "procedures/conditional_share.yaml";
    edit(
        &files,
        &dir,
        file,
        "requires: [purpose]",
        "requires: [purpose, provider, purpose]",
    );
    edit(
        &files,
        &dir,
        file,
        "script: not_unconditionally_shared",
        "script: not_unconditionaly_shared",
    );
    let requires = line_of(&files, &dir, file, "requires: [purpose,");
    let script = line_of(&files, &dir, file, "script: not_unconditionaly");
    assert_eq!(
        rendered(&files, &dir),
        [
            format!("{file}:{requires}:21: error[GF0028]: `provider` is a field of the submission, not of its `data`\n  help: use `requires_provider: true`"),
            format!("{file}:{requires}:31: error[GF0010]: `purpose` is required twice"),
            format!("{file}:{script}:5: error[GF0004]: no script `scripts/not_unconditionaly_shared.rhai` in this pack\n  help: did you mean `not_unconditionally_shared`?"),
        ]
    );
}

#[test]
fn a_red_light_must_come_after_the_yellow_one() {
    let rendered = misuse("wanzhou", "pack.yaml", "  red: lapse", "  red: warning");
    assert!(
        first_line(&rendered)
            .contains("error[GF0034]: `red: warning` is not later than `yellow: warning`"),
        "{rendered:#?}"
    );
}

#[test]
fn a_board_section_is_inherited_and_its_absence_is_the_default() {
    use govflow_model::{BoardRule, LightEvent};
    let (files, root) = in_memory();
    let cities = root.join("cities");
    edit(
        &files,
        &cities.join("jiaozuo"),
        "pack.yaml",
        "  yellow: warning\n  red: lapse",
        "  yellow: lapse\n  red: supervision_lapse",
    );
    edit(
        &files,
        &cities.join("wanzhou"),
        "pack.yaml",
        "board:\n  yellow: warning\n  red: lapse\n",
        "",
    );
    let board = |city: &str| {
        let (loaded, diagnostics) = load_pack(&files, &cities.join(city));
        loaded
            .unwrap_or_else(|| panic!("{diagnostics:#?}"))
            .pack
            .board
    };
    let zhanjiang_style = BoardRule {
        yellow: LightEvent::Lapse,
        red: LightEvent::SupervisionLapse,
    };
    assert_eq!(board("jiaozuo"), zhanjiang_style);
    assert_eq!(board("macun"), zhanjiang_style, "macun extends jiaozuo");
    assert_eq!(board("wanzhou"), BoardRule::default());
}
