//! Malformed, mistyped and oversized input: each is a problem+json with a stable code and
//! a detail naming what was wrong, never a 500, and stores nothing.

use super::{id, problem_naming, start, who, Api};
use crate::support::server::token;
use reqwest::blocking::RequestBuilder;
use reqwest::Method;
use serde_json::json;

fn as_edu(api: &Api, method: Method, path: &str) -> RequestBuilder {
    api.request(method, path).bearer_auth(token("edu"))
}

/// A server holding one wanzhou case; returns it and the case's id.
fn one_case() -> (Api, String) {
    let api = start(
        "2023-09-28T09:00:00+08:00",
        &[who("edu", "wanzhou", "区教委", &["provider"])],
    );
    let case = api.submit(
        "edu",
        json!({"city": "wanzhou", "procedure": "catalog_update", "provider": "区教委"}),
    );
    (api, id(&case))
}

/// Sends each request, checks its problem, and that nothing stored changed.
fn rejected(api: &Api, requests: Vec<(RequestBuilder, u16, &str, &str)>) {
    let before = api.snapshot();
    for (request, status, code, needle) in requests {
        let reply = api.send(request);
        problem_naming(&reply, status, code, needle);
        assert_eq!(api.snapshot(), before, "after {reply:#?}");
    }
    let metrics = api.get("admin", "/metrics");
    let metrics = metrics.body.as_str().expect("Prometheus text");
    assert!(!metrics.contains("status=\"500\""), "{metrics}");
}

/// Bodies of `POST /v1/cases`: broken JSON 400, wrong types and unknown fields 422 naming
/// the field, no JSON content type 415, over 64 KiB 413.
#[test]
fn a_bad_submission_body_is_a_problem_and_stores_nothing() {
    let (api, _) = one_case();
    let raw = |body: &str| {
        as_edu(&api, Method::POST, "/v1/cases")
            .header("content-type", "application/json")
            .body(body.to_owned())
    };
    let big = json!({"city": "wanzhou", "procedure": "catalog_update", "provider": "区教委",
        "subject": "x".repeat(70 * 1024)});
    rejected(
        &api,
        vec![
            (raw(r#"{"city": "wanzhou", "#), 400, "invalid_json", "EOF"),
            (raw("not json"), 400, "invalid_json", "expected"),
            (
                raw(r#"{"city": 7, "procedure": "catalog_update"}"#),
                422,
                "invalid_body",
                "city",
            ),
            (
                raw(r#"{"city": "wanzhou", "procedure": "catalog_update", "data": []}"#),
                422,
                "invalid_body",
                "data",
            ),
            (
                raw(
                    r#"{"city": "wanzhou", "procedure": "catalog_update", "received_at": "yesterday"}"#,
                ),
                422,
                "invalid_body",
                "received_at",
            ),
            (
                raw(r#"{"city": "wanzhou", "procedure": "catalog_update", "colour": "red"}"#),
                422,
                "invalid_body",
                "colour",
            ),
            (
                raw(r#"{"city": "wanzhou"}"#),
                422,
                "invalid_body",
                "procedure",
            ),
            (
                as_edu(&api, Method::POST, "/v1/cases")
                    .body(r#"{"city": "wanzhou", "procedure": "catalog_update"}"#),
                415,
                "unsupported_media_type",
                "Content-Type",
            ),
            (
                as_edu(&api, Method::POST, "/v1/cases").json(&big),
                413,
                "body_too_large",
                "65536",
            ),
        ],
    );
}

/// Action bodies, query parameters, routes, methods, ids, `Idempotency-Key`s and clock
/// moves; an action with no body at all is fine.
#[test]
fn bad_actions_queries_routes_and_keys_are_problems_and_store_nothing() {
    let (api, case) = one_case();
    let act = |action: &str, body: &str| {
        as_edu(
            &api,
            Method::POST,
            &format!("/v1/cases/{case}/actions/{action}"),
        )
        .header("content-type", "application/json")
        .body(body.to_owned())
    };
    let submit = || {
        as_edu(&api, Method::POST, "/v1/cases")
            .json(&json!({"city": "wanzhou", "procedure": "catalog_update", "provider": "区教委"}))
    };
    let get = |path: &str| as_edu(&api, Method::GET, path);
    let clock = |now: &str| {
        api.request(Method::POST, "/v1/admin/clock")
            .bearer_auth(token("admin"))
            .json(&json!({ "now": now }))
    };
    let big = format!(r#"{{"data": {{"reason": "{}"}}}}"#, "x".repeat(70 * 1024));
    rejected(
        &api,
        vec![
            (act("submit", r#"{"data": "#), 400, "invalid_json", "data"),
            (
                act("submit", r#"{"data": 5}"#),
                422,
                "invalid_body",
                "`data`",
            ),
            (
                act("submit", r#"{"dta": {}}"#),
                422,
                "invalid_body",
                "`dta`",
            ),
            (act("submit", &big), 413, "body_too_large", "65536"),
            (act("fly", "{}"), 422, "unknown_action", "`fly`"),
            (
                as_edu(
                    &api,
                    Method::POST,
                    &format!("/v1/cases/{case}/actions/submit"),
                )
                .body("{}"),
                415,
                "unsupported_media_type",
                "Content-Type",
            ),
            (
                get("/v1/cases?overdue=maybe"),
                400,
                "invalid_query",
                "overdue",
            ),
            (get("/v1/cases?limit=0"), 400, "invalid_query", "limit"),
            (get("/v1/cases?colour=red"), 400, "invalid_query", "colour"),
            (get("/v1/events?after=-1"), 400, "invalid_query", "after"),
            (get("/v1/events?limit=1001"), 400, "invalid_query", "limit"),
            (get("/v1/nowhere"), 404, "no_route", "/v1/nowhere"),
            (
                get("/v1/cases/c-nonexistent"),
                404,
                "case_not_found",
                "c-nonexistent",
            ),
            (
                get("/v1/cases/c-nonexistent/events"),
                404,
                "case_not_found",
                "c-nonexistent",
            ),
            (
                as_edu(&api, Method::POST, "/v1/cases/c-nonexistent/actions/submit"),
                404,
                "case_not_found",
                "c-nonexistent",
            ),
            (get("/v1/cases/%FF"), 400, "invalid_path", "id"),
            (
                as_edu(&api, Method::DELETE, &format!("/v1/cases/{case}")),
                405,
                "method_not_allowed",
                "DELETE",
            ),
            (
                as_edu(&api, Method::PUT, "/v1/cases"),
                405,
                "method_not_allowed",
                "PUT",
            ),
            (
                submit().header("idempotency-key", ""),
                400,
                "invalid_idempotency_key",
                "Idempotency-Key",
            ),
            (
                submit().header("idempotency-key", "k".repeat(201)),
                400,
                "invalid_idempotency_key",
                "200",
            ),
            (
                submit().header(
                    "idempotency-key",
                    reqwest::header::HeaderValue::from_bytes(b"caf\xe9").unwrap(),
                ),
                400,
                "invalid_idempotency_key",
                "ASCII",
            ),
            (
                submit().header("idempotency-key", "a\tb"),
                400,
                "invalid_idempotency_key",
                "ASCII",
            ),
            (
                clock("2020-01-01T00:00:00+08:00"),
                422,
                "clock_backwards",
                "forward only",
            ),
            (clock("soon"), 422, "invalid_body", "now"),
        ],
    );
    // An action needs no body at all, and a JSON `null` is none.
    let another = id(&api.submit(
        "edu",
        json!({"city": "wanzhou", "procedure": "catalog_update", "provider": "区教委"}),
    ));
    let submit = |case: &str| {
        as_edu(
            &api,
            Method::POST,
            &format!("/v1/cases/{case}/actions/submit"),
        )
    };
    for request in [
        submit(&case),
        submit(&another)
            .header("content-type", "application/json")
            .body("null"),
    ] {
        let reply = api.send(request);
        assert_eq!(reply.status, 200, "{reply:#?}");
        assert_eq!(reply.body["state"], "reviewing");
    }
}

/// `period` on `POST /v1/cases`: required where the procedure's dates belong to a period
/// (a problem naming the field, nothing stored); given, the case carries it and a case
/// opened after its date is overdue at once.
#[test]
fn a_reporting_period_is_required_where_dates_belong_to_one_and_shown_on_the_case() {
    let api = start(
        "2025-01-15T09:00:00+08:00",
        &[who("bureau", "wanzhou", "区大数据发展局", &["authority"])],
    );
    let submit = |body: serde_json::Value| {
        api.request(Method::POST, "/v1/cases")
            .bearer_auth(token("bureau"))
            .json(&body)
    };
    let report = json!({"city": "wanzhou", "procedure": "annual_report", "provider": "区教委"});
    let with = |key: &str, value: serde_json::Value| {
        let mut body = report.clone();
        body[key] = value;
        submit(body)
    };
    rejected(
        &api,
        vec![
            (submit(report.clone()), 422, "missing_field", "`period`"),
            (with("period", json!(24)), 422, "invalid_field", "`24`"),
            (with("period", json!("2024")), 422, "invalid_body", "period"),
        ],
    );
    let case = api.submit("bureau", {
        let mut body = report.clone();
        body["period"] = json!(2024);
        body
    });
    assert_eq!(case["period"], 2024, "{case:#}");
    // The lapse, due before the case existed, fires in the scheduler's next pass; moving
    // the clock returns once every timer due by then has fired.
    api.set_clock("2025-01-15T09:00:01+08:00");
    let read = api.get("bureau", &format!("/v1/cases/{}", id(&case)));
    assert_eq!(read.body["overdue"], true, "{read:#?}");
    assert_eq!(read.body["deadlines"][0]["due_date"], "2025-01-10");
    assert_eq!(read.body["deadlines"][0]["status"], "missed");
}

/// `PUT /v1/admin/departments/{city}` with `obligations`: read back as written; a blank
/// name, a name not among the departments, or an obligation that is not `scope:
/// registered`, is refused and changes nothing; the answer is the registry now in use.
#[test]
fn departments_registered_for_an_obligation_must_be_registered_departments() {
    let api = start("2025-01-15T09:00:00+08:00", &[]);
    let put = |body: serde_json::Value| {
        api.request(Method::PUT, "/v1/admin/departments/jiaozuo")
            .bearer_auth(token("admin"))
            .json(&body)
    };
    let registry = json!({"departments": ["市公安局", "市民政局"],
        "obligations": {"it_annual_plan": ["市公安局"]}});
    assert_eq!(api.send(put(registry.clone())).status, 200);
    assert_eq!(
        api.get("admin", "/v1/admin/departments/jiaozuo").body,
        registry
    );
    rejected(
        &api,
        vec![
            (
                put(
                    json!({"departments": ["市公安局"], "obligations": {"it_annual_plan": ["市教育局"]}}),
                ),
                422,
                "invalid_field",
                "市教育局",
            ),
            (
                put(
                    json!({"departments": ["市公安局"], "obligations": {"annual_plan": ["市公安局"]}}),
                ),
                422,
                "invalid_field",
                "it_annual_plan",
            ),
            (
                put(json!({"departments": ["市公安局", " "]})),
                422,
                "invalid_body",
                "departments[1]: a department's name is blank",
            ),
            (
                put(json!({"departments": ["市公安局"], "obligations": {"it_annual_plan": [""]}})),
                422,
                "invalid_body",
                "obligations.it_annual_plan[0]: a department's name is blank",
            ),
        ],
    );
    assert_eq!(
        api.get("admin", "/v1/admin/departments/jiaozuo").body,
        registry
    );
    let twice = api.send(put(
        json!({"departments": ["市民政局", "市公安局", "市民政局"]}),
    ));
    assert_eq!(twice.status, 200, "{twice:#?}");
    assert_eq!(
        twice.body,
        api.get("admin", "/v1/admin/departments/jiaozuo").body
    );
    assert_eq!(twice.body["departments"], json!(["市公安局", "市民政局"]));
}
