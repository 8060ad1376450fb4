//! `govflow serve` over real HTTP: smoke test of the harness.

use crate::support::server::{Options, Server, Who};
use serde_json::json;

const EDU: Who = Who {
    name: "edu",
    city: "wanzhou",
    department: "区教委",
    roles: &["provider"],
};

#[test]
fn a_lapse_opens_a_rectification_case_and_the_ladder_moves_on() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(&Options::new(
        &tmp.path().join("data"),
        "2023-09-28T09:00:00+08:00",
        &[EDU],
    ));
    let case = server.submit(
        "edu",
        json!({"city": "wanzhou", "procedure": "catalog_update", "provider": "区教委"}),
    );
    assert_eq!(case["deadlines"][0]["due_date"], "2023-10-18");
    server.set_clock("2023-11-03T00:00:00+08:00");
    let id = case["id"].as_str().unwrap();
    let children = server.get("admin", &format!("/v1/cases?parent={id}"));
    assert_eq!(children.status, 200, "{children:#?}");
    let penalty = &children.body["cases"][0];
    assert_eq!(penalty["procedure"], "rectification");
    assert_eq!(penalty["state"], "criticized");
    assert_eq!(penalty["provider"], "区教委");
    assert!(server.terminate(), "SIGTERM ends the service cleanly");
}

/// A receipt later than the service's clock is refused, naming the field; nothing is stored.
#[test]
fn a_request_received_in_the_future_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(&Options::new(
        &tmp.path().join("data"),
        "2023-09-28T09:00:00+08:00",
        &[EDU],
    ));
    let reply = server.post(
        "edu",
        "/v1/cases",
        json!({"city": "wanzhou", "procedure": "catalog_update", "provider": "区教委",
               "received_at": "9999-12-31T23:59:59-23:59"}),
    );
    assert_eq!(reply.status, 422, "{reply:#?}");
    assert_eq!(reply.str("code"), "invalid_field");
    assert!(reply.str("detail").contains("received_at"), "{reply:#?}");
    let cases = server.get("admin", "/v1/cases");
    assert_eq!(cases.body["cases"], json!([]));
}
