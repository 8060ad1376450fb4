//! Signed webhooks (issue 12) end to end: the real binary with `--webhooks`, a real
//! receiver on 127.0.0.1 that answers as scripted, every delivery verified with the
//! Standard Webhooks reference crate (`standardwebhooks`), the simulated clock firing
//! warnings, lapses and penalties.

mod cluster;
mod contract;
mod failures;
mod receiver;
mod restart;

use crate::support::server::{Options, Server, Who};
use serde_json::{json, Value};
use std::path::Path;

/// Retries quick enough for a test: parked after the 5th failed attempt.
const CONFIG: &str = r#"
allow: ["http://127.0.0.1:*"]
retry: [200ms, 400ms, 800ms, 800ms]
timeout: 1s
rotation_window: 1h
"#;

/// A wanzhou applicant, whose submissions each put one `opened` event on the feed.
const CITIZEN: Who = Who {
    name: "citizen",
    city: "wanzhou",
    department: "",
    roles: &["applicant"],
};

/// Options for a server with webhooks on, data in `dir`, the simulated clock at `start`.
fn options(dir: &Path, start: &str, who: &[Who]) -> Options {
    options_with(CONFIG, dir, start, who)
}

/// [`options`] with another webhooks configuration.
fn options_with(config_text: &str, dir: &Path, start: &str, who: &[Who]) -> Options {
    let config = dir.join("webhooks.yaml");
    std::fs::write(&config, config_text).unwrap();
    let mut options = Options::new(&dir.join("data"), start, who);
    options.webhooks = Some(config);
    options
}

/// Subscribes `url` as the admin; returns the subscription id and its secret.
fn subscribe(server: &Server, body: Value) -> (String, String) {
    let reply = server.post("admin", "/v1/subscriptions", body);
    assert_eq!(reply.status, 201, "{reply:#?}");
    let id = reply.body["subscription"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let secret = reply.str("secret");
    assert!(secret.starts_with("whsec_"), "{secret}");
    (id, secret)
}

/// Opens a wanzhou verification: one `opened` event.
fn open_wanzhou(server: &Server) -> String {
    let case = server.submit(
        "citizen",
        json!({"city": "wanzhou", "procedure": "data_verification", "provider": "区公安局"}),
    );
    case["id"].as_str().unwrap().to_owned()
}

/// The feed's events of `city` whose kind is one of `kinds`, as the admin reads them.
/// The bureau decides the penalty case the lapse of `parent` opened (jiaozuo), and the
/// clock runs past that decision's own period, so it lapses too.
fn decide_the_penalty_and_let_it_lapse(server: &Server, parent: &str) {
    let children = server.get("admin", &format!("/v1/cases?parent={parent}"));
    let child = children.body["cases"][0]["id"].as_str().unwrap().to_owned();
    server.set_clock("2021-10-22T09:00:00+08:00");
    let ordered = server.post(
        "bureau",
        &format!("/v1/cases/{child}/actions/decide"),
        json!({"data": {}}),
    );
    assert_eq!(ordered.status, 200, "{ordered:#?}");
    server.set_clock("2021-11-06T00:00:00+08:00");
}

fn feed(server: &Server, city: &str, kinds: &[&str]) -> Vec<Value> {
    let reply = server.get("admin", "/v1/events?after=0&limit=1000");
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["city"] == city && kinds.contains(&e["type"].as_str().unwrap()))
        .cloned()
        .collect()
}

/// The subscription as the API shows it.
fn subscription(server: &Server, id: &str) -> Value {
    let reply = server.get("admin", &format!("/v1/subscriptions/{id}"));
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body
}
