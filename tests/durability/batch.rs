//! A batch submission (`POST /v1/cases:batch`) answered 200 is on disk: SIGKILL right after
//! the answer loses none of its cases, and a batch the kill cut off was stored whole or not
//! at all (its items are one commit).

use super::kit::{catalog_update, id, Raw, EDU, MANDATE_CHANGED};
use crate::support::server::{Options, Server};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

const THREADS: usize = 4;
const ITEMS: usize = 16;
const ROUNDS: usize = 3;

/// Batch `n` of thread `thread` in round `round`: every item keyed.
fn batch(round: usize, thread: usize, n: usize) -> Value {
    let items: Vec<Value> = (0..ITEMS)
        .map(|i| {
            let key = format!("batch-{round}-{thread}-{n}-{i}");
            json!({"idempotency_key": key, "case": catalog_update(&key)})
        })
        .collect();
    json!({ "items": items })
}

/// The cases a 200 answer opened or replayed, in order, and each item's status.
fn outcome(answer: &Value) -> (Vec<String>, Vec<u64>) {
    let items = answer["items"].as_array().expect("items");
    let statuses = items
        .iter()
        .map(|i| i["status"].as_u64().unwrap())
        .collect();
    let ids = items.iter().map(|i| id(&i["case"])).collect();
    (ids, statuses)
}

/// Clients send batches until the first is answered 200; the server is then killed under
/// them. Returns the acknowledged batches (body and case ids) and the cut-off bodies.
fn load_and_kill(data: &Path, round: usize) -> (Vec<(Value, Vec<String>)>, Vec<Value>) {
    let server = Server::start(&Options::new(data, MANDATE_CHANGED, &[EDU]));
    let raw = Raw::new(&server);
    let stop = AtomicBool::new(false);
    let acknowledged = Mutex::new(Vec::new());
    let cut_off = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for thread in 0..THREADS {
            let (raw, stop, acknowledged, cut_off) = (&raw, &stop, &acknowledged, &cut_off);
            s.spawn(move || {
                for n in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let body = batch(round, thread, n);
                    match raw.post("edu", "/v1/cases:batch", None, &body) {
                        Some((200, answer)) => {
                            let (ids, statuses) = outcome(&answer);
                            assert_eq!(statuses, [201; ITEMS], "{answer:#}");
                            acknowledged.lock().unwrap().push((body, ids));
                        }
                        Some((status, answer)) => panic!("{status}: {answer:#}"),
                        None => {
                            cut_off.lock().unwrap().push(body);
                            return;
                        }
                    }
                }
            });
        }
        super::kit::wait_for(Duration::from_secs(30), "a batch answered 200", || {
            (!acknowledged.lock().unwrap().is_empty()).then_some(())
        });
        server.kill();
        stop.store(true, Ordering::SeqCst);
    });
    (
        acknowledged.into_inner().unwrap(),
        cut_off.into_inner().unwrap(),
    )
}

#[test]
fn a_batch_answered_200_survives_sigkill_and_a_cut_off_one_is_all_or_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    for round in 0..ROUNDS {
        let (acknowledged, cut_off) = load_and_kill(&data, round);
        let server = Server::start(&Options::new(&data, MANDATE_CHANGED, &[EDU]));
        let raw = Raw::new(&server);
        for (body, ids) in &acknowledged {
            for case in ids {
                let stored = server.get("admin", &format!("/v1/cases/{case}"));
                assert_eq!(stored.status, 200, "round {round}: {case} is gone");
            }
            let (status, answer) = raw.post("edu", "/v1/cases:batch", None, body).unwrap();
            assert_eq!(status, 200, "{answer:#}");
            assert_eq!(outcome(&answer), (ids.clone(), vec![200; ITEMS]));
        }
        for body in &cut_off {
            let (status, answer) = raw.post("edu", "/v1/cases:batch", None, body).unwrap();
            assert_eq!(status, 200, "{answer:#}");
            let (_, statuses) = outcome(&answer);
            assert!(
                statuses == [200; ITEMS] || statuses == [201; ITEMS],
                "round {round}: a cut-off batch was stored in part: {statuses:?}"
            );
        }
        server.kill();
    }
}
