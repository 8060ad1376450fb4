//! Recurring obligations over HTTP and across restarts: each occurrence once, a missed one
//! caught up once.

use super::kit::all_cases;
use crate::support::server::{Options, Server};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

const DEPARTMENTS: [&str; 2] = ["区教委", "区公安局"];
/// 万州's authority: `district_annual_report` opens its case (cities/wanzhou/pack.yaml).
const AUTHORITY: &str = "区大数据发展局";

/// The 万州 annual-report cases per (addressee, year of the occurrence).
fn annual_reports(server: &Server) -> BTreeMap<(String, String), Vec<Value>> {
    let mut by = BTreeMap::<(String, String), Vec<Value>>::new();
    for case in all_cases(server, "city=wanzhou&procedure=annual_report") {
        let provider = case["provider"].as_str().unwrap_or_default().to_owned();
        // The local date of the occurrence: 1 January of the year.
        let received = case["received_date"].as_str().expect("a received date");
        assert_eq!(&received[4..], "-01-01", "{case:#}");
        by.entry((provider, received[..4].to_owned()))
            .or_default()
            .push(case);
    }
    by
}

/// One case for each of the departments and the authority, for each year.
fn expected(years: &[&str]) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String)> = years
        .iter()
        .flat_map(|y| {
            DEPARTMENTS
                .iter()
                .chain([&AUTHORITY])
                .map(|d| (d.to_string(), y.to_string()))
        })
        .collect();
    keys.sort();
    keys
}

/// Exactly one case per addressee and year of `years`, received at the occurrence; those
/// of `overdue` years have lapsed (once the fixed date, 1月上旬 or 1月下旬, is past).
fn assert_once_each(server: &Server, years: &[&str], overdue: &[&str]) {
    let by = annual_reports(server);
    let keys: Vec<(String, String)> = by.keys().cloned().collect();
    assert_eq!(keys, expected(years), "{by:#?}");
    for ((body, year), cases) in &by {
        assert_eq!(cases.len(), 1, "{body} {year}: {cases:#?}");
        let case = &cases[0];
        // Opened at the occurrence (1 January, 00:00 in Chongqing), not at the restart.
        let prior = year.parse::<i32>().unwrap() - 1;
        assert_eq!(
            case["received_at"],
            format!("{prior}-12-31T16:00:00Z"),
            "{case:#}"
        );
        // The bureau's report is its own case, at its own step; every case is for the
        // year before the occurrence.
        let state = if body == AUTHORITY {
            "district_reporting"
        } else {
            "department_reporting"
        };
        assert_eq!(case["state"], state, "{case:#}");
        assert_eq!(case["period"], prior, "{case:#}");
        assert_eq!(
            case["overdue"],
            overdue.contains(&year.as_str()),
            "{case:#}"
        );
    }
}

fn start(data: &Path, at: &str) -> Server {
    Server::start(&Options::new(data, at, &[]))
}

/// Pins recurring obligations over HTTP: with 区教委 and 区公安局 registered and the clock
/// at 2025-12-31 12:00, moving to 2026-01-02 opens exactly one annual report per department
/// (and one for the authority) received 2026-01-01 00:00 (Chongqing); moving again opens
/// none; a restart on 2028-01-05 catches up the 2027 and 2028 occurrences once each (4 more
/// departmental cases, received on their own 1 January and lapsed while down), and another
/// restart opens none.
#[test]
fn annual_reports_open_once_per_occurrence_and_missed_years_are_caught_up_once() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let server = start(&data, "2025-12-31T12:00:00+08:00");
    let reply = server.send(
        server
            .request(reqwest::Method::PUT, "/v1/admin/departments/wanzhou")
            .bearer_auth(crate::support::server::token("admin"))
            .json(&json!({"departments": DEPARTMENTS})),
    );
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert!(annual_reports(&server).is_empty());

    server.set_clock("2026-01-02T00:00:00+08:00");
    assert_once_each(&server, &["2026"], &[]);
    server.set_clock("2026-06-30T00:00:00+08:00");
    assert_once_each(&server, &["2026"], &["2026"]);
    assert!(server.terminate());

    let server = start(&data, "2028-01-05T00:00:00+08:00");
    super::kit::wait_for(std::time::Duration::from_secs(20), "the catch-up", || {
        (annual_reports(&server).len() == 9).then_some(())
    });
    // The 2028 reports are due 2028-01-10 and 01-31; the 2027 ones lapsed while down.
    let all = ["2026", "2027", "2028"];
    super::kit::wait_for(
        std::time::Duration::from_secs(20),
        "the 2027 lapses",
        || {
            let by = annual_reports(&server);
            by.iter()
                .all(|((_, y), c)| y == "2028" || c[0]["overdue"] == true)
                .then_some(())
        },
    );
    assert_once_each(&server, &all, &["2026", "2027"]);
    assert!(server.terminate());

    let server = start(&data, "2028-01-05T00:00:00+08:00");
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_once_each(&server, &all, &["2026", "2027"]);
    assert!(server.terminate());
}
