//! A lapse opens a rectification case (the city's penalty ladder), found with
//! `GET /v1/cases?parent=`; the child's own lapse moves the ladder on a step.

use super::{deadline, id, problem, problem_naming, start, who};
use serde_json::json;

/// jiaozuo `catalog_update_lapse_penalty_ladder.yaml` (数据 第三十六条): the application
/// lapses after National Day 2021, the rectification awaits the authority's order, the
/// order's 10 working days lapse in turn and the ladder reaches 通报批评 (`criticized`).
#[test]
fn jiaozuo_lapse_opens_rectification_whose_lapse_moves_to_criticism() {
    let api = start(
        "2021-09-30T09:00:00+08:00",
        &[
            who("transport", "jiaozuo", "市交通运输局", &["provider"]),
            who("police", "jiaozuo", "市公安局", &["provider"]),
            who("bureau", "jiaozuo", "", &["authority"]),
        ],
    );
    // Thu 09-30; rest 10-01..10-07, make-up Sat 10-09: 10-08, 10-09, 10-11 .. 10-15,
    // 10-18, 10-19, 10-20 → 2021-10-20.
    let case = api.submit(
        "transport",
        json!({"city": "jiaozuo", "procedure": "catalog_update", "provider": "市交通运输局",
            "data": {"event": "mandate_changed"}}),
    );
    assert_eq!(deadline(&case, "application")["due_date"], "2021-10-20");
    let id = id(&case);
    assert!(api.cases("admin", &format!("?parent={id}")).is_empty());

    api.set_clock("2021-10-21T00:00:00+08:00");
    let case = api.case(&id);
    assert_eq!(case["state"], "awaiting_application");
    assert_eq!(case["overdue"], true);
    assert_eq!(deadline(&case, "application")["status"], "missed");
    assert_eq!(
        api.history(&id),
        ["opened", "warning", "lapsed", "penalty_opened"]
    );
    let children = api.cases("transport", &format!("?parent={id}"));
    assert_eq!(children.len(), 1, "{children:#?}");
    let child = &children[0];
    assert_eq!(child["procedure"], "rectification");
    assert_eq!(child["city"], "jiaozuo");
    assert_eq!(child["parent"], id.as_str());
    assert_eq!(child["state"], "awaiting_order");
    assert_eq!(child["provider"], "市交通运输局");
    assert_eq!(child["overdue"], false);
    let child = super::id(child);
    let overdue = api.cases("admin", "?overdue=true");
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["id"], id.as_str());

    // Only the authority orders; ordered Fri 10-22: 10-25 .. 10-29, 11-01 .. 11-05.
    api.set_clock("2021-10-22T09:00:00+08:00");
    let decide = api.act("transport", &child, "decide", json!({}));
    problem_naming(&decide, 403, "wrong_role", "数据 第三十六条");
    let ordered = api.act_ok("bureau", &child, "decide", json!({}));
    assert_eq!(ordered["state"], "ordered");
    let rectify = deadline(&ordered, "rectify");
    assert_eq!(rectify["due_date"], "2021-11-05");
    assert_eq!(rectify["article"], "数据 第三十六条");
    problem(
        &api.act("police", &child, "rectify", json!({})),
        403,
        "out_of_scope",
    );

    // 逾期未改正 → 通报批评.
    api.set_clock("2021-11-06T00:00:00+08:00");
    let child = api.case(&child);
    assert_eq!(child["state"], "criticized");
    assert_eq!(child["overdue"], true);
    assert_eq!(deadline(&child, "rectify")["status"], "missed");
    let criticized = api.cases("admin", "?procedure=rectification&state=criticized");
    assert_eq!(criticized.len(), 1);
    assert_eq!(criticized[0]["parent"], id.as_str());
}
