//! Named boundary cases, each one rule.

use govflow_calendar::{DayOfMonth, Error, Period};

use crate::support::{calendar, d};

// 国办发明电〔2020〕1号 extended the 2020 Spring Festival to Sunday 2 February: a request
// received on Thursday 23 January has its first working day on Monday 3 February.
#[test]
fn spring_festival_2020_extension() {
    let cal = calendar();
    assert_eq!(cal.add_working_days(d(2020, 1, 23), 1).date, d(2020, 2, 3));
    // Saturday 1 February was to be worked, but the extension ran through it.
    assert!(!cal.is_workday(d(2020, 2, 1)));
    let period = cal.holiday_on(d(2020, 2, 1)).expect("inside 春节");
    assert_eq!(period.name, "春节");
    assert!(period
        .note
        .as_deref()
        .is_some_and(|n| n.contains("国办发明电〔2020〕1号")));
}

// 调休上班: Sunday 19 January 2020 was a make-up working day and counts like any other.
#[test]
fn makeup_sunday_counts_as_a_working_day() {
    let cal = calendar();
    assert!(cal.is_workday(d(2020, 1, 19)));
    assert_eq!(cal.add_working_days(d(2020, 1, 17), 1).date, d(2020, 1, 19));
    // Received on Saturday 18 January: the receipt counts on the make-up Sunday.
    assert_eq!(cal.add_working_days(d(2020, 1, 18), 0).date, d(2020, 1, 19));
    assert_eq!(cal.add_working_days(d(2020, 1, 18), 1).date, d(2020, 1, 20));
}

// Received on a rest day → counts as received on the next working day, and the count
// starts the day after: Saturday 6 March 2021 → Monday 8 March → 1 working day = 9 March.
#[test]
fn received_on_a_saturday_counts_from_monday() {
    let cal = calendar();
    assert_eq!(cal.add_working_days(d(2021, 3, 6), 1).date, d(2021, 3, 9));
    assert_eq!(cal.add_working_days(d(2021, 3, 7), 1).date, d(2021, 3, 9));
    assert_eq!(cal.add_working_days(d(2021, 3, 5), 1).date, d(2021, 3, 8));
}

// 中秋节、国庆节 2023: 29 September to 6 October off, Saturday 7 and Sunday 8 October worked.
#[test]
fn national_day_2023() {
    let cal = calendar();
    for day in 29..=30 {
        assert!(!cal.is_workday(d(2023, 9, day)));
    }
    for day in 1..=6 {
        assert!(!cal.is_workday(d(2023, 10, day)));
    }
    assert!(cal.is_workday(d(2023, 10, 7)));
    assert!(cal.is_workday(d(2023, 10, 8)));
    assert_eq!(cal.add_working_days(d(2023, 9, 28), 1).date, d(2023, 10, 7));
    assert_eq!(cal.add_working_days(d(2023, 9, 28), 3).date, d(2023, 10, 9));
    assert_eq!(cal.add_working_days(d(2023, 10, 1), 0).date, d(2023, 10, 7));
}

// 民法典 第二百零二条: no corresponding day → the month's last day. 2021-01-31 + 1 month
// is 2021-02-28; that was a Sunday, so 第二百零三条 moves it to Monday 1 March.
// 2021-03-31 + 1 month → 2021-04-30, a Friday, stays.
#[test]
fn months_land_on_the_last_day_when_there_is_no_corresponding_day() {
    let cal = calendar();
    assert_eq!(cal.add_months(d(2021, 1, 31), 1).date, d(2021, 3, 1));
    assert_eq!(cal.add_months(d(2021, 3, 31), 1).date, d(2021, 4, 30));
    assert_eq!(cal.add_months(d(2021, 3, 15), 1).date, d(2021, 4, 15));
    // 2021-01-15 + 1 month = 15 February, inside 春节 (11–17 February) → 18 February.
    assert_eq!(cal.add_months(d(2021, 1, 15), 1).date, d(2021, 2, 18));
    assert_eq!(
        cal.add(d(2021, 3, 31), Period::Months(1)).date,
        d(2021, 4, 30)
    );
}

// 2020-01-31 + 1 month → 2020-02-29 (leap year), a Saturday → Monday 2 March.
#[test]
fn month_end_on_a_saturday_rolls_to_the_next_working_day() {
    let cal = calendar();
    let due = cal.add_months(d(2020, 1, 31), 1);
    assert_eq!(due.date, d(2020, 3, 2));
    assert!(!due.provisional);
}

// 2024-02-29 + 1 year → 2025-02-28 (no 29 February), a Friday and a working day.
#[test]
fn a_year_from_29_february_is_28_february() {
    let cal = calendar();
    assert_eq!(cal.add_years(d(2024, 2, 29), 1).date, d(2025, 2, 28));
    assert_eq!(
        cal.add(d(2024, 2, 29), Period::Years(1)).date,
        d(2025, 2, 28)
    );
    assert_eq!(cal.add_years(d(2024, 2, 29), 4).date, d(2028, 2, 29));
}

// 民法典 第二百零一条、第二百零三条: the first day is not counted; a last day that is a
// holiday moves to the day after the holiday ends (here a make-up Saturday).
#[test]
fn days_roll_off_a_holiday() {
    let cal = calendar();
    // 2023-09-20 + 10 days = 30 September, inside 中秋节、国庆节 → Saturday 7 October.
    assert_eq!(cal.add_days(d(2023, 9, 20), 10).date, d(2023, 10, 7));
    // 2020-01-14 + 10 days = 24 January, inside the extended 春节 → 3 February.
    assert_eq!(cal.add_days(d(2020, 1, 14), 10).date, d(2020, 2, 3));
    // A working day stays: 2023-03-01 + 15 days = Thursday 16 March.
    assert_eq!(
        cal.add(d(2023, 3, 1), Period::Days(15)).date,
        d(2023, 3, 16)
    );
}

// 每年1月上旬 → 1月10日; 10 January 2021 was a Sunday → Monday 11 January.
#[test]
fn fixed_date_on_a_sunday_moves_to_monday() {
    let cal = calendar();
    let due = cal
        .fixed_date(2021, 1, DayOfMonth::Day(10))
        .expect("valid date");
    assert_eq!(due.date, d(2021, 1, 11));
    assert!(!due.provisional);
}

// 2月底前 2021: 28 February was a Sunday → Monday 1 March.
#[test]
fn end_of_february_2021_moves_to_1_march() {
    let cal = calendar();
    let due = cal
        .fixed_date(2021, 2, DayOfMonth::Last)
        .expect("valid date");
    assert_eq!(due.date, d(2021, 3, 1));
    let leap = cal
        .fixed_date(2024, 2, DayOfMonth::Last)
        .expect("valid date");
    assert_eq!(leap.date, d(2024, 2, 29)); // a Thursday
    let december = cal
        .fixed_date(2025, 12, DayOfMonth::Last)
        .expect("valid date");
    assert_eq!(december.date, d(2025, 12, 31));
}

#[test]
fn fixed_date_that_does_not_exist_is_an_error() {
    let cal = calendar();
    let err = cal.fixed_date(2021, 2, DayOfMonth::Day(30)).unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidFixedDate {
            year: 2021,
            month: 2,
            ..
        }
    ));
    assert_eq!(err.to_string(), "fixed date: 2021-02 has no day `30`");
    assert!(cal.fixed_date(2021, 13, DayOfMonth::Last).is_err());
    assert!(cal.fixed_date(2021, 1, DayOfMonth::Day(0)).is_err());
}

// Extensions of N working days count on from the original due date, which is not counted.
#[test]
fn extension_counts_from_the_due_date() {
    let cal = calendar();
    // Due Thursday 28 September 2023; +1 working day → the make-up Saturday 7 October.
    assert_eq!(cal.extend(d(2023, 9, 28), 1).date, d(2023, 10, 7));
    // Due Monday 2023-03-06 + 15 working days → Monday 27 March.
    assert_eq!(cal.extend(d(2023, 3, 6), 15).date, d(2023, 3, 27));
    // On a working day it agrees with counting working days from that day.
    assert_eq!(
        cal.extend(d(2023, 3, 6), 15),
        cal.add_working_days(d(2023, 3, 6), 15)
    );
    // A due date on a rest day is not rolled first: the next working day is the first.
    assert_eq!(cal.extend(d(2023, 10, 1), 1).date, d(2023, 10, 7));
    assert_eq!(cal.add_working_days(d(2023, 10, 1), 1).date, d(2023, 10, 8));
}

// N = 0: the (rolled) day itself.
#[test]
fn zero_periods() {
    let cal = calendar();
    assert_eq!(cal.add_working_days(d(2023, 3, 6), 0).date, d(2023, 3, 6));
    assert_eq!(cal.add_working_days(d(2023, 3, 4), 0).date, d(2023, 3, 6));
    assert_eq!(cal.add_days(d(2023, 3, 4), 0).date, d(2023, 3, 6));
    assert_eq!(cal.add_months(d(2023, 3, 6), 0).date, d(2023, 3, 6));
    assert_eq!(cal.extend(d(2023, 3, 4), 0).date, d(2023, 3, 4));
    assert_eq!(
        cal.next_workday_on_or_after(d(2023, 3, 4)).date,
        d(2023, 3, 6)
    );
}

// The 2019 notice named days in December 2018: Saturday 29 December worked, Monday
// 31 December off.
#[test]
fn new_year_2019_began_in_december_2018() {
    let cal = calendar();
    assert!(cal.is_workday(d(2018, 12, 29)));
    assert!(!cal.is_workday(d(2018, 12, 31)));
    assert_eq!(
        cal.add_working_days(d(2018, 12, 28), 1).date,
        d(2018, 12, 29)
    );
    assert_eq!(cal.add_working_days(d(2018, 12, 29), 1).date, d(2019, 1, 2));
    // 2023's 元旦 began on Saturday 31 December 2022.
    assert_eq!(
        cal.holiday_on(d(2022, 12, 31)).map(|p| p.name.as_str()),
        Some("元旦")
    );
}

// 国办发明电〔2019〕3号 turned Labour Day 2019 into 1–4 May, with Sundays 28 April and
// 5 May worked.
#[test]
fn labour_day_2019_as_amended() {
    let cal = calendar();
    for day in 1..=4 {
        assert!(!cal.is_workday(d(2019, 5, day)), "2019-05-0{day}");
    }
    assert!(cal.is_workday(d(2019, 4, 28)));
    assert!(cal.is_workday(d(2019, 5, 5)));
}

// 2024: the notice encouraged rest on 除夕 (9 February) but did not grant it.
#[test]
fn new_years_eve_2024_was_a_working_day() {
    let cal = calendar();
    assert!(cal.is_workday(d(2024, 2, 9)));
    assert!(!cal.is_workday(d(2024, 2, 10)));
    assert!(cal.is_workday(d(2024, 2, 18))); // make-up Sunday
}

// Period dispatch.
#[test]
fn add_dispatches_on_the_unit() {
    let cal = calendar();
    let from = d(2023, 9, 28);
    assert_eq!(
        cal.add(from, Period::WorkingDays(1)),
        cal.add_working_days(from, 1)
    );
    assert_eq!(cal.add(from, Period::Days(2)), cal.add_days(from, 2));
    assert_eq!(cal.add(from, Period::Months(2)), cal.add_months(from, 2));
    assert_eq!(cal.add(from, Period::Years(2)), cal.add_years(from, 2));
}
