//! What a subscriber relies on: every matching event of the feed arrives once, in feed
//! order, as a signed CloudEvent; rotation keeps both secrets valid for a while; and
//! subscribing is refused for destinations off the allow-list and for callers who may not.

use super::receiver::{Received, Receiver};
use super::{
    decide_the_penalty_and_let_it_lapse, feed, open_wanzhou, options, subscribe, subscription,
    CITIZEN,
};
use crate::api::{problem, who};
use crate::support::server::Server;
use serde_json::{json, Value};
use std::time::Duration;

/// The metric line `name{subscription="id"}`'s value, once `/metrics` shows `want`.
fn wait_metric(server: &Server, name: &str, id: &str, want: &str) {
    let line = format!("{name}{{subscription=\"{id}\"}} {want}");
    govflow_testkit::wait_for(Duration::from_secs(60), &line, || {
        let reply = server.get("admin", "/metrics");
        reply
            .body
            .as_str()
            .is_some_and(|t| t.lines().any(|l| l == line))
            .then_some(())
    });
}

/// jiaozuo's ladder (the `ladder` API test): the application lapses after National Day
/// 2021 and opens a rectification, whose own order lapses in turn. A subscriber to the
/// city's warnings, lapses and penalties receives each, verified, in feed order.
#[test]
fn a_scenarios_warnings_lapses_and_penalties_arrive_signed_and_in_feed_order() {
    let tmp = tempfile::tempdir().unwrap();
    let receiver = Receiver::start();
    let server = Server::start(&options(
        tmp.path(),
        "2021-09-30T09:00:00+08:00",
        &[
            who("transport", "jiaozuo", "市交通运输局", &["provider"]),
            who("bureau", "jiaozuo", "", &["authority"]),
        ],
    ));
    let kinds = ["warning", "lapsed", "penalty_opened"];
    let (id, secret) = subscribe(
        &server,
        json!({"url": receiver.url, "kinds": kinds, "city": "jiaozuo"}),
    );
    // The cases are addressed to 市交通运输局: all of it for that department, none for another.
    let (addressed, _) = subscribe(
        &server,
        json!({"url": receiver.url, "kinds": kinds, "city": "jiaozuo", "department": "市交通运输局"}),
    );
    let (elsewhere, _) = subscribe(
        &server,
        json!({"url": receiver.url, "kinds": kinds, "city": "jiaozuo", "department": "市公安局"}),
    );
    let case = server.submit(
        "transport",
        json!({"city": "jiaozuo", "procedure": "catalog_update", "provider": "市交通运输局",
            "data": {"event": "mandate_changed"}}),
    );
    server.set_clock("2021-10-21T00:00:00+08:00");
    decide_the_penalty_and_let_it_lapse(&server, case["id"].as_str().unwrap());

    let expected = feed(&server, "jiaozuo", &kinds);
    let got: Vec<&str> = expected
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    for kind in kinds {
        assert!(got.contains(&kind), "the scenario has a `{kind}`: {got:?}");
    }
    assert!(
        got.iter().filter(|k| **k == "lapsed").count() >= 2,
        "{got:?}"
    );

    for sub in [&id, &addressed, &elsewhere] {
        wait_metric(&server, "govflow_webhook_lag_events", sub, "0");
    }
    let of = |sub: &str| -> Vec<Received> {
        let prefix = format!("msg_{sub}_");
        receiver
            .acknowledged()
            .into_iter()
            .filter(|r| r.id().starts_with(&prefix))
            .collect()
    };
    let delivered = of(&id);
    assert_eq!(delivered.len(), expected.len(), "each once: {delivered:#?}");
    let seqs = |rs: &[Received]| rs.iter().map(Received::seq).collect::<Vec<_>>();
    assert_eq!(seqs(&of(&addressed)), seqs(&delivered));
    assert!(
        of(&elsewhere).is_empty(),
        "another department's subscription gets none"
    );
    for (d, e) in delivered.iter().zip(&expected) {
        d.verify(&secret)
            .unwrap_or_else(|err| panic!("{err}: {d:#?}"));
        assert!(d.verify("whsec_c2VjcmV0LW9mLXNvbWVvbmUtZWxzZQ==").is_err());
        let seq = e["seq"].as_u64().unwrap();
        let body = d.event();
        assert_eq!(d.id(), format!("msg_{id}_{seq}"));
        assert_eq!(body["id"], d.id());
        assert_eq!(body["specversion"], "1.0");
        assert_eq!(
            body["type"],
            format!("cn.govflow.case.{}", e["type"].as_str().unwrap())
        );
        assert_eq!(body["source"], "urn:govflow:city:jiaozuo");
        assert_eq!(body["subject"], e["case"]);
        assert_eq!(body["datacontenttype"], "application/json");
        assert!(body["time"].is_string());
        assert_eq!(
            d.headers["content-type"].to_str().unwrap(),
            "application/cloudevents+json"
        );
        let data = &body["data"];
        assert_eq!(data["seq"], seq);
        assert_eq!(data["case"], e["case"]);
        assert_eq!(data["city"], "jiaozuo");
        assert_eq!(data["kind"], e["type"]);
        assert_eq!(data["article"], e["article"]);
        assert!(data["deadline"].is_string(), "{data:#}");
        if data["kind"] != "penalty_opened" {
            assert!(data["due_date"].is_string(), "{data:#}");
        }
    }
    wait_metric(
        &server,
        "govflow_webhook_deliveries_total",
        &id,
        &expected.len().to_string(),
    );
}

/// The rotated-out secret keeps signing beside the new one for the rotation window, so a
/// receiver holding either verifies; the answer shows when the old one stops.
#[test]
fn after_a_rotation_deliveries_verify_with_the_old_and_the_new_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let receiver = Receiver::start();
    let server = Server::start(&options(
        tmp.path(),
        "2021-02-22T10:00:00+08:00",
        &[CITIZEN],
    ));
    let (id, old) = subscribe(
        &server,
        json!({"url": receiver.url, "kinds": ["opened"], "city": "wanzhou"}),
    );
    let rotated = server.post(
        "admin",
        &format!("/v1/subscriptions/{id}/rotate"),
        json!({}),
    );
    assert_eq!(rotated.status, 200, "{rotated:#?}");
    let new = rotated.str("secret");
    assert!(new.starts_with("whsec_") && new != old);
    assert!(rotated.body["subscription"]["previous_secret_expires"].is_string());
    assert!(
        subscription(&server, &id).get("secret").is_none(),
        "secrets are shown once"
    );

    open_wanzhou(&server);
    let delivered = receiver.wait_acknowledged(1);
    let d = &delivered[0];
    d.verify(&old).unwrap();
    d.verify(&new).unwrap();
    let signatures = d.headers["webhook-signature"].to_str().unwrap();
    assert_eq!(signatures.split(' ').count(), 2, "{signatures}");

    let gone = server.request(reqwest::Method::DELETE, &format!("/v1/subscriptions/{id}"));
    let gone = server.send(gone.bearer_auth(crate::support::server::token("admin")));
    assert_eq!(gone.status, 204, "{gone:#?}");
    problem(
        &server.get("admin", &format!("/v1/subscriptions/{id}")),
        404,
        "subscription_not_found",
    );
}

/// Off the allow-list, an unknown kind or city, a caller who is neither admin nor the
/// city's authority: refused with a problem naming why, and nothing stored. Without
/// `--webhooks` there is nothing to subscribe to.
#[test]
fn subscribing_is_refused_off_the_allow_list_for_others_and_without_webhooks() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(&options(
        tmp.path(),
        "2021-02-22T10:00:00+08:00",
        &[CITIZEN, who("wz_bureau", "wanzhou", "", &["authority"])],
    ));
    let ok = "http://127.0.0.1:9/hook";
    let ask = |who: &str, body: Value| server.post(who, "/v1/subscriptions", body);
    for url in [
        "http://169.254.169.254/latest/meta-data",
        "https://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "http://user:secret@127.0.0.1:9/hook",
    ] {
        let detail = problem(
            &ask(
                "admin",
                json!({"url": url, "kinds": ["warning"], "city": "wanzhou"}),
            ),
            422,
            "destination_not_allowed",
        );
        assert!(detail.contains(url), "{detail}");
    }
    let detail = problem(
        &ask(
            "admin",
            json!({"url": ok, "kinds": ["warnin"], "city": "wanzhou"}),
        ),
        422,
        "invalid_field",
    );
    assert!(
        detail.contains("kinds[0]") && detail.contains("`warnin`"),
        "{detail}"
    );
    problem(
        &ask(
            "admin",
            json!({"url": ok, "kinds": ["warning"], "city": "atlantis"}),
        ),
        422,
        "unknown_city",
    );
    problem(
        &ask(
            "citizen",
            json!({"url": ok, "kinds": ["warning"], "city": "wanzhou"}),
        ),
        403,
        "wrong_role",
    );
    problem(
        &ask(
            "wz_bureau",
            json!({"url": ok, "kinds": ["warning"], "city": "jiaozuo"}),
        ),
        403,
        "out_of_scope",
    );
    let listed = server.get("admin", "/v1/subscriptions");
    assert_eq!(listed.body, json!([]), "nothing refused was stored");

    let own = ask(
        "wz_bureau",
        json!({"url": ok, "kinds": ["warning"], "city": "wanzhou"}),
    );
    assert_eq!(own.status, 201, "{own:#?}");
    let mine = server.get("wz_bureau", "/v1/subscriptions");
    assert_eq!(mine.body.as_array().unwrap().len(), 1, "{mine:#?}");
    assert_eq!(mine.body[0]["state"], "active");
    assert_eq!(mine.body[0]["created_by"], "wz_bureau");
    problem(
        &server.get("citizen", "/v1/subscriptions"),
        403,
        "wrong_role",
    );

    let plain = crate::api::start("2021-02-22T10:00:00+08:00", &[]);
    problem(
        &plain.post(
            "admin",
            "/v1/subscriptions",
            json!({"url": ok, "kinds": ["warning"], "city": "wanzhou"}),
        ),
        409,
        "webhooks_disabled",
    );
}
