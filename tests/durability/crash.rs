//! SIGKILL under load: nothing acknowledged is lost, an idempotent retry finds its case,
//! and every timer fires exactly once afterwards.

use super::kit::{
    all_cases, all_events, catalog_update, count_by_case, id, Raw, AFTER_THE_LAPSES, BUREAU, EDU,
    MANDATE_CHANGED,
};
use crate::support::server::{Options, Server};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const THREADS: usize = 8;
/// Kill once this many cases of the cycle were acknowledged (or after [`LOAD_LIMIT`]).
const CASES_PER_CYCLE: usize = 120;
const LOAD_LIMIT: Duration = Duration::from_secs(2);
const CYCLES: usize = 3;

/// What the clients were told: the highest acknowledged revision (and its state) per case,
/// and every idempotency key sent with the case it was acknowledged for, if it was.
#[derive(Default)]
struct Acks {
    cases: BTreeMap<String, (u64, String)>,
    keys: Vec<(String, Option<String>)>,
    /// Answers that were not 2xx (none is expected).
    refused: Vec<(String, u16, Value)>,
}

impl Acks {
    fn case(&mut self, body: &Value) {
        let revision = body["revision"].as_u64().expect("a case has a revision");
        let state = body["state"].as_str().unwrap().to_owned();
        let entry = self.cases.entry(id(body)).or_insert((0, String::new()));
        if revision >= entry.0 {
            *entry = (revision, state);
        }
    }
}

/// One client's loop: open a catalog update under an idempotency key, then take it to
/// one of four places (left awaiting the application; submitted; submitted and returned;
/// submitted, returned and submitted again), recording every 2xx.
fn client(
    raw: &Raw,
    cycle: usize,
    thread: usize,
    stop: &AtomicBool,
    opened: &AtomicUsize,
    acks: &Mutex<Acks>,
) {
    let reasons = json!({"data": {"decision": "reject", "reasons": "目录项缺少共享属性"}});
    let steps: [&[(&str, &str)]; 4] = [
        &[],
        &[("edu", "submit")],
        &[("edu", "submit"), ("bureau", "reply")],
        &[("edu", "submit"), ("bureau", "reply"), ("edu", "submit")],
    ];
    for i in 0.. {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let key = format!("crash-{cycle}-{thread}-{i}");
        let answer = raw.post("edu", "/v1/cases", Some(&key), &catalog_update(&key));
        let case = match answer {
            Some((201, body)) => {
                let mut acks = acks.lock().unwrap();
                acks.case(&body);
                acks.keys.push((key, Some(id(&body))));
                opened.fetch_add(1, Ordering::Relaxed);
                id(&body)
            }
            Some((status, body)) => {
                acks.lock().unwrap().refused.push((key, status, body));
                continue;
            }
            // No answer: the server is being killed.
            None => {
                acks.lock().unwrap().keys.push((key, None));
                return;
            }
        };
        for (who, action) in steps[i % steps.len()] {
            let body = if *action == "reply" {
                reasons.clone()
            } else {
                json!({})
            };
            let path = format!("/v1/cases/{case}/actions/{action}");
            match raw.post(who, &path, None, &body) {
                Some((200, body)) => acks.lock().unwrap().case(&body),
                Some((status, body)) => {
                    acks.lock().unwrap().refused.push((path, status, body));
                    break;
                }
                None => return,
            }
        }
    }
}

/// Runs the clients against `server` until enough cases were acknowledged, then kills the
/// server under them.
fn load_and_kill(server: Server, cycle: usize, acks: &Mutex<Acks>) {
    let raw = Raw::new(&server);
    let stop = AtomicBool::new(false);
    let opened = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for thread in 0..THREADS {
            let (raw, stop, opened) = (&raw, &stop, &opened);
            s.spawn(move || client(raw, cycle, thread, stop, opened, acks));
        }
        let started = Instant::now();
        while opened.load(Ordering::Relaxed) < CASES_PER_CYCLE && started.elapsed() < LOAD_LIMIT {
            std::thread::sleep(Duration::from_millis(5));
        }
        server.kill();
        stop.store(true, Ordering::Relaxed);
    });
    assert!(
        opened.load(Ordering::Relaxed) > 0,
        "cycle {cycle}: no case was opened before the kill"
    );
}

fn start(data: &Path) -> Server {
    Server::start(&Options::new(data, MANDATE_CHANGED, &[EDU, BUREAU]))
}

/// Checks, after a restart, that every acknowledged case is there at least as far as it
/// was acknowledged, and that retrying any submission under its key returns one case:
/// the acknowledged one (200), or for a request the kill cut off, whichever case the
/// first retry finds or opens.
fn check_acknowledged(server: &Server, acks: &mut Acks) {
    for (case, (revision, state)) in &acks.cases {
        let stored = server.get("admin", &format!("/v1/cases/{case}"));
        assert_eq!(
            stored.status, 200,
            "acknowledged case {case} is gone: {stored:#?}"
        );
        let stored_revision = stored.body["revision"].as_u64().unwrap();
        assert!(
            stored_revision >= *revision,
            "{case} was acknowledged at revision {revision} but is stored at {stored_revision}"
        );
        if stored_revision == *revision {
            assert_eq!(
                stored.body["state"],
                state.as_str(),
                "{case} at revision {revision}"
            );
        }
    }
    let mut found = Vec::new();
    for (key, acknowledged) in &acks.keys {
        let (status, body) = super::kit::submit_with_key(server, "edu", key, &catalog_update(key));
        match acknowledged {
            Some(case) => {
                assert_eq!(status, 200, "a retry under `{key}` replays: {body:#}");
                assert_eq!(&id(&body), case, "a retry under `{key}` returns its case");
            }
            None => {
                assert!(
                    status == 200 || status == 201,
                    "retry under `{key}`: {status} {body:#}"
                );
                let (again, body_again) =
                    super::kit::submit_with_key(server, "edu", key, &catalog_update(key));
                assert_eq!(
                    again, 200,
                    "a second retry under `{key}` replays: {body_again:#}"
                );
                assert_eq!(id(&body_again), id(&body), "one case per key `{key}`");
                found.push((key.clone(), body));
            }
        }
    }
    for (key, body) in found {
        acks.case(&body);
        for k in acks.keys.iter_mut().filter(|(k, _)| *k == key) {
            k.1 = Some(id(&body));
        }
    }
}

/// After the clock passed every deadline: each catalog update lapsed exactly once if it
/// had an open deadline (`apply` while awaiting the application, `review` while being
/// reviewed), with exactly one warning before; only a lapsed `apply` opened a penalty
/// case, exactly one.
fn check_exactly_once(server: &Server, expected_cases: usize) {
    let cases = all_cases(server, "city=wanzhou&procedure=catalog_update");
    assert_eq!(cases.len(), expected_cases, "one case per idempotency key");
    let events = all_events(server);
    let lapsed = count_by_case(&events, "lapsed");
    let warned = count_by_case(&events, "warning");
    let mut parents: BTreeMap<String, usize> = BTreeMap::new();
    let penalties = all_cases(server, "city=wanzhou&procedure=rectification");
    for p in &penalties {
        *parents
            .entry(p["parent"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    let mut open_deadline = 0;
    let mut awaiting = 0;
    for case in &cases {
        let id = id(case);
        let state = case["state"].as_str().unwrap();
        let (lapses, children) = match state {
            "awaiting_application" => (1, 1),
            "reviewing" => (1, 0),
            "returned" => (0, 0),
            other => panic!("{id} is in `{other}`: {case:#}"),
        };
        open_deadline += lapses;
        awaiting += children;
        assert_eq!(
            lapsed.get(&id).copied().unwrap_or(0),
            lapses,
            "`lapsed` events of {id} ({state})"
        );
        assert_eq!(
            warned.get(&id).copied().unwrap_or(0),
            lapses,
            "`warning` events of {id} ({state})"
        );
        assert_eq!(
            parents.get(&id).copied().unwrap_or(0),
            children,
            "penalty cases of {id} ({state})"
        );
        assert_eq!(case["overdue"], lapses == 1, "{id} ({state})");
    }
    assert_eq!(
        lapsed.values().sum::<usize>(),
        open_deadline,
        "no other lapse"
    );
    assert_eq!(penalties.len(), awaiting, "no other penalty case");
    assert!(
        awaiting > 0 && open_deadline > awaiting,
        "the load reached every state"
    );
}

/// Pins durability under SIGKILL: 8 clients open catalog updates under idempotency keys
/// and act on them; the server is killed mid-load three times and restarted on the same
/// data. Every acknowledged case is stored at least at its acknowledged revision (and
/// state), every acknowledged key replays its case with 200, a cut-off request's key ends
/// up with exactly one case, and once the clock passes the deadlines every armed timer has
/// fired exactly once (one `warning` and one `lapsed` event per open deadline, one
/// `rectification` child per lapsed `apply`).
#[test]
fn sigkill_under_load_loses_nothing_acknowledged_and_timers_fire_once() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let acks = Mutex::new(Acks::default());
    for cycle in 0..CYCLES {
        load_and_kill(start(&data), cycle, &acks);
        let server = start(&data);
        check_acknowledged(&server, &mut acks.lock().unwrap());
        assert!(server.terminate());
    }
    let acks = acks.into_inner().unwrap();
    assert!(
        acks.refused.is_empty(),
        "answers other than 2xx: {:#?}",
        acks.refused
    );
    let server = start(&data);
    server.set_clock(AFTER_THE_LAPSES);
    check_exactly_once(&server, acks.keys.len());
    assert!(server.terminate());
}
