//! SIGKILL while `POST /v1/admin/clock` is firing thousands of timers.

use super::kit::{
    all_cases, all_events, bulk_submit, count_by_case, metric, Raw, AFTER_THE_LAPSES, EDU,
    MANDATE_CHANGED,
};
use crate::support::server::{Options, Server};
use serde_json::json;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// Cases due the same day: each arms a warning and a lapse, so 3,000 timers, fired in
/// batches of 512, and 1,500 penalty cases.
const CASES: usize = 1500;
const THREADS: usize = 8;

/// Pins exactly-once firing across a crash in the middle of a clock move: 1,500 catalog
/// updates all due 2023-10-18; the clock is moved past the lapse and the server is
/// SIGKILLed as soon as the first lapses are committed. After a restart (clock back at
/// 2023-09-28) and a second move, each case has exactly one `warning`, one `lapsed` and
/// one `penalty_opened` event and exactly one `rectification` child, received at the lapse
/// instant, and there are exactly 1,500 penalty cases.
#[test]
fn sigkill_during_a_clock_move_fires_every_timer_exactly_once() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let server = Server::start(&Options::new(&data, MANDATE_CHANGED, &[EDU]));
    let opened = bulk_submit(&server, CASES, THREADS);
    let raw = Raw::new(&server);

    // Move the clock on another thread; kill once lapses are being committed.
    let mover = {
        let raw = raw.clone();
        std::thread::spawn(move || {
            raw.post(
                "admin",
                "/v1/admin/clock",
                None,
                &json!({"now": AFTER_THE_LAPSES}),
            )
        })
    };
    let started = Instant::now();
    while metric(&server, "govflow_lapses_fired_total") == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no lapse fired"
        );
    }
    server.kill();
    let answered = mover.join().unwrap();
    let server = Server::start(&Options::new(&data, MANDATE_CHANGED, &[EDU]));
    let before = count_by_case(&all_events(&server), "lapsed").len();
    eprintln!(
        "killed after {before} of {CASES} lapses (the clock move {})",
        if answered.is_some() {
            "had returned"
        } else {
            "was cut off"
        }
    );
    server.set_clock(AFTER_THE_LAPSES);

    let events = all_events(&server);
    for (kind, counts) in
        ["warning", "lapsed", "penalty_opened"].map(|kind| (kind, count_by_case(&events, kind)))
    {
        let cases: BTreeSet<String> = counts.keys().cloned().collect();
        assert_eq!(
            cases, opened,
            "every case has a `{kind}` event, and no other case"
        );
        let twice: Vec<_> = counts.iter().filter(|(_, n)| **n != 1).collect();
        assert!(
            twice.is_empty(),
            "`{kind}` events more than once: {twice:?}"
        );
    }
    let penalties = all_cases(&server, "city=wanzhou&procedure=rectification");
    assert_eq!(penalties.len(), CASES);
    let parents: BTreeSet<String> = penalties
        .iter()
        .map(|p| p["parent"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(parents, opened, "one penalty case per lapsed case");
    assert!(penalties
        .iter()
        .all(|p| p["received_at"] == super::kit::APPLY_LAPSES && p["state"] == "ordered"));
    assert!(server.terminate());
}
