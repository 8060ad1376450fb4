//! `GET /v1/cases/{id}/explain` over real HTTP: a case in each city, its derivation read
//! against the official calendar (the dates are those the city scenarios count by hand),
//! and the same authorization as `GET /v1/cases/{id}`; `govflow explain --server` prints
//! the same sentences.

use super::{id, problem, start, who, Api};
use crate::support::server::token;
use crate::support::{govflow, stdout};
use serde_json::{json, Value};

/// The explanation of `case`'s deadline `name`: its steps' sentences, and the steps.
fn explained(api: &Api, case: &str, name: &str) -> (Vec<String>, Vec<Value>) {
    let reply = api.get("admin", &format!("/v1/cases/{case}/explain"));
    assert_eq!(reply.status, 200, "{reply:#?}");
    let deadline = reply.body["deadlines"]
        .as_array()
        .and_then(|ds| ds.iter().find(|d| d["name"] == name))
        .unwrap_or_else(|| panic!("no deadline `{name}` in {:#}", reply.body))
        .clone();
    let steps = deadline["steps"].as_array().expect("steps").clone();
    let sentences = steps
        .iter()
        .map(|s| s["sentence"].as_str().expect("a sentence").to_owned())
        .collect();
    (sentences, steps)
}

fn kinds(steps: &[Value]) -> Vec<String> {
    steps
        .iter()
        .map(|s| match s["kind"].as_str() {
            Some("calendar") => {
                format!("calendar/{}", s["fields"]["step"]["kind"].as_str().unwrap())
            }
            Some(k) => k.to_owned(),
            None => panic!("a step without a kind: {s:#}"),
        })
        .collect()
}

fn has(sentences: &[String], needle: &str) {
    assert!(
        sentences.iter().any(|s| s.contains(needle)),
        "`{needle}` in none of:\n{}",
        sentences.join("\n")
    );
}

#[test]
fn each_city_explains_a_deadline_as_the_calendar_counts_it() {
    let api = start(
        "2019-09-28T09:00:00+08:00",
        &[
            who("cq_ndrc", "chongqing", "市发展改革部门", &["authority"]),
            who(
                "lc_bureau",
                "liaocheng",
                "市政务数据主管部门",
                &["authority"],
            ),
            who("wz_citizen", "wanzhou", "", &["applicant"]),
            who("wz_police", "wanzhou", "区公安局", &["provider"]),
            who("wz_head", "wanzhou", "区公安局", &["principal"]),
            who("nj_bureau", "neijiang", "", &["authority"]),
            who("mc_civil", "macun", "马村区民政局", &["user"]),
            who("jz_unit", "jiaozuo", "市生态环境局", &["provider"]),
        ],
    );

    // 重庆: a mandate change on Sat 2019-09-28, an event: not counted, not moved; Sun
    // 09-29 is a make-up working day; 国庆节 10-01..10-07; 15 working days → 10-23.
    let cq = api.submit(
        "cq_ndrc",
        json!({"city": "chongqing", "procedure": "catalog_update", "provider": "市交通局", "data": {"trigger": "mandate_changed"}}),
    );
    let (s, steps) = explained(&api, &id(&cq), "update_catalog");
    assert_eq!(
        kinds(&steps),
        ["basis", "rule", "calendar/working_days", "outcome"],
        "{s:#?}"
    );
    assert_eq!(steps[0]["fields"]["anchor"], "Event");
    has(
        &s,
        "Counted from the event on 2019-09-28 Sat: the event day is not counted",
    );
    has(&s, "15 working days after 2019-09-28 Sat (not counted): 2019-09-29 Sun (make-up working day 调休上班), 2019-09-30 Mon, 2019-10-08 Tue");
    has(
        &s,
        "Rest days passed over: 国庆节 2019-10-01 Tue – 2019-10-07 Mon;",
    );
    has(&s, "2019-10-23 Wed.");
    has(&s, "Rule: 15 working days");
    has(&s, "第九条");

    // 聊城: the circumstance arose on Sat 2020-10-03, inside 国庆节、中秋节 (10-01..10-08);
    // 10-10 (Sat) is a make-up working day; 15 working days → 10-28.
    api.set_clock("2020-10-03T10:00:00+08:00");
    let lc = api.submit(
        "lc_bureau",
        json!({"city": "liaocheng", "procedure": "catalog_update", "provider": "市自然资源和规划局"}),
    );
    let (s, _) = explained(&api, &id(&lc), "update");
    has(
        &s,
        "Counted from the event on 2020-10-03 Sat (国庆节、中秋节)",
    );
    has(
        &s,
        "2020-10-09 Fri, 2020-10-10 Sat (make-up working day 调休上班), 2020-10-12 Mon",
    );
    has(&s, "国庆节、中秋节 2020-10-04 Sun – 2020-10-08 Thu");
    has(&s, "2020-10-28 Wed.");

    // 万州: a verification received on Sat 2021-02-06 counts as received on Sun 02-07, a
    // make-up working day; 10 working days across the Spring Festival (02-11..02-17) and
    // the make-up Saturday 02-20 → 02-25; 5 more on from it → 03-04.
    api.set_clock("2021-02-06T10:00:00+08:00");
    let wz = id(&api.submit(
        "wz_citizen",
        json!({"city": "wanzhou", "procedure": "data_verification", "provider": "区公安局"}),
    ));
    // 内江: the function changed on Sat 2021-02-13, a Spring Festival rest day: not counted
    // and not moved; 15 working days → 03-09.
    api.set_clock("2021-02-13T10:00:00+08:00");
    let nj = api.submit(
        "nj_bureau",
        json!({"city": "neijiang", "procedure": "catalog_update", "provider": "市公安局", "data": {"trigger": "function_changed"}}),
    );
    let (s, _) = explained(&api, &id(&nj), "provider_update");
    has(&s, "Counted from the event on 2021-02-13 Sat (春节)");
    has(
        &s,
        "15 working days after 2021-02-13 Sat (春节) (not counted): 2021-02-18 Thu",
    );
    has(&s, "2021-03-09 Tue.");

    api.set_clock("2021-02-22T10:00:00+08:00");
    api.act_ok(
        "wz_police",
        &wz,
        "request_extension",
        json!({"working_days": 5, "reason": "涉及多个系统"}),
    );
    let case = api.act_ok("wz_head", &wz, "approve_extension", json!({}));
    assert_eq!(super::deadline(&case, "verify")["due_date"], "2021-03-04");
    let (s, steps) = explained(&api, &wz, "verify");
    assert_eq!(
        kinds(&steps),
        [
            "basis",
            "rule",
            "calendar/start_moved",
            "calendar/working_days",
            "extension_granted",
            "extended",
            "calendar/working_days",
            "outcome"
        ],
        "{s:#?}"
    );
    has(
        &s,
        "Counted from the receipt on 2021-02-06 Sat: the day of receipt is not counted.",
    );
    has(&s, "2021-02-06 Sat is a rest day: the count runs as from the next working day, 2021-02-07 Sun (make-up working day 调休上班)");
    has(&s, "10 working days after 2021-02-07 Sun (make-up working day 调休上班) (not counted): 2021-02-08 Mon, 2021-02-09 Tue, 2021-02-10 Wed, 2021-02-18 Thu, 2021-02-19 Fri, 2021-02-20 Sat (make-up working day 调休上班), 2021-02-22 Mon, 2021-02-23 Tue, 2021-02-24 Wed, 2021-02-25 Thu.");
    has(&s, "春节 2021-02-11 Thu – 2021-02-17 Wed");
    has(&s, "国办发明电〔2020〕27号");
    has(
        &s,
        "An extension of 5 working days was approved on 2021-02-22 by `wz_head`",
    );
    has(&s, "Extensions: 5 working days in all, of at most 10");
    has(&s, "5 working days after 2021-02-25 Thu (not counted): 2021-02-26 Fri, 2021-03-01 Mon, 2021-03-02 Tue, 2021-03-03 Wed, 2021-03-04 Thu.");
    has(&s, "Open: due 2021-03-04, ending 23:59:59 that day (Asia/Shanghai); unless met, it lapses at 2021-03-05T00:00:00+08:00");

    // 马村 (the Jiaozuo measures): received Mon 2021-03-01 → 10 working days → 03-15.
    api.set_clock("2021-03-01T09:00:00+08:00");
    let mc = api.submit(
        "mc_civil",
        json!({"city": "macun", "procedure": "data_verification", "provider": "马村区公安分局"}),
    );
    let (s, steps) = explained(&api, &id(&mc), "verify");
    assert_eq!(
        kinds(&steps),
        ["basis", "rule", "calendar/working_days", "outcome"]
    );
    has(
        &s,
        "Rest days passed over: 2021-03-06 Sat; 2021-03-07 Sun; 2021-03-13 Sat; 2021-03-14 Sun.",
    );
    has(&s, "2021-03-15 Mon.");
    has(&s, "数据 第十四条");

    // 焦作: completed Thu 2021-04-01; six months → 2021-10-01, National Day (10-01..10-07)
    // → Fri 2021-10-08.
    api.set_clock("2021-04-01T09:00:00+08:00");
    let jz = api.submit(
        "jz_unit",
        json!({"city": "jiaozuo", "procedure": "it_project_acceptance", "provider": "市生态环境局"}),
    );
    let (s, steps) = explained(&api, &id(&jz), "acceptance");
    assert_eq!(
        kinds(&steps),
        [
            "basis",
            "rule",
            "calendar/civil_period",
            "calendar/end_moved",
            "outcome"
        ],
        "{s:#?}"
    );
    has(
        &s,
        "6 months, counted under 民法典 第二百零一条–第二百零三条",
    );
    has(&s, "6 months from 2021-04-01 Thu: the corresponding day of the last month (民法典 第二百零二条), 2021-10-01 Fri (国庆节).");
    has(&s, "2021-10-01 Fri (国庆节) is a rest day (国庆节 2021-10-01 Fri – 2021-10-07 Thu): the deadline moves to the next working day, 2021-10-08 Fri (民法典 第二百零三条).");

    // The CLI against the running service prints the same sentences.
    let out = govflow(&[
        "explain",
        &wz,
        "--server",
        &api.base,
        "--token",
        &token("admin"),
    ]);
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(
        text.contains("verify (state verifying): due 2021-03-04, missed — 第十七条"),
        "{text}"
    );
    assert!(
        text.contains("春节 2021-02-11 Thu – 2021-02-17 Wed"),
        "{text}"
    );
}

#[test]
fn explain_is_authorized_as_reading_the_case() {
    let api = start(
        "2021-03-01T09:00:00+08:00",
        &[
            who("wz_citizen", "wanzhou", "", &["applicant"]),
            who(
                "lc_bureau",
                "liaocheng",
                "市政务数据主管部门",
                &["authority"],
            ),
        ],
    );
    let case = id(&api.submit(
        "wz_citizen",
        json!({"city": "wanzhou", "procedure": "data_verification", "provider": "区公安局"}),
    ));
    let own = api.get("wz_citizen", &format!("/v1/cases/{case}/explain"));
    assert_eq!(own.status, 200, "{own:#?}");
    assert_eq!(own.body["case"], case.as_str());
    assert_eq!(own.body["calendar_years"][0], 2018);
    let other_city = api.get("lc_bureau", &format!("/v1/cases/{case}/explain"));
    assert_eq!(
        other_city.status,
        api.get("lc_bureau", &format!("/v1/cases/{case}")).status
    );
    problem(&other_city, 403, "out_of_scope");
    problem(
        &api.get("admin", "/v1/cases/c-nope/explain"),
        404,
        "case_not_found",
    );
    let anonymous = api.get("nobody", &format!("/v1/cases/{case}/explain"));
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
}

/// `govflow explain --data` reads a stopped service's store and prints what the running
/// service printed (`--server`): the same code, the same pack version, no service needed.
#[test]
fn explain_on_a_stopped_store_prints_what_the_service_printed() {
    use crate::support::path;
    use crate::support::server::{Options, Server};

    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let server = Server::start(&Options::new(
        &data,
        "2021-02-08T09:00:00+08:00",
        &[who("wz_citizen", "wanzhou", "", &["applicant"])],
    ));
    // Received on Sat 2021-02-06 (a rest day): counts from Mon 02-08; 春节 02-11..02-17.
    let case = server.submit(
        "wz_citizen",
        json!({"city": "wanzhou", "procedure": "data_verification", "provider": "区公安局",
            "received_at": "2021-02-06T10:00:00+08:00"}),
    );
    let case = id(&case);
    let live = govflow(&[
        "explain",
        &case,
        "--server",
        &server.base,
        "--token",
        &token("admin"),
    ]);
    assert!(live.status.success(), "{live:?}");
    assert!(server.terminate(), "the service stops cleanly");

    let cities = path("cities");
    let policies = path("policies");
    let stopped = govflow(&[
        "explain",
        &case,
        "--data",
        data.to_str().unwrap(),
        "--cities",
        cities.to_str().unwrap(),
        "--policies",
        policies.to_str().unwrap(),
    ]);
    assert!(stopped.status.success(), "{stopped:?}");
    let text = stdout(&stopped);
    assert_eq!(text, stdout(&live));
    assert!(
        text.contains("verify (state verifying): due 2021-02-25, open — 第十七条"),
        "{text}"
    );
    assert!(
        text.contains("春节 2021-02-11 Thu – 2021-02-17 Wed"),
        "{text}"
    );
}
