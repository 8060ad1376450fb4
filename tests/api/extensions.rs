//! Extensions (延长): approved by the provider's principal, counted on from the original
//! due date, capped per article, and only before the deadline lapses.

use super::{deadline, id, problem, problem_naming, start, who};
use serde_json::json;

/// wanzhou `data_verification_extension.yaml` (第十七条, cap 10 working days, Spring
/// Festival 2021): over the cap 422, another department's principal 403, within the cap
/// approved, a second request past the cumulative cap 422, after the lapse 409.
#[test]
fn wanzhou_verification_extension_within_and_over_the_cap_and_after_the_lapse() {
    let api = start(
        "2021-02-08T09:00:00+08:00",
        &[
            who("citizen", "wanzhou", "", &["applicant"]),
            who("police", "wanzhou", "区公安局", &["provider"]),
            who("police_head", "wanzhou", "区公安局", &["principal"]),
            who("other_head", "wanzhou", "区民政局", &["principal"]),
        ],
    );
    // Rest 02-11..02-17, make-up Sun 02-07 and Sat 02-20. After Mon 02-08: 02-09, 02-10,
    // 02-18, 02-19, 02-20, 02-22 .. 02-26 → the 10th is 2021-02-26.
    let case = api.submit(
        "citizen",
        json!({"city": "wanzhou", "procedure": "data_verification", "provider": "区公安局"}),
    );
    assert_eq!(deadline(&case, "verify")["due_date"], "2021-02-26");
    let id = id(&case);

    api.set_clock("2021-02-22T10:00:00+08:00");
    let over = json!({"working_days": 11, "reason": "涉及多个系统"});
    problem_naming(
        &api.act("police", &id, "request_extension", over),
        422,
        "extension_over_cap",
        "第十七条",
    );
    let five = json!({"working_days": 5, "reason": "涉及多个系统"});
    let case = api.act_ok("police", &id, "request_extension", five.clone());
    let verify = deadline(&case, "verify");
    assert_eq!(verify["pending_extension"], 5);
    assert_eq!(
        verify["due_date"], "2021-02-26",
        "not moved before approval"
    );
    problem(
        &api.act("police", &id, "request_extension", five),
        409,
        "extension_pending",
    );
    let approve = api.act("other_head", &id, "approve_extension", json!({}));
    problem(&approve, 403, "out_of_scope");

    // 5 working days on from 02-26: 03-01 .. 03-05.
    let case = api.act_ok("police_head", &id, "approve_extension", json!({}));
    let verify = deadline(&case, "verify");
    assert_eq!(verify["due_date"], "2021-03-05");
    assert_eq!(verify["due_at"], "2021-03-05T15:59:59Z");
    assert_eq!(verify["original_due_date"], "2021-02-26");
    assert_eq!(verify["extended_working_days"], 5);
    assert_eq!(verify["pending_extension"], json!(null));
    assert_eq!(verify["status"], "open");

    // The cap is on the total: 5 granted + 6 asked = 11 > 10.
    let six = json!({"working_days": 6, "reason": "仍未完成"});
    let refused = api.act("police", &id, "request_extension", six);
    problem_naming(
        &refused,
        422,
        "extension_over_cap",
        "to 11, over the cap of 10",
    );

    api.set_clock("2021-03-06T00:00:00+08:00");
    let case = api.case(&id);
    assert_eq!(case["overdue"], true);
    assert_eq!(deadline(&case, "verify")["status"], "missed");
    let one = json!({"working_days": 1, "reason": "迟到的申请"});
    let refused = api.act("police", &id, "request_extension", one);
    problem_naming(&refused, 409, "extension_after_lapse", "第十七条");
    assert_eq!(
        api.history(&id),
        [
            "opened",
            "extension_requested",
            "extension_approved",
            "warning",
            "lapsed",
            "penalty_opened"
        ]
    );
}

/// chongqing `conditional_open_extension_2025.yaml` (第二十四条, cap 15 working days,
/// National Day 2025): 16 is over the cap, the full 15 is approved by the 负责人 and moves
/// the due date from 2025-10-23 to 2025-11-13.
#[test]
fn chongqing_open_application_extended_by_the_full_fifteen_days() {
    let api = start(
        "2025-09-26T10:00:00+08:00",
        &[
            who("company", "chongqing", "", &["applicant"]),
            who("planning", "chongqing", "市规划自然资源局", &["provider"]),
            who(
                "planning_head",
                "chongqing",
                "市规划自然资源局",
                &["principal"],
            ),
        ],
    );
    // Fri 09-26; make-up Sun 09-28, Sat 10-11; rest 10-01..10-08: 09-28, 09-29, 09-30,
    // 10-09, 10-10, 10-11, 10-13 .. 10-17, 10-20 .. 10-23 → 2025-10-23.
    let case = api.submit(
        "company",
        json!({"city": "chongqing", "procedure": "conditional_open", "provider": "市规划自然资源局",
            "data": {"channel": "开放平台独立门户网站", "open_class": "conditional",
                "item": "地块规划条件", "resource": {"opening": "conditional"}}}),
    );
    let reply = deadline(&case, "reply");
    assert_eq!(reply["due_date"], "2025-10-23");
    assert_eq!(reply["provisional"], false);
    let id = id(&case);

    api.set_clock("2025-10-20T09:00:00+08:00");
    let over = json!({"working_days": 16, "reason": "需脱敏清洗"});
    problem_naming(
        &api.act("planning", &id, "request_extension", over),
        422,
        "extension_over_cap",
        "第二十四条",
    );
    let full = json!({"working_days": 15, "reason": "需脱敏清洗"});
    api.act_ok("planning", &id, "request_extension", full);
    problem_naming(
        &api.act("company", &id, "approve_extension", json!({})),
        403,
        "wrong_role",
        "第二十四条",
    );
    // 15 on from 10-23: 10-24, 10-27 .. 10-31, 11-03 .. 11-07, 11-10 .. 11-13.
    let case = api.act_ok("planning_head", &id, "approve_extension", json!({}));
    let reply = deadline(&case, "reply");
    assert_eq!(reply["due_date"], "2025-11-13");
    assert_eq!(reply["original_due_date"], "2025-10-23");
    assert_eq!(reply["extended_working_days"], 15);

    api.set_clock("2025-11-12T16:00:00+08:00");
    let case = api.act_ok(
        "planning",
        &id,
        "reply",
        json!({"decision": "approve", "conditions": "仅限脱敏后数据"}),
    );
    assert_eq!(case["state"], "approved");
    assert_eq!(case["overdue"], false);
    assert_eq!(deadline(&case, "reply")["status"], "met");
}
