//! Actions through the runtime: cities/wanzhou/scenarios/data_verification_extension.yaml
//! (第十七条: 10 working days, extensions approved by the provider's principal, at most 10
//! working days in all). A refused action stores nothing.

use super::support::*;
use govflow_case::Refusal;
use govflow_model::{Actor, Case, CaseId, DeadlineStatus, TimerKind};
use govflow_runtime::Error;
use serde_json::json;

struct People {
    citizen: Actor,
    police: Actor,
    police_head: Actor,
    other_head: Actor,
}

fn people() -> People {
    People {
        citizen: actor("citizen", "", &["applicant"]),
        police: actor("police", "区公安局", &["provider"]),
        police_head: actor("police_head", "区公安局", &["principal"]),
        other_head: actor("other_head", "区民政局", &["principal"]),
    }
}

/// Takes the action, expecting a refusal with `code`; checks that nothing was stored: the
/// case's revision, the feed and the lapse timer are as they were.
fn refused(
    rt: &Running,
    who: &Actor,
    id: &CaseId,
    action: &str,
    body: serde_json::Value,
    code: &str,
) -> Refusal {
    let before = rt.case(id).unwrap();
    let events = feed(rt).len();
    let lapse = timer(rt, id, "verify", TimerKind::Lapse);
    let refusal = match rt.act(who, id, action, &data(body)) {
        Err(Error::Refused(r)) => r,
        other => panic!("expected `{code}` for `{action}`, got {other:?}"),
    };
    assert_eq!(refusal.code(), code, "{refusal}");
    assert_eq!(
        rt.case(id).unwrap(),
        before,
        "a refused `{action}` changes the case"
    );
    assert_eq!(
        feed(rt).len(),
        events,
        "a refused `{action}` emits an event"
    );
    assert_eq!(timer(rt, id, "verify", TimerKind::Lapse), lapse);
    refusal
}

fn verify(case: &Case) -> &govflow_model::CaseDeadline {
    deadline(case, "verify")
}

fn extensions_within_the_cap_move_the_deadline_and_its_timer(store: Kind) {
    let service = Service::new(store, at("2021-02-08T09:00:00+08:00"));
    let rt = &service.runtime;
    let p = people();
    // 2021 Spring Festival (2021.yaml): rest 02-11..02-17, make-up working days Sun 02-07
    // and Sat 02-20. Received Mon 02-08: 02-09, 02-10, 02-18, 02-19, 02-20 (Sat, make-up),
    // 02-22, 02-23, 02-24, 02-25, 02-26 → the 10th working day is Fri 2021-02-26.
    let case = rt
        .submit(&p.citizen, &request("data_verification", "区公安局"), None)
        .unwrap()
        .case;
    assert_eq!(verify(&case).due_date, date("2021-02-26"));
    assert_eq!(verify(&case).article, "第十七条");
    assert_eq!(
        timer(rt, &case.id, "verify", TimerKind::Lapse),
        Some(at("2021-02-27T00:00:00+08:00"))
    );
    let id = case.id;
    assert_eq!(
        rt.advance(at("2021-02-22T10:00:00+08:00")).unwrap().fired,
        0
    );

    let over = refused(
        rt,
        &p.police,
        &id,
        "request_extension",
        json!({"working_days": 11, "reason": "涉及多个系统"}),
        "extension_over_cap",
    );
    assert!(over.to_string().contains("第十七条"), "{over}");
    refused(
        rt,
        &p.police,
        &id,
        "request_extension",
        json!({"working_days": 5}),
        "missing_field",
    );
    refused(
        rt,
        &p.citizen,
        &id,
        "request_extension",
        json!({"working_days": 5, "reason": "x"}),
        "wrong_role",
    );
    refused(
        rt,
        &p.police_head,
        &id,
        "approve_extension",
        json!({}),
        "no_pending_extension",
    );

    let case = rt
        .act(
            &p.police,
            &id,
            "request_extension",
            &data(json!({"working_days": 5, "reason": "涉及多个系统"})),
        )
        .unwrap();
    assert_eq!(case.revision, 2);
    assert_eq!(
        verify(&case)
            .pending_extension
            .as_ref()
            .map(|e| e.working_days),
        Some(5)
    );
    assert_eq!(
        verify(&case).due_date,
        date("2021-02-26"),
        "not moved until approved"
    );
    refused(
        rt,
        &p.police,
        &id,
        "request_extension",
        json!({"working_days": 1, "reason": "x"}),
        "extension_pending",
    );
    refused(
        rt,
        &p.other_head,
        &id,
        "approve_extension",
        json!({}),
        "out_of_scope",
    );
    refused(
        rt,
        &p.police,
        &id,
        "approve_extension",
        json!({}),
        "wrong_role",
    );

    // 5 working days on from 02-26 (not counted): 03-01 .. 03-05 → Fri 2021-03-05.
    let case = rt
        .act(&p.police_head, &id, "approve_extension", &data(json!({})))
        .unwrap();
    assert_eq!(case.revision, 3);
    let d = verify(&case);
    assert_eq!(
        (d.due_date, d.original_due_date, d.extended_working_days),
        (date("2021-03-05"), date("2021-02-26"), 5)
    );
    assert!(d.pending_extension.is_none());
    assert_eq!(
        timer(rt, &id, "verify", TimerKind::Lapse),
        Some(at("2021-03-06T00:00:00+08:00")),
        "the lapse timer is re-armed, not duplicated"
    );

    // 5 more reach the cap exactly; a 6th would not: 5 + 6 = 11 > 10.
    refused(
        rt,
        &p.police,
        &id,
        "request_extension",
        json!({"working_days": 6, "reason": "x"}),
        "extension_over_cap",
    );
    rt.act(
        &p.police,
        &id,
        "request_extension",
        &data(json!({"working_days": 5, "reason": "还需核对"})),
    )
    .unwrap();
    let case = rt
        .act(&p.police_head, &id, "approve_extension", &data(json!({})))
        .unwrap();
    // 10 working days on from the original 02-26: 03-01 .. 03-05, 03-08 .. 03-12 → 03-12.
    assert_eq!(verify(&case).due_date, date("2021-03-12"));
    assert_eq!(verify(&case).extended_working_days, 10);
    assert_eq!(
        timer(rt, &id, "verify", TimerKind::Lapse),
        Some(at("2021-03-13T00:00:00+08:00"))
    );
    refused(
        rt,
        &p.police,
        &id,
        "request_extension",
        json!({"working_days": 1, "reason": "x"}),
        "extension_over_cap",
    );
    refused(rt, &p.police, &id, "publish", json!({}), "unknown_action");

    // Past the first and second due dates nothing lapses; the end of 03-12 does.
    rt.advance(at("2021-03-12T23:00:00+08:00")).unwrap();
    let case = rt.case(&id).unwrap();
    assert!(!case.overdue);
    assert_eq!(verify(&case).status, DeadlineStatus::Open);
    rt.advance(at("2021-03-13T00:00:00+08:00")).unwrap();
    let case = rt.case(&id).unwrap();
    assert!(case.overdue);
    assert_eq!(verify(&case).status, DeadlineStatus::Missed);
    let events = history(rt, &id);
    assert_eq!(count(&events, "lapsed"), 1);
    let penalties = children(rt, &id);
    assert_eq!(penalties.len(), 1);
    assert_eq!(penalties[0].provider.as_deref(), Some("区公安局"));
    assert_eq!(penalties[0].received_at, at("2021-03-13T00:00:00+08:00"));

    // After the lapse: no extension; a reply that leaves the data as it is needs reasons.
    refused(
        rt,
        &p.police,
        &id,
        "request_extension",
        json!({"working_days": 1, "reason": "x"}),
        "extension_after_lapse",
    );
    let guard = refused(
        rt,
        &p.police,
        &id,
        "reply",
        json!({"decision": "reject"}),
        "guard_refused",
    );
    assert!(guard.to_string().contains("第十七条"), "{guard}");
    let case = rt
        .act(
            &p.police,
            &id,
            "reply",
            &data(json!({"decision": "reject", "reasons": "数据与登记原件一致"})),
        )
        .unwrap();
    assert_eq!(case.state, *"confirmed");
    assert!(case.overdue);
    assert_eq!(case.decision.as_deref(), Some("reject"));
    refused(
        rt,
        &p.police,
        &id,
        "reply",
        json!({"decision": "approve"}),
        "closed",
    );
    // The warning moved with the extensions: 2 working days before Fri 03-12 is Wed 03-10
    // (03-11, 03-10), not 02-24 before the original 02-26.
    let events = history(rt, &id);
    let warning = events.iter().find(|e| kind(e) == "warning").unwrap();
    assert_eq!(warning.at, at("2021-03-10T00:00:00+08:00"));
    // One revision per accepted transition: opened, 2 requests, 2 approvals, the warning,
    // the lapse and the reply.
    assert_eq!(case.revision, 8);
    assert_eq!(
        kinds(&history(rt, &id)),
        [
            "opened",
            "extension_requested",
            "extension_approved",
            "extension_requested",
            "extension_approved",
            "warning",
            "lapsed",
            "penalty_opened",
            "acted",
        ]
    );
}

fn a_rejected_extension_leaves_the_deadline_and_frees_the_request(store: Kind) {
    let service = Service::new(store, at("2021-02-08T09:00:00+08:00"));
    let rt = &service.runtime;
    let p = people();
    let id = rt
        .submit(&p.citizen, &request("data_verification", "区公安局"), None)
        .unwrap()
        .case
        .id;
    rt.act(
        &p.police,
        &id,
        "request_extension",
        &data(json!({"working_days": 3, "reason": "x"})),
    )
    .unwrap();
    refused(
        rt,
        &p.other_head,
        &id,
        "reject_extension",
        json!({}),
        "out_of_scope",
    );
    let case = rt
        .act(&p.police_head, &id, "reject_extension", &data(json!({})))
        .unwrap();
    assert_eq!(verify(&case).due_date, date("2021-02-26"));
    assert!(verify(&case).pending_extension.is_none());
    assert_eq!(
        timer(rt, &id, "verify", TimerKind::Lapse),
        Some(at("2021-02-27T00:00:00+08:00"))
    );
    // A new request may follow.
    rt.act(
        &p.police,
        &id,
        "request_extension",
        &data(json!({"working_days": 3, "reason": "y"})),
    )
    .unwrap();
}

on_every_store!(
    extensions_within_the_cap_move_the_deadline_and_its_timer,
    a_rejected_extension_leaves_the_deadline_and_frees_the_request,
);
