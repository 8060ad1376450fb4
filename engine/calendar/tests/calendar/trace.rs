//! Derivations: the traced counts give the same due date as the untraced ones, and what
//! they record agrees with the calendar day by day.

use chrono::Days;
use govflow_calendar::{DayKind, DayOfMonth, NaiveDate, Period, Step};
use proptest::prelude::*;

use crate::support::{calendar, d};

fn date() -> impl Strategy<Value = NaiveDate> {
    let first = d(2018, 1, 1);
    let span = (d(2028, 12, 31) - first).num_days() as u64;
    (0..=span).prop_map(move |offset| first + Days::new(offset))
}

fn period() -> impl Strategy<Value = Period> {
    prop_oneof![
        (1u32..=40).prop_map(Period::WorkingDays),
        (1u32..=60).prop_map(Period::Days),
        (1u32..=12).prop_map(Period::Months),
        (1u32..=3).prop_map(Period::Years),
    ]
}

/// The last day a derivation names as its result.
fn result_of(steps: &[Step]) -> Option<NaiveDate> {
    steps.iter().rev().find_map(|s| match s {
        Step::EndMoved { to, .. } => Some(to.date),
        Step::WorkingDays { counted, after, .. } => {
            Some(counted.last().map_or(after.date, |c| c.date))
        }
        Step::CivilPeriod { nominal_end, .. } => Some(nominal_end.date),
        Step::FixedDate { nominal, .. } => Some(nominal.date),
        _ => None,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn a_traced_count_is_the_count_and_its_steps_end_on_the_due_date(from in date(), p in period()) {
        let cal = calendar();
        for event in [false, true] {
            let mut steps = Vec::new();
            let (traced, plain) = if event {
                (cal.add_from_event_traced(from, p, &mut steps), cal.add_from_event(from, p))
            } else {
                (cal.add_traced(from, p, &mut steps), cal.add(from, p))
            };
            prop_assert_eq!(traced, plain);
            prop_assert_eq!(result_of(&steps), Some(traced.date), "{:?}", steps);
            prop_assert_eq!(
                steps.iter().any(|s| matches!(s, Step::Provisional { .. })),
                traced.provisional
            );
        }
    }

    #[test]
    fn the_working_days_counted_are_n_working_days_and_the_rest_days_between_them(from in date(), n in 1u32..=40) {
        let cal = calendar();
        let mut steps = Vec::new();
        let due = cal.add_traced(from, Period::WorkingDays(n), &mut steps);
        let Some(Step::WorkingDays { counted, passed_over, after, .. }) = steps.iter().find(|s| matches!(s, Step::WorkingDays { .. })) else {
            panic!("no working-day step in {steps:?}");
        };
        prop_assert_eq!(counted.len(), n as usize);
        prop_assert!(counted.iter().all(|day| cal.is_workday(day.date)));
        prop_assert!(passed_over.iter().all(|day| !cal.is_workday(day.date)));
        let span = (due.date - after.date).num_days() as usize;
        prop_assert_eq!(counted.len() + passed_over.len(), span);
        // A receipt on a rest day is moved exactly when it is one.
        let moved = steps.iter().any(|s| matches!(s, Step::StartMoved { .. }));
        prop_assert_eq!(moved, !cal.is_workday(from));
    }
}

#[test]
fn a_receipt_before_the_2021_spring_festival_names_the_holiday_and_the_make_up_day() {
    let cal = calendar();
    let mut steps = Vec::new();
    // Saturday 2021-02-06 counts as Sunday 02-07, a make-up working day (调休上班); six
    // working days after it, across the Spring Festival, end on Saturday 02-20, another.
    let due = cal.add_traced(d(2021, 2, 6), Period::WorkingDays(6), &mut steps);
    assert_eq!(due.date, d(2021, 2, 20));
    let sentences: Vec<String> = steps.iter().map(Step::sentence).collect();
    assert!(
        sentences[0].starts_with("2021-02-06 Sat is a rest day"),
        "{sentences:?}"
    );
    assert!(
        sentences[0].contains("2021-02-07 Sun (make-up working day 调休上班)"),
        "{sentences:?}"
    );
    let count = &sentences[1];
    assert!(
        count.contains("春节 2021-02-11 Thu – 2021-02-17 Wed"),
        "{count}"
    );
    assert!(
        count.contains("2021-02-20 Sat (make-up working day 调休上班)"),
        "{count}"
    );
    assert!(count.contains("国办发明电〔2020〕27号"), "{count}");
    let Step::WorkingDays { counted, .. } = &steps[1] else {
        panic!("{steps:?}")
    };
    let dates: Vec<NaiveDate> = counted.iter().map(|c| c.date).collect();
    assert_eq!(
        dates,
        [
            d(2021, 2, 8),
            d(2021, 2, 9),
            d(2021, 2, 10),
            d(2021, 2, 18),
            d(2021, 2, 19),
            d(2021, 2, 20)
        ]
    );
    assert!(matches!(counted[5].kind, DayKind::MakeUpWorkday { .. }));
}

#[test]
fn a_fixed_date_on_a_sunday_moves_and_says_so() {
    let cal = calendar();
    let mut steps = Vec::new();
    let due = cal
        .fixed_date_traced(2021, 1, DayOfMonth::Day(10), &mut steps)
        .unwrap();
    assert_eq!(due.date, d(2021, 1, 11));
    let text: Vec<String> = steps.iter().map(Step::sentence).collect();
    assert_eq!(
        text,
        [
            "The fixed date, day 10 of month 1 of 2021: 2021-01-10 Sun.",
            "2021-01-10 Sun is a rest day (2021-01-10 Sun): the deadline moves to the next working day, 2021-01-11 Mon (民法典 第二百零三条).",
        ]
    );
}

#[test]
fn six_months_without_a_corresponding_day_end_on_the_last_day_of_the_month() {
    let cal = calendar();
    let mut steps = Vec::new();
    // 2021-08-31 + 6 months → 2022-02-28 (Mon), no 31 February.
    let due = cal.add_traced(d(2021, 8, 31), Period::Months(6), &mut steps);
    assert_eq!(due.date, d(2022, 2, 28));
    assert_eq!(
        steps[0].sentence(),
        "6 months from 2021-08-31 Tue: no corresponding day in the last month, so its last day (民法典 第二百零二条), 2022-02-28 Mon."
    );
}
