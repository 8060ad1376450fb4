//! A clock move that fires thousands of timers stays answerable: with `Prefer:
//! respond-async` it answers `202` at once and goes on, `GET /v1/clock` follows it, a
//! second move meanwhile is refused, and SIGTERM stops it between two chunks, the rest
//! firing once after a restart.

use super::kit::{
    all_events, bulk_submit, count_by_case, metric, AFTER_THE_LAPSES, EDU, MANDATE_CHANGED,
};
use crate::support::server::{token, Options, Reply, Server};
use reqwest::Method;
use serde_json::json;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// Each case arms a warning and a lapse due the same day: 3,000 timers, 1,500 penalties.
const CASES: usize = 1500;
const THREADS: usize = 8;

fn move_clock(server: &Server, prefer: Option<&str>) -> Reply {
    let mut request = server
        .request(Method::POST, "/v1/admin/clock")
        .bearer_auth(token("admin"))
        .json(&json!({ "now": AFTER_THE_LAPSES }));
    if let Some(prefer) = prefer {
        request = request.header("Prefer", prefer);
    }
    server.send(request)
}

fn after_the_lapses() -> chrono::DateTime<chrono::Utc> {
    AFTER_THE_LAPSES.parse().unwrap()
}

/// Every opened case has exactly one event of each kind, and no other case has any.
fn fired_exactly_once(server: &Server, opened: &BTreeSet<String>) {
    let events = all_events(server);
    for kind in ["warning", "lapsed", "penalty_opened"] {
        let counts = count_by_case(&events, kind);
        let cases: BTreeSet<String> = counts.keys().cloned().collect();
        assert_eq!(&cases, opened, "every case has a `{kind}` event");
        let twice: Vec<_> = counts.iter().filter(|(_, n)| **n != 1).collect();
        assert!(twice.is_empty(), "`{kind}` more than once: {twice:?}");
    }
}

#[test]
fn a_long_move_answers_202_goes_on_and_refuses_a_second_move_meanwhile() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(&Options::new(
        &tmp.path().join("data"),
        MANDATE_CHANGED,
        &[EDU],
    ));
    let opened = bulk_submit(&server, CASES, THREADS);

    let accepted = move_clock(&server, Some("respond-async"));
    assert_eq!(accepted.status, 202, "{accepted:#?}");
    assert!(accepted.body["fired"].is_null(), "{accepted:#?}");
    let moving = &accepted.body["moving"];
    let to: chrono::DateTime<chrono::Utc> = moving["to"].as_str().unwrap().parse().unwrap();
    assert_eq!(to, after_the_lapses());

    let second = move_clock(&server, None);
    assert_eq!(second.status, 409, "{second:#?}");
    assert_eq!(second.body["code"], "clock_moving");

    let started = Instant::now();
    let done = govflow_testkit::wait_for(Duration::from_secs(180), "the move to end", || {
        let clock = server.get("admin", "/v1/clock");
        clock.body["moving"].is_null().then_some(clock)
    });
    eprintln!("the move ended {:?} after its 202", started.elapsed());
    let now: chrono::DateTime<chrono::Utc> = done.body["now"].as_str().unwrap().parse().unwrap();
    assert_eq!(now, after_the_lapses());
    fired_exactly_once(&server, &opened);
}

#[test]
fn sigterm_during_a_long_move_stops_between_chunks_and_the_rest_fires_once_after_a_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let server = Server::start(&Options::new(&data, MANDATE_CHANGED, &[EDU]));
    let opened = bulk_submit(&server, CASES, THREADS);
    let log = server.log.clone();

    assert_eq!(move_clock(&server, Some("respond-async")).status, 202);
    govflow_testkit::wait_for(Duration::from_secs(60), "the first lapses", || {
        (metric(&server, "govflow_lapses_fired_total") > 0).then_some(())
    });
    let stopping = Instant::now();
    assert!(server.terminate(), "SIGTERM during a move exits 0");
    eprintln!("exited {:?} after SIGTERM", stopping.elapsed());
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("the clock move ended early"),
        "the move stopped before its end:\n{text}"
    );

    // The shared clock already says where the move went: the first pass fires the rest.
    let server = Server::start(&Options::new(&data, MANDATE_CHANGED, &[EDU]));
    govflow_testkit::wait_for(Duration::from_secs(120), "every lapse", || {
        let lapsed = count_by_case(&all_events(&server), "lapsed").len();
        (lapsed == CASES).then_some(())
    });
    fired_exactly_once(&server, &opened);
}
