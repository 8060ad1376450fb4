//! Durable timers driving a penalty ladder: cities/wanzhou/scenarios/
//! catalog_update_lapse_ladder.yaml, replayed through the runtime and its sled store.

use super::support::*;
use govflow_model::{DeadlineStatus, EventKind, TimerKind};

fn a_lapsed_catalog_update_opens_a_rectification_that_turns_into_criticism(store: Kind) {
    let service = Service::new(store, at("2023-09-28T09:00:00+08:00"));
    let rt = &service.runtime;
    let edu = actor("edu", "区教委", &["provider"]);

    // Mandate changed Thu 2023-09-28. National Day 2023 (2023.yaml): rest 09-29..10-06;
    // make-up working days Sat 10-07 and Sun 10-08. Working days after 09-28: 10-07,
    // 10-08, 10-09, 10-10, 10-11, 10-12, 10-13, 10-16, 10-17, 10-18 → 2023-10-18.
    let main = rt
        .submit(&edu, &request("catalog_update", "区教委"), None)
        .unwrap()
        .case;
    assert_eq!(main.state, *"awaiting_application");
    let apply = deadline(&main, "apply");
    assert_eq!(apply.due_date, date("2023-10-18"));
    assert!(!apply.provisional);
    // The lapse is local midnight after the due date; the warning (2 working days before)
    // is the start of Mon 10-16 (10-17 and 10-16 are the two working days before 10-18).
    assert_eq!(
        timer(rt, &main.id, "apply", TimerKind::Lapse),
        Some(at("2023-10-19T00:00:00+08:00"))
    );
    assert_eq!(
        timer(rt, &main.id, "apply", TimerKind::Warning),
        Some(at("2023-10-16T00:00:00+08:00"))
    );

    // Lapses at the end of 10-18: 第四十七条(八) → 第四十九条 责令限期改正. Two timers fire:
    // the warning of 10-16 and the lapse of 10-19.
    let advanced = rt.advance(at("2023-10-19T00:00:00+08:00")).unwrap();
    assert_eq!(advanced.fired, 2);
    let main = rt.case(&main.id).unwrap();
    assert!(main.overdue);
    assert_eq!(
        main.state, *"awaiting_application",
        "the lapse only opens a penalty"
    );
    assert_eq!(deadline(&main, "apply").status, DeadlineStatus::Missed);
    assert_eq!(main.revision, 3, "opened, warned, lapsed");
    assert_eq!(timer(rt, &main.id, "apply", TimerKind::Lapse), None);
    assert_eq!(timer(rt, &main.id, "apply", TimerKind::Warning), None);

    let penalties = children(rt, &main.id);
    assert_eq!(penalties.len(), 1, "{penalties:#?}");
    let penalty = &penalties[0];
    assert_eq!(penalty.procedure, *"rectification");
    assert_eq!(penalty.state, *"ordered");
    assert_eq!(penalty.provider.as_deref(), Some("区教委"));
    assert_eq!(penalty.parent.as_ref(), Some(&main.id));
    assert_eq!(penalty.received_at, at("2023-10-19T00:00:00+08:00"));
    assert_eq!(penalty.data["lapsed_deadline"], "apply");
    assert_eq!(penalty.data["article"], "第十三条");
    // The order is entered Thu 2023-10-19 (not counted): 10-20, 10-23 .. 10-27, 10-30,
    // 10-31, 11-01, 11-02 → the 10 working days to rectify end 2023-11-02; its warning is
    // the start of Tue 10-31 (11-01 and 10-31 are the two working days before).
    let rectify = deadline(penalty, "rectify");
    assert_eq!(rectify.due_date, date("2023-11-02"));
    assert_eq!(rectify.status, DeadlineStatus::Open);
    assert_eq!(
        timer(rt, &penalty.id, "rectify", TimerKind::Lapse),
        Some(at("2023-11-03T00:00:00+08:00"))
    );

    // 逾期未改正 → 通报批评: the lapse at the end of 11-02 moves the ladder on (the warning
    // of 10-31 and the lapse fire).
    let advanced = rt.advance(at("2023-11-03T00:00:00+08:00")).unwrap();
    assert_eq!(advanced.fired, 2);
    let penalty = rt.case(&penalty.id).unwrap();
    assert_eq!(penalty.state, *"criticized");
    assert!(penalty.overdue);
    assert_eq!(deadline(&penalty, "rectify").status, DeadlineStatus::Missed);
    assert_eq!(penalty.entered_at, at("2023-11-03T00:00:00+08:00"));
    assert!(
        children(rt, &penalty.id).is_empty(),
        "the ladder's last rung opens nothing"
    );
    assert_eq!(children(rt, &main.id).len(), 1);

    // The feed, in order: each event at the instant the law puts it, with its article.
    let feed = feed(rt);
    let rows: Vec<(bool, &str, chrono::DateTime<chrono::Utc>, Option<&str>)> = feed
        .iter()
        .map(|e| (e.case == main.id, kind(e), e.at, e.article.as_deref()))
        .collect();
    assert_eq!(
        rows,
        [
            (
                true,
                "opened",
                at("2023-09-28T09:00:00+08:00"),
                Some("第十三条")
            ),
            (
                true,
                "warning",
                at("2023-10-16T00:00:00+08:00"),
                Some("第十三条")
            ),
            (
                true,
                "lapsed",
                at("2023-10-19T00:00:00+08:00"),
                Some("第十三条")
            ),
            (
                true,
                "penalty_opened",
                at("2023-10-19T00:00:00+08:00"),
                Some("第十三条")
            ),
            (
                false,
                "opened",
                at("2023-10-19T00:00:00+08:00"),
                Some("第四十九条")
            ),
            (
                false,
                "warning",
                at("2023-10-31T00:00:00+08:00"),
                Some("第四十九条")
            ),
            (
                false,
                "lapsed",
                at("2023-11-03T00:00:00+08:00"),
                Some("第四十九条")
            ),
            (
                false,
                "acted",
                at("2023-11-03T00:00:00+08:00"),
                Some("第四十九条")
            ),
        ]
    );
    match &feed[2].kind {
        EventKind::Lapsed {
            deadline,
            due_date,
            responsible,
            statutory,
        } => {
            assert_eq!(deadline, "apply");
            assert_eq!(*due_date, date("2023-10-18"));
            assert_eq!(responsible, "provider");
            assert!(statutory, "第十三条 sets the 10 working days");
        }
        other => panic!("expected the lapse, got {other:?}"),
    }
    match &feed[3].kind {
        EventKind::PenaltyOpened {
            deadline,
            child,
            procedure,
        } => {
            assert_eq!(deadline, "apply");
            assert_eq!(child, &penalty.id);
            assert_eq!(procedure, "rectification");
        }
        other => panic!("expected the penalty, got {other:?}"),
    }
    match &feed[7].kind {
        EventKind::Acted {
            action, from, to, ..
        } => {
            assert_eq!(
                (action.as_str(), from.as_str(), to.as_str()),
                ("lapse", "ordered", "criticized")
            );
        }
        other => panic!("expected the move to criticism, got {other:?}"),
    }
}

fn a_met_deadline_leaves_no_timer_and_moving_time_fires_nothing(store: Kind) {
    let service = Service::new(store, at("2023-09-28T09:00:00+08:00"));
    let rt = &service.runtime;
    let edu = actor("edu", "区教委", &["provider"]);
    let bureau = actor("bureau", "区大数据发展局", &["authority"]);
    let case = rt
        .submit(&edu, &request("catalog_update", "区教委"), None)
        .unwrap()
        .case;
    // Applied on Mon 10-09; the authority's dependent 5 working days run from then
    // (not counted): 10-10, 10-11, 10-12, 10-13, 10-16 → 2023-10-16.
    rt.advance(at("2023-10-09T10:00:00+08:00")).unwrap();
    let case = rt
        .act(&edu, &case.id, "submit", &data(serde_json::json!({})))
        .unwrap();
    assert_eq!(case.state, *"reviewing");
    assert_eq!(deadline(&case, "apply").status, DeadlineStatus::Met);
    assert_eq!(deadline(&case, "review").due_date, date("2023-10-16"));
    assert_eq!(timer(rt, &case.id, "apply", TimerKind::Lapse), None);
    assert_eq!(timer(rt, &case.id, "apply", TimerKind::Warning), None);
    let case = rt
        .act(
            &bureau,
            &case.id,
            "reply",
            &data(serde_json::json!({"decision": "approve"})),
        )
        .unwrap();
    assert_eq!(case.state, *"updated");
    // Nothing is armed any more: past both original due dates, nothing fires.
    let advanced = rt.advance(at("2023-11-30T00:00:00+08:00")).unwrap();
    assert_eq!(advanced.fired, 0);
    let case = rt.case(&case.id).unwrap();
    assert!(!case.overdue);
    assert!(children(rt, &case.id).is_empty());
    assert_eq!(kinds(&history(rt, &case.id)), ["opened", "acted", "acted"]);
}

on_every_store!(
    a_lapsed_catalog_update_opens_a_rectification_that_turns_into_criticism,
    a_met_deadline_leaves_no_timer_and_moving_time_fires_nothing,
);
