//! Delivery survives `SIGKILL`: the cursor moves only after a 2xx, so the event in flight
//! when the process died is delivered again after the restart, with the same
//! `webhook-id` and secret, and every later event follows in order. On sled and on
//! PostgreSQL.

use super::receiver::{Answer, Receiver};
use super::{
    decide_the_penalty_and_let_it_lapse, feed, open_wanzhou, options, options_with, subscribe,
    CITIZEN,
};
use crate::api::who;
use crate::support::server::Server;
use serde_json::json;
use std::time::Duration;

#[test]
fn sigkill_during_a_delivery_then_restart_redelivers_it_with_the_same_id_and_loses_nothing() {
    sigkill_then_restart(None);
}

#[test]
fn on_postgres_sigkill_during_a_delivery_then_restart_loses_nothing() {
    sigkill_then_restart(Some(govflow_testkit::postgres::shared().database()));
}

/// `store`: a PostgreSQL URL, or sled when `None`.
fn sigkill_then_restart(store: Option<String>) {
    let tmp = tempfile::tempdir().unwrap();
    let receiver = Receiver::start();
    receiver.otherwise(Some(Answer::Hang(Duration::from_secs(30))));
    let start = || {
        let mut options = options(tmp.path(), "2021-02-22T10:00:00+08:00", &[CITIZEN]);
        options.store = store.clone();
        Server::start(&options)
    };
    let server = start();
    let (id, secret) = subscribe(
        &server,
        json!({"url": receiver.url, "kinds": ["opened"], "city": "wanzhou"}),
    );
    let cases: Vec<String> = (0..3).map(|_| open_wanzhou(&server)).collect();
    let in_flight =
        govflow_testkit::wait_for(Duration::from_secs(60), "a delivery in flight", || {
            receiver.received().first().cloned()
        });
    server.kill();

    receiver.otherwise(None);
    let server = start();
    let acknowledged = receiver.wait_acknowledged(3);
    assert_eq!(
        acknowledged[0].id(),
        in_flight.id(),
        "the same webhook-id after the restart"
    );
    assert_eq!(acknowledged[0].body, in_flight.body);
    let reply = server.get("admin", "/v1/events?after=0&limit=100");
    let seqs: Vec<u64> = reply.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            cases.contains(&e["case"].as_str().unwrap().to_owned()) && e["type"] == "opened"
        })
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    let got: Vec<u64> = acknowledged.iter().map(|r| r.seq()).collect();
    assert_eq!(got, seqs);
    for d in &acknowledged {
        assert_eq!(d.id(), format!("msg_{id}_{}", d.seq()));
        d.verify(&secret).unwrap();
    }
}

/// The "done when": a subscriber receives, verifies and acknowledges every
/// warning, lapse and penalty of jiaozuo's ladder across an outage of its own (503s) and a
/// `SIGKILL` and restart of govflow in the middle of the scenario. The retry schedule is
/// long enough that the outage never parks the subscription.
#[test]
fn a_scenario_arrives_whole_across_a_receiver_outage_and_a_restart_of_govflow() {
    let tmp = tempfile::tempdir().unwrap();
    let receiver = Receiver::start();
    receiver.otherwise(Some(Answer::Status(503)));
    let patient = "allow: [\"http://127.0.0.1:*\"]\nretry: [1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s]\ntimeout: 1s\n";
    let people = [
        who("transport", "jiaozuo", "市交通运输局", &["provider"]),
        who("bureau", "jiaozuo", "", &["authority"]),
    ];
    let start = || {
        Server::start(&options_with(
            patient,
            tmp.path(),
            "2021-09-30T09:00:00+08:00",
            &people,
        ))
    };
    let server = start();
    let kinds = ["warning", "lapsed", "penalty_opened"];
    let (id, secret) = subscribe(
        &server,
        json!({"url": receiver.url, "kinds": kinds, "city": "jiaozuo"}),
    );
    let case = server.submit(
        "transport",
        json!({"city": "jiaozuo", "procedure": "catalog_update", "provider": "市交通运输局",
            "data": {"event": "mandate_changed"}}),
    );
    server.set_clock("2021-10-21T00:00:00+08:00");
    let refused = govflow_testkit::wait_for(
        Duration::from_secs(60),
        "an attempt during the outage",
        || receiver.received().first().cloned(),
    );
    assert_eq!(refused.answered, 503);
    server.kill();

    receiver.otherwise(None);
    let server = start();
    decide_the_penalty_and_let_it_lapse(&server, case["id"].as_str().unwrap());

    let expected: Vec<u64> = feed(&server, "jiaozuo", &kinds)
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    let acknowledged =
        govflow_testkit::wait_for(Duration::from_secs(60), "every event acknowledged", || {
            let got = receiver.acknowledged();
            let mut seqs: Vec<u64> = got.iter().map(|r| r.seq()).collect();
            seqs.dedup();
            (seqs == expected).then_some(got)
        });
    assert_eq!(
        acknowledged[0].id(),
        refused.id(),
        "the event refused first comes first"
    );
    for d in &acknowledged {
        assert_eq!(d.id(), format!("msg_{id}_{}", d.seq()));
        d.verify(&secret).unwrap();
    }
}
