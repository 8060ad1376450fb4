//! Lights turning as the clock moves, the figures' definitions (a case closed late counts
//! in 超期率 but not as currently overdue), the list each number links to, the CSV, a
//! refusal, CSRF, and a department that cannot see another's case.

use super::client::{csrf, Browser};
use super::{CITIZEN, CIVIL, POLICE};
use crate::support::server::{Options, Server};
use serde_json::json;

fn submit(server: &Server, provider: &str) -> String {
    let case = server.submit(
        "citizen",
        json!({"city": "wanzhou", "procedure": "data_verification", "provider": provider, "subject": "户籍", "data": {}}),
    );
    case["id"].as_str().unwrap().to_owned()
}

#[test]
fn a_department_turns_yellow_then_red_and_a_late_closing_is_late_but_not_overdue() {
    let tmp = tempfile::tempdir().unwrap();
    // 2024-03-04 is a Monday; data_verification (万州 第十七条): 10 working days, due
    // 2024-03-18, warning on 2024-03-14.
    let server = Server::start(&Options::new(
        &tmp.path().join("data"),
        "2024-03-04T09:00:00+08:00",
        &[POLICE, CIVIL, CITIZEN],
    ));
    let first = submit(&server, "区公安局");
    let second = submit(&server, "区公安局");
    let civil_case = submit(&server, "区民政局");
    let admin = Browser::sign_in(&server, "admin");
    assert_eq!(admin.board("wanzhou", "区公安局", "open"), "2");
    assert_eq!(admin.board("wanzhou", "区公安局", "green"), "2");

    server.set_clock("2024-03-15T09:00:00+08:00");
    assert_eq!(admin.board("wanzhou", "区公安局", "yellow"), "2");
    assert_eq!(admin.board("wanzhou", "区公安局", "red"), "0");

    server.set_clock("2024-03-20T09:00:00+08:00");
    assert_eq!(admin.board("wanzhou", "区公安局", "red"), "2");
    assert_eq!(admin.board("wanzhou", "区公安局", "overdue"), "2");

    // The police answer the first case late: closed, late, no longer overdue. Each lapse
    // opened a penalty case: 督办中 (the 区民政局 one is not this row), not a 办件 received.
    let police = Browser::sign_in(&server, "police");
    let (_, page) = police.get(&format!("/ui/cases/{first}"));
    let token = csrf(&page);
    let (status, _) = police.post(
        &format!("/ui/cases/{first}/actions/reply"),
        &[
            ("csrf", &token),
            ("decision", "approve"),
            ("confirm", "yes"),
        ],
    );
    assert_eq!(status, 303);
    for (count, expected) in [
        ("open", "1"),
        ("supervising", "2"),
        ("red", "1"),
        ("overdue", "1"),
        ("received", "2"),
        ("closed", "1"),
        ("closed_on_time", "0"),
        ("late", "2"),
        ("closing_rate", "50.0%"),
        ("on_time_rate", "0.0%"),
        ("late_rate", "100.0%"),
    ] {
        assert_eq!(
            admin.board("wanzhou", "区公安局", count),
            expected,
            "{count}"
        );
    }
    // Every number is the length of the list it links to; the API agrees: it flags
    // both cases overdue, closed or not (超期), and lists one still open in verifying.
    for (count, expected) in [("late", 2), ("overdue", 1), ("closed", 1), ("open", 1)] {
        let listed = admin.listed(&format!(
            "department=%E5%8C%BA%E5%85%AC%E5%AE%89%E5%B1%80&count={count}&period=year"
        ));
        assert_eq!(listed, expected, "{count}");
    }
    let api_overdue = server.get("admin", "/v1/cases?city=wanzhou&overdue=true");
    let flagged: Vec<&str> = api_overdue.body["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["provider"] == "区公安局")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(flagged.len(), 2, "{api_overdue:#?}");
    let api_open = server.get("admin", "/v1/cases?city=wanzhou&state=verifying");
    let open: Vec<&str> = api_open.body["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["provider"] == "区公安局")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(open, vec![second.as_str()]);

    // Acting again on the closed case is refused with the API's code and message.
    let (status, page) = police.post(
        &format!("/ui/cases/{first}/actions/reply"),
        &[
            ("csrf", &token),
            ("decision", "approve"),
            ("confirm", "yes"),
        ],
    );
    let api = server.post(
        "police",
        &format!("/v1/cases/{first}/actions/reply"),
        json!({"data": {"decision": "approve"}}),
    );
    assert_eq!(status, 422, "{page}");
    let detail = api.str("detail");
    assert!(
        page.contains(&format!("data-refusal=\"{}\"", api.str("code"))),
        "{page}"
    );
    assert!(
        page.contains(
            &detail
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        ),
        "{detail} not in {page}"
    );

    // A form without the session's CSRF token changes nothing.
    let (status, _) = police.post(
        &format!("/ui/cases/{second}/actions/reply"),
        &[("csrf", "forged"), ("decision", "approve")],
    );
    assert_eq!(status, 403);
    assert_eq!(
        server
            .get("admin", &format!("/v1/cases/{second}"))
            .str("state"),
        "verifying"
    );

    // The police see only their department's cases, even by editing the URL.
    assert_eq!(police.get(&format!("/ui/cases/{civil_case}")).0, 404);
    assert_eq!(
        police.listed(""),
        4,
        "two cases and the two penalty cases their lapses opened"
    );
    assert_eq!(admin.listed(""), 6, "three cases, three penalty cases");

    // The CSV of a view is UTF-8 with a BOM, one line per case listed.
    let (status, csv) = admin.get("/ui/cases.csv?department=%E5%8C%BA%E5%85%AC%E5%AE%89%E5%B1%80");
    assert_eq!(status, 200);
    assert!(csv.starts_with('\u{feff}'), "{csv}");
    assert_eq!(csv.lines().count(), 1 + 4, "{csv}");
    assert!(csv.contains("红灯·超期"), "{csv}");

    // A refresh interval out of range is a 400 naming the field.
    let (status, page) = admin.get("/ui/board?refresh=1");
    assert_eq!(status, 400);
    assert!(page.contains("`refresh`"), "{page}");
    let (status, page) = admin.get("/ui/board?refresh=soon");
    assert_eq!(status, 400);
    assert!(page.contains("refresh"), "{page}");
    // The script is served from the binary, as the stylesheet; nothing else is.
    let script = server.send(server.request(reqwest::Method::GET, "/ui/assets/govflow.js"));
    assert_eq!(script.status, 200);
    assert!(
        script.content_type.starts_with("text/javascript"),
        "{script:?}"
    );
    let none = server.send(server.request(reqwest::Method::GET, "/ui/assets/jquery.js"));
    assert_eq!(none.status, 404);

    // Signing out ends the session.
    let (_, page) = admin.get("/ui/board");
    assert_eq!(admin.post("/ui/sign-out", &[("csrf", &csrf(&page))]).0, 303);
    assert_eq!(admin.get("/ui/board").0, 303);
}
