//! Periods that are not the text's, over HTTP: the `statutory` flag in the case, the feed
//! and the pack; the imposer's `set_period`; a not-before gate; a notice that elapses.

use super::{deadline, id, problem_naming, start, who};
use serde_json::{json, Value};

/// The feed's events for `case`, as `(type, details)`.
fn feed(api: &super::Api, case: &str) -> Vec<(String, Value)> {
    let page = api.get("admin", "/v1/events?after=0&limit=1000");
    assert_eq!(page.status, 200, "{page:#?}");
    page.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["case"] == case)
        .map(|e| (e["type"].as_str().unwrap().to_owned(), e["details"].clone()))
        .collect()
}

/// wanzhou `rectification_period_set_by_authority.yaml` (第四十九条): the order's period
/// is the authority's, so the deadline is not statutory anywhere it is shown.
#[test]
fn the_authority_sets_the_period_of_its_order_and_nothing_calls_it_law() {
    let api = start(
        "2023-03-01T09:00:00+08:00",
        &[
            who("bureau", "wanzhou", "", &["authority"]),
            who("edu", "wanzhou", "区教委", &["provider"]),
        ],
    );
    let case = api.submit(
        "bureau",
        json!({"city": "wanzhou", "procedure": "rectification", "provider": "区教委"}),
    );
    let rectify = deadline(&case, "rectify");
    assert_eq!(rectify["due_date"], "2023-03-15");
    assert_eq!(rectify["statutory"], false);
    assert_eq!(rectify["kind"], "duty");
    let id = id(&case);
    problem_naming(
        &api.act("edu", &id, "set_period", json!({"working_days": 30})),
        403,
        "wrong_role",
        "第四十九条",
    );
    let set = api.act_ok("bureau", &id, "set_period", json!({"working_days": 30}));
    assert_eq!(deadline(&set, "rectify")["due_date"], "2023-04-13");
    // Too short to still be running by 03-20: refused, and the case is unchanged.
    api.set_clock("2023-03-20T10:00:00+08:00");
    problem_naming(
        &api.act("bureau", &id, "set_period", json!({"working_days": 5})),
        422,
        "period_out_of_bounds",
        "第四十九条",
    );
    assert_eq!(api.case(&id), set);
    api.set_clock("2023-04-14T00:00:00+08:00");
    let events = feed(&api, &id);
    let kinds: Vec<&str> = events.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        ["opened", "period_set", "warning", "lapsed", "acted"]
    );
    assert_eq!(events[1].1["working_days"], 30);
    assert_eq!(events[1].1["due_date"], "2023-04-13");
    assert_eq!(events[2].1["statutory"], false);
    assert_eq!(events[3].1["statutory"], false);

    // The pack says the same, and a period of the text's own is statutory.
    let pack = api.get("admin", "/v1/packs/wanzhou").body;
    let procedures = &pack["pack"]["procedures"];
    let order = &procedures["rectification"]["states"]["ordered"]["deadlines"][0];
    assert_eq!(order["statutory"], false, "{order:#}");
    assert_eq!(order["imposed_by"]["role"], "authority");
    let verify = &procedures["data_verification"]["states"]["verifying"]["deadlines"][0];
    assert_eq!(verify["statutory"], true, "{verify:#}");
}

/// jiaozuo `it_project_evaluation_not_before_a_year.yaml` (项目 第二十三条 满一年后).
#[test]
fn an_evaluation_before_the_year_is_out_is_refused_and_the_year_is_a_notice() {
    let api = start(
        "2022-03-15T09:00:00+08:00",
        &[
            who("bureau", "jiaozuo", "", &["authority"]),
            who(
                "finance",
                "jiaozuo",
                "市财政局（国资委）",
                &["finance_bureau"],
            ),
        ],
    );
    let case = api.submit(
        "bureau",
        json!({"city": "jiaozuo", "procedure": "it_project_evaluation", "provider": "市医疗保障局",
            "received_at": "2021-04-15T09:00:00+08:00"}),
    );
    let id = id(&case);
    let evaluation = json!({"decision": "approve", "evaluation_report": "第三方评价报告"});
    problem_naming(
        &api.act("bureau", &id, "decide", evaluation.clone()),
        409,
        "too_early",
        "2022-04-16",
    );
    api.set_clock("2022-04-16T10:00:00+08:00");
    let due = api.case(&id);
    assert_eq!(due["overdue"], false);
    assert_eq!(deadline(&due, "evaluation_due")["status"], "elapsed");
    assert_eq!(deadline(&due, "evaluation_due")["kind"], "notice");
    assert_eq!(api.history(&id), ["opened", "elapsed"]);
    assert!(api.cases("admin", &format!("?parent={id}")).is_empty());
    assert!(api.cases("admin", "?overdue=true").is_empty());
    // The evaluation is a joint act of the authority and the finance bureau.
    let waiting = api.act_ok("bureau", &id, "decide", evaluation.clone());
    assert_eq!(waiting["state"], "in_operation");
    let passed = api.act_ok("finance", &id, "decide", evaluation);
    assert_eq!(passed["state"], "passed");
}
