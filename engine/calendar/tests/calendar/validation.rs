//! Malformed schedules are rejected with messages that name the year and the date.

use govflow_calendar::{Calendar, Error, HolidayPeriod, YearSchedule};

use crate::support::{d, schedules};

fn schedule_2024() -> YearSchedule {
    schedules()
        .into_iter()
        .find(|s| s.year == 2024)
        .expect("2024 schedule")
}

fn rejects(s: YearSchedule) -> Error {
    Calendar::new(vec![s]).expect_err("should be rejected")
}

#[test]
fn committed_schedules_have_no_problems() {
    for s in schedules() {
        assert_eq!(s.problems(), vec![], "{}", s.year);
    }
}

#[test]
fn unknown_fields_are_rejected() {
    let text =
        "schema_version: 1\nyear: 2030\nsource: x\nholidays: []\nmakeup_workdays: []\nmakup: []\n";
    let err = serde_yaml::from_str::<YearSchedule>(text).unwrap_err();
    assert!(err.to_string().contains("unknown field `makup`"), "{err}");
}

#[test]
fn duplicate_years() {
    let err = Calendar::new(vec![schedule_2024(), schedule_2024()]).unwrap_err();
    assert_eq!(err, Error::DuplicateYear { year: 2024 });
    assert!(err.to_string().starts_with("calendar 2024: two schedules"));
}

#[test]
fn wrong_schema_version() {
    let mut s = schedule_2024();
    s.schema_version = 2;
    let err = rejects(s);
    assert_eq!(
        err.to_string(),
        "calendar 2024: unsupported `schema_version` 2; this build reads version 1"
    );
}

#[test]
fn makeup_day_on_a_weekday() {
    let mut s = schedule_2024();
    s.makeup_workdays.push(d(2024, 3, 5));
    let err = rejects(s);
    assert_eq!(
        err.to_string(),
        "calendar 2024: make-up working day 2024-03-05 is a Tue, not a Saturday or Sunday"
    );
}

#[test]
fn makeup_day_inside_a_holiday() {
    let mut s = schedule_2024();
    s.makeup_workdays.push(d(2024, 10, 5));
    let err = rejects(s);
    assert_eq!(
        err.to_string(),
        "calendar 2024: 2024-10-05 is listed as a make-up working day but lies inside holiday `国庆节`"
    );
}

#[test]
fn dates_outside_the_year() {
    let mut s = schedule_2024();
    s.makeup_workdays.push(d(2025, 1, 4));
    let err = rejects(s);
    assert!(
        matches!(err, Error::DateOutsideYear { year: 2024, .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("`makeup_workdays[8]` date 2025-01-04"),
        "{err}"
    );

    // November of the year before is too early; December is allowed (元旦).
    let mut s = schedule_2024();
    s.holidays[0].from = d(2023, 11, 30);
    assert!(matches!(rejects(s), Error::DateOutsideYear { .. }));
    let mut s = schedule_2024();
    s.holidays[0].from = d(2023, 12, 30);
    assert!(Calendar::new(vec![s]).is_ok());
}

#[test]
fn reversed_overlapping_and_overlong_periods() {
    let mut s = schedule_2024();
    s.holidays[1].to = d(2024, 2, 1);
    assert_eq!(
        rejects(s).to_string(),
        "calendar 2024: holiday `春节` ends on 2024-02-01, before it starts on 2024-02-10"
    );

    let mut s = schedule_2024();
    s.holidays.push(HolidayPeriod {
        name: "加休".into(),
        from: d(2024, 10, 7),
        to: d(2024, 10, 8),
        note: None,
    });
    assert_eq!(
        rejects(s).to_string(),
        "calendar 2024: holidays `国庆节` and `加休` both contain 2024-10-07; merge them into one period"
    );

    let mut s = schedule_2024();
    s.holidays[6].to = d(2024, 12, 7);
    assert!(matches!(rejects(s), Error::PeriodTooLong { days: 68, .. }));
}

#[test]
fn empty_source_and_names() {
    let mut s = schedule_2024();
    s.source = " ".into();
    s.holidays[2].name = String::new();
    let problems = s.problems();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(
        problems[1].to_string(),
        "calendar 2024: `holidays[2].name` must not be empty"
    );
}

#[test]
fn schedules_that_contradict_each_other() {
    // The 2024 schedule claims Sunday 31 December 2023 as a make-up day, while a 2023
    // schedule doctored to run its own period into it says it is off.
    let mut s2023 = schedules()
        .into_iter()
        .find(|s| s.year == 2023)
        .expect("2023 schedule");
    s2023.holidays.push(HolidayPeriod {
        name: "虚构".into(),
        from: d(2023, 12, 30),
        to: d(2023, 12, 31),
        note: None,
    });
    let mut s2024 = schedule_2024();
    s2024.makeup_workdays.push(d(2023, 12, 31));
    let err = Calendar::new(vec![s2023, s2024]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "calendar 2024: 2023-12-31 is a make-up working day, but the 2023 schedule puts it inside holiday `虚构`"
    );
}

#[test]
fn years_outside_the_accepted_range() {
    let mut s = schedule_2024();
    s.year = 1900;
    assert!(matches!(
        rejects(s),
        Error::YearOutOfRange { year: 1900, .. }
    ));
}

#[test]
fn schedules_round_trip_through_yaml() {
    for s in schedules() {
        let text = serde_yaml::to_string(&s).expect("serialize");
        let back: YearSchedule = serde_yaml::from_str(&text).expect("parse");
        assert_eq!(back, s);
    }
}
