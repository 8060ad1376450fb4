//! Two nodes with webhooks on one PostgreSQL database: the node leading the `webhooks`
//! role delivers, so each event arrives once whichever node committed it; when that node
//! is killed, the other takes the role once its lease passes and goes on from the stored
//! cursor.

use super::receiver::Receiver;
use super::{feed, open_wanzhou, options, subscribe, CITIZEN};
use crate::support::server::Server;
use serde_json::json;
use std::collections::BTreeSet;
use std::time::Duration;

#[test]
fn on_two_nodes_one_delivers_each_event_and_the_other_takes_over_when_it_dies() {
    let tmp = tempfile::tempdir().unwrap();
    let url = govflow_testkit::postgres::shared().database();
    let receiver = Receiver::start();
    let start = |name: &str| {
        let dir = tmp.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let mut options = options(&dir, "2021-02-22T10:00:00+08:00", &[CITIZEN]);
        options.store = Some(url.clone());
        Server::start(&options)
    };
    let nodes = [start("a"), start("b")];
    let (id, secret) = subscribe(
        &nodes[1],
        json!({"url": receiver.url, "kinds": ["opened"], "city": "wanzhou"}),
    );
    let mut cases: Vec<String> = (0..10).map(|i| open_wanzhou(&nodes[i % 2])).collect();
    let first = receiver.wait_acknowledged(10);

    let leader =
        govflow_testkit::wait_for(Duration::from_secs(30), "one node leading", || {
            match (nodes[0].leads("webhooks"), nodes[1].leads("webhooks")) {
                (Some(true), Some(false)) => Some(0),
                (Some(false), Some(true)) => Some(1),
                _ => None,
            }
        });
    // Every delivery of the ten was made by the leader alone: no event arrived twice, even
    // after the other node's delivery worker has looked at the feed several times.
    std::thread::sleep(Duration::from_secs(5));
    let ids: Vec<String> = receiver.received().iter().map(|r| r.id()).collect();
    let distinct: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(ids.len(), 10, "{ids:?}");
    assert_eq!(distinct.len(), 10, "{ids:?}");

    let [a, b] = nodes;
    let (dead, survivor) = if leader == 0 { (a, b) } else { (b, a) };
    dead.kill();
    cases.extend((0..5).map(|_| open_wanzhou(&survivor)));
    let all = govflow_testkit::wait_for(
        Duration::from_secs(90),
        "the survivor delivering the rest",
        || Some(receiver.acknowledged()).filter(|a| a.len() >= 15),
    );
    assert_eq!(survivor.leads("webhooks"), Some(true));
    let expected: Vec<u64> = feed(&survivor, "wanzhou", &["opened"])
        .iter()
        .filter(|e| cases.contains(&e["case"].as_str().unwrap().to_owned()))
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    let got: Vec<u64> = all.iter().map(|r| r.seq()).collect();
    assert_eq!(got, expected, "every event once, in feed order");
    let ids = |r: &[super::receiver::Received]| r.iter().map(|d| d.id()).collect::<Vec<_>>();
    assert_eq!(ids(&all[..10]), ids(&first[..10]));
    for d in &all {
        assert_eq!(d.id(), format!("msg_{id}_{}", d.seq()));
        d.verify(&secret).unwrap();
    }
}
