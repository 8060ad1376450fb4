//! A destination that fails: retried with the same `webhook-id` and in feed order, its
//! `Retry-After` honoured; parked once the schedule is used up (or at once on 410 Gone)
//! with nothing skipped, and resumed from the event it stopped at.

use super::receiver::{Answer, Receiver};
use super::{open_wanzhou, options, subscribe, subscription, CITIZEN};
use crate::support::server::Server;
use serde_json::{json, Value};
use std::time::Duration;

fn start(tmp: &std::path::Path) -> Server {
    Server::start(&options(tmp, "2021-02-22T10:00:00+08:00", &[CITIZEN]))
}

/// The sequence numbers of the `opened` events of `cases`, from the feed.
fn opened_seqs(server: &Server, cases: &[String]) -> Vec<u64> {
    let reply = server.get("admin", "/v1/events?after=0&limit=1000");
    reply.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["type"] == "opened" && cases.contains(&e["case"].as_str().unwrap().to_owned())
        })
        .map(|e| e["seq"].as_u64().unwrap())
        .collect()
}

fn wait_state(server: &Server, id: &str, state: &str) -> Value {
    govflow_testkit::wait_for(Duration::from_secs(60), &format!("`{id}` {state}"), || {
        Some(subscription(server, id)).filter(|s| s["state"] == state)
    })
}

/// A 500, a 429 with `Retry-After: 1`, no answer within the timeout and a redirect (not
/// followed) on the first event: it is retried with the same `webhook-id` until it is
/// acknowledged, and the later events follow it in feed order.
#[test]
fn order_is_kept_through_failures_and_every_retry_carries_the_same_webhook_id() {
    let tmp = tempfile::tempdir().unwrap();
    let receiver = Receiver::start();
    receiver.script(&[
        Answer::Status(500),
        Answer::TooMany(1),
        Answer::Hang(Duration::from_secs(5)),
        Answer::Redirect,
    ]);
    let server = start(tmp.path());
    let (id, secret) = subscribe(
        &server,
        json!({"url": receiver.url, "kinds": ["opened"], "city": "wanzhou"}),
    );
    let cases: Vec<String> = (0..3).map(|_| open_wanzhou(&server)).collect();
    let seqs = opened_seqs(&server, &cases);
    assert_eq!(seqs.len(), 3);

    let acknowledged = receiver.wait_acknowledged(3);
    let got: Vec<u64> = acknowledged.iter().map(|r| r.seq()).collect();
    assert_eq!(got, seqs, "in feed order, none lost");
    let all = receiver.received();
    let first = format!("msg_{id}_{}", seqs[0]);
    assert_eq!(all.len(), 7, "4 failures, then 3 deliveries: {all:#?}");
    assert!(
        all.iter().all(|r| r.path == "/hook"),
        "the redirect was not followed: {all:#?}"
    );
    for attempt in &all[..5] {
        assert_eq!(attempt.id(), first, "every attempt at the first event");
        attempt.verify(&secret).unwrap();
    }
    // The attempt after the 429 waited at least its `Retry-After: 1`.
    assert!(all[2].at - all[1].at >= Duration::from_secs(1));
    for d in &acknowledged {
        d.verify(&secret).unwrap();
    }
    let shown = subscription(&server, &id);
    assert_eq!(shown["attempts"], 0, "{shown:#}");
    assert_eq!(shown["state"], "active");
}

#[test]
fn a_subscription_that_keeps_failing_is_parked_then_resumes_where_it_stopped() {
    let tmp = tempfile::tempdir().unwrap();
    let receiver = Receiver::start();
    receiver.otherwise(Some(Answer::Status(500)));
    let server = start(tmp.path());
    let (id, secret) = subscribe(
        &server,
        json!({"url": receiver.url, "kinds": ["opened"], "city": "wanzhou"}),
    );
    let mut cases = vec![open_wanzhou(&server)];
    let parked = wait_state(&server, &id, "parked");
    let reason = parked["parked_reason"].as_str().unwrap();
    assert!(
        reason.contains("failed 5 times") && reason.contains("500"),
        "{reason}"
    );
    assert_eq!(parked["attempts"], 5);
    assert!(parked["parked_since"].is_string());
    assert_eq!(receiver.received().len(), 5, "no attempt once parked");
    let metrics = server.get("admin", "/metrics");
    let text = metrics.body.as_str().unwrap();
    assert!(
        text.contains(&format!(
            "govflow_webhook_parked{{subscription=\"{id}\"}} 1"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "govflow_webhook_failures_total{{subscription=\"{id}\"}} 5"
        )),
        "{text}"
    );

    // Events go on while it is parked; none is skipped.
    cases.push(open_wanzhou(&server));
    cases.push(open_wanzhou(&server));
    receiver.otherwise(None);
    let resumed = server.post(
        "admin",
        &format!("/v1/subscriptions/{id}/resume"),
        json!({}),
    );
    assert_eq!(resumed.status, 200, "{resumed:#?}");
    assert_eq!(resumed.body["state"], "active");
    let acknowledged = receiver.wait_acknowledged(3);
    let got: Vec<u64> = acknowledged.iter().map(|r| r.seq()).collect();
    assert_eq!(got, opened_seqs(&server, &cases));
    assert_eq!(
        acknowledged[0].id(),
        receiver.received()[0].id(),
        "the parked event first"
    );
    for d in &acknowledged {
        d.verify(&secret).unwrap();
    }
}

#[test]
fn gone_parks_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let receiver = Receiver::start();
    receiver.script(&[Answer::Status(410)]);
    let server = start(tmp.path());
    let (id, _) = subscribe(
        &server,
        json!({"url": receiver.url, "kinds": ["opened"], "city": "wanzhou"}),
    );
    open_wanzhou(&server);
    let parked = wait_state(&server, &id, "parked");
    assert!(
        parked["parked_reason"].as_str().unwrap().contains("410"),
        "{parked:#}"
    );
    assert_eq!(receiver.received().len(), 1, "no retry after 410 Gone");
    let resumed = server.post(
        "admin",
        &format!("/v1/subscriptions/{id}/resume"),
        json!({}),
    );
    assert_eq!(resumed.status, 200, "{resumed:#?}");
    receiver.wait_acknowledged(1);
}
