//! Taking actions: who may, in which state, with which fields, and what the guards say.

use super::support::*;
use govflow_case::{Refusal, Settled};
use govflow_model::{Actor, Case, DeadlineStatus, TimerKey, TimerKind, TimerOp};
use serde_json::json;

fn verification() -> Case {
    wanzhou().verification(at("2021-03-01T09:00:00+08:00"), "区公安局")
}

const LATER: &str = "2021-03-04T10:00:00+08:00";

/// `reply` with `data` on `case`, as `actor`, three days after the request.
fn reply(case: &Case, data: serde_json::Value, actor: &Actor) -> Result<Settled, Refusal> {
    wanzhou().act(at(LATER), case, "reply", data, actor)
}

#[test]
fn a_reply_closes_the_state_meets_its_deadline_and_cancels_its_timers() {
    let case = verification();
    let now = at(LATER);
    let settled = reply(&case, json!({"decision": "approve"}), &police()).unwrap();
    let after = &settled.cases[0];
    assert_eq!(after.state.as_str(), "corrected");
    assert_eq!(after.decision.as_deref(), Some("approve"));
    assert_eq!(after.revision, case.revision + 1);
    assert_eq!(after.updated_at, now);
    assert_eq!(
        after.deadline(&"verify".into()).unwrap().status,
        DeadlineStatus::Met
    );
    assert_eq!(after.armed_timers().count(), 0);
    let cancelled: Vec<TimerOp> = [TimerKind::Warning, TimerKind::Lapse]
        .into_iter()
        .map(|kind| {
            TimerOp::Cancel(TimerKey {
                case: case.id.clone(),
                deadline: "verify".into(),
                kind,
            })
        })
        .collect();
    assert_eq!(settled.timers, cancelled);
    assert_eq!(kinds(&settled), ["acted"]);
    assert_eq!(settled.events[0].actor, "police (provider)");
}

#[test]
fn a_decision_picks_the_next_state_and_must_be_one_the_action_knows() {
    let case = verification();
    let missing = reply(&case, json!({}), &police()).unwrap_err();
    assert!(
        matches!(&missing, Refusal::MissingField { field, .. } if field == "data.decision"),
        "{missing}"
    );
    let unknown = reply(&case, json!({"decision": "maybe"}), &police()).unwrap_err();
    assert!(
        matches!(&unknown, Refusal::InvalidField { field, .. } if field == "data.decision"),
        "{unknown}"
    );
}

#[test]
fn a_guard_refuses_a_rejection_without_reasons_citing_its_article() {
    let case = verification();
    let refusal = reply(&case, json!({"decision": "reject"}), &police()).unwrap_err();
    assert!(matches!(refusal, Refusal::GuardRefused { .. }), "{refusal}");
    assert!(refusal.to_string().contains("第十七条"), "{refusal}");
    let settled = reply(
        &case,
        json!({"decision": "reject", "reasons": "数据与登记一致"}),
        &police(),
    )
    .unwrap();
    assert_eq!(settled.cases[0].state.as_str(), "confirmed");
}

#[test]
fn only_the_department_the_case_is_addressed_to_may_act() {
    let tax = actor("tax", "区税务局", &["provider"]);
    let refusal = reply(&verification(), json!({"decision": "approve"}), &tax).unwrap_err();
    assert!(matches!(refusal, Refusal::OutOfScope { .. }), "{refusal}");
    assert!(refusal.is_forbidden());
}

#[test]
fn a_role_the_action_does_not_allow_is_refused() {
    let refusal = reply(&verification(), json!({"decision": "approve"}), &citizen()).unwrap_err();
    assert!(matches!(refusal, Refusal::WrongRole { .. }), "{refusal}");
}

#[test]
fn unknown_actions_and_closed_cases_are_refused() {
    let law = wanzhou();
    let case = verification();
    let unknown = law
        .act(at(LATER), &case, "approve", json!({}), &police())
        .unwrap_err();
    assert_eq!(unknown.code(), "unknown_action");
    assert!(unknown.to_string().contains("reply"), "{unknown}");

    let closed = reply(&case, json!({"decision": "approve"}), &police())
        .unwrap()
        .cases
        .remove(0);
    let again = reply(&closed, json!({"decision": "approve"}), &police()).unwrap_err();
    assert!(matches!(again, Refusal::Closed { .. }), "{again}");
}

#[test]
fn a_required_field_answered_false_or_blank_is_not_given() {
    // 万州 objection: the authority decides with its reasons (`requires: [reasons]`).
    let law = wanzhou();
    let now = at("2021-03-01T09:00:00+08:00");
    let user = actor("health", "区卫健委", &["user"]);
    let objection = law
        .open(
            now,
            &super::support::request("objection", "区公安局"),
            &user,
        )
        .unwrap()
        .cases
        .remove(0);
    let bureau = actor("bureau", "", &["authority"]);
    for missing in [
        json!({}),
        json!({"reasons": "  "}),
        json!({"reasons": false}),
    ] {
        let refusal = law
            .act(now, &objection, "decide", missing.clone(), &bureau)
            .unwrap_err();
        assert!(
            matches!(&refusal, Refusal::MissingField { field, .. } if field == "data.reasons"),
            "{missing}: {refusal}"
        );
    }
    let decided = law
        .act(
            now,
            &objection,
            "decide",
            json!({"reasons": "以提供部门数据为准"}),
            &bureau,
        )
        .unwrap();
    assert_eq!(decided.cases[0].state.as_str(), "resolved");
}
