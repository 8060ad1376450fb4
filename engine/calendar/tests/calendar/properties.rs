//! Properties of the counting rules on the real calendar, over receipts from 2018-01-01
//! to 2028-12-31 (the covered years 2018–2026 and two provisional years after them) and
//! periods of 1 to 60. Where a property expects a date, the date is worked out here by
//! walking the days with `is_workday`, never by asking the rule under test.

use chrono::{Datelike, Days};
use govflow_calendar::{Calendar, DayOfMonth, Due, Error, NaiveDate, Period};
use proptest::prelude::*;

use crate::support::{calendar, d, first_on_or_after, walk_working_days};

/// Receipts from 2018-01-01 through 2028-12-31.
fn date() -> impl Strategy<Value = NaiveDate> {
    let first = d(2018, 1, 1);
    let span = (d(2028, 12, 31) - first).num_days() as u64;
    (0..=span).prop_map(move |offset| first + Days::new(offset))
}

/// A rest day: the first one on or after a [`date`].
fn rest_day() -> impl Strategy<Value = NaiveDate> {
    date().prop_map(|from| first_on_or_after(from, |day| !calendar().is_workday(day)))
}

/// The units of 民法典 第二百零一条–第二百零二条.
#[derive(Debug, Clone, Copy)]
enum Civil {
    Days,
    Months,
    Years,
}

impl Civil {
    fn period(self, n: u32) -> Period {
        match self {
            Civil::Days => Period::Days(n),
            Civil::Months => Period::Months(n),
            Civil::Years => Period::Years(n),
        }
    }

    /// The day a period of `n` of this unit from `from` ends on before any roll: the first
    /// day is not counted; months and years end on the corresponding day of the target
    /// month, or on its last day where it has none.
    fn nominal_end(self, from: NaiveDate, n: u32) -> NaiveDate {
        let months = match self {
            Civil::Days => return from + Days::new(u64::from(n)),
            Civil::Months => n,
            Civil::Years => 12 * n,
        };
        let index = from.year() * 12 + from.month0() as i32 + months as i32;
        let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
        (1..=from.day())
            .rev()
            .find_map(|day| NaiveDate::from_ymd_opt(year, month, day))
            .expect("every month has a first day")
    }
}

fn civil() -> impl Strategy<Value = Civil> {
    prop_oneof![Just(Civil::Days), Just(Civil::Months), Just(Civil::Years)]
}

/// Every way a deadline is computed, from a receipt (or a due date, or a year).
#[derive(Debug, Clone, Copy)]
enum Rule {
    Add(Period),
    Extend(u32),
    Fixed { month: u32, day: DayOfMonth },
}

fn rule() -> impl Strategy<Value = Rule> {
    let day = prop_oneof![
        (1..=28u32).prop_map(DayOfMonth::Day),
        Just(DayOfMonth::Last)
    ];
    prop_oneof![
        (1..=60u32).prop_map(|n| Rule::Add(Period::WorkingDays(n))),
        (civil(), 1..=60u32).prop_map(|(unit, n)| Rule::Add(unit.period(n))),
        (1..=60u32).prop_map(Rule::Extend),
        (1..=12u32, day).prop_map(|(month, day)| Rule::Fixed { month, day }),
    ]
}

impl Rule {
    /// The deadline this rule gives from `start` (for a fixed date, in `start`'s year).
    fn apply(self, cal: &Calendar, start: NaiveDate) -> Due {
        match self {
            Rule::Add(period) => cal.add(start, period),
            Rule::Extend(n) => cal.extend(start, n),
            Rule::Fixed { month, day } => cal
                .fixed_date(start.year(), month, day)
                .expect("days 1–28 and `last` exist in every month"),
        }
    }
}

/// Asserts that `due` is the first working day on or after `nominal`.
fn assert_first_workday_from(
    cal: &Calendar,
    nominal: NaiveDate,
    due: NaiveDate,
) -> Result<(), TestCaseError> {
    prop_assert!(due >= nominal, "{due} is before {nominal}");
    prop_assert!(cal.is_workday(due), "{due} is a rest day");
    let mut day = nominal;
    while day < due {
        prop_assert!(
            !cal.is_workday(day),
            "{due} skips the working day {day} after {nominal}"
        );
        day = day.succ_opt().expect("in range");
    }
    Ok(())
}

proptest! {
    // The rules are constant-time look-ups and the walks at most a few hundred days, so a
    // few hundred cases per property run in well under a second.
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_working_day_due_date_is_never_a_rest_day(start in date(), n in 1..=60u32) {
        let cal = calendar();
        let due = cal.add_working_days(start, n).date;
        prop_assert!(cal.is_workday(due), "{start} + {n} working days = {due}, a rest day");
        let extended = cal.extend(due, n).date;
        prop_assert!(cal.is_workday(extended), "{due} extended by {n} = {extended}, a rest day");
    }

    #[test]
    fn one_more_working_day_is_strictly_later(start in date(), n in 1..=60u32) {
        let cal = calendar();
        let (due, later) = (cal.add_working_days(start, n), cal.add_working_days(start, n + 1));
        prop_assert!(later.date > due.date, "{start}: +{n} = {}, +{} = {}", due.date, n + 1, later.date);
    }

    #[test]
    fn the_due_date_is_exactly_n_working_days_after_the_receipt(start in date(), n in 1..=60u32) {
        let cal = calendar();
        let walked = walk_working_days(start, n, |day| cal.is_workday(day));
        prop_assert_eq!(cal.add_working_days(start, n).date, walked, "{} + {} working days", start, n);
    }

    #[test]
    fn a_receipt_on_a_rest_day_counts_as_one_on_the_next_working_day(
        received in rest_day(),
        n in 1..=60u32,
    ) {
        let cal = calendar();
        let next = first_on_or_after(received, |day| cal.is_workday(day));
        prop_assert_eq!(cal.add_working_days(received, n), cal.add_working_days(next, n));
    }

    #[test]
    fn an_event_day_is_not_counted_whatever_kind_of_day_it_is(event in date(), n in 1..=60u32) {
        // The Nth working day strictly after the event day, walked day by day; on a rest
        // day this is one working day earlier than a receipt there would give.
        let cal = calendar();
        let mut day = event;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().expect("in range");
            if cal.is_workday(day) {
                left -= 1;
            }
        }
        prop_assert_eq!(cal.add_from_event(event, Period::WorkingDays(n)).date, day);
        if !cal.is_workday(event) {
            prop_assert!(day < cal.add_working_days(event, n).date);
        }
    }

    #[test]
    fn an_extension_never_moves_a_deadline_earlier(due in date(), n in 0..=60u32) {
        let cal = calendar();
        let extended = cal.extend(due, n).date;
        prop_assert!(extended >= due, "{due} extended by {n} = {extended}");
        if n > 0 {
            prop_assert!(extended > due, "{due} extended by {n} stays at {extended}");
        }
    }

    #[test]
    fn extending_by_a_plus_b_equals_extending_by_a_then_by_b(
        due in date(),
        a in 0..=30u32,
        b in 0..=30u32,
    ) {
        let cal = calendar();
        let once = cal.extend(due, a + b);
        let twice = cal.extend(cal.extend(due, a).date, b);
        prop_assert_eq!(once, twice, "{} extended by {} + {}", due, a, b);
    }

    #[test]
    fn a_civil_code_period_ends_on_the_corresponding_day_rolled_onto_a_working_day(
        start in date(),
        unit in civil(),
        n in 1..=60u32,
    ) {
        let cal = calendar();
        let due = cal.add(start, unit.period(n)).date;
        assert_first_workday_from(cal, unit.nominal_end(start, n), due)?;
    }

    #[test]
    fn a_fixed_date_is_the_first_working_day_on_or_after_the_nominal_date(
        year in 2018..=2028i32,
        month in 1..=12u32,
        day in 1..=31u32,
    ) {
        let cal = calendar();
        let due = cal.fixed_date(year, month, DayOfMonth::Day(day));
        match NaiveDate::from_ymd_opt(year, month, day) {
            Some(nominal) => assert_first_workday_from(cal, nominal, due?.date)?,
            None => prop_assert!(
                matches!(due, Err(Error::InvalidFixedDate { .. })),
                "{year}-{month}-{day} does not exist: {due:?}"
            ),
        }
    }

    #[test]
    fn a_result_is_provisional_exactly_when_it_lies_past_the_last_covered_year(
        start in date(),
        rule in rule(),
    ) {
        let cal = calendar();
        let last = cal.years().last().expect("the calendar covers some years");
        prop_assert!(
            (2018..=last).all(|year| cal.covers(year)),
            "the covered years run unbroken from the first receipt's year to {last}"
        );
        let due = rule.apply(cal, start);
        prop_assert_eq!(
            due.provisional,
            due.date.year() > last,
            "{:?} from {} gives {:?}", rule, start, due
        );
    }
}
