//! Bearer tokens: who may call at all (401), act on a case (403 naming the article),
//! see a city or, within it, another department's case (403 `out_of_scope`, the core's
//! code for the same rule), and administer (403 `admin_only`).

use super::{id, problem, problem_naming, start, who, Api};
use reqwest::Method;
use serde_json::json;

const CITIES: &[crate::support::server::Who] = &[
    who("health", "liaocheng", "市卫生健康委", &["applicant"]),
    who("police", "liaocheng", "市公安局", &["provider"]),
    who("civil", "liaocheng", "市民政局", &["provider"]),
    who("wz_citizen", "wanzhou", "", &["applicant"]),
];

/// liaocheng's `conditional_share` (第二十二条) and a wanzhou `data_verification`, each
/// opened by an actor of its own city.
fn two_cities() -> (Api, String, String) {
    let api = start("2021-04-30T16:00:00+08:00", CITIES);
    let liaocheng = api.submit(
        "health",
        json!({"city": "liaocheng", "procedure": "conditional_share", "provider": "市公安局",
            "data": {"ground": "conditional_class"}}),
    );
    let wanzhou = api.submit(
        "wz_citizen",
        json!({"city": "wanzhou", "procedure": "data_verification", "provider": "区公安局"}),
    );
    (api, id(&liaocheng), id(&wanzhou))
}

/// No token, a token the service does not know, or another scheme: 401 problem+json with
/// `WWW-Authenticate: Bearer`, and nothing is stored.
#[test]
fn without_a_known_bearer_token_every_call_is_401() {
    let api = start("2021-04-30T16:00:00+08:00", CITIES);
    let body =
        json!({"city": "liaocheng", "procedure": "conditional_share", "provider": "市公安局"});
    let bare = api
        .request(Method::POST, "/v1/cases")
        .json(&body)
        .send()
        .unwrap();
    assert_eq!(bare.status(), 401);
    assert_eq!(
        bare.headers()["www-authenticate"],
        "Bearer realm=\"govflow\""
    );
    assert_eq!(bare.headers()["content-type"], "application/problem+json");
    let no_token = api.send(api.request(Method::GET, "/v1/cases"));
    problem_naming(&no_token, 401, "unauthorized", "Authorization");
    for header in [
        "Bearer not-a-token-the-service-knows",
        "Basic YWRtaW46YWRtaW4=",
        "token-for-admin-0123456789abcdef",
    ] {
        let request = api
            .request(Method::GET, "/v1/cases")
            .header("authorization", header);
        problem(&api.send(request), 401, "unauthorized");
    }
    let request = api
        .request(Method::GET, "/v1/events")
        .bearer_auth("nobody-0123456789abcdef");
    problem_naming(&api.send(request), 401, "unauthorized", "tokens file");
    assert!(api.cases("admin", "").is_empty());
}

/// A provider of another department, or an actor without the role, is refused with 403
/// and a detail naming the article that gives the duty to someone else.
#[test]
fn acting_outside_ones_department_or_role_is_403_naming_the_article() {
    let (api, liaocheng, _) = two_cities();
    let approve = json!({"decision": "approve"});
    let other_department = api.act("civil", &liaocheng, "reply", approve.clone());
    problem_naming(&other_department, 403, "out_of_scope", "第二十二条");
    let wrong_role = api.act("health", &liaocheng, "reply", approve);
    problem_naming(&wrong_role, 403, "wrong_role", "第二十二条");
    let case = api.case(&liaocheng);
    assert_eq!(case["state"], "answering");
    assert_eq!(case["revision"], 1);
    assert_eq!(api.history(&liaocheng), ["opened"]);
}

/// An actor bound to one city may not submit in, read, act on, list or follow another:
/// each is 403 `out_of_scope`, even for an action the case does not offer (which its own
/// city's actors are told is 422 `unknown_action`).
#[test]
fn an_actor_of_another_city_is_403_everywhere_in_it() {
    let (api, liaocheng, _) = two_cities();
    let submit = api.post(
        "wz_citizen",
        "/v1/cases",
        json!({"city": "liaocheng", "procedure": "objection"}),
    );
    problem_naming(&submit, 403, "out_of_scope", "`liaocheng`");
    let paths = [
        format!("/v1/cases/{liaocheng}"),
        format!("/v1/cases/{liaocheng}/events"),
        "/v1/cases?city=liaocheng".to_owned(),
        "/v1/events?city=liaocheng".to_owned(),
    ];
    for path in &paths {
        problem_naming(
            &api.get("wz_citizen", path),
            403,
            "out_of_scope",
            "`liaocheng`",
        );
    }
    let act = api.act(
        "wz_citizen",
        &liaocheng,
        "reply",
        json!({"decision": "approve"}),
    );
    problem(&act, 403, "out_of_scope");
    let unknown = api.act("wz_citizen", &liaocheng, "fly", json!({}));
    problem_naming(&unknown, 403, "out_of_scope", "`liaocheng`");
    problem(
        &api.act("police", &liaocheng, "fly", json!({})),
        422,
        "unknown_action",
    );
    assert_eq!(api.cases("admin", "").len(), 2);
    assert_eq!(api.case(&liaocheng)["revision"], 1);
}

/// Without `city=`, a city-bound actor's list holds only its own city's cases; the admin
/// (`city: "*"`) sees all.
#[test]
fn a_city_bound_actor_lists_only_its_city() {
    let (api, liaocheng, wanzhou) = two_cities();
    let own = api.cases("wz_citizen", "");
    assert_eq!(own.len(), 1, "{own:#?}");
    assert_eq!(own[0]["id"], wanzhou.as_str());
    assert_eq!(own[0]["city"], "wanzhou");
    let own = api.cases("police", "?city=liaocheng");
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["id"], liaocheng.as_str());
    let all: Vec<_> = api
        .cases("admin", "")
        .iter()
        .map(|c| c["city"].clone())
        .collect();
    assert_eq!(all, [json!("liaocheng"), json!("wanzhou")]);
}

/// Within its city, a department sees the cases addressed to it or opened by it, and no
/// other department's: `市民政局` is refused `市公安局`'s case (403 `out_of_scope`) on every
/// read, and does not find it in the list; the department it is addressed to, and the
/// applicant who opened it, do. The web pages apply the same rule (`Caller::sees`).
#[test]
fn a_department_sees_only_its_own_cases_of_its_city() {
    let (api, liaocheng, _) = two_cities();
    for path in [
        format!("/v1/cases/{liaocheng}"),
        format!("/v1/cases/{liaocheng}/events"),
        format!("/v1/cases/{liaocheng}/explain"),
    ] {
        problem_naming(&api.get("civil", &path), 403, "out_of_scope", &liaocheng);
        assert_eq!(api.get("police", &path).status, 200, "{path}");
        assert_eq!(api.get("health", &path).status, 200, "{path}");
    }
    assert!(api.cases("civil", "?city=liaocheng").is_empty());
    assert_eq!(api.cases("police", "?city=liaocheng").len(), 1);
}

/// The admin endpoints answer 403 `admin_only` to anyone else, and change nothing.
#[test]
fn admin_endpoints_refuse_non_admins() {
    let api = start("2021-04-30T16:00:00+08:00", CITIES);
    let clock = api.post(
        "police",
        "/v1/admin/clock",
        json!({"now": "2021-06-01T00:00:00+08:00"}),
    );
    problem_naming(&clock, 403, "admin_only", "`police`");
    problem(
        &api.post("police", "/v1/admin/reload", json!({})),
        403,
        "admin_only",
    );
    problem(
        &api.get("police", "/v1/admin/departments/liaocheng"),
        403,
        "admin_only",
    );
    let put = api
        .request(Method::PUT, "/v1/admin/departments/liaocheng")
        .bearer_auth(crate::support::server::token("police"))
        .json(&json!({"departments": ["市公安局"]}));
    problem(&api.send(put), 403, "admin_only");
    let now = api.get("police", "/v1/clock");
    assert_eq!(now.body["now"], "2021-04-30T08:00:00Z");
    let departments = api.get("admin", "/v1/admin/departments/liaocheng");
    assert_eq!(departments.status, 200, "{departments:#?}");
    assert_eq!(departments.body["departments"], json!([]));
}
