//! SIGTERM: stop accepting, finish what is in flight, stop the scheduler, exit 0.

use super::kit::{
    all_cases, all_events, bulk_submit, catalog_update, count_by_case, id, metric, Raw,
    AFTER_THE_LAPSES, EDU, MANDATE_CHANGED,
};
use crate::support::server::{Options, Server};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const THREADS: usize = 8;

/// Pins graceful shutdown: SIGTERM while 8 clients are submitting. Every request that was
/// answered was answered 201 (none cut off with an error), the process exits 0, the log
/// says the scheduler and the watcher stopped, and after a restart every acknowledged case
/// is there.
#[test]
fn sigterm_under_load_finishes_requests_stops_the_scheduler_and_exits_0() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let server = Server::start(&Options::new(&data, MANDATE_CHANGED, &[EDU]));
    let raw = Raw::new(&server);
    let log = server.log.clone();
    let answered = Mutex::new(Vec::<(u16, Value)>::new());
    let sent = AtomicUsize::new(0);
    let clean = std::thread::scope(|s| {
        for thread in 0..THREADS {
            let (raw, answered, sent) = (&raw, &answered, &sent);
            s.spawn(move || {
                for i in 0.. {
                    let body = catalog_update(&format!("shutdown {thread}-{i}"));
                    sent.fetch_add(1, Ordering::Relaxed);
                    match raw.post("edu", "/v1/cases", None, &body) {
                        Some(answer) => answered.lock().unwrap().push(answer),
                        // Refused: the listener is closed.
                        None => return,
                    }
                }
            });
        }
        let started = Instant::now();
        while sent.load(Ordering::Relaxed) < 100 && started.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(5));
        }
        server.terminate()
    });
    assert!(clean, "SIGTERM under load exits 0");
    let answered = answered.into_inner().unwrap();
    assert!(answered.len() >= 50, "only {} answers", answered.len());
    let refused: Vec<_> = answered.iter().filter(|(s, _)| *s != 201).collect();
    assert!(refused.is_empty(), "answers other than 201: {refused:#?}");
    let text = std::fs::read_to_string(&log).unwrap();
    for line in [
        "shutting down: finishing requests in flight",
        "stopped watching packs and policies",
        "scheduler stopped",
    ] {
        assert!(text.contains(line), "the log lacks `{line}`:\n{text}");
    }

    let server = Server::start(&Options::new(&data, MANDATE_CHANGED, &[EDU]));
    for (_, case) in &answered {
        let id = id(case);
        let stored = server.get("admin", &format!("/v1/cases/{id}"));
        assert_eq!(stored.status, 200, "acknowledged {id} is gone: {stored:#?}");
    }
    assert!(server.terminate());
}

/// Pins that SIGTERM does not wait for a long move: a `POST /v1/admin/clock` firing the
/// warnings and lapses of 1,500 catalog updates is under way (the first lapses are committed)
/// when SIGTERM arrives; it stops between two chunks and is answered `503 shutting_down`,
/// the process exits 0, and after a restart every case has lapsed once with its penalty
/// case (`long_moves.rs` has the same for a move answered `202`).
#[test]
fn sigterm_stops_a_clock_move_in_flight_and_the_rest_fires_after_a_restart() {
    // 3,000 timers in chunks of 512: SIGTERM after the first lapses leaves chunks to go.
    const CASES: usize = 1500;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let server = Server::start(&Options::new(&data, MANDATE_CHANGED, &[EDU]));
    let opened = bulk_submit(&server, CASES, THREADS);
    let raw = Raw::new(&server);
    let mover = std::thread::spawn(move || {
        raw.post(
            "admin",
            "/v1/admin/clock",
            None,
            &json!({"now": AFTER_THE_LAPSES}),
        )
    });
    let started = Instant::now();
    while metric(&server, "govflow_lapses_fired_total") == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no lapse fired"
        );
    }
    assert!(server.terminate(), "SIGTERM during a clock move exits 0");
    let (status, moved) = mover.join().unwrap().expect("the clock move is answered");
    assert_eq!(
        (status, &moved["code"]),
        (503, &json!("shutting_down")),
        "{moved:#}"
    );

    let server = Server::start(&Options::new(&data, AFTER_THE_LAPSES, &[EDU]));
    let lapsed = govflow_testkit::wait_for(Duration::from_secs(120), "every lapse", || {
        let lapsed = count_by_case(&all_events(&server), "lapsed");
        (lapsed.len() == CASES).then_some(lapsed)
    });
    assert_eq!(lapsed.keys().cloned().collect::<BTreeSet<_>>(), opened);
    assert!(lapsed.values().all(|n| *n == 1), "{lapsed:?}");
    let penalties = all_cases(&server, "city=wanzhou&procedure=rectification");
    assert_eq!(penalties.len(), CASES);
    assert!(server.terminate());
}
