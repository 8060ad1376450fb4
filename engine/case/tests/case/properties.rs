//! Properties of the core over many receipt instants and command sequences, on the real
//! Wanzhou pack and calendar.

use super::support::*;
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use govflow_case::Refusal;
use govflow_model::{local_date, Case, SHANGHAI};
use proptest::prelude::*;
use serde_json::json;

/// Instants from Wanzhou's entry into force (2020-07-06) to the end of 2026, the last year
/// the calendar covers.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let first = SHANGHAI
        .with_ymd_and_hms(2020, 7, 6, 0, 0, 0)
        .unwrap()
        .with_timezone(&Utc);
    let last = SHANGHAI
        .with_ymd_and_hms(2026, 12, 31, 23, 59, 59)
        .unwrap()
        .with_timezone(&Utc);
    let span = (last - first).num_seconds();
    (0..span).prop_map(move |s| first + Duration::seconds(s))
}

fn verify_due(case: &Case) -> govflow_model::NaiveDate {
    case.deadline(&"verify".into()).unwrap().due_date
}

/// A step of an extension dialogue: ask for `days`, then approve or reject.
fn dialogue() -> impl Strategy<Value = Vec<(u32, bool)>> {
    prop::collection::vec((1u32..=12, any::<bool>()), 1..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_working_day_deadline_is_never_a_rest_day_and_follows_the_receipt(received in instant()) {
        let law = wanzhou();
        let case = law.verification(received, "区公安局");
        let due = verify_due(&case);
        prop_assert!(law.calendar.is_workday(due), "{due} is a rest day");
        prop_assert!(due > local_date(received));
        // Counted on weekends only, and so marked, where the calendar's years end.
        let covered = law.calendar.years().last().expect("the calendar covers some year");
        prop_assert_eq!(
            case.deadline(&"verify".into()).unwrap().provisional,
            due.year() > covered
        );
    }

    #[test]
    fn the_same_command_at_the_same_now_gives_the_same_result(received in instant()) {
        let law = wanzhou();
        let request = request("data_verification", "区公安局");
        let first = law.open(received, &request, &citizen());
        let second = law.open(received, &request, &citizen());
        prop_assert_eq!(first.clone(), second);
        // Nothing in the decision comes from the wall clock: every instant it records is
        // the `now` it was given.
        let settled = first.unwrap();
        prop_assert!(settled.events.iter().all(|e| e.at == received));
        prop_assert_eq!(settled.cases[0].created_at, received);
        prop_assert_eq!(settled.cases[0].updated_at, received);
    }

    #[test]
    fn an_extension_never_moves_a_deadline_earlier_nor_past_its_cap(
        received in instant(),
        steps in dialogue(),
    ) {
        let law = wanzhou();
        let mut case = law.verification(received, "区公安局");
        let original = verify_due(&case);
        let now = received + Duration::hours(1);
        for (days, approve) in steps {
            let before = case.deadline(&"verify".into()).unwrap().clone();
            let asked = law.act(
                now,
                &case,
                "request_extension",
                json!({"working_days": days, "reason": "x"}),
                &police(),
            );
            if before.extended_working_days + days > 10 {
                prop_assert!(matches!(asked, Err(Refusal::ExtensionOverCap { .. })), "{asked:?}");
                continue;
            }
            let pending = asked.unwrap().cases.remove(0);
            let action = if approve { "approve_extension" } else { "reject_extension" };
            case = law.act(now, &pending, action, json!({}), &police_chief()).unwrap().cases.remove(0);
            let after = case.deadline(&"verify".into()).unwrap();
            prop_assert!(after.due_date >= before.due_date);
            prop_assert!(after.extended_working_days <= 10);
            prop_assert_eq!(after.original_due_date, original);
            prop_assert_eq!(
                after.due_date,
                law.calendar.extend(original, after.extended_working_days).date
            );
        }
    }

    #[test]
    fn firing_a_timer_twice_equals_firing_it_once(received in instant(), late_hours in 0i64..2000) {
        let law = wanzhou();
        let mut case = law.verification(received, "区公安局");
        while let Some(timer) = case.armed_timers().min_by_key(|t| t.at) {
            let now = timer.at + Duration::hours(late_hours);
            let once = law.fire(now, &case, &timer);
            prop_assert!(!once.cases.is_empty());
            let fired = once.cases[0].clone();
            let twice = law.fire(now, &fired, &timer);
            prop_assert!(twice.cases.is_empty(), "the second firing changed {:?}", twice.cases);
            prop_assert!(twice.events.is_empty());
            prop_assert!(!fired.arms(&timer));
            case = fired;
        }
        prop_assert!(case.overdue);
    }
}
