//! A dependent deadline counts from the day the case entered its state, as a receipt
//! (`entered`: moved off a rest day first) or as an event (`entered_event`: that day is
//! not counted and the count starts the next day, whatever kind of day it is). The same
//! two readings hold for a not-before gate.

use super::support::*;
use govflow_case::Refusal;
use govflow_model::{Anchor, Case, DeadlineId, NaiveDate, NotBefore, Period};
use serde_json::json;

/// The Wanzhou order to rectify, its `rectify` period counted from the order as `anchor`,
/// and the provider's `rectify` held back by a gate of one working day from the order.
fn law_with(anchor: Anchor) -> Law {
    wanzhou().edited(|pack| {
        let rectification = pack.procedures.get_mut(&"rectification".into()).unwrap();
        for state in rectification.states.values_mut() {
            for rule in &mut state.deadlines {
                rule.from = anchor;
            }
        }
        for action in &mut rectification.actions {
            if action.id == *"rectify" {
                action.not_before = Some(NotBefore {
                    period: Period::WorkingDays(1),
                    from: anchor,
                    basis: action.basis.clone(),
                });
            }
        }
    })
}

/// An order to 区公安局 issued on rest day Sat 2023-03-04.
fn ordered_on_a_saturday(law: &Law) -> Case {
    law.open(
        at("2023-03-04T10:00:00+08:00"),
        &request("rectification", "区公安局"),
        &actor("bureau", "", &["authority"]),
    )
    .expect("the authority orders")
    .cases[0]
        .clone()
}

fn rectify_due(case: &Case) -> NaiveDate {
    case.deadline(&DeadlineId::new("rectify")).unwrap().due_date
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn an_entry_counted_as_an_event_is_not_moved_off_a_rest_day() {
    // As a receipt, Sat 03-04 counts as received Mon 03-06 (not counted): 03-07 .. 03-10
    // (4), 03-13 .. 03-17 (9), 03-20 (10).
    let receipt = ordered_on_a_saturday(&law_with(Anchor::Entered));
    assert_eq!(rectify_due(&receipt), date("2023-03-20"));
    // As an event, Sat 03-04 is not counted and the count starts Sun 03-05: 03-06 .. 03-10
    // (5), 03-13 .. 03-17 (10).
    let event = ordered_on_a_saturday(&law_with(Anchor::EnteredEvent));
    assert_eq!(rectify_due(&event), date("2023-03-17"));
    // On a working day the two readings agree.
    for anchor in [Anchor::Entered, Anchor::EnteredEvent] {
        let law = law_with(anchor);
        let case = law
            .open(
                at("2023-03-06T10:00:00+08:00"),
                &request("rectification", "区公安局"),
                &actor("bureau", "", &["authority"]),
            )
            .unwrap()
            .cases[0]
            .clone();
        assert_eq!(rectify_due(&case), date("2023-03-20"), "{anchor:?}");
    }
}

#[test]
fn a_gate_from_an_entry_counted_as_an_event_opens_a_working_day_sooner() {
    let police = actor("police", "区公安局", &["provider"]);
    let on_tuesday = at("2023-03-07T10:00:00+08:00");
    // One working day from Sat 03-04 as a receipt ends Tue 03-07: allowed from Wed 03-08.
    let law = law_with(Anchor::Entered);
    let case = ordered_on_a_saturday(&law);
    match law.act(on_tuesday, &case, "rectify", json!({}), &police) {
        Err(Refusal::TooEarly { earliest, .. }) => assert_eq!(earliest, date("2023-03-08")),
        other => panic!("expected too_early, got {other:?}"),
    }
    // As an event it ends Mon 03-06: allowed on Tue 03-07.
    let law = law_with(Anchor::EnteredEvent);
    let case = ordered_on_a_saturday(&law);
    let done = law
        .act(on_tuesday, &case, "rectify", json!({}), &police)
        .expect("the gate is open");
    assert_eq!(done.cases[0].state.as_str(), "rectified");
}
