//! The packs and calendar pages on a copy of `cities/` and `policies/`: a broken edit's
//! diagnostic at its file:line:column as the API reports it, the provisional deadlines
//! waiting for the next year's schedule, and a department that sees only its own city.

use super::client::Browser;
use super::{CITIZEN, POLICE};
use crate::support::server::{Options, Server};
use govflow_testkit::copy_sources;
use serde_json::{json, Value};

/// The `GET /v1/packs` entry of `city`.
fn pack(server: &Server, city: &str) -> Value {
    let reply = server.get("admin", "/v1/packs");
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["packs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["city"] == city)
        .unwrap_or_else(|| panic!("no `{city}` in {:#}", reply.body))
        .clone()
}

/// The text between `<… data-field="name">` and the end of its cell, tags and all.
fn cell<'h>(html: &'h str, city: &str, name: &str) -> &'h str {
    let row = &html[html
        .find(&format!("data-city=\"{city}\""))
        .unwrap_or_else(|| panic!("no row for {city}: {html}"))..];
    let at = row.find(&format!("data-field=\"{name}\"")).unwrap();
    &row[at..at + row[at..].find("</td>").unwrap()]
}

#[test]
fn the_packs_page_shows_a_broken_edit_where_it_is_and_the_provisional_deadlines() {
    let tmp = tempfile::tempdir().unwrap();
    let (cities, policies) = copy_sources(tmp.path());
    let server = Server::start(&Options {
        data: tmp.path().join("data"),
        cities: cities.clone(),
        policies,
        start: Some("2021-06-01T10:00:00+08:00".to_owned()),
        who: vec![POLICE, CITIZEN],
        store: None,
        webhooks: None,
    });
    let admin = Browser::sign_in(&server, "admin");

    // Ten working days from 12-28 of the calendar's last year run into a year with no
    // schedule yet: counted on weekends only, provisional.
    let years = server.get("admin", "/v1/packs").body["calendar"]["years"].clone();
    let last = years.as_array().unwrap().last().unwrap().as_i64().unwrap();
    server.set_clock(&format!("{last}-12-28T09:00:00+08:00"));
    let case = server.submit(
        "citizen",
        json!({"city": "wanzhou", "procedure": "data_verification", "provider": "区公安局", "subject": "户籍", "data": {}}),
    );
    assert_eq!(case["deadlines"][0]["provisional"], true, "{case:#}");
    let (status, index) = admin.get("/ui/packs");
    assert_eq!(status, 200);
    assert!(
        cell(&index, "wanzhou", "provisional").ends_with(">1"),
        "{index}"
    );
    assert!(cell(&index, "liaocheng", "provisional").ends_with(">0"));
    assert!(
        index.contains("data-field=\"provisional_total\">1<"),
        "{index}"
    );

    // A misspelt key: the last good pack still serves, the page says where the error is.
    let file = cities.join("wanzhou/procedures/catalog_update.yaml");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, good.replacen("deadlines:", "deadlnes:", 1)).unwrap();
    let reload = server.post("admin", "/v1/admin/reload", json!({}));
    assert_eq!(reload.status, 200, "{reload:#?}");
    let entry = pack(&server, "wanzhou");
    let first = &entry["last_error"]["diagnostics"][0];
    let place = format!(
        "{}:{}:{}",
        first["file"].as_str().unwrap(),
        first["line"],
        first["column"]
    );
    assert!(first["line"].as_u64().unwrap() > 0, "{entry:#}");
    let (_, index) = admin.get("/ui/packs");
    let shown = cell(&index, "wanzhou", "last_error");
    assert!(shown.contains(&place), "{place} not in {shown}");
    assert!(shown.contains(first["code"].as_str().unwrap()));
    assert!(cell(&index, "wanzhou", "version").contains(entry["version"].as_str().unwrap()));
    let (status, page) = admin.get("/ui/packs/wanzhou");
    assert_eq!(status, 200);
    let alert = &page[page.find("data-last-error").expect("the error is shown")..];
    for d in entry["last_error"]["diagnostics"].as_array().unwrap() {
        let at = format!(
            "{}:{}:{}",
            d["file"].as_str().unwrap(),
            d["line"],
            d["column"]
        );
        assert!(alert.contains(&at), "{at} not in {alert}");
    }
    // Fixed, the error is gone.
    std::fs::write(&file, good).unwrap();
    assert_eq!(
        server.post("admin", "/v1/admin/reload", json!({})).status,
        200
    );
    let (_, index) = admin.get("/ui/packs");
    assert!(
        cell(&index, "wanzhou", "last_error").ends_with(">无"),
        "{index}"
    );

    // A department of 万州 sees 万州 only, also by typing another city's URL.
    let police = Browser::sign_in(&server, "police");
    let (status, index) = police.get("/ui/packs");
    assert_eq!(status, 200);
    assert!(index.contains("data-city=\"wanzhou\""));
    assert!(!index.contains("data-city=\"liaocheng\""), "{index}");
    assert_eq!(police.get("/ui/packs/liaocheng").0, 404);
    assert_eq!(police.get("/ui/packs/wanzhou").0, 200);
}
