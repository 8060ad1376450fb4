//! Child cases: a lapse may open its penalty at another ladder's entry, and an action may
//! open a child (万州 第三十条: an agreed correction opens the catalog update), both under
//! the parent's pack version.

use super::support::*;
use govflow_model::{EventKind, ProcedureId, StateId, TimerKind};
use serde_json::json;

#[test]
fn a_lapse_opens_its_penalty_at_the_entry_its_rule_names() {
    let law = wanzhou().edited(|pack| {
        let verification = pack
            .procedures
            .get_mut(&ProcedureId::new("data_verification"))
            .unwrap();
        for state in verification.states.values_mut() {
            for rule in &mut state.deadlines {
                rule.on_lapse.start = Some(StateId::new("staff_ordered"));
            }
        }
    });
    let case = law.verification(at("2021-03-01T09:00:00+08:00"), "区公安局");
    let lapse = timer(&case, "verify", TimerKind::Lapse);
    let settled = law.fire(lapse.at, &case, &lapse);
    let penalty = &settled.cases[1];
    assert_eq!(penalty.state.as_str(), "staff_ordered");
    assert_eq!(penalty.parent.as_ref(), Some(&case.id));
    assert!(penalty.deadline(&"staff_rectify".into()).is_some());
    assert!(penalty.deadline(&"rectify".into()).is_none());
}

#[test]
fn an_agreed_correction_opens_the_catalog_update_under_the_parents_version() {
    let law = wanzhou();
    let received = at("2024-03-04T09:00:00+08:00");
    let opened = law
        .open(
            received,
            &request("open_catalog_correction", "区公安局"),
            &citizen(),
        )
        .unwrap();
    let correction = &opened.cases[0];
    let refused = law
        .act(
            at("2024-03-05T09:00:00+08:00"),
            correction,
            "reply",
            json!({"decision": "reject", "reasons": "目录无误", "basis": "第二十七条"}),
            &police(),
        )
        .unwrap();
    assert_eq!(refused.cases.len(), 1, "a refusal opens nothing");

    let agreed = law
        .act(
            at("2024-03-05T09:00:00+08:00"),
            correction,
            "reply",
            json!({"decision": "approve"}),
            &police(),
        )
        .unwrap();
    let (parent, child) = (&agreed.cases[0], &agreed.cases[1]);
    assert_eq!(parent.state.as_str(), "update_applied");
    assert_eq!(child.procedure.as_str(), "catalog_update");
    assert_eq!(child.state.as_str(), "reviewing");
    assert_eq!(child.parent.as_ref(), Some(&parent.id));
    assert_eq!(child.provider.as_deref(), Some("区公安局"));
    assert_eq!(child.pack_version, parent.pack_version);
    assert_eq!(child.data["parent_action"], json!("reply"));
    assert_eq!(kinds(&agreed), ["acted", "child_opened", "opened"]);
    let EventKind::ChildOpened {
        action, child: id, ..
    } = &agreed.events[1].kind
    else {
        panic!("{:?}", agreed.events[1]);
    };
    assert_eq!((action.as_str(), id), ("reply", &child.id));
}

#[test]
fn by_hand_a_case_starts_only_at_an_entry_its_role_may_open() {
    let law = wanzhou();
    let now = at("2024-05-06T09:00:00+08:00");
    let bureau = actor("bureau", "区大数据发展局", &["authority"]);
    let mut order = request("rectification", "区民政局");
    order.start = Some(StateId::new("criticized"));
    let refused = law.open(now, &order, &bureau).unwrap_err();
    assert_eq!(refused.code(), "invalid_field");
    assert!(refused.to_string().contains("staff_ordered"), "{refused}");

    order.start = Some(StateId::new("staff_ordered"));
    let by_citizen = law.open(now, &order, &citizen()).unwrap_err();
    assert_eq!(by_citizen.code(), "wrong_role");
    let opened = law.open(now, &order, &bureau).unwrap();
    assert_eq!(opened.cases[0].state.as_str(), "staff_ordered");
}
