//! The built-in actions as forms on the case page. Extensions: the request by the department that owes the
//! deadline, on the extension's article; a request past the cap refused with the API's
//! code and message; the approval by the department's 主要负责人 moving the due date to
//! the one the API gives; the cap spent, no more requests offered. An imposed period set
//! by the authority that ordered it.

use super::client::{csrf, Browser};
use super::{BUREAU, CITIZEN, POLICE, POLICE_HEAD};
use crate::support::server::{Options, Server};
use serde_json::json;

#[test]
fn an_extension_is_requested_refused_past_its_cap_and_approved_through_the_forms() {
    let tmp = tempfile::tempdir().unwrap();
    // Mon 2024-03-04; 万州 第十七条: 10 working days, extension up to 10 more by the
    // provider's 主要负责人.
    let server = Server::start(&Options::new(
        &tmp.path().join("data"),
        "2024-03-04T09:00:00+08:00",
        &[POLICE, POLICE_HEAD, CITIZEN],
    ));
    let case = server.submit(
        "citizen",
        json!({"city": "wanzhou", "procedure": "data_verification", "provider": "区公安局", "subject": "户籍", "data": {}}),
    );
    let id = case["id"].as_str().unwrap();
    let page = format!("/ui/cases/{id}");
    let request = format!("{page}/actions/request_extension");

    // The head approves but does not owe the deadline: no request form for them yet.
    let head = Browser::sign_in(&server, "police_head");
    let (_, html) = head.get(&page);
    assert!(
        !html.contains("data-action=\"request_extension\""),
        "{html}"
    );

    let police = Browser::sign_in(&server, "police");
    let (_, html) = police.get(&page);
    let form = &html[html
        .find("data-action=\"request_extension\"")
        .expect("a request form")..];
    assert!(form[..form.find("</form>").unwrap()].contains("依据 第十七条"));
    let token = csrf(&html);

    // Past the cap: the API's refusal, and nothing changes.
    let (status, refused) = police.post(
        &request,
        &[
            ("csrf", &token),
            ("data.deadline", "verify"),
            ("number.working_days", "11"),
            ("data.reason", "涉及多个系统"),
        ],
    );
    let api = server.post(
        "police",
        &format!("/v1/cases/{id}/actions/request_extension"),
        json!({"data": {"deadline": "verify", "working_days": 11, "reason": "涉及多个系统"}}),
    );
    assert_eq!(status, api.status, "{refused}");
    assert!(refused.contains(&format!("data-refusal=\"{}\"", api.str("code"))));
    assert!(refused.contains(&api.str("detail")), "{refused}");
    // Not a number: a 400 naming the field, and nothing changes.
    let (status, bad) = police.post(&request, &[("csrf", &token), ("number.working_days", "五")]);
    assert_eq!(status, 400);
    assert!(bad.contains("data.working_days"), "{bad}");
    assert!(
        server.get("admin", &format!("/v1/cases/{id}")).body["deadlines"][0]["pending_extension"]
            .is_null()
    );

    let (status, _) = police.post(
        &request,
        &[
            ("csrf", &token),
            ("data.deadline", "verify"),
            ("number.working_days", "5"),
            ("data.reason", "涉及多个系统"),
        ],
    );
    assert_eq!(status, 303);

    // Pending: the head sees it and approves; the due date is the API's.
    let (_, html) = head.get(&page);
    assert!(html.contains("data-pending-extension=\"verify\""), "{html}");
    assert!(html.contains("data-action=\"reject_extension\""));
    let (status, _) = head.post(
        &format!("{page}/actions/approve_extension"),
        &[("csrf", &csrf(&html)), ("data.deadline", "verify")],
    );
    assert_eq!(status, 303);
    let api = server.get("admin", &format!("/v1/cases/{id}"));
    let due = api.body["deadlines"][0]["due_date"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(due, "2024-03-25", "10 working days to 03-18, then 5 more");
    let (_, html) = police.get(&page);
    assert!(html.contains(&format!("到期 {due}")), "{html}");
    assert!(!html.contains("data-pending-extension"));

    // The other five: the cap is spent, and the page says so instead of offering a form.
    let (status, _) = police.post(
        &request,
        &[
            ("csrf", &token),
            ("data.deadline", "verify"),
            ("number.working_days", "5"),
            ("data.reason", "仍需核对"),
        ],
    );
    assert_eq!(status, 303);
    let (_, html) = head.get(&page);
    let (status, _) = head.post(
        &format!("{page}/actions/approve_extension"),
        &[("csrf", &csrf(&html)), ("data.deadline", "verify")],
    );
    assert_eq!(status, 303);
    let (_, html) = police.get(&page);
    assert!(html.contains("data-extension-spent=\"verify\""), "{html}");
    assert!(!html.contains("data-action=\"request_extension\""));
}

/// The authority that ordered a rectification (万州 第四十九条) sets its period through
/// the form, as working days or as a last day: the due date the API then gives.
#[test]
fn an_imposed_period_is_set_through_its_forms() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(&Options::new(
        &tmp.path().join("data"),
        "2024-03-04T09:00:00+08:00",
        &[POLICE, BUREAU, CITIZEN],
    ));
    let case = server.submit(
        "citizen",
        json!({"city": "wanzhou", "procedure": "data_verification", "provider": "区公安局", "subject": "户籍", "data": {}}),
    );
    // Due 03-18; lapsed on the 19th, it opened a rectification ordered that day.
    server.set_clock("2024-03-20T09:00:00+08:00");
    let id = case["id"].as_str().unwrap();
    let children = server.get("admin", &format!("/v1/cases?parent={id}"));
    let order = children.body["cases"][0]["id"].as_str().unwrap().to_owned();
    let page = format!("/ui/cases/{order}");
    let set = format!("{page}/actions/set_period");

    // The police owe the period but do not set it: no form for them.
    let police = Browser::sign_in(&server, "police");
    assert!(!police.get(&page).1.contains("data-imposed"));

    let bureau = Browser::sign_in(&server, "bureau");
    let (_, html) = bureau.get(&page);
    assert!(html.contains("data-imposed=\"rectify\""), "{html}");
    assert!(html.contains("依据 第四十九条"));
    let due = |server: &Server| {
        let case = server.get("admin", &format!("/v1/cases/{order}"));
        case.body["deadlines"][0]["due_date"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    for (field, value) in [
        ("number.working_days", "3"),
        ("data.due_date", "2024-04-30"),
    ] {
        let (_, html) = bureau.get(&page);
        let before = due(&server);
        let (status, answer) = bureau.post(
            &set,
            &[
                ("csrf", &csrf(&html)),
                ("data.deadline", "rectify"),
                (field, value),
            ],
        );
        assert_eq!(status, 303, "{answer}");
        let after = due(&server);
        assert_ne!(after, before, "{field}");
        assert!(bureau.get(&page).1.contains(&format!("到期 {after}")));
    }
    assert_eq!(due(&server), "2024-04-30");
}
