//! The `govflow calendar` commands print exactly what the counting rules give. The
//! exhaustive comparison (every start date 2020–2026 × N = 1..30 against an independent
//! source) is in engine/calendar/tests; here the CLI is checked on the boundary cases.

use crate::support::{govflow, stdout};

fn add(args: &[&str]) -> String {
    let mut all = vec!["calendar", "add"];
    all.extend_from_slice(args);
    let out = govflow(&all);
    assert!(out.status.success(), "{:?}", out);
    stdout(&out).trim().to_owned()
}

#[test]
fn working_days_skip_the_2020_spring_festival_extension() {
    // Rest 2020-01-24..02-02 (extended by 国办发明电〔2020〕1号); next working day 02-03.
    assert_eq!(
        add(&["--from", "2020-01-23", "--working-days", "1"]),
        "2020-02-03"
    );
}

#[test]
fn a_make_up_sunday_is_a_working_day() {
    let out = govflow(&["calendar", "is-workday", "2020-01-19"]);
    assert_eq!(stdout(&out).trim(), "workday");
    let out = govflow(&["calendar", "is-workday", "2020-01-25"]);
    assert_eq!(stdout(&out).trim(), "rest");
}

#[test]
fn receipt_on_a_rest_day_counts_from_the_next_working_day() {
    // Sat 2023-09-30 is in the National Day holiday (09-29..10-06); counting starts on the
    // next working day, Sat 10-07 (make-up), and the first working day after it is 10-08.
    assert_eq!(
        add(&["--from", "2023-09-30", "--working-days", "1"]),
        "2023-10-08"
    );
}

#[test]
fn months_end_on_the_last_day_and_roll_off_rest_days() {
    assert_eq!(
        add(&["--from", "2021-01-31", "--months", "1"]),
        "2021-03-01"
    );
    assert_eq!(add(&["--from", "2024-02-29", "--years", "1"]), "2025-02-28");
}

#[test]
fn years_the_calendar_does_not_cover_are_provisional() {
    assert_eq!(
        add(&["--from", "2027-03-01", "--working-days", "3"]),
        "2027-03-04 provisional"
    );
    assert_eq!(
        add(&["--from", "2026-12-30", "--working-days", "5"]),
        "2027-01-06 provisional"
    );
    assert_eq!(
        add(&["--from", "2026-03-02", "--working-days", "3"]),
        "2026-03-05"
    );
}
