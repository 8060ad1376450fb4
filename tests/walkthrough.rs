//! The curl walkthrough in `examples/` runs as written against a real server.

use crate::support::server::{token, Options, Server, Who};
use std::process::Command;

const WHO: [Who; 3] = [
    Who {
        name: "citizen",
        city: "wanzhou",
        department: "",
        roles: &["applicant"],
    },
    Who {
        name: "police",
        city: "wanzhou",
        department: "区公安局",
        roles: &["provider"],
    },
    Who {
        name: "police_head",
        city: "wanzhou",
        department: "区公安局",
        roles: &["principal"],
    },
];

#[test]
fn the_curl_walkthrough_runs_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    // The start the walkthrough's header tells the reader to use.
    let server = Server::start(&Options::new(
        &tmp.path().join("data"),
        "2021-02-08T09:00:00+08:00",
        &WHO,
    ));
    let out = Command::new("bash")
        .arg(crate::support::path("examples/walkthrough.sh"))
        .env("GOVFLOW_URL", &server.base)
        .env("ADMIN_TOKEN", token("admin"))
        .env("CITIZEN_TOKEN", token("citizen"))
        .env("POLICE_TOKEN", token("police"))
        .env("POLICE_HEAD_TOKEN", token("police_head"))
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the walkthrough failed:\n{stdout}\n{stderr}\nserver log:\n{}",
        server.log_text()
    );
    assert!(stdout.contains("walkthrough complete"), "{stdout}");
}
