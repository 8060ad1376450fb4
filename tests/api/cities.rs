//! One full procedure per city, taken from its scenario file, with city-bound tokens
//! holding the departments and roles the scenario uses.

use super::{assert_v1_case, deadline, id, problem_naming, start, who};
use serde_json::json;

/// wanzhou `catalog_update_national_day.yaml`: the department's 10 working days across
/// National Day 2021 with its make-up days, the authority's dependent 5, a return and a
/// resubmission on a rest day.
#[test]
fn wanzhou_catalog_update_across_national_day_2021() {
    let api = start(
        "2021-09-24T10:00:00+08:00",
        &[
            who("bureau", "wanzhou", "", &["authority"]),
            who("civil", "wanzhou", "区民政局", &["provider"]),
            who("police", "wanzhou", "区公安局", &["provider"]),
            who("citizen", "wanzhou", "", &["applicant"]),
        ],
    );
    let body = json!({"city": "wanzhou", "procedure": "catalog_update", "provider": "区民政局",
        "data": {"basis": "某法规修改决定"}});
    let refused = api.post("citizen", "/v1/cases", body.clone());
    problem_naming(&refused, 403, "wrong_role", "第十三条");

    // Published Fri 09-24 (not counted). Rest 10-01..10-07; make-up Sun 09-26, Sat 10-09:
    // 09-26, 09-27 .. 09-30, 10-08, 10-09, 10-11, 10-12, 10-13 → the 10th is 2021-10-13.
    let case = api.submit("bureau", body);
    assert_v1_case(&case);
    assert_eq!(case["city"], "wanzhou");
    assert_eq!(case["procedure"], "catalog_update");
    assert_eq!(case["state"], "awaiting_application");
    assert_eq!(case["overdue"], false);
    assert_eq!(case["parent"], json!(null));
    assert_eq!(case["regulation_status"], "in_force");
    let apply = deadline(&case, "apply");
    assert_eq!(apply["due_date"], "2021-10-13");
    assert_eq!(apply["due_at"], "2021-10-13T15:59:59Z");
    assert_eq!(apply["status"], "open");
    assert_eq!(apply["provisional"], false);
    assert_eq!(apply["article"], "第十三条");
    let id = id(&case);

    api.set_clock("2021-10-09T09:00:00+08:00");
    problem_naming(
        &api.act("police", &id, "submit", json!({})),
        403,
        "out_of_scope",
        "第十三条",
    );
    // Applied on Sat 10-09, a make-up working day: 10-11 .. 10-15 → 2021-10-15.
    let case = api.act_ok("civil", &id, "submit", json!({}));
    assert_eq!(case["state"], "reviewing");
    assert_eq!(deadline(&case, "apply")["status"], "met");
    assert_eq!(deadline(&case, "review")["due_date"], "2021-10-15");

    api.set_clock("2021-10-15T16:00:00+08:00");
    let reject = json!({"decision": "reject"});
    problem_naming(
        &api.act("bureau", &id, "reply", reject),
        422,
        "guard_refused",
        "第十三条",
    );
    let case = api.act_ok(
        "bureau",
        &id,
        "reply",
        json!({"decision": "reject", "reasons": "未列明修改的数据项"}),
    );
    assert_eq!(case["state"], "returned");

    // Resubmitted on Sun 10-17, a rest day: counted from Mon 10-18 → 10-19 .. 10-25.
    api.set_clock("2021-10-17T11:00:00+08:00");
    let case = api.act_ok("civil", &id, "submit", json!({}));
    assert_eq!(case["state"], "reviewing");
    assert_eq!(deadline(&case, "review")["due_date"], "2021-10-25");
    assert_eq!(deadline(&case, "review")["status"], "open");

    api.set_clock("2021-10-25T12:00:00+08:00");
    let case = api.act_ok("bureau", &id, "reply", json!({"decision": "approve"}));
    assert_eq!(case["state"], "updated");
    assert_eq!(case["overdue"], false);
    assert_eq!(deadline(&case, "review")["status"], "met");
    assert_eq!(api.case(&id), case, "GET returns what the action returned");
    assert!(api.cases("admin", &format!("?parent={id}")).is_empty());
}

/// liaocheng `conditional_share_mayday.yaml`: 10 working days across May Day 2021, reply,
/// the authority's review and grant. The pack has since expired (第四十条), but a case
/// received in 2021 is governed by it: `regulation_status` stays `in_force`.
#[test]
fn liaocheng_conditional_share_across_may_day_2021() {
    let api = start(
        "2021-04-30T16:00:00+08:00",
        &[
            who("health", "liaocheng", "市卫生健康委", &["applicant"]),
            who("police", "liaocheng", "市公安局", &["provider"]),
            who("bureau", "liaocheng", "市政务数据主管部门", &["authority"]),
        ],
    );
    // Fri 04-30. Rest 05-01..05-05, Sat 05-08 make-up: 05-06, 05-07, 05-08, 05-10 .. 05-14,
    // 05-17, 05-18 → 2021-05-18.
    let case = api.submit(
        "health",
        json!({"city": "liaocheng", "procedure": "conditional_share", "provider": "市公安局",
            "data": {"ground": "conditional_class"}}),
    );
    assert_v1_case(&case);
    assert_eq!(case["state"], "answering");
    assert_eq!(case["regulation_status"], "in_force");
    let reply = deadline(&case, "reply");
    assert_eq!(reply["due_date"], "2021-05-18");
    assert_eq!(reply["article"], "第二十二条");
    let id = id(&case);

    api.set_clock("2021-05-12T10:00:00+08:00");
    let approve = json!({"decision": "approve"});
    problem_naming(
        &api.act("health", &id, "reply", approve.clone()),
        403,
        "wrong_role",
        "第二十二条",
    );
    let case = api.act_ok("police", &id, "reply", approve.clone());
    assert_eq!(case["state"], "reviewing");
    assert_eq!(deadline(&case, "reply")["status"], "met");
    let case = api.act_ok("bureau", &id, "decide", approve);
    assert_eq!(case["state"], "granting");
    problem_naming(
        &api.act("bureau", &id, "accept", json!({})),
        422,
        "missing_field",
        "第二十二条",
    );
    let case = api.act_ok("bureau", &id, "accept", json!({"agreement": "XY-2021-031"}));
    assert_eq!(case["state"], "granted");
    assert_eq!(case["overdue"], false);
}

/// neijiang `conditional_share_reply.yaml`: the draft regulation (every case says
/// `draft`), 10 working days across National Day 2020, no extension in 第二十六条.
#[test]
fn neijiang_conditional_share_under_the_draft() {
    let api = start(
        "2020-09-30T15:00:00+08:00",
        &[
            who("citizen", "neijiang", "", &["applicant"]),
            who("civil", "neijiang", "市民政局", &["user"]),
            who("police", "neijiang", "市公安局", &["provider"]),
        ],
    );
    let body = json!({"city": "neijiang", "procedure": "conditional_share", "provider": "市公安局",
        "data": {"resource": {"sharing": "conditional", "legal_basis": "《中华人民共和国数据安全法》", "legal_basis_kind": "law", "filing": "2020-备-017"}}});
    problem_naming(
        &api.post("citizen", "/v1/cases", body.clone()),
        403,
        "wrong_role",
        "第二十六条",
    );
    // Wed 09-30; rest 10-01..10-08: 10-09, 10-10 (Sat, make-up), 10-12 .. 10-16, 10-19,
    // 10-20, 10-21 → 2020-10-21.
    let case = api.submit("civil", body);
    assert_v1_case(&case);
    assert_eq!(case["regulation_status"], "draft");
    assert_eq!(case["state"], "replying");
    let reply = deadline(&case, "reply");
    assert_eq!(reply["due_date"], "2020-10-21");
    assert_eq!(reply["provisional"], false);
    assert_eq!(reply["article"], "第二十六条");
    let id = id(&case);

    api.set_clock("2020-10-19T09:00:00+08:00");
    let extension = json!({"working_days": 5, "reason": "数据量大"});
    let refused = api.act("police", &id, "request_extension", extension);
    problem_naming(&refused, 409, "nothing_to_extend", "replying");
    let case = api.act_ok(
        "police",
        &id,
        "reply",
        json!({"decision": "approve", "scope": "姓名、身份证号、户籍地址", "purpose": "低保资格审核"}),
    );
    assert_eq!(case["state"], "shared");
    assert_eq!(case["overdue"], false);
    assert_eq!(case["regulation_status"], "draft");
    assert_eq!(deadline(&case, "reply")["status"], "met");
}

/// chongqing `catalog_update_national_day_2018.yaml`: 第九条's 15 working days on the
/// make-up days of 2018, then 第十条's 10 counted from the day the catalog was updated.
#[test]
fn chongqing_catalog_update_and_dependent_report_2018() {
    let api = start(
        "2018-09-28T10:00:00+08:00",
        &[
            who("police", "chongqing", "市公安局", &["provider"]),
            who("ndrc", "chongqing", "市发展改革部门", &["authority"]),
        ],
    );
    // In force from 2018-05-05 (第四十四条).
    let early = json!({"city": "chongqing", "procedure": "catalog_update", "provider": "市公安局",
        "received_at": "2018-04-20T10:00:00+08:00"});
    problem_naming(
        &api.post("police", "/v1/cases", early),
        422,
        "not_in_force",
        "第四十四条",
    );
    // Fri 09-28; make-up Sat 09-29, Sun 09-30; rest 10-01..10-07: 09-29, 09-30, 10-08 ..
    // 10-12, 10-15 .. 10-19, 10-22, 10-23, 10-24 → 2018-10-24.
    let case = api.submit(
        "police",
        json!({"city": "chongqing", "procedure": "catalog_update", "provider": "市公安局",
            "data": {"trigger": "law_revised"}}),
    );
    assert_v1_case(&case);
    assert_eq!(case["state"], "updating");
    let update = deadline(&case, "update_catalog");
    assert_eq!(update["due_date"], "2018-10-24");
    assert_eq!(update["article"], "第九条");
    let id = id(&case);

    // Updated Mon 10-15: 10-16 .. 10-19, 10-22 .. 10-26, 10-29 → 2018-10-29.
    api.set_clock("2018-10-15T10:00:00+08:00");
    let case = api.act_ok("police", &id, "submit", json!({"updated_on": "2018-10-15"}));
    assert_eq!(case["state"], "reporting");
    assert_eq!(deadline(&case, "update_catalog")["status"], "met");
    let report = deadline(&case, "report_catalog");
    assert_eq!(report["due_date"], "2018-10-29");
    assert_eq!(report["status"], "open");
    assert_eq!(report["article"], "第十条");

    api.set_clock("2018-10-26T10:00:00+08:00");
    assert_eq!(
        api.act_ok("police", &id, "submit", json!({}))["state"],
        "reported"
    );
    let case = api.act_ok("ndrc", &id, "accept", json!({}));
    assert_eq!(case["state"], "accepted");
    assert_eq!(case["overdue"], false);
    // report_catalog warns 2 working days ahead (Thu 10-25), passed by the clock's move.
    assert_eq!(
        api.history(&id),
        ["opened", "acted", "warning", "acted", "acted"]
    );
}

/// jiaozuo `catalog_update_happy_path.yaml`: 数据 第十条's 10 working days from the law's
/// amendment (`received_at`), then the authority's dependent 5 from the application.
#[test]
fn jiaozuo_catalog_update_applied_and_reviewed() {
    let api = start(
        "2021-03-10T09:00:00+08:00",
        &[
            who("transport", "jiaozuo", "市交通运输局", &["provider"]),
            who("bureau", "jiaozuo", "", &["authority"]),
        ],
    );
    // Amended Mon 03-01: 03-02 .. 03-05, 03-08 .. 03-12, 03-15 → 2021-03-15.
    let case = api.submit(
        "transport",
        json!({"city": "jiaozuo", "procedure": "catalog_update", "provider": "市交通运输局",
            "received_at": "2021-03-01T09:00:00+08:00", "data": {"event": "law_amended"}}),
    );
    assert_v1_case(&case);
    assert_eq!(case["state"], "awaiting_application");
    assert_eq!(case["received_date"], "2021-03-01");
    let application = deadline(&case, "application");
    assert_eq!(application["due_date"], "2021-03-15");
    assert_eq!(application["article"], "数据 第十条");
    let id = id(&case);

    // Applied Wed 03-10: 03-11, 03-12, 03-15, 03-16, 03-17 → 2021-03-17.
    let case = api.act_ok("transport", &id, "submit", json!({}));
    assert_eq!(case["state"], "under_review");
    assert_eq!(deadline(&case, "catalog_updated")["due_date"], "2021-03-17");

    api.set_clock("2021-03-16T10:00:00+08:00");
    let case = api.act_ok("bureau", &id, "reply", json!({"decision": "approve"}));
    assert_eq!(case["state"], "updated");
    assert_eq!(case["overdue"], false);
    assert_eq!(deadline(&case, "catalog_updated")["status"], "met");
}

/// macun `inherited_verification_runs.yaml`: a procedure inherited from jiaozuo runs under
/// macun's own version, with jiaozuo's article and extension cap.
#[test]
fn macun_runs_the_inherited_data_verification() {
    let api = start(
        "2021-03-01T09:00:00+08:00",
        &[
            who("civil", "macun", "马村区民政局", &["user"]),
            who("police", "macun", "马村区公安分局", &["provider"]),
            who("police_head", "macun", "马村区公安分局", &["principal"]),
        ],
    );
    // Mon 03-01 → 10 working days → Mon 2021-03-15.
    let case = api.submit(
        "civil",
        json!({"city": "macun", "procedure": "data_verification", "provider": "马村区公安分局"}),
    );
    assert_v1_case(&case);
    assert_eq!(case["city"], "macun");
    assert_eq!(case["state"], "verifying");
    assert_eq!(case["regulation_status"], "in_force");
    let verify = deadline(&case, "verify");
    assert_eq!(verify["due_date"], "2021-03-15");
    assert_eq!(verify["article"], "数据 第十四条");
    let id = id(&case);

    api.set_clock("2021-03-10T10:00:00+08:00");
    let ask = json!({"working_days": 10, "reason": "数据量大"});
    api.act_ok("police", &id, "request_extension", ask);
    // 10 working days on from 03-15: 03-16 .. 03-19, 03-22 .. 03-26, 03-29.
    let case = api.act_ok("police_head", &id, "approve_extension", json!({}));
    assert_eq!(deadline(&case, "verify")["due_date"], "2021-03-29");
    let case = api.act_ok(
        "police",
        &id,
        "reply",
        json!({"decision": "reject", "reasons": "数据与登记一致"}),
    );
    assert_eq!(case["state"], "confirmed");
}

/// A procedure the city's text does not provide is a 422 naming the city and what it
/// offers, whoever asks.
#[test]
fn a_procedure_the_city_does_not_offer_is_unknown_procedure() {
    let api = start(
        "2021-03-01T09:00:00+08:00",
        &[who("transport", "macun", "马村区交通运输局", &["provider"])],
    );
    let body =
        json!({"city": "macun", "procedure": "conditional_open", "provider": "马村区交通运输局"});
    let refused = api.post("transport", "/v1/cases", body);
    problem_naming(&refused, 422, "unknown_procedure", "`macun`");
    let body = json!({"city": "wanzhou", "procedure": "nongov_share"});
    let refused = api.post("admin", "/v1/cases", body);
    problem_naming(
        &refused,
        422,
        "unknown_procedure",
        "`wanzhou` offers no procedure `nongov_share`",
    );
    assert!(api.cases("admin", "").is_empty());
}
