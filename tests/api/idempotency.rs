//! `Idempotency-Key` on `POST /v1/cases`: a retry is safe, a reused key with another body
//! is refused, and keys are scoped to the actor that sent them.

use super::{id, problem_naming, start, who, Api};
use crate::support::server::{token, Reply};
use reqwest::Method;
use serde_json::{json, Value};

fn submit(api: &Api, who: &str, key: &str, body: &Value) -> Reply {
    let request = api
        .request(Method::POST, "/v1/cases")
        .bearer_auth(token(who))
        .header("Idempotency-Key", key)
        .json(body);
    api.send(request)
}

/// Same key and body: 201 then 200 with the same case, stored once, one `opened` event.
/// Same key, other body: 422 `idempotency_key_reused`. Another actor's same key: its own
/// new case.
#[test]
fn a_retry_returns_the_same_case_and_a_reused_key_is_refused() {
    let api = start(
        "2021-02-08T09:00:00+08:00",
        &[
            who("citizen", "wanzhou", "", &["applicant"]),
            who("other_citizen", "wanzhou", "", &["applicant"]),
        ],
    );
    let body = json!({"city": "wanzhou", "procedure": "data_verification", "provider": "区公安局",
        "subject": "户籍信息有误"});
    let first = submit(&api, "citizen", "req-2021-0001", &body);
    assert_eq!(first.status, 201, "{first:#?}");
    let case = id(&first.body);

    // A retry later the same day still returns the first case, as it was opened.
    api.set_clock("2021-02-08T15:00:00+08:00");
    let retry = submit(&api, "citizen", "req-2021-0001", &body);
    assert_eq!(retry.status, 200, "{retry:#?}");
    assert_eq!(retry.body, first.body);
    assert_eq!(api.cases("admin", "").len(), 1);
    assert_eq!(api.history(&case), ["opened"]);

    let mut other = body.clone();
    other["provider"] = json!("区民政局");
    let reused = submit(&api, "citizen", "req-2021-0001", &other);
    problem_naming(&reused, 422, "idempotency_key_reused", "req-2021-0001");
    assert_eq!(api.cases("admin", "").len(), 1);

    let theirs = submit(&api, "other_citizen", "req-2021-0001", &body);
    assert_eq!(theirs.status, 201, "{theirs:#?}");
    assert_ne!(id(&theirs.body), case);
    assert_eq!(theirs.body["opened_by"], "other_citizen");
    let ids: Vec<_> = api.cases("admin", "").iter().map(id).collect();
    assert_eq!(ids, [case, id(&theirs.body)]);
}
