//! The committed schedules against the independent `chinesecalendar` fixture.

use chrono::{Datelike, Weekday};
use govflow_calendar::NaiveDate;

use crate::support::{calendar, d, fixture, schedule_files, walk_working_days};

/// The fixture's answer, continued past 2026 with plain weekdays (as the calendar does).
fn reference_is_workday(date: NaiveDate) -> bool {
    let fix = fixture();
    let first = fix[0].0;
    match usize::try_from((date - first).num_days()) {
        Ok(i) if i < fix.len() => fix[i].1,
        _ => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
    }
}

#[test]
fn fixture_is_contiguous_2018_to_2026() {
    let fix = fixture();
    assert_eq!(fix.first().map(|f| f.0), Some(d(2018, 1, 1)));
    assert_eq!(fix.last().map(|f| f.0), Some(d(2026, 12, 31)));
    for pair in fix.windows(2) {
        assert_eq!(
            pair[0].0.succ_opt(),
            Some(pair[1].0),
            "gap after {}",
            pair[0].0
        );
    }
}

#[test]
fn every_day_2018_to_2026_matches_the_independent_source() {
    let cal = calendar();
    let mismatches: Vec<String> = fixture()
        .iter()
        .filter(|(date, working)| cal.is_workday(*date) != *working)
        .map(|(date, working)| format!("{date}: fixture says working={working}"))
        .collect();
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

#[test]
fn add_working_days_matches_a_naive_walk_2020_to_2026() {
    let cal = calendar();
    let mut start = d(2020, 1, 1);
    let mut checked = 0;
    while start <= d(2026, 12, 31) {
        for n in 1..=30 {
            let want = walk_working_days(start, n, reference_is_workday);
            let got = cal.add_working_days(start, n);
            assert_eq!(got.date, want, "{start} + {n} working days");
            assert_eq!(
                got.provisional,
                want.year() > 2026,
                "{start} + {n} working days = {want}: provisional only past 2026"
            );
            checked += 1;
        }
        start = start.succ_opt().expect("in range");
    }
    assert_eq!(checked, 2557 * 30);
}

#[test]
fn every_schedule_file_is_named_after_its_year_and_points_at_the_schema() {
    let files = schedule_files();
    let years: Vec<i32> = files
        .iter()
        .map(|(path, text)| {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("utf-8 name");
            assert_eq!(
                text.lines().next(),
                Some("# yaml-language-server: $schema=../schema/calendar.schema.json"),
                "{}: first line",
                path.display()
            );
            let doc: govflow_calendar::YearSchedule =
                serde_yaml::from_str(text).expect("valid schedule");
            assert_eq!(stem, doc.year.to_string(), "{}", path.display());
            doc.year
        })
        .collect();
    assert_eq!(years, (2018..=2026).collect::<Vec<_>>());
    assert_eq!(calendar().years().collect::<Vec<_>>(), years);
}
