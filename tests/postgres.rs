//! `govflow serve --store postgres://…`: the real binary on a real PostgreSQL server.

mod cluster;
mod migrate;

use crate::support::server::{Options, Server, Who};
use serde_json::json;

const EDU: Who = Who {
    name: "edu",
    city: "wanzhou",
    department: "区教委",
    roles: &["provider"],
};

/// A case submitted over HTTP is there after the binary restarts; the log names the
/// database without its password.
#[test]
fn a_case_survives_a_restart_of_the_binary_on_postgres() {
    let tmp = tempfile::tempdir().unwrap();
    let server = govflow_testkit::postgres::shared();
    let url = server.database();
    let db = url.rsplit('/').next().unwrap().to_owned();
    let with_password = format!(
        "postgres://govflow:pw-n0t-in-logs@127.0.0.1:{}/{db}",
        server.port()
    );
    let mut options = Options::new(
        &tmp.path().join("data"),
        "2023-09-28T09:00:00+08:00",
        &[EDU],
    );
    options.store = Some(with_password);
    let first = Server::start(&options);
    let case = first.submit(
        "edu",
        json!({"city": "wanzhou", "procedure": "catalog_update", "provider": "区教委"}),
    );
    let id = case["id"].as_str().unwrap().to_owned();
    let metrics = first.get("admin", "/metrics");
    assert!(!format!("{:?}", metrics.body).contains("pw-n0t-in-logs"));
    assert!(first.terminate(), "SIGTERM ends the service cleanly");

    let second = Server::start(&options);
    let read = second.get("edu", &format!("/v1/cases/{id}"));
    assert_eq!(read.status, 200, "{read:#?}");
    assert_eq!(read.body["deadlines"][0]["due_date"], "2023-10-18");
    let events = second.get("admin", "/v1/events?after=0");
    assert_eq!(events.status, 200, "{events:#?}");
    let log = second.log_text();
    assert!(
        log.contains(&format!(
            "postgres://govflow@127.0.0.1:{}/{db}",
            server.port()
        )),
        "{log}"
    );
    assert!(!log.contains("pw-n0t-in-logs"), "{log}");
    // Nothing went to sled: the data directory stays empty.
    let sled_files = std::fs::read_dir(tmp.path().join("data")).unwrap().count();
    assert_eq!(sled_files, 0);
    assert!(second.terminate());
}
