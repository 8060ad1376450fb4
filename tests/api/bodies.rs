//! Bodies and joint acts over HTTP: a token gives an actor a body (`roles:
//! [finance_bureau]`), a joint act is recorded per body in the case JSON (`joint_acts`)
//! and completes with the last body's taking; a case opened by hand at a ladder's entry
//! (`start`) starts there. 焦作 项目 第二十三条 and 第三十一条.

use super::{problem, problem_naming, start, who};
use serde_json::json;

#[test]
fn the_evaluation_is_a_joint_act_of_the_authority_and_the_finance_bureau() {
    let api = start(
        "2022-03-02T09:00:00+08:00",
        &[
            who(
                "bureau",
                "jiaozuo",
                "市政务服务和大数据管理局",
                &["authority"],
            ),
            who(
                "finance",
                "jiaozuo",
                "市财政局（国资委）",
                &["finance_bureau"],
            ),
            who("unit", "jiaozuo", "市医疗保障局", &["provider"]),
        ],
    );
    let case = api.submit(
        "bureau",
        json!({"city": "jiaozuo", "procedure": "it_project_evaluation", "provider": "市医疗保障局",
            "received_at": "2021-03-01T09:00:00+08:00"}),
    );
    let id = super::id(&case);
    let report = json!({"decision": "approve", "evaluation_report": "专家评价意见"});
    let first = api.act_ok("finance", &id, "decide", report.clone());
    assert_eq!(first["state"], "in_operation");
    assert_eq!(first["joint_acts"][0]["role"], "finance_bureau");
    assert_eq!(first["joint_acts"][0]["decision"], "approve");
    let differing = api.act(
        "bureau",
        &id,
        "decide",
        json!({"decision": "reject", "evaluation_report": "专家评价意见", "reasons": "未达标"}),
    );
    problem_naming(&differing, 409, "joint_disagreement", "项目 第二十三条");
    problem(
        &api.act("unit", &id, "decide", report.clone()),
        403,
        "wrong_role",
    );
    let done = api.act_ok("bureau", &id, "decide", report);
    assert_eq!(done["state"], "passed");
    assert_eq!(done["joint_acts"], json!([]));
    // The year of operation ran out before the evaluation: a notice, no one late.
    assert_eq!(
        api.history(&id),
        ["opened", "elapsed", "joint_act_recorded", "acted"]
    );
}

#[test]
fn the_finance_bureau_opens_the_inspection_ladder_at_its_entry() {
    let api = start(
        "2024-06-03T09:00:00+08:00",
        &[
            who(
                "finance",
                "jiaozuo",
                "市财政局（国资委）",
                &["finance_bureau"],
            ),
            who("unit", "jiaozuo", "市住房城乡建设局", &["provider"]),
        ],
    );
    let body = |start: &str| {
        json!({"city": "jiaozuo", "procedure": "rectification", "provider": "市住房城乡建设局",
            "start": start})
    };
    let refused = api.post("finance", "/v1/cases", body("ordered"));
    problem_naming(&refused, 422, "invalid_field", "project_ordered");
    let case = api.submit("finance", body("project_ordered"));
    assert_eq!(case["state"], "project_ordered");
    assert_eq!(case["parent"], serde_json::Value::Null);
}
