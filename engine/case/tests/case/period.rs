//! 责令限期改正 (万州 第四十九条): the period is the order's. The authority sets it; a
//! refusal changes nothing; a recount keeps what the authority set.

use super::support::*;
use govflow_case::{apply, Command, Refusal};
use govflow_model::{Case, DeadlineId, NaiveDate, SetPeriod};
use serde_json::json;

fn bureau() -> govflow_model::Actor {
    actor("bureau", "", &["authority"])
}

fn rectify(case: &Case) -> &govflow_model::CaseDeadline {
    case.deadline(&DeadlineId::new("rectify")).unwrap()
}

/// An order to 区公安局 issued at `now`.
fn order(now: &str) -> Case {
    wanzhou()
        .open(at(now), &request("rectification", "区公安局"), &bureau())
        .expect("the authority orders")
        .cases[0]
        .clone()
}

#[test]
fn the_period_set_by_the_authority_survives_a_recount_of_a_provisional_date() {
    // Ordered Mon 2026-12-14; 20 working days run into 2027, a year the calendar does not
    // cover, so the date is provisional and recounted when a schedule is loaded.
    let case = order("2026-12-14T09:00:00+08:00");
    let now = at("2026-12-15T09:00:00+08:00");
    let set = wanzhou()
        .act(
            now,
            &case,
            "set_period",
            json!({"working_days": 20}),
            &bureau(),
        )
        .expect("within the bounds");
    let set = &set.cases[0];
    let d = rectify(set);
    assert_eq!(d.period_set, Some(SetPeriod::WorkingDays(20)));
    assert!(d.provisional);
    assert!(!d.statutory);
    assert_eq!(d.due_date, "2027-01-11".parse::<NaiveDate>().unwrap());
    let law = wanzhou();
    let recounted = apply(&law.at(now), Command::Recount { case: set }, &mut ids()).unwrap();
    assert!(
        recounted.cases.is_empty(),
        "the recount fell back to the pack's default: {:#?}",
        recounted.cases
    );
}

#[test]
fn a_malformed_period_or_one_set_after_the_lapse_is_refused() {
    let case = order("2023-03-01T09:00:00+08:00");
    let law = wanzhou();
    let refused = law
        .act(
            at("2023-03-02T09:00:00+08:00"),
            &case,
            "set_period",
            json!({"working_days": 10, "due_date": "2023-04-01"}),
            &bureau(),
        )
        .unwrap_err();
    assert_eq!(refused.code(), "invalid_field");
    let missing = law
        .act(
            at("2023-03-02T09:00:00+08:00"),
            &case,
            "set_period",
            json!({}),
            &bureau(),
        )
        .unwrap_err();
    assert_eq!(missing.code(), "missing_field");
    // The default 10 working days end Wed 03-15: once that day is over the deadline has
    // lapsed (whether or not its timer has fired yet), and its period can no longer be set.
    let late = law
        .act(
            at("2023-03-16T09:00:00+08:00"),
            &case,
            "set_period",
            json!({"working_days": 30}),
            &bureau(),
        )
        .unwrap_err();
    assert!(
        matches!(&late, Refusal::PeriodClosed { article, .. } if article == "第四十九条"),
        "{late}"
    );
}
