//! Fired timers: a warning is given once, a lapse marks the deadline missed and opens the
//! penalty ladder (第四十七条 in Wanzhou), each decided at the timer's own instant.

use super::support::*;
use govflow_model::{lapse_instant, DeadlineStatus, EventKind, TimerKind, TimerOp};
use serde_json::json;

fn verification() -> govflow_model::Case {
    wanzhou().verification(at("2021-03-01T09:00:00+08:00"), "区公安局")
}

#[test]
fn a_timer_not_yet_due_changes_nothing() {
    let case = verification();
    let lapse = timer(&case, "verify", TimerKind::Lapse);
    let early = lapse.at - chrono::Duration::seconds(1);
    assert_eq!(
        wanzhou().fire(early, &case, &lapse),
        govflow_case::Settled::default()
    );
}

#[test]
fn a_warning_is_given_once_and_consumes_its_timer() {
    let case = verification();
    let warning = timer(&case, "verify", TimerKind::Warning);
    let settled = wanzhou().fire(warning.at, &case, &warning);
    assert_eq!(settled.timers, vec![TimerOp::Fire(warning.clone())]);
    let warned = &settled.cases[0];
    assert!(warned.deadline(&"verify".into()).unwrap().warned);
    assert_eq!(kinds(&settled), ["warning"]);
    assert_eq!(warned.armed_timers().count(), 1, "only the lapse is left");
}

#[test]
fn a_lapse_marks_the_case_overdue_and_opens_its_penalty_case() {
    let case = verification();
    let lapse = timer(&case, "verify", TimerKind::Lapse);
    // The scheduler runs a week late; the lapse is still decided on 03-16 00:00.
    let late = lapse.at + chrono::Duration::days(7);
    let settled = wanzhou().fire(late, &case, &lapse);
    assert_eq!(settled.timers[0], TimerOp::Fire(lapse.clone()));
    let (lapsed, penalty) = (&settled.cases[0], &settled.cases[1]);
    assert!(lapsed.overdue);
    assert_eq!(
        lapsed.deadline(&"verify".into()).unwrap().status,
        DeadlineStatus::Missed
    );
    assert_eq!(lapsed.updated_at, lapse.at);
    assert_eq!(penalty.procedure.as_str(), "rectification");
    assert_eq!(penalty.parent.as_ref(), Some(&case.id));
    assert_eq!(penalty.provider.as_deref(), Some("区公安局"));
    assert_eq!(penalty.received_at, lapse.at);
    assert!(
        penalty.armed_timers().count() > 0,
        "the order to rectify runs"
    );
    assert_eq!(kinds(&settled), ["lapsed", "penalty_opened", "opened"]);
    let EventKind::PenaltyOpened {
        deadline, child, ..
    } = &settled.events[1].kind
    else {
        panic!("{:?}", settled.events[1]);
    };
    assert_eq!(deadline.as_str(), "verify");
    assert_eq!(child, &penalty.id);
    assert_eq!(settled.events[1].article.as_deref(), Some("第十七条"));
    assert!(settled.events.iter().all(|e| e.at == lapse.at));
}

#[test]
fn a_timer_whose_deadline_was_met_is_stale_and_tidied_away() {
    let case = verification();
    let lapse = timer(&case, "verify", TimerKind::Lapse);
    let replied = wanzhou()
        .act(
            at("2021-03-04T10:00:00+08:00"),
            &case,
            "reply",
            json!({"decision": "approve"}),
            &police(),
        )
        .unwrap()
        .cases
        .remove(0);
    let settled = wanzhou().fire(lapse.at, &replied, &lapse);
    assert!(settled.cases.is_empty());
    assert_eq!(settled.timers, vec![TimerOp::Cancel(lapse.key())]);
}

#[test]
fn a_timer_moved_by_an_extension_is_left_to_its_new_instant() {
    let case = verification();
    let old = timer(&case, "verify", TimerKind::Lapse);
    let law = wanzhou();
    let soon = at("2021-03-04T10:00:00+08:00");
    let pending = law
        .act(
            soon,
            &case,
            "request_extension",
            json!({"working_days": 3, "reason": "x"}),
            &police(),
        )
        .unwrap()
        .cases
        .remove(0);
    let extended = law
        .act(
            soon,
            &pending,
            "approve_extension",
            json!({}),
            &police_chief(),
        )
        .unwrap()
        .cases
        .remove(0);
    let settled = law.fire(old.at, &extended, &old);
    assert_eq!(settled, govflow_case::Settled::default());
    let new = timer(&extended, "verify", TimerKind::Lapse);
    assert_eq!(
        new.at,
        lapse_instant(extended.deadline(&"verify".into()).unwrap().due_date)
    );
    assert!(new.at > old.at);
}

#[test]
fn a_duty_received_in_force_is_penalised_after_the_regulation_expired() {
    // 聊城 is in force 2020-07-01..2022-06-30 (第四十条); a catalog update received on its
    // last day lapses in July, and its rectification is still opened under it.
    let law = liaocheng();
    let provider = actor("nr", "市自然资源和规划局", &["provider"]);
    let received = at("2022-06-30T10:00:00+08:00");
    let case = law
        .open(
            received,
            &request("catalog_update", "市自然资源和规划局"),
            &provider,
        )
        .expect("received in force")
        .cases
        .remove(0);
    let lapse = case
        .armed_timers()
        .find(|t| t.kind == TimerKind::Lapse && t.at > received)
        .expect("a lapse");
    let settled = law.fire(lapse.at, &case, &lapse);
    assert!(settled.problems.is_empty(), "{:?}", settled.problems);
    assert!(
        kinds(&settled).contains(&"penalty_opened".to_owned()),
        "{:?}",
        kinds(&settled)
    );
    assert_eq!(settled.cases[1].procedure.as_str(), "rectification");
}
