//! Several `govflow serve` processes on one PostgreSQL database, as behind a load
//! balancer: clients send to any node, the simulated clock moved on one moves for all, and
//! a node killed or frozen in the middle of a move that fires thousands of timers loses
//! nothing and doubles nothing.

use super::EDU;
use crate::support::server::{token, Options, Server};
use govflow_testkit::wait_for;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Cases opened by the test; each lapses once, so the move fires two timers per case
/// (warning and lapse) and opens as many penalty cases.
const CASES: usize = 1500;
const START: &str = "2023-09-28T09:00:00+08:00";
/// Past every case's lapse (10-19 00:00) but before its penalty's (11-03).
const MOVED: &str = "2023-10-25T10:00:00+08:00";

fn node(dir: &Path, name: &str, url: &str) -> Server {
    let mut options = Options::new(&dir.join(name), START, &[EDU]);
    options.store = Some(url.to_owned());
    Server::start(&options)
}

/// Opens the cases, each on the next node in turn; every one acknowledged with 201.
fn open_cases(nodes: &[&Server]) -> Vec<String> {
    (0..CASES)
        .map(|i| {
            let case = nodes[i % nodes.len()].submit(
                "edu",
                json!({"city": "wanzhou", "procedure": "catalog_update", "provider": "区教委"}),
            );
            case["id"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// The feed as one node serves it, read on from where the last read stopped.
#[derive(Default)]
struct Feed {
    events: Vec<Value>,
    after: u64,
}

impl Feed {
    fn read_on(&mut self, server: &Server) -> &[Value] {
        loop {
            let path = format!("/v1/events?after={}&limit=1000", self.after);
            let page = server.get("admin", &path);
            assert_eq!(page.status, 200, "{page:#?}");
            let events = page.body["events"].as_array().unwrap().clone();
            if events.is_empty() {
                return &self.events;
            }
            self.after = page.body["next_after"].as_u64().unwrap();
            self.events.extend(events);
        }
    }

    fn count(&self, kind: &str) -> usize {
        self.events.iter().filter(|e| e["type"] == kind).count()
    }
}

/// The whole feed as one node serves it.
fn feed(server: &Server) -> Vec<Value> {
    Feed::default().read_on(server).to_vec()
}

/// Starts moving the clock on `server` without waiting for the answer (the node may die
/// before it gives one).
fn move_clock_in_background(server: &Server) -> std::thread::JoinHandle<()> {
    let url = server.url("/v1/admin/clock");
    std::thread::spawn(move || {
        let _ = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(300))
            .build()
            .unwrap()
            .post(url)
            .bearer_auth(token("admin"))
            .json(&json!({"now": MOVED}))
            .send();
    })
}

/// Waits until the move has fired something, so a node is stopped in the middle of it.
fn wait_for_lapses(server: &Server) {
    let mut feed = Feed::default();
    wait_for(Duration::from_secs(120), "the first lapses", || {
        feed.read_on(server);
        (feed.count("lapsed") > 0).then_some(())
    });
}

/// Every case lapsed exactly once and warned exactly once; one penalty case each; the feed
/// is numbered 1, 2, 3… with no gap and no repeat.
fn assert_fired_exactly_once(events: &[Value], cases: &[String]) {
    let seqs: Vec<u64> = events.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    let expected: Vec<u64> = (1..=events.len() as u64).collect();
    assert_eq!(seqs, expected, "the feed has no gap and no repeat");
    let mut per_case: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for e in events {
        *per_case
            .entry(e["case"].as_str().unwrap())
            .or_default()
            .entry(e["type"].as_str().unwrap())
            .or_default() += 1;
    }
    for id in cases {
        let kinds = &per_case[id.as_str()];
        assert_eq!(kinds.get("opened"), Some(&1), "{id}: {kinds:?}");
        assert_eq!(kinds.get("warning"), Some(&1), "{id}: {kinds:?}");
        assert_eq!(kinds.get("lapsed"), Some(&1), "{id}: {kinds:?}");
        assert_eq!(kinds.get("penalty_opened"), Some(&1), "{id}: {kinds:?}");
    }
    let penalties = events
        .iter()
        .filter(|e| e["type"] == "opened" && !e["details"]["parent"].is_null())
        .count();
    assert_eq!(penalties, cases.len(), "one penalty case per lapse");
}

/// Waits until every case has lapsed as `server` sees the feed, then returns the feed.
fn wait_until_all_lapsed(server: &Server, cases: &[String]) -> Vec<Value> {
    let mut feed = Feed::default();
    wait_for(Duration::from_secs(180), "every case to lapse", || {
        feed.read_on(server);
        let done =
            feed.count("lapsed") >= cases.len() && feed.count("penalty_opened") >= cases.len();
        done.then(|| feed.events.clone())
    })
}

/// A move of the clock on one node is seen by the others; a node SIGKILLed while the
/// move fires thousands of timers leaves the rest to the others, who fire each timer
/// once; a node started afterwards joins the moved clock and fires nothing again.
#[test]
fn a_node_killed_during_a_clock_move_leaves_every_timer_fired_once() {
    let tmp = tempfile::tempdir().unwrap();
    let url = govflow_testkit::postgres::shared().database();
    let a = node(tmp.path(), "a", &url);
    let b = node(tmp.path(), "b", &url);
    let c = node(tmp.path(), "c", &url);
    let cases = open_cases(&[&a, &b, &c]);

    let mover = move_clock_in_background(&a);
    wait_for_lapses(&b);
    a.kill();
    let _ = mover.join();
    for other in [&b, &c] {
        wait_for(
            Duration::from_secs(30),
            "the clock to move on every node",
            || {
                let clock = other.get("admin", "/v1/clock");
                (clock.body["now"].as_str()? >= "2023-10-25").then_some(())
            },
        );
    }
    let events = wait_until_all_lapsed(&c, &cases);
    assert_fired_exactly_once(&events, &cases);

    let again = node(tmp.path(), "a-again", &url);
    let clock = again.get("admin", "/v1/clock");
    assert!(
        clock.body["now"].as_str().unwrap() >= "2023-10-25",
        "a node started with an earlier --start joins the shared clock: {clock:#?}"
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(feed(&again), feed(&b), "every node serves the same feed");
    assert_fired_exactly_once(&feed(&again), &cases);
}

/// A node frozen (SIGSTOP) in the middle of a move holds its claims past their lease: the
/// others fire its timers, and when it wakes (SIGCONT) it fires none of them again.
#[test]
fn a_node_frozen_past_its_lease_fires_nothing_twice_when_it_wakes() {
    let tmp = tempfile::tempdir().unwrap();
    let url = govflow_testkit::postgres::shared().database();
    let a = node(tmp.path(), "a", &url);
    let b = node(tmp.path(), "b", &url);
    let cases = open_cases(&[&a, &b]);

    let mover = move_clock_in_background(&a);
    wait_for_lapses(&b);
    b.signal("STOP");
    let events = wait_until_all_lapsed(&a, &cases);
    let _ = mover.join();
    b.signal("CONT");
    // Let the woken node finish whatever it had in hand, then look again.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(b.get("admin", "/healthz").status, 200);
    let after = feed(&a);
    assert_fired_exactly_once(&after, &cases);
    assert!(after.len() >= events.len());
}

/// PostgreSQL itself crashes and restarts (`pg_ctl restart -m immediate`) while two nodes
/// take submissions, each retried with its `Idempotency-Key` until acknowledged: every
/// acknowledged case is there once, and the feed has no gap and no repeat.
#[test]
fn a_database_crash_under_load_loses_no_acknowledged_case() {
    let tmp = tempfile::tempdir().unwrap();
    // A server of its own: the shared one serves the other tests meanwhile.
    let server = govflow_testkit::postgres::Server::start();
    let url = server.database();
    let nodes = [node(tmp.path(), "a", &url), node(tmp.path(), "b", &url)];
    let (clients, each) = (8, 100);
    let (acked, refused) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let acknowledged: Vec<(String, String)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..clients)
            .map(|c| {
                let (nodes, acked, refused) = (&nodes, &acked, &refused);
                s.spawn(move || {
                    let http = reqwest::blocking::Client::builder()
                        .timeout(Duration::from_secs(30))
                        .build()
                        .unwrap();
                    let mut done = Vec::new();
                    for i in 0..each {
                        let key = format!("load-{c}-{i}");
                        let mut attempt = 0;
                        let id = loop {
                            attempt += 1;
                            let node = &nodes[(c + attempt) % nodes.len()];
                            let sent = http
                                .post(node.url("/v1/cases"))
                                .bearer_auth(token("edu"))
                                .header("Idempotency-Key", &key)
                                .json(&json!({"city": "wanzhou", "procedure": "catalog_update",
                                              "provider": "区教委"}))
                                .send();
                            if let Ok(reply) = sent {
                                if reply.status().is_success() {
                                    let body: Value = reply.json().unwrap();
                                    acked.fetch_add(1, Ordering::Relaxed);
                                    break body["id"].as_str().unwrap().to_owned();
                                }
                            }
                            refused.fetch_add(1, Ordering::Relaxed);
                            assert!(attempt < 600, "{key} never acknowledged");
                            std::thread::sleep(Duration::from_millis(100));
                        };
                        done.push((key, id));
                    }
                    done
                })
            })
            .collect();
        // In the middle of the load: a third of the submissions acknowledged.
        wait_for(
            Duration::from_secs(120),
            "a third of the submissions",
            || (acked.load(Ordering::Relaxed) >= clients * each / 3).then_some(()),
        );
        server.restart_immediately();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert_eq!(acknowledged.len(), clients * each);
    assert!(
        refused.load(Ordering::Relaxed) > 0,
        "the crash hit no request: it was not under load"
    );
    let events = feed(&nodes[0]);
    let seqs: Vec<u64> = events.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=events.len() as u64).collect::<Vec<_>>(),
        "no gap, no repeat"
    );
    let opened: BTreeMap<&str, usize> =
        events
            .iter()
            .filter(|e| e["type"] == "opened")
            .fold(BTreeMap::new(), |mut m, e| {
                *m.entry(e["case"].as_str().unwrap()).or_default() += 1;
                m
            });
    for (key, id) in &acknowledged {
        assert_eq!(opened.get(id.as_str()), Some(&1), "{key} → {id}");
    }
    assert_eq!(
        opened.len(),
        acknowledged.len(),
        "one case per key, none besides"
    );
}

/// Recurring obligations are handled by one node for the cluster: exactly one node leads
/// them, and when it stops cleanly (giving the role up) another takes it.
#[test]
fn one_node_leads_the_recurring_obligations_and_another_takes_over_when_it_stops() {
    let tmp = tempfile::tempdir().unwrap();
    let url = govflow_testkit::postgres::shared().database();
    let nodes = [node(tmp.path(), "a", &url), node(tmp.path(), "b", &url)];
    let leader = wait_for(Duration::from_secs(30), "one node leading", || {
        match (nodes[0].leads("obligations"), nodes[1].leads("obligations")) {
            (Some(true), Some(false)) => Some(0),
            (Some(false), Some(true)) => Some(1),
            _ => None,
        }
    });
    let [a, b] = nodes;
    let (leading, other) = if leader == 0 { (a, b) } else { (b, a) };
    assert!(leading.terminate(), "the leader stops cleanly on SIGTERM");
    wait_for(
        Duration::from_secs(60),
        "the other node taking over",
        || (other.leads("obligations") == Some(true)).then_some(()),
    );
}

/// Two nodes, each with its own copy of the packs: a pack edited on one and reloaded
/// there through its file watcher is what the other serves and opens cases under, and a
/// broken edit's error shows on both while the last good pack keeps serving.
#[test]
fn a_pack_reloaded_on_one_node_is_served_by_the_other() {
    let tmp = tempfile::tempdir().unwrap();
    let url = govflow_testkit::postgres::shared().database();
    let node_with_own_packs = |name: &str| {
        let root = tmp.path().join(format!("{name}-files"));
        let (cities, policies) = govflow_testkit::copy_sources(&root);
        let mut options = Options::new(&tmp.path().join(name), START, &[EDU]);
        options.store = Some(url.clone());
        (options.cities, options.policies) = (cities.clone(), policies);
        (Server::start(&options), cities)
    };
    let (a, files_a) = node_with_own_packs("a");
    let (b, _) = node_with_own_packs("b");
    let served = |server: &Server| {
        let packs = server.get("admin", "/v1/packs");
        assert_eq!(packs.status, 200, "{packs:#?}");
        let wanzhou = packs.body["packs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["city"] == "wanzhou")
            .cloned()
            .unwrap();
        wanzhou
    };
    let before = served(&b)["version"].clone();

    let procedure = files_a.join("wanzhou/procedures/catalog_update.yaml");
    let text = std::fs::read_to_string(&procedure).unwrap();
    let edited = text.replacen("title: ", "title: 改 ", 1);
    assert_ne!(edited, text);
    std::fs::write(&procedure, edited).unwrap();
    let version = wait_for(Duration::from_secs(30), "a reloading its edit", || {
        let now = served(&a)["version"].clone();
        (now != before).then_some(now)
    });
    wait_for(Duration::from_secs(30), "b serving a's edit", || {
        (served(&b)["version"] == version).then_some(())
    });
    let case = b.submit(
        "edu",
        json!({"city": "wanzhou", "procedure": "catalog_update", "provider": "区教委"}),
    );
    assert_eq!(case["pack_version"], version);

    std::fs::write(&procedure, "states: [unclosed").unwrap();
    let error = wait_for(Duration::from_secs(30), "b showing a's error", || {
        let on_b = served(&b);
        (!on_b["last_error"].is_null()).then_some(on_b)
    });
    assert_eq!(error["version"], version, "the last good pack still serves");
    let text = error["last_error"].to_string();
    assert!(text.contains("catalog_update.yaml"), "{text}");
}
