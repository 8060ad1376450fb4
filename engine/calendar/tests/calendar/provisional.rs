//! `provisional`: set exactly when a day the count had to classify lies in a year
//! without a schedule.

use govflow_calendar::{Calendar, DayOfMonth, Period};

use crate::support::{calendar, d, schedules};

#[test]
fn results_in_2027_are_provisional() {
    let cal = calendar();
    assert!(!cal.covers(2027));
    // Wednesday 30 December 2026 + 5 working days, 2027 counted Monday to Friday.
    let due = cal.add_working_days(d(2026, 12, 30), 5);
    assert_eq!(due.date, d(2027, 1, 6));
    assert!(due.provisional);
    assert!(cal.add_months(d(2026, 12, 15), 1).provisional);
    assert!(cal.add_days(d(2026, 12, 31), 1).provisional);
    assert!(cal.add_working_days(d(2027, 3, 1), 1).provisional);
    assert!(
        cal.fixed_date(2027, 1, DayOfMonth::Day(10))
            .expect("valid")
            .provisional
    );
    assert!(cal.extend(d(2026, 12, 31), 1).provisional);
}

#[test]
fn results_inside_covered_years_are_not_provisional() {
    let cal = calendar();
    assert!(!cal.add_working_days(d(2018, 1, 1), 200).provisional);
    assert!(!cal.add_months(d(2020, 1, 31), 1).provisional);
    assert!(!cal.add_years(d(2018, 6, 1), 8).provisional);
    assert!(!cal.add(d(2026, 12, 30), Period::WorkingDays(1)).provisional);
    assert!(!cal.next_workday_on_or_after(d(2026, 12, 31)).provisional);
    assert!(
        !cal.fixed_date(2026, 11, DayOfMonth::Last)
            .expect("valid")
            .provisional
    );
}

#[test]
fn a_start_before_coverage_is_provisional() {
    let cal = calendar();
    // The count starts in 2017, which has no schedule here.
    let due = cal.add_days(d(2017, 12, 25), 10);
    assert_eq!(due.date, d(2018, 1, 4));
    assert!(due.provisional);
    assert!(cal.add_working_days(d(2017, 12, 29), 1).provisional);
}

#[test]
fn past_the_last_schedule_the_count_continues_seamlessly() {
    let cal = calendar();
    let plain = Calendar::weekends_only();
    // From a 2027 Monday, both calendars agree on the dates: 2027 is weekdays only.
    for n in 0..400 {
        let a = cal.add_working_days(d(2027, 1, 4), n);
        let b = plain.add_working_days(d(2027, 1, 4), n);
        assert_eq!(a, b, "n = {n}");
    }
    // Before the first schedule too.
    for n in 0..100 {
        assert_eq!(
            cal.add_working_days(d(2016, 1, 4), n),
            plain.add_working_days(d(2016, 1, 4), n)
        );
    }
}

#[test]
fn weekends_only_is_monday_to_friday_and_always_provisional() {
    let cal = Calendar::weekends_only();
    assert_eq!(cal.years().count(), 0);
    assert!(!cal.covers(2024));
    assert!(cal.is_workday(d(2023, 10, 2))); // National Day, but no schedule
    assert!(!cal.is_workday(d(2023, 10, 7))); // a Saturday
    let due = cal.add_working_days(d(2024, 3, 8), 1);
    assert_eq!(due.date, d(2024, 3, 11));
    assert!(due.provisional);
}

#[test]
fn a_missing_year_in_the_middle_is_weekdays_only_and_provisional() {
    let kept: Vec<_> = schedules()
        .into_iter()
        .filter(|s| s.year == 2022 || s.year == 2024)
        .collect();
    let cal = Calendar::new(kept).expect("valid");
    assert_eq!(cal.years().collect::<Vec<_>>(), vec![2022, 2024]);
    assert!(!cal.covers(2023));
    // 2023-10-02 was a holiday, but 2023 is not loaded.
    assert!(cal.is_workday(d(2023, 10, 2)));
    assert!(cal.add_working_days(d(2023, 6, 1), 1).provisional);
    // Spanning the gap is provisional; staying inside 2022 or 2024 is not.
    assert!(cal.add_working_days(d(2022, 12, 20), 20).provisional);
    assert!(!cal.add_working_days(d(2022, 3, 1), 20).provisional);
    assert!(!cal.add_working_days(d(2024, 3, 1), 20).provisional);
    // 2022's 国庆节 still counts.
    assert_eq!(cal.add_working_days(d(2022, 9, 30), 1).date, d(2022, 10, 8));
}

#[test]
fn december_days_named_by_the_next_years_notice_apply_but_stay_provisional() {
    let only_2019: Vec<_> = schedules().into_iter().filter(|s| s.year == 2019).collect();
    let cal = Calendar::new(only_2019).expect("valid");
    assert!(!cal.covers(2018));
    // The 2019 notice made Saturday 29 December 2018 a working day and Monday 31 December
    // a day off; the calendar applies what it knows, but 2018 itself is not covered.
    assert!(cal.is_workday(d(2018, 12, 29)));
    assert!(!cal.is_workday(d(2018, 12, 31)));
    let due = cal.add_working_days(d(2018, 12, 28), 1);
    assert_eq!(due.date, d(2018, 12, 29));
    assert!(due.provisional);
}

#[test]
fn extreme_inputs_saturate_instead_of_panicking() {
    use govflow_calendar::NaiveDate;
    let cal = calendar();
    let from = d(2024, 1, 2);
    for due in [
        cal.add_working_days(from, u32::MAX),
        cal.add_days(from, u32::MAX),
        cal.add_months(from, u32::MAX),
        cal.add_years(from, u32::MAX),
        cal.extend(from, u32::MAX),
    ] {
        assert_eq!(due.date, NaiveDate::MAX);
        assert!(due.provisional);
    }
    assert!(cal.add_working_days(NaiveDate::MAX, 1).provisional);
    assert!(cal.next_workday_on_or_after(NaiveDate::MIN).provisional);
}
