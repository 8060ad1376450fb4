//! Which cases a role reaches, as `policies/vocabulary.yaml` says: each test takes the
//! roles of one reach from the vocabulary and lets them take Wanzhou's 第十七条 `reply`
//! (or bear its deadline), so what is pinned is the reach, not a role's name.

use super::support::*;
use govflow_case::Refusal;
use govflow_model::{Actor, CanonicalIds, Case, Jurisdiction, Reach, RoleId, TimerKind};
use serde_json::json;

const RECEIVED: &str = "2021-03-01T09:00:00+08:00";
const LATER: &str = "2021-03-04T10:00:00+08:00";

/// The canonical roles of `reach`; the vocabulary must give it to at least one.
fn roles(reach: Reach) -> Vec<RoleId> {
    let roles: Vec<RoleId> = CanonicalIds::builtin()
        .roles_reaching(reach)
        .cloned()
        .collect();
    assert!(!roles.is_empty(), "no canonical role reaches {reach:?}");
    roles
}

/// Wanzhou, with the verification's `reply` allowed to `role` alone.
fn replying_as(role: &RoleId) -> Law {
    wanzhou().edited(|pack| {
        let verification = pack
            .procedures
            .get_mut(&"data_verification".into())
            .expect("wanzhou verifies data");
        for action in &mut verification.actions {
            if action.id == *"reply" {
                action.roles = vec![role.clone()];
            }
        }
    })
}

/// A verification asked of 区公安局 by `opener`.
fn asked_by(law: &Law, opener: &Actor) -> Case {
    law.open(
        at(RECEIVED),
        &request("data_verification", "区公安局"),
        opener,
    )
    .expect("the request is lawful")
    .cases
    .remove(0)
}

fn reply(law: &Law, case: &Case, actor: &Actor) -> Result<(), Refusal> {
    law.act(
        at(LATER),
        case,
        "reply",
        json!({"decision": "approve"}),
        actor,
    )
    .map(drop)
}

fn out_of_scope(result: Result<(), Refusal>) -> String {
    match result {
        Err(refusal @ Refusal::OutOfScope { .. }) => refusal.to_string(),
        other => panic!("expected out of scope, got {other:?}"),
    }
}

#[test]
fn a_role_reaching_the_department_acts_only_on_its_departments_cases() {
    for role in roles(Reach::Department) {
        let law = replying_as(&role);
        let case = asked_by(&law, &citizen());
        let own = actor("police", "区公安局", &[role.as_str()]);
        assert_eq!(reply(&law, &case, &own), Ok(()), "{role}");
        let other = actor("tax", "区税务局", &[role.as_str()]);
        let refusal = out_of_scope(reply(&law, &case, &other));
        assert!(
            refusal.contains("addressed to `区公安局`"),
            "{role}: {refusal}"
        );
        let opener = actor("citizen", "", &[role.as_str()]);
        out_of_scope(reply(&law, &case, &opener));
    }
}

#[test]
fn a_role_reaching_the_opener_acts_only_on_cases_it_or_its_department_opened() {
    for role in roles(Reach::Opener) {
        let law = replying_as(&role);
        let by_citizen = asked_by(&law, &citizen());
        let citizen = actor("citizen", "", &[role.as_str()]);
        assert_eq!(reply(&law, &by_citizen, &citizen), Ok(()), "{role}");
        let neighbour = actor("neighbour", "", &[role.as_str()]);
        let refusal = out_of_scope(reply(&law, &by_citizen, &neighbour));
        assert!(refusal.contains("`citizen`"), "{role}: {refusal}");
        let provider = actor("police", "区公安局", &[role.as_str()]);
        out_of_scope(reply(&law, &by_citizen, &provider));

        let by_civil = asked_by(&law, &actor("clerk", "区民政局", &["applicant"]));
        let colleague = actor("colleague", "区民政局", &[role.as_str()]);
        assert_eq!(reply(&law, &by_civil, &colleague), Ok(()), "{role}");
    }
}

#[test]
fn a_role_reaching_the_city_acts_on_any_case_of_the_cities_it_acts_for() {
    for role in [roles(Reach::City), roles(Reach::Everything)].concat() {
        let law = replying_as(&role);
        let case = asked_by(&law, &citizen());
        let anyone = actor("bureau", "区税务局", &[role.as_str()]);
        assert_eq!(reply(&law, &case, &anyone), Ok(()), "{role}");
        let elsewhere = Actor {
            jurisdiction: Jurisdiction::City("liaocheng".into()),
            ..anyone
        };
        let refusal = out_of_scope(reply(&law, &case, &elsewhere));
        assert!(refusal.contains("`liaocheng`"), "{role}: {refusal}");
    }
}

#[test]
fn only_a_role_reaching_everything_opens_a_procedure_that_does_not_name_it() {
    let law = wanzhou();
    let opened_by = &law.pack.pack.procedures[&"data_verification".into()].opened_by;
    for role in roles(Reach::Everything) {
        assert!(!opened_by.contains(&role), "{role}");
        let operator = actor("operator", "", &[role.as_str()]);
        assert!(asked_by(law, &operator).opened_by.actor == "operator");
    }
    for role in [roles(Reach::City), roles(Reach::Department)].concat() {
        let holder = actor("holder", "区公安局", &[role.as_str()]);
        let refusal = law
            .open(
                at(RECEIVED),
                &request("data_verification", "区公安局"),
                &holder,
            )
            .unwrap_err();
        assert!(
            matches!(refusal, Refusal::WrongRole { .. }),
            "{role}: {refusal}"
        );
    }
}

/// A lapsed duty's penalty case is addressed to the case's department when the duty's
/// role reaches the department, and otherwise to the body the pack names for the role.
#[test]
fn a_lapse_answers_to_the_department_or_to_the_body_holding_the_role() {
    let bearing = |role: &RoleId| {
        let law = wanzhou().edited(|pack| {
            let verification = pack
                .procedures
                .get_mut(&"data_verification".into())
                .expect("wanzhou verifies data");
            for state in verification.states.values_mut() {
                for deadline in &mut state.deadlines {
                    deadline.responsible = role.clone();
                }
            }
        });
        let case = asked_by(&law, &citizen());
        let lapse = timer(&case, "verify", TimerKind::Lapse);
        let settled = law.fire(lapse.at, &case, &lapse);
        settled.cases[1].provider.clone()
    };
    for role in roles(Reach::Department) {
        assert_eq!(bearing(&role).as_deref(), Some("区公安局"), "{role}");
    }
    let names = &wanzhou().pack.pack.roles;
    for role in roles(Reach::City) {
        assert_eq!(bearing(&role), Some(names[&role].name.clone()), "{role}");
    }
}
