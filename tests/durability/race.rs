//! Timers firing while clients act on the same cases, and a SIGKILL in the middle.

use super::kit::{
    all_cases, all_events, bulk_submit, metric, wait_for, Raw, AFTER_THE_LAPSES, BUREAU, EDU,
    MANDATE_CHANGED,
};
use crate::support::server::{Options, Server};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const CASES: usize = 600;
const THREADS: usize = 8;
/// [`AFTER_THE_LAPSES`] in UTC, as the API writes it.
const AFTER: &str = "2023-10-19T16:00:00Z";

/// No deadline due before [`AFTER`] is still open: every timer due by then has fired.
fn nothing_left_due(cases: &[Value]) -> bool {
    cases.iter().all(|c| {
        c["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["status"] != "open" || d["due_at"].as_str().unwrap() >= AFTER)
    })
}

/// Exactly once, from the stored data alone: each missed deadline (case, name, due date)
/// has exactly one `lapsed` event and no other deadline has one; each case has as many
/// penalty cases and `penalty_opened` events as lapses of `apply` (0 or 1).
fn assert_exactly_once(server: &Server) -> BTreeMap<String, usize> {
    let mut lapses: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    let mut penalty_events: BTreeMap<String, usize> = BTreeMap::new();
    for e in all_events(server) {
        let case = e["case"].as_str().unwrap().to_owned();
        match e["type"].as_str().unwrap() {
            "lapsed" => {
                let d = &e["details"];
                let deadline = d["deadline"].as_str().unwrap().to_owned();
                let due = d["due_date"].as_str().unwrap().to_owned();
                *lapses.entry((case, deadline, due)).or_default() += 1;
            }
            "penalty_opened" => *penalty_events.entry(case).or_default() += 1,
            _ => {}
        }
    }
    let twice: Vec<_> = lapses.iter().filter(|(_, n)| **n != 1).collect();
    assert!(
        twice.is_empty(),
        "deadlines that lapsed more than once: {twice:?}"
    );
    let cases = all_cases(server, "city=wanzhou");
    assert!(nothing_left_due(&cases), "a due timer never fired");
    let mut children: BTreeMap<&str, usize> = BTreeMap::new();
    for parent in cases.iter().filter_map(|c| c["parent"].as_str()) {
        *children.entry(parent).or_default() += 1;
    }
    let mut missed = 0;
    let mut states = BTreeMap::new();
    for c in &cases {
        let id = c["id"].as_str().unwrap();
        for d in c["deadlines"].as_array().unwrap() {
            let key = (
                id.to_owned(),
                d["name"].as_str().unwrap().to_owned(),
                d["due_date"].as_str().unwrap().to_owned(),
            );
            let lapsed = lapses.get(&key).copied().unwrap_or(0);
            assert_eq!(
                lapsed,
                usize::from(d["status"] == "missed"),
                "{key:?}: {c:#}"
            );
            missed += lapsed;
        }
        let apply = lapses
            .keys()
            .filter(|(case, d, _)| case == id && d == "apply")
            .count();
        assert_eq!(
            children.get(id).copied().unwrap_or(0),
            apply,
            "penalty cases of {id}"
        );
        assert_eq!(
            penalty_events.get(id).copied().unwrap_or(0),
            apply,
            "penalty events of {id}"
        );
        let state = format!("{} overdue={}", c["state"].as_str().unwrap(), c["overdue"]);
        *states.entry(state).or_default() += 1;
    }
    assert_eq!(
        missed,
        lapses.len(),
        "every `lapsed` event belongs to a missed deadline"
    );
    states
}

/// Acts on its share of the cases round and round (submit; return with reasons; submit…)
/// until stopped or the server stops answering.
fn act(raw: &Raw, ids: &[String], thread: usize, stop: &AtomicBool) {
    let reject = json!({"data": {"decision": "reject", "reasons": "目录项缺少共享属性"}});
    let mine: Vec<&String> = ids.iter().rev().skip(thread).step_by(THREADS).collect();
    let mut reviewing = vec![false; mine.len()];
    while !stop.load(Ordering::Relaxed) {
        for (i, id) in mine.iter().enumerate() {
            let (who, action, body) = if reviewing[i] {
                ("bureau", "reply", &reject)
            } else {
                ("edu", "submit", &json!({}))
            };
            match raw.post(who, &format!("/v1/cases/{id}/actions/{action}"), None, body) {
                Some((200, case)) => reviewing[i] = case["state"] == "reviewing",
                Some((status, body)) => panic!("{action} on {id}: {status} {body:#}"),
                None => return,
            }
        }
    }
}

/// Pins exactly-once firing when timers race actions on the same cases: 600 catalog
/// updates, the clock just before their `apply` lapses, then a clock move past them while
/// 8 clients keep submitting and returning the same cases (so the scheduler's batches
/// conflict and timers are decided again one by one); SIGKILL once lapses are being
/// committed (or the move is over), restart with the clock after the lapses. Every
/// deadline due by then is decided, each missed one has exactly one `lapsed` event, and
/// each lapsed `apply` exactly one penalty case.
#[test]
fn timers_racing_actions_fire_exactly_once_across_a_kill() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let who = [EDU, BUREAU];
    let server = Server::start(&Options::new(&data, MANDATE_CHANGED, &who));
    let ids: Vec<String> = bulk_submit(&server, CASES, THREADS).into_iter().collect();
    server.set_clock("2023-10-18T23:59:00+08:00");
    let raw = Raw::new(&server);
    let stop = AtomicBool::new(false);
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
    std::thread::scope(|s| {
        for thread in 0..THREADS {
            let (raw, ids, stop) = (&raw, &ids, &stop);
            s.spawn(move || act(raw, ids, thread, stop));
        }
        let started = Instant::now();
        while metric(&server, "govflow_lapses_fired_total") < 50
            && !mover.is_finished()
            && started.elapsed() < Duration::from_secs(20)
        {
            std::thread::sleep(Duration::from_millis(2));
        }
        server.kill();
        stop.store(true, Ordering::Relaxed);
    });
    let moved = mover.join().unwrap();

    let server = Server::start(&Options::new(&data, AFTER_THE_LAPSES, &who));
    wait_for(Duration::from_secs(30), "every due timer to fire", || {
        nothing_left_due(&all_cases(&server, "city=wanzhou")).then_some(())
    });
    let states = assert_exactly_once(&server);
    eprintln!(
        "after the race (clock move answered: {}): {states:?}",
        moved.is_some()
    );
    let catalog = all_cases(&server, "city=wanzhou&procedure=catalog_update");
    assert_eq!(catalog.len(), CASES, "the race opened no catalog update");
    assert!(server.terminate());
}
