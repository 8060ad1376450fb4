//! 延长 (第十七条): requested by the provider, approved by its 主要负责人, at most 10 working
//! days in all, counted on from the original due date, only before the deadline lapses.

use super::support::*;
use govflow_case::Refusal;
use govflow_model::{Case, NaiveDate, TimerKind, TimerOp};
use serde_json::json;

fn verification() -> Case {
    wanzhou().verification(at("2021-03-01T09:00:00+08:00"), "区公安局")
}

const SOON: &str = "2021-03-04T10:00:00+08:00";

fn request(case: &Case, working_days: u32) -> Result<Case, Refusal> {
    wanzhou()
        .act(
            at(SOON),
            case,
            "request_extension",
            json!({"working_days": working_days, "reason": "涉及多个系统"}),
            &police(),
        )
        .map(|s| s.cases[0].clone())
}

fn approve(case: &Case) -> Result<govflow_case::Settled, Refusal> {
    wanzhou().act(
        at(SOON),
        case,
        "approve_extension",
        json!({}),
        &police_chief(),
    )
}

fn due(case: &Case) -> NaiveDate {
    case.deadline(&"verify".into()).unwrap().due_date
}

#[test]
fn an_approved_extension_counts_on_from_the_original_date_and_rearms_the_timers() {
    let case = verification();
    let pending = request(&case, 5).unwrap();
    assert_eq!(due(&pending), due(&case), "a request alone moves nothing");
    let settled = approve(&pending).unwrap();
    let extended = &settled.cases[0];
    // 03-15 + 5 working days: 03-16..03-19, 03-22.
    assert_eq!(due(extended), "2021-03-22".parse().unwrap());
    let d = extended.deadline(&"verify".into()).unwrap();
    assert_eq!(d.extended_working_days, 5);
    assert!(d.pending_extension.is_none());
    let lapse = timer(extended, "verify", TimerKind::Lapse);
    let warning = timer(extended, "verify", TimerKind::Warning);
    assert!(
        settled
            .timers
            .ends_with(&[TimerOp::Arm(warning), TimerOp::Arm(lapse)]),
        "{:#?}",
        settled.timers
    );
    assert_eq!(kinds(&settled), ["extension_approved"]);
}

#[test]
fn extensions_are_capped_in_total() {
    let case = verification();
    let over = request(&case, 11).unwrap_err();
    assert!(
        matches!(over, Refusal::ExtensionOverCap { cap: 10, .. }),
        "{over}"
    );
    let once = approve(&request(&case, 6).unwrap())
        .unwrap()
        .cases
        .remove(0);
    let again = request(&once, 5).unwrap_err();
    assert!(
        matches!(again, Refusal::ExtensionOverCap { total: 11, .. }),
        "{again}"
    );
    let rest = approve(&request(&once, 4).unwrap())
        .unwrap()
        .cases
        .remove(0);
    assert_eq!(
        rest.deadline(&"verify".into())
            .unwrap()
            .extended_working_days,
        10
    );
}

#[test]
fn only_the_principal_approves_and_one_request_waits_at_a_time() {
    let pending = request(&verification(), 3).unwrap();
    let by_staff = wanzhou()
        .act(
            at(SOON),
            &pending,
            "approve_extension",
            json!({}),
            &police(),
        )
        .unwrap_err();
    assert!(matches!(by_staff, Refusal::WrongRole { .. }), "{by_staff}");
    let second = request(&pending, 2).unwrap_err();
    assert!(
        matches!(second, Refusal::ExtensionPending { .. }),
        "{second}"
    );
    let rejected = wanzhou()
        .act(
            at(SOON),
            &pending,
            "reject_extension",
            json!({}),
            &police_chief(),
        )
        .unwrap()
        .cases
        .remove(0);
    assert!(rejected
        .deadline(&"verify".into())
        .unwrap()
        .pending_extension
        .is_none());
    let nothing = approve(&rejected).unwrap_err();
    assert!(matches!(nothing, Refusal::NoPendingExtension), "{nothing}");
}

#[test]
fn an_extension_after_the_lapse_is_refused() {
    let case = verification();
    let after = at("2021-03-16T00:00:00+08:00");
    let refusal = wanzhou()
        .act(
            after,
            &case,
            "request_extension",
            json!({"working_days": 2, "reason": "晚了"}),
            &police(),
        )
        .unwrap_err();
    assert!(
        matches!(refusal, Refusal::ExtensionAfterLapse { .. }),
        "{refusal}"
    );
}

#[test]
fn a_request_needs_its_days_and_its_reason() {
    let law = wanzhou();
    let case = verification();
    for (data, field) in [
        (json!({"reason": "x"}), "data.working_days"),
        (
            json!({"working_days": 0, "reason": "x"}),
            "data.working_days",
        ),
        (json!({"working_days": 2}), "data.reason"),
    ] {
        let refusal = law
            .act(at(SOON), &case, "request_extension", data, &police())
            .unwrap_err();
        let named = match &refusal {
            Refusal::MissingField { field, .. } | Refusal::InvalidField { field, .. } => field,
            other => panic!("{other}"),
        };
        assert_eq!(named, field);
    }
}

#[test]
fn no_extension_is_asked_for_once_the_original_date_has_passed() {
    // 3 days granted on 03-04 move 03-15 to 03-18. On 03-16 the deadline still runs, but
    // the original date is past: a further 2 days (5 in all, within the cap) are refused.
    let extended = approve(&request(&verification(), 3).unwrap())
        .unwrap()
        .cases
        .remove(0);
    assert_eq!(due(&extended), "2021-03-18".parse().unwrap());
    let refusal = wanzhou()
        .act(
            at("2021-03-16T10:00:00+08:00"),
            &extended,
            "request_extension",
            json!({"working_days": 2, "reason": "仍未完成"}),
            &police(),
        )
        .unwrap_err();
    assert!(
        matches!(&refusal, Refusal::ExtensionAfterLapse { due, .. } if *due == "2021-03-15".parse::<NaiveDate>().unwrap()),
        "{refusal}"
    );
}
