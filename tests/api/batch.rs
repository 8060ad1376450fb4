//! `POST /v1/cases:batch` (issue 13): each item decided as `POST /v1/cases` decides one,
//! with its own key and outcome at its index; the accepted ones committed together; a
//! malformed envelope refused whole with nothing stored.

use super::{id, problem, problem_naming, start, who, Api};
use crate::support::server::{token, Reply};
use reqwest::Method;
use serde_json::{json, Value};

/// Sends `body` to `POST /v1/cases:batch` as `who`.
pub fn batch(api: &Api, who: &str, body: &Value) -> Reply {
    api.send(
        api.request(Method::POST, "/v1/cases:batch")
            .bearer_auth(token(who))
            .json(body),
    )
}

fn verification(subject: &str) -> Value {
    json!({"city": "wanzhou", "procedure": "data_verification", "provider": "区公安局",
        "subject": subject})
}

/// The item at `index` of a 200 answer, checked to carry its own index.
fn item(reply: &Reply, index: usize) -> &Value {
    let item = &reply.body["items"][index];
    assert_eq!(item["index"], index, "{reply:#?}");
    item
}

/// Item `index` was refused with `status` and `code`, its detail naming `needle`.
fn refused(reply: &Reply, index: usize, status: u16, code: &str, needle: &str) {
    let item = item(reply, index);
    assert_eq!(item["status"], status, "item {index}: {item:#}");
    let problem = &item["problem"];
    assert_eq!(problem["code"], code, "item {index}: {item:#}");
    assert_eq!(problem["status"], status, "item {index}: {item:#}");
    assert_eq!(problem["type"], format!("urn:govflow:problem:{code}"));
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains(needle),
        "item {index}: `{needle}` not in `{detail}`"
    );
    assert!(item.get("case").is_none(), "item {index}: {item:#}");
}

/// Item `index` answered `status` with a case; its id.
fn case_of(reply: &Reply, index: usize, status: u16) -> String {
    let item = item(reply, index);
    assert_eq!(item["status"], status, "item {index}: {item:#}");
    assert!(item.get("problem").is_none(), "item {index}: {item:#}");
    id(&item["case"])
}

/// Valid, invalid body, unknown city, another city's, a refusal of the core, a key used
/// before (same body: the first case; another body: refused), a key used twice in the
/// batch, a malformed key: each item's outcome at its index, and the store holds exactly
/// the accepted cases, each opened once.
#[test]
fn a_mixed_batch_answers_each_item_and_stores_exactly_the_accepted_ones() {
    let api = start(
        "2021-02-08T09:00:00+08:00",
        &[
            who("citizen", "*", "", &["applicant"]),
            who("local", "wanzhou", "", &["applicant"]),
        ],
    );
    let before = api
        .request(Method::POST, "/v1/cases")
        .bearer_auth(token("citizen"))
        .header("Idempotency-Key", "req-0001")
        .json(&verification("户籍信息有误"));
    let earlier = api.send(before);
    assert_eq!(earlier.status, 201, "{earlier:#?}");
    let earlier = id(&earlier.body);

    let reply = batch(
        &api,
        "citizen",
        &json!({"items": [
            {"idempotency_key": "req-0002", "case": verification("地址有误")},
            {"case": {"city": "wanzhou", "provider": "区公安局"}},
            {"case": {"city": "atlantis", "procedure": "data_verification"}},
            {"idempotency_key": "req-0001", "case": verification("户籍信息有误")},
            {"idempotency_key": "req-0001", "case": verification("另一个请求")},
            {"idempotency_key": "req-0002", "case": verification("地址有误")},
            {"case": verification("无键")},
            {"case": {"city": "wanzhou", "procedure": "no_such_procedure"}},
            {"idempotency_key": " padded", "case": verification("键不合规")},
            {"case": verification("多余字段"), "priority": 1},
            {"idempotency_key": "req-0002", "case": verification("同键异体")},
        ]}),
    );
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(reply.body["items"].as_array().unwrap().len(), 11);
    let opened = case_of(&reply, 0, 201);
    refused(
        &reply,
        1,
        422,
        "invalid_body",
        "`items[1].case`: missing field `procedure`",
    );
    refused(&reply, 2, 422, "unknown_city", "`atlantis`");
    assert_eq!(case_of(&reply, 3, 200), earlier);
    refused(&reply, 4, 422, "idempotency_key_reused", &earlier);
    assert_eq!(case_of(&reply, 5, 200), opened);
    let unkeyed = case_of(&reply, 6, 201);
    refused(&reply, 7, 422, "unknown_procedure", "no_such_procedure");
    refused(
        &reply,
        8,
        400,
        "invalid_idempotency_key",
        "`items[8].idempotency_key`",
    );
    refused(&reply, 9, 422, "invalid_body", "`priority`");
    refused(&reply, 10, 422, "idempotency_key_reused", &opened);
    assert_eq!(reply.body["items"][0]["case"]["subject"], "地址有误");
    assert_eq!(reply.body["items"][0]["case"]["opened_by"], "citizen");

    let stored: Vec<String> = api.cases("admin", "").iter().map(id).collect();
    assert_eq!(stored, [earlier.clone(), opened.clone(), unkeyed.clone()]);
    for case in [&earlier, &opened, &unkeyed] {
        assert_eq!(api.history(case), ["opened"], "{case}");
    }

    // A caller bound to wanzhou: its other city's item is refused, its own opened.
    let reply = batch(
        &api,
        "local",
        &json!({"items": [
            {"case": {"city": "liaocheng", "procedure": "conditional_share"}},
            {"case": verification("本地")},
        ]}),
    );
    assert_eq!(reply.status, 200, "{reply:#?}");
    refused(&reply, 0, 403, "out_of_scope", "`liaocheng`");
    let local = case_of(&reply, 1, 201);
    assert_eq!(api.cases("admin", "").len(), 4, "{local}");

    // The same batch again: every keyed item is a replay; the unkeyed ones open anew.
    let again = batch(
        &api,
        "citizen",
        &json!({"items": [
            {"idempotency_key": "req-0002", "case": verification("地址有误")},
            {"idempotency_key": "req-0001", "case": verification("户籍信息有误")},
        ]}),
    );
    assert_eq!(case_of(&again, 0, 200), opened);
    assert_eq!(case_of(&again, 1, 200), earlier);
    assert_eq!(api.cases("admin", "").len(), 4);
}

/// The highest event number in the feed.
fn last_seq(api: &Api) -> u64 {
    let page = api.get("admin", "/v1/events?after=0&limit=1000");
    assert_eq!(page.status, 200, "{page:#?}");
    page.body["next_after"].as_u64().expect("next_after")
}

/// How many commits `/metrics` has timed.
fn commits(api: &Api) -> u64 {
    let reply = api.get("admin", "/metrics");
    let text = reply.body.as_str().expect("Prometheus text");
    text.lines()
        .find_map(|line| line.strip_prefix("govflow_commit_seconds_count "))
        .expect("the commit histogram")
        .parse()
        .unwrap()
}

/// A batch whose items are all accepted is one commit: the commit count moves by one and
/// the batch's events have consecutive numbers, in the items' order.
#[test]
fn a_batch_of_accepted_items_is_one_commit() {
    let api = start(
        "2021-02-08T09:00:00+08:00",
        &[who("citizen", "wanzhou", "", &["applicant"])],
    );
    api.submit("citizen", verification("之前"));
    let (commits_before, seq_before) = (commits(&api), last_seq(&api));
    let items: Vec<Value> = (0..64)
        .map(|i| json!({"idempotency_key": format!("bulk-{i}"), "case": verification(&format!("第{i}件"))}))
        .collect();
    let reply = batch(&api, "citizen", &json!({ "items": items }));
    assert_eq!(reply.status, 200, "{reply:#?}");
    let ids: Vec<String> = (0..64).map(|i| case_of(&reply, i, 201)).collect();
    assert_eq!(commits(&api), commits_before + 1);

    let page = api.get(
        "admin",
        &format!("/v1/events?after={seq_before}&limit=1000"),
    );
    let events = page.body["events"].as_array().unwrap();
    let seqs: Vec<u64> = events.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    let expected: Vec<u64> = (seq_before + 1..=seq_before + 64).collect();
    assert_eq!(seqs, expected);
    let cases: Vec<&str> = events.iter().map(|e| e["case"].as_str().unwrap()).collect();
    assert_eq!(cases, ids);
}

/// An envelope that is not a batch is refused whole, naming the field, and stores
/// nothing: no `items`, an empty list, 65 items, an unknown field, a body over 1 MiB.
#[test]
fn a_malformed_envelope_is_refused_whole_and_stores_nothing() {
    let api = start(
        "2021-02-08T09:00:00+08:00",
        &[who("citizen", "wanzhou", "", &["applicant"])],
    );
    api.submit("citizen", verification("之前"));
    let before = api.snapshot();
    let one = json!({"case": verification("一件")});
    let big = json!({"case": {"city": "wanzhou", "procedure": "data_verification",
        "provider": "区公安局", "subject": "x".repeat(20 * 1024)}});
    let cases = [
        (json!({}), 422, "invalid_body", "missing field `items`"),
        (
            json!({"items": []}),
            422,
            "batch_too_large",
            "`items` holds 0",
        ),
        (
            json!({"items": vec![one.clone(); 65]}),
            422,
            "batch_too_large",
            "`items` holds 65 submissions; a batch holds 1 to 64",
        ),
        (
            json!({"items": [one.clone()], "atomic": true}),
            422,
            "invalid_body",
            "`atomic`",
        ),
        (
            json!({"items": vec![big; 60]}),
            413,
            "body_too_large",
            "the batch is larger than the limit of 1048576 bytes",
        ),
    ];
    for (body, status, code, needle) in cases {
        let reply = batch(&api, "citizen", &body);
        problem_naming(&reply, status, code, needle);
        assert_eq!(api.snapshot(), before, "after {reply:#?}");
    }
    let anonymous = api.send(
        api.request(Method::POST, "/v1/cases:batch")
            .json(&json!({"items": [one]})),
    );
    problem(&anonymous, 401, "unauthorized");
    assert_eq!(api.snapshot(), before);
}

/// Clients sending the same keyed batch at once (the merged commit of all but the first
/// finds keys taken, and is decided again without them): every key opens one case, every
/// answer names that case for it, and each unkeyed item opens its own.
#[test]
fn concurrent_batches_under_the_same_keys_open_each_case_once() {
    const CLIENTS: usize = 4;
    const KEYED: usize = 24;
    let api = start(
        "2021-02-08T09:00:00+08:00",
        &[who("citizen", "wanzhou", "", &["applicant"])],
    );
    let mut items: Vec<Value> = (0..KEYED)
        .map(|i| json!({"idempotency_key": format!("same-{i}"), "case": verification(&format!("同{i}"))}))
        .collect();
    items.push(json!({"case": verification("无键")}));
    let body = json!({ "items": items });
    let replies: Vec<Reply> = std::thread::scope(|s| {
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| s.spawn(|| batch(&api, "citizen", &body)))
            .collect();
        clients.into_iter().map(|c| c.join().unwrap()).collect()
    });
    let first: Vec<String> = (0..KEYED)
        .map(|i| id(&replies[0].body["items"][i]["case"]))
        .collect();
    let mut unkeyed = Vec::new();
    let mut opened = 0;
    for reply in &replies {
        assert_eq!(reply.status, 200, "{reply:#?}");
        for (i, case) in first.iter().enumerate() {
            let status = item(reply, i)["status"].as_u64().unwrap();
            opened += usize::from(status == 201);
            assert_eq!(&case_of(reply, i, status as u16), case);
        }
        unkeyed.push(case_of(reply, KEYED, 201));
    }
    assert_eq!(opened, KEYED, "each key opened its case once");
    let mut stored: Vec<String> = api.cases("admin", "").iter().map(id).collect();
    let mut expected: Vec<String> = first.into_iter().chain(unkeyed).collect();
    stored.sort();
    expected.sort();
    assert_eq!(stored, expected);
}
