//! `govflow migrate --from ./data --to postgres://…`: a service's sled store copied into
//! PostgreSQL, checked by the command itself and then by serving from the copy.

use super::EDU;
use crate::support::server::{token, Options, Server};
use crate::support::{govflow, stderr, stdout};
use reqwest::Method;
use serde_json::{json, Value};

fn submit_with_key(server: &Server, key: &str, body: &Value) -> (u16, Value) {
    let request = server
        .request(Method::POST, "/v1/cases")
        .bearer_auth(token("edu"))
        .header("Idempotency-Key", key)
        .json(body);
    let reply = server.send(request);
    (reply.status, reply.body)
}

fn all_events(server: &Server) -> Vec<Value> {
    let reply = server.get("admin", "/v1/events?after=0&limit=1000");
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["events"].as_array().unwrap().clone()
}

fn all_cases(server: &Server) -> Value {
    let reply = server.get("admin", "/v1/cases?limit=1000");
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body
}

/// Cases, history, timers, idempotency keys and departments written on sled are served
/// from PostgreSQL after `migrate`: the same cases and feed (same sequence numbers), a
/// retried submission finds its case, a timer armed on sled fires on PostgreSQL once, and
/// the feed goes on after the copied numbers. A second migrate into the now non-empty
/// database is refused.
#[test]
fn a_sled_store_migrated_to_postgres_serves_the_same_and_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let url = govflow_testkit::postgres::shared().database();
    let data = tmp.path().join("data");
    let mut options = Options::new(&data, "2023-09-28T09:00:00+08:00", &[EDU]);
    let body = json!({"city": "wanzhou", "procedure": "catalog_update", "provider": "区教委"});

    let sled = Server::start(&options);
    let (status, first) = submit_with_key(&sled, "edu-first", &body);
    assert_eq!(status, 201, "{first:#?}");
    let departments = sled.request(Method::PUT, "/v1/admin/departments/wanzhou");
    let reply = sled.send(
        departments
            .bearer_auth(token("admin"))
            .json(&json!({"departments": ["区教委", "区公安局"]})),
    );
    assert_eq!(reply.status, 200, "{reply:#?}");
    // The first case lapses (and opens its penalty case) on sled; the second is left
    // with its timers armed.
    sled.set_clock("2023-10-19T09:00:00+08:00");
    let second = sled.submit("edu", body.clone());
    let (events, cases) = (all_events(&sled), all_cases(&sled));
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "lapsed" && e["case"] == first["id"]),
        "{events:#?}"
    );
    assert!(sled.terminate());

    let copied = govflow(&[
        "migrate",
        "--from",
        data.to_str().unwrap(),
        "--to",
        &url,
        "--batch",
        "7",
    ]);
    assert!(
        copied.status.success(),
        "{}{}",
        stdout(&copied),
        stderr(&copied)
    );
    let report = stdout(&copied);
    assert!(report.contains("verified"), "{report}");
    assert!(!report.contains("DIFFERENT"), "{report}");

    options.store = Some(url.clone());
    let pg = Server::start(&options);
    assert_eq!(all_events(&pg), events);
    assert_eq!(all_cases(&pg), cases);
    let (status, retried) = submit_with_key(&pg, "edu-first", &body);
    assert_eq!(
        status, 200,
        "a retry finds the copied idempotency key: {retried:#?}"
    );
    assert_eq!(retried["id"], first["id"]);
    let registry = pg.get("admin", "/v1/admin/departments/wanzhou");
    assert_eq!(registry.status, 200, "{registry:#?}");
    assert!(
        registry.body.to_string().contains("区公安局"),
        "{registry:#?}"
    );

    pg.set_clock("2023-12-29T09:00:00+08:00");
    let after = all_events(&pg);
    let new = &after[events.len()..];
    let lapses: Vec<_> = new
        .iter()
        .filter(|e| e["type"] == "lapsed" && e["case"] == second["id"])
        .collect();
    assert_eq!(
        lapses.len(),
        1,
        "the timer armed on sled fires once: {new:#?}"
    );
    let last = events.last().unwrap()["seq"].as_u64().unwrap();
    assert_eq!(new[0]["seq"].as_u64().unwrap(), last + 1, "{new:#?}");
    assert!(pg.terminate());

    let again = govflow(&["migrate", "--from", data.to_str().unwrap(), "--to", &url]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already holds data"),
        "{}",
        stderr(&again)
    );
}
