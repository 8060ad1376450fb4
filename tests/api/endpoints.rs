//! The packs being served, the classification check, the API description, health and
//! metrics.

use super::{problem, problem_naming, start, who};
use serde_json::{json, Value};

/// Every route of the router, as the OpenAPI description must list it.
const ROUTES: [&str; 21] = [
    "/v1/cases",
    "/v1/cases:batch",
    "/v1/cases/{id}",
    "/v1/cases/{id}/actions/{action}",
    "/v1/cases/{id}/events",
    "/v1/cases/{id}/explain",
    "/v1/events",
    "/v1/packs",
    "/v1/packs/{city}",
    "/v1/classifications/check",
    "/v1/clock",
    "/v1/admin/clock",
    "/v1/admin/reload",
    "/v1/admin/departments/{city}",
    "/healthz",
    "/metrics",
    "/v1/openapi.json",
    "/v1/subscriptions",
    "/v1/subscriptions/{id}",
    "/v1/subscriptions/{id}/rotate",
    "/v1/subscriptions/{id}/resume",
];

/// `GET /v1/packs` lists the six cities, each serving a `<city>@<hash>` version with its
/// regulation status: liaocheng's two years (第四十条) ended on 2022-06-30 (`expired`),
/// neijiang is a draft for comment, the others are in force.
#[test]
fn packs_list_the_six_cities_with_versions_and_regulation_status() {
    let api = start("2023-09-28T09:00:00+08:00", &[]);
    let reply = api.get("admin", "/v1/packs");
    assert_eq!(reply.status, 200, "{reply:#?}");
    let packs = reply.body["packs"].as_array().unwrap();
    let status: Vec<(&str, &str)> = packs
        .iter()
        .map(|p| {
            assert_eq!(p["serving"], true, "{p:#}");
            assert_eq!(p["last_error"], Value::Null, "{p:#}");
            let city = p["city"].as_str().unwrap();
            let version = p["version"].as_str().unwrap();
            let hash = version
                .strip_prefix(&format!("{city}@"))
                .expect("<city>@<hash>");
            assert!(
                !hash.is_empty() && hash.chars().all(|c| c.is_ascii_hexdigit()),
                "{version}"
            );
            (city, p["regulation"]["status"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        status,
        [
            ("chongqing", "in_force"),
            ("jiaozuo", "in_force"),
            ("liaocheng", "expired"),
            ("macun", "in_force"),
            ("neijiang", "draft"),
            ("wanzhou", "in_force"),
        ]
    );
    let liaocheng = &packs[2]["regulation"];
    assert_eq!(liaocheng["effective_from"], "2020-07-01");
    assert_eq!(liaocheng["effective_until"], "2022-06-30");
    let years = reply.body["calendar"]["years"].as_array().unwrap();
    assert!(
        years.contains(&json!(2021)) && years.contains(&json!(2025)),
        "{years:?}"
    );
}

/// `GET /v1/packs/{city}` gives the validated pack; an unknown city is 404 naming it.
#[test]
fn one_pack_in_detail_and_an_unknown_city_is_404() {
    let api = start("2023-09-28T09:00:00+08:00", &[]);
    let reply = api.get("admin", "/v1/packs/neijiang");
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(reply.body["city"], "neijiang");
    assert_eq!(reply.body["regulation"]["status"], "draft");
    assert!(reply.body["version"]
        .as_str()
        .unwrap()
        .starts_with("neijiang@"));
    let procedures = reply.body["procedures"].as_array().unwrap();
    assert!(procedures.contains(&json!("objection")), "{procedures:?}");
    assert!(reply.body["pack"].is_object(), "{reply:#?}");
    let macun = api.get("admin", "/v1/packs/macun");
    assert!(!macun.body["procedures"]
        .as_array()
        .unwrap()
        .contains(&json!("conditional_open")));
    problem_naming(
        &api.get("admin", "/v1/packs/atlantis"),
        404,
        "unknown_city",
        "`atlantis`",
    );
}

/// wanzhou's rules (`classification_rules.yaml`): 有条件开放 without a basis (the citation
/// and its kind) breaks 第二十九条; a base item of 自然资源和空间地理 shared conditionally breaks 第二十三条; a
/// lawful classification breaks nothing. An unknown city is 422.
#[test]
fn the_classification_check_names_the_broken_rules_and_their_articles() {
    let api = start("2022-03-01T09:00:00+08:00", &[]);
    let check = |resource: Value| {
        let reply = api.post(
            "admin",
            "/v1/classifications/check",
            json!({"city": "wanzhou", "resource": resource}),
        );
        assert_eq!(reply.status, 200, "{reply:#?}");
        reply.body
    };
    let result = check(json!({"opening": "conditional"}));
    assert_eq!(result["ok"], false);
    let violations = result["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 1, "{result:#}");
    assert_eq!(violations[0]["article"], "第二十九条");
    assert_eq!(
        violations[0]["fields"],
        json!(["legal_basis", "legal_basis_kind"])
    );
    assert!(violations[0]["quote"]
        .as_str()
        .unwrap()
        .contains("法律法规"));

    let result = check(json!({"base_database": "natural_resources_geospatial",
        "sharing": "conditional", "opening": "conditional", "legal_basis": "《中华人民共和国测绘法》", "legal_basis_kind": "law"}));
    let articles: Vec<_> = result["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| &v["article"])
        .collect();
    assert_eq!(articles, [&json!("第二十三条")], "{result:#}");

    let result = check(json!({"base_database": "natural_resources_geospatial",
        "sharing": "unconditional", "opening": "conditional", "legal_basis": "国办发〔2017〕39号", "legal_basis_kind": "national_document"}));
    assert_eq!(
        result,
        json!({"city": "wanzhou", "ok": true, "violations": []})
    );

    let unknown = api.post(
        "admin",
        "/v1/classifications/check",
        json!({"city": "atlantis", "resource": {}}),
    );
    problem_naming(&unknown, 422, "unknown_city", "`atlantis`");
}

/// An unknown city has one answer wherever a request names it: code `unknown_city` and the
/// same detail listing the cities served; 404 when the city is the resource of the path,
/// 422 when it is a field of the body.
#[test]
fn an_unknown_city_is_one_answer_404_in_the_path_and_422_in_the_body() {
    let api = start("2023-09-28T09:00:00+08:00", &[]);
    let put = api
        .request(reqwest::Method::PUT, "/v1/admin/departments/atlantis")
        .bearer_auth(crate::support::server::token("admin"))
        .json(&json!({"departments": ["市公安局"]}));
    let replies = [
        (api.get("admin", "/v1/packs/atlantis"), 404),
        (api.get("admin", "/v1/admin/departments/atlantis"), 404),
        (api.send(put), 404),
        (
            api.post(
                "admin",
                "/v1/cases",
                json!({"city": "atlantis", "procedure": "objection"}),
            ),
            422,
        ),
        (
            api.post(
                "admin",
                "/v1/classifications/check",
                json!({"city": "atlantis", "resource": {}}),
            ),
            422,
        ),
    ];
    let details: Vec<String> = replies
        .iter()
        .map(|(reply, status)| problem(reply, *status, "unknown_city"))
        .collect();
    assert!(details[0].contains("`atlantis`"), "{}", details[0]);
    assert!(details[0].contains("liaocheng, macun"), "{}", details[0]);
    assert!(details.iter().all(|d| d == &details[0]), "{details:#?}");
}

/// `/v1/openapi.json` is OpenAPI 3.x and describes every route; `/healthz` reports the
/// simulated clock and six cities; neither needs a token.
#[test]
fn openapi_describes_every_route_and_health_reports_the_clock() {
    let api = start("2023-09-28T09:00:00+08:00", &[]);
    let spec = api.send(api.request(reqwest::Method::GET, "/v1/openapi.json"));
    assert_eq!(spec.status, 200);
    assert!(
        spec.body["openapi"].as_str().unwrap().starts_with("3."),
        "{:#}",
        spec.body["openapi"]
    );
    let paths = spec.body["paths"].as_object().expect("paths");
    for route in ROUTES {
        assert!(
            paths.contains_key(route),
            "`{route}` missing from {:?}",
            paths.keys()
        );
    }
    assert_eq!(paths.len(), ROUTES.len(), "{:?}", paths.keys());

    let health = api.send(api.request(reqwest::Method::GET, "/healthz"));
    assert_eq!(
        health.body,
        json!({"status": "ok", "clock": "simulated", "now": "2023-09-28T01:00:00Z", "cities": 6})
    );
}

/// `/metrics` is Prometheus text whose `govflow_cases_opened_total` counts the cases opened
/// (refused submissions excluded) and whose response counter counts by status.
#[test]
fn metrics_count_the_cases_opened() {
    let api = start(
        "2021-03-01T09:00:00+08:00",
        &[who("civil", "macun", "马村区民政局", &["user"])],
    );
    let body =
        json!({"city": "macun", "procedure": "data_verification", "provider": "马村区公安分局"});
    for _ in 0..3 {
        api.submit("civil", body.clone());
    }
    let refused = json!({"city": "macun", "procedure": "conditional_open"});
    problem(
        &api.post("civil", "/v1/cases", refused),
        422,
        "unknown_procedure",
    );
    let reply = api.send(api.request(reqwest::Method::GET, "/metrics"));
    assert_eq!(reply.status, 200);
    assert!(reply.content_type.starts_with("text/plain"), "{reply:#?}");
    let text = reply.body.as_str().expect("text");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.contains(&"# TYPE govflow_cases_opened_total counter"),
        "{text}"
    );
    assert!(lines.contains(&"govflow_cases_opened_total 3"), "{text}");
    assert!(
        lines.contains(&"govflow_refusals_total{code=\"unknown_procedure\"} 1"),
        "{text}"
    );
    assert!(
        lines.contains(&"govflow_http_responses_total{status=\"201\"} 3"),
        "{text}"
    );
    assert!(
        lines.contains(&"govflow_http_responses_total{status=\"422\"} 1"),
        "{text}"
    );
}
