//! Opening a case: 第十七条 data verification in Wanzhou, and Liaocheng's window of force.

use super::support::*;
use govflow_case::Refusal;
use govflow_model::{lapse_instant, DeadlineStatus, NaiveDate, TimerKind, TimerOp};
use serde_json::json;

fn date(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

#[test]
fn opening_arms_each_deadline_with_its_warning_and_lapse() {
    let law = wanzhou();
    let now = at("2021-03-01T09:00:00+08:00");
    let settled = law
        .open(now, &request("data_verification", "区公安局"), &citizen())
        .unwrap();
    assert_eq!(settled.cases.len(), 1);
    let case = &settled.cases[0];
    assert_eq!(case.id.as_str(), "c-000001");
    assert_eq!(case.state.as_str(), "verifying");
    assert_eq!(case.revision, 1);
    assert_eq!(case.pack_version, law.pack.pack.version);
    // Received Mon 03-01 (not counted): 03-02..03-05, 03-08..03-12, 03-15 → 10 working days.
    let verify = case.deadline(&"verify".into()).unwrap();
    assert_eq!(verify.due_date, date("2021-03-15"));
    assert_eq!(verify.status, DeadlineStatus::Open);
    assert_eq!(verify.article, "第十七条");
    // Warned at the start of Thu 03-11, two working days before the due date.
    let warning = timer(case, "verify", TimerKind::Warning);
    assert_eq!(warning.at, at("2021-03-11T00:00:00+08:00"));
    let lapse = timer(case, "verify", TimerKind::Lapse);
    assert_eq!(lapse.at, lapse_instant(verify.due_date));
    assert_eq!(
        settled.timers,
        vec![TimerOp::Arm(warning), TimerOp::Arm(lapse)],
        "the store is told to arm exactly the timers the case arms"
    );
    assert_eq!(kinds(&settled), ["opened"]);
    assert_eq!(settled.events[0].article.as_deref(), Some("第十七条"));
    assert_eq!(settled.events[0].at, now);
}

#[test]
fn a_request_received_earlier_counts_from_its_receipt() {
    let law = wanzhou();
    let mut late = request("data_verification", "区公安局");
    late.received_at = Some(at("2021-03-01T09:00:00+08:00"));
    let filed = at("2021-03-05T10:00:00+08:00");
    let case = &law.open(filed, &late, &citizen()).unwrap().cases[0];
    assert_eq!(
        case.deadline(&"verify".into()).unwrap().due_date,
        date("2021-03-15")
    );
    assert_eq!(case.created_at, filed);
}

#[test]
fn an_opener_without_an_allowed_role_is_refused_with_the_article() {
    let refusal = wanzhou()
        .open(
            at("2021-03-01T09:00:00+08:00"),
            &request("data_verification", "区公安局"),
            &police(),
        )
        .unwrap_err();
    assert!(matches!(refusal, Refusal::WrongRole { .. }), "{refusal}");
    assert!(refusal.to_string().contains("第十七条"), "{refusal}");
}

#[test]
fn a_verification_addressed_to_no_department_is_refused() {
    let mut nobody = request("data_verification", "  ");
    nobody.provider = Some("  ".into());
    let refusal = wanzhou()
        .open(at("2021-03-01T09:00:00+08:00"), &nobody, &citizen())
        .unwrap_err();
    assert!(
        matches!(&refusal, Refusal::MissingField { field, .. } if field == "provider"),
        "{refusal}"
    );
}

#[test]
fn a_receipt_later_than_now_is_refused() {
    let mut future = request("data_verification", "区公安局");
    future.received_at = Some(at("2021-03-02T09:00:00+08:00"));
    let refusal = wanzhou()
        .open(at("2021-03-01T09:00:00+08:00"), &future, &citizen())
        .unwrap_err();
    assert!(
        matches!(&refusal, Refusal::InvalidField { field, .. } if field == "received_at"),
        "{refusal}"
    );
}

#[test]
fn an_unknown_procedure_is_refused_listing_those_offered() {
    let refusal = wanzhou()
        .open(
            at("2021-03-01T09:00:00+08:00"),
            &request("security_incident", "区公安局"),
            &citizen(),
        )
        .unwrap_err();
    assert_eq!(refusal.code(), "unknown_procedure");
    assert!(
        refusal.to_string().contains("data_verification"),
        "{refusal}"
    );
}

#[test]
fn a_receipt_outside_the_regulations_window_is_refused() {
    let law = liaocheng();
    let procedure = law
        .pack
        .pack
        .procedures
        .keys()
        .next()
        .expect("liaocheng has procedures")
        .to_string();
    let opener = law.pack.pack.procedures[&procedure.as_str().into()]
        .opened_by
        .first()
        .expect("someone opens it")
        .to_string();
    let refusal = law
        .open(
            at("2022-07-01T09:00:00+08:00"),
            &request(&procedure, "市公安局"),
            &actor("opener", "市卫健委", &[&opener]),
        )
        .unwrap_err();
    assert!(matches!(refusal, Refusal::NotInForce { .. }), "{refusal}");
    assert!(refusal.to_string().contains("第四十条"), "{refusal}");
}

#[test]
fn a_resource_classified_against_the_rules_is_refused() {
    let mut unlawful = request("data_verification", "区公安局");
    unlawful.data = as_map(json!({"resource": {"sharing": "conditional"}}));
    let refusal = wanzhou()
        .open(at("2021-03-01T09:00:00+08:00"), &unlawful, &citizen())
        .unwrap_err();
    assert_eq!(refusal.code(), "classification", "{refusal}");

    unlawful.data = as_map(json!({"resource": {"sharing": 3}}));
    let refusal = wanzhou()
        .open(at("2021-03-01T09:00:00+08:00"), &unlawful, &citizen())
        .unwrap_err();
    assert!(
        matches!(&refusal, Refusal::InvalidField { field, .. } if field == "data.resource"),
        "{refusal}"
    );
}

/// 第四十五条: the application for an IT project carries its catalog list. A submission
/// without it (or with `false`) is refused before an id is drawn; with it the case opens
/// with the first id.
#[test]
fn a_submission_missing_a_required_field_is_refused_and_draws_no_id() {
    let law = wanzhou();
    let now = at("2022-03-01T09:00:00+08:00");
    let ctx = law.at(now);
    let transport = actor("transport", "区交通局", &["provider"]);
    let mut drawn = 0;
    let mut count = || {
        drawn += 1;
        govflow_model::CaseId::new(format!("c-{drawn:06}"))
    };
    for data in [
        json!({}),
        json!({"catalog_list": false}),
        json!({"catalog_list": " "}),
    ] {
        let mut plan = request("it_project_plan", "区交通局");
        plan.data = as_map(data);
        let refused = govflow_case::apply(
            &ctx,
            govflow_case::Command::Open {
                request: &plan,
                actor: &transport,
            },
            &mut count,
        )
        .unwrap_err();
        assert_eq!(refused.code(), "missing_field");
        assert!(
            refused.to_string().contains("data.catalog_list"),
            "{refused}"
        );
        assert!(refused.to_string().contains("第四十五条"), "{refused}");
    }
    let mut plan = request("it_project_plan", "区交通局");
    plan.data = as_map(json!({"catalog_list": "目录清单（预编）"}));
    let settled = govflow_case::apply(
        &ctx,
        govflow_case::Command::Open {
            request: &plan,
            actor: &transport,
        },
        &mut count,
    )
    .unwrap();
    assert_eq!(settled.cases[0].id.as_str(), "c-000001");
    assert_eq!(drawn, 1);
}

/// A guard on the submission sees the case as it would open: `this_case.data` is the
/// submission's data. Wanzhou's `unconditionally_open` script, set on the submission of a
/// conditional open, refuses an application whose catalog entry is 有条件开放 even though
/// its `data.opening` says unconditional, and lets one through whose entry agrees.
#[test]
fn a_guard_on_the_submission_reads_the_case_as_it_would_open() {
    let law = wanzhou().edited(|pack| {
        let closing = pack
            .procedures
            .get(&"conditional_open".into())
            .and_then(|p| p.actions.iter().find(|a| a.id.as_str() == "close"))
            .and_then(|a| a.guards.first())
            .cloned()
            .expect("wanzhou closes direct-access applications with a guard");
        let open = pack.procedures.get_mut(&"conditional_open".into()).unwrap();
        open.guards.push(closing);
    });
    let now = at("2022-03-01T09:00:00+08:00");
    let citizen = citizen();
    let mut application = request("conditional_open", "区规划自然资源局");
    application.data = as_map(json!({"opening": "unconditional",
        "resource": {"opening": "conditional", "legal_basis": "《中华人民共和国测绘法》", "legal_basis_kind": "law"}}));
    match law.open(now, &application, &citizen) {
        Err(Refusal::GuardRefused { article, .. }) => assert_eq!(article, "第三十一条"),
        other => panic!("expected the guard to refuse, got {other:?}"),
    }
    application.data =
        as_map(json!({"opening": "unconditional", "resource": {"opening": "unconditional"}}));
    let settled = law.open(now, &application, &citizen).unwrap();
    assert_eq!(settled.cases[0].id.as_str(), "c-000001");
}
