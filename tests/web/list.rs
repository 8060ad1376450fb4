//! The case list and its CSV, read from the case index, against `GET /v1/cases` for the
//! same data: the order (soonest due first, ties by id, cases without an open duty last),
//! every page of a small `limit` from the 下一页 links, each filter, each viewer's cases
//! only, and a bad `limit` or `after` refused naming the field.

use super::client::Browser;
use super::{BUREAU, CITIZEN, CIVIL, POLICE};
use crate::support::server::{Options, Server, Who};
use serde_json::{json, Value};

/// Which cases a filter keeps, by what the API gives.
type Keep = Box<dyn Fn(&Expected) -> bool>;

/// A case as the API gives it, with what the list knows of it.
struct Expected {
    id: String,
    case: Value,
    open: bool,
    next_due: Option<String>,
    light: Option<&'static str>,
}

/// The simulated clock's time when the cases are compared.
const NOW: &str = "2024-03-19T09:00:00+08:00";

fn expected(server: &Server) -> Vec<Expected> {
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
    let cases = server.get("admin", "/v1/cases?city=wanzhou&limit=500");
    assert_eq!(cases.status, 200, "{cases:#?}");
    let pack = server.get("admin", "/v1/packs/wanzhou").body;
    let mut out: Vec<Expected> = cases.body["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| {
            let (procedure, state) = (
                case["procedure"].as_str().unwrap(),
                case["state"].as_str().unwrap(),
            );
            let open = pack["pack"]["procedures"][procedure]["states"][state]["terminal"] != true;
            let deadlines = case["deadlines"].as_array().unwrap();
            let next_due = deadlines
                .iter()
                .filter(|d| d["status"] == "open" && d["kind"] == "duty")
                .map(|d| d["due_date"].as_str().unwrap().to_owned())
                .min()
                .filter(|_| open);
            // 万州's rule is the default: red once a deadline lapsed, yellow once an open
            // one warned (its warning instant has passed).
            let warned = |d: &Value| {
                d["warn_at"]
                    .as_str()
                    .is_some_and(|w| chrono::DateTime::parse_from_rfc3339(w).unwrap() <= now)
            };
            let light = open.then(|| {
                if deadlines.iter().any(|d| d["status"] == "missed") {
                    "red"
                } else if deadlines.iter().any(|d| d["status"] == "open" && warned(d)) {
                    "yellow"
                } else {
                    "green"
                }
            });
            Expected {
                id: case["id"].as_str().unwrap().to_owned(),
                case: case.clone(),
                open,
                next_due,
                light,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.next_due.is_none(), &a.next_due, &a.id).cmp(&(b.next_due.is_none(), &b.next_due, &b.id))
    });
    out
}

/// Whether `who` sees `case`: the API's rule (`Caller::sees`); the API names who opened a
/// case, whose department is the one the tokens file gives them.
fn sees(who: &Who, case: &Value) -> bool {
    let opener = case["opened_by"].as_str().unwrap();
    let opener_department = [POLICE, CIVIL, CITIZEN, BUREAU]
        .iter()
        .find(|w| w.name == opener)
        .map_or("", |w| w.department);
    who.roles.contains(&"authority")
        || (!who.department.is_empty()
            && (case["provider"] == who.department || opener_department == who.department))
        || opener == who.name
}

fn ids<'a>(cases: impl Iterator<Item = &'a Expected>) -> Vec<String> {
    cases.map(|e| e.id.clone()).collect()
}

fn submit(server: &Server, who: &str, procedure: &str, provider: &str) {
    server.submit(
        who,
        json!({"city": "wanzhou", "procedure": procedure, "provider": provider, "subject": "户籍", "data": {}}),
    );
}

#[test]
fn the_list_pages_orders_and_filters_as_the_api_gives_the_cases() {
    let tmp = tempfile::tempdir().unwrap();
    // Mon 2024-03-04: data_verification is due in 10 working days (03-18), warns 03-14.
    let server = Server::start(&Options::new(
        &tmp.path().join("data"),
        "2024-03-04T09:00:00+08:00",
        &[POLICE, CIVIL, CITIZEN, BUREAU],
    ));
    for provider in ["区公安局", "区公安局", "区民政局"] {
        submit(&server, "citizen", "data_verification", provider);
    }
    submit(&server, "police", "catalog_update", "区公安局");
    server.set_clock("2024-03-06T09:00:00+08:00");
    submit(&server, "citizen", "data_verification", "区公安局");
    submit(&server, "civil", "catalog_update", "区民政局");
    let first = expected(&server)[0].id.clone();
    let reply = server.post(
        "police",
        &format!("/v1/cases/{first}/actions/reply"),
        json!({"data": {"decision": "approve"}}),
    );
    assert_eq!(reply.status, 200, "{reply:#?}");
    // Warnings, then lapses and their penalty cases, cases due later still open.
    server.set_clock("2024-03-15T09:00:00+08:00");
    server.set_clock(NOW);
    submit(&server, "citizen", "data_verification", "区民政局");

    let all = expected(&server);
    assert!(all.len() >= 8, "{} cases", all.len());
    assert!(all.iter().any(|e| !e.open), "one is closed");
    assert!(all.iter().any(|e| e.light == Some("red")), "one lapsed");
    assert!(all.iter().any(|e| e.light == Some("green")), "one is new");

    for who in [POLICE, CIVIL, CITIZEN, BUREAU] {
        let browser = Browser::sign_in(&server, who.name);
        let seen = ids(all.iter().filter(|e| sees(&who, &e.case)));
        assert!(!seen.is_empty(), "{} sees a case", who.name);
        assert_eq!(browser.listed_ids(""), seen, "{}'s list", who.name);
        for limit in [1, 2, 3] {
            assert_eq!(
                browser.listed_ids(&format!("limit={limit}")),
                seen,
                "{}'s list in pages of {limit}",
                who.name
            );
        }
        assert_eq!(browser.csv_ids(""), seen, "{}'s CSV", who.name);
        // A department's view of another department holds only what it sees of it.
        let of_civil = ids(all
            .iter()
            .filter(|e| sees(&who, &e.case) && e.case["provider"] == "区民政局"));
        let query = "department=%E5%8C%BA%E6%B0%91%E6%94%BF%E5%B1%80&limit=2";
        assert_eq!(
            browser.listed_ids(query),
            of_civil,
            "{}: 区民政局",
            who.name
        );
        assert_eq!(
            browser.csv_ids(query),
            of_civil,
            "{}: 区民政局 CSV",
            who.name
        );
    }

    let bureau = Browser::sign_in(&server, "bureau");
    let state = all[0].case["state"].as_str().unwrap().to_owned();
    let due = all
        .iter()
        .filter_map(|e| e.next_due.clone())
        .nth(2)
        .expect("three cases with a due date");
    // An article some cases rest on (a deadline's), and what rests on it by the API: the
    // procedure's basis (from the pack) or a deadline citing it or one of its paragraphs.
    let pack = server.get("admin", "/v1/packs/wanzhou").body;
    let article = all
        .iter()
        .flat_map(|e| e.case["deadlines"].as_array().unwrap().iter())
        .map(|d| d["article"].as_str().unwrap().to_owned())
        .find(|a| a.starts_with('第'))
        .expect("a deadline citing an article");
    let cites = {
        let article = article.clone();
        move |e: &Expected| {
            let procedure = e.case["procedure"].as_str().unwrap();
            let basis = pack["pack"]["procedures"][procedure]["basis"]["article"].as_str();
            basis.is_some_and(|b| b.starts_with(&article))
                || e.case["deadlines"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|d| d["article"].as_str().unwrap().starts_with(&article))
        }
    };
    assert!(
        all.iter().any(|e| !cites(e)),
        "`{article}` leaves some case out"
    );
    let encoded: String = article.bytes().map(|b| format!("%{b:02X}")).collect();
    let filters: Vec<(String, Keep)> = vec![
        ("city=wanzhou".into(), Box::new(|_| true)),
        (format!("article={encoded}"), Box::new(cites)),
        ("city=jiaozuo".into(), Box::new(|_| false)),
        (
            "department=%E5%8C%BA%E5%85%AC%E5%AE%89%E5%B1%80".into(),
            Box::new(|e| e.case["provider"] == "区公安局"),
        ),
        (
            "city=wanzhou&department=%E5%8C%BA%E5%85%AC%E5%AE%89%E5%B1%80&procedure=data_verification".into(),
            Box::new(|e| e.case["provider"] == "区公安局" && e.case["procedure"] == "data_verification"),
        ),
        ("procedure=catalog_update".into(), Box::new(|e| e.case["procedure"] == "catalog_update")),
        (format!("state={state}"), Box::new(move |e| e.case["state"] == state.as_str())),
        ("light=green".into(), Box::new(|e| e.light == Some("green"))),
        ("light=yellow".into(), Box::new(|e| e.light == Some("yellow"))),
        ("light=red".into(), Box::new(|e| e.light == Some("red"))),
        ("overdue=true".into(), Box::new(|e| e.open && e.case["overdue"] == true)),
        ("overdue=false".into(), Box::new(|e| !(e.open && e.case["overdue"] == true))),
        (
            format!("due_before={due}"),
            Box::new(move |e| e.next_due.as_ref().is_some_and(|d| *d < due)),
        ),
        (
            "received_from=2024-03-05".into(),
            Box::new(|e| e.case["received_date"].as_str().unwrap() >= "2024-03-05"),
        ),
        (
            "received_to=2024-03-05".into(),
            Box::new(|e| e.case["received_date"].as_str().unwrap() <= "2024-03-05"),
        ),
        (
            "count=open&period=year".into(),
            Box::new(|e| e.open && e.case["parent"].is_null()),
        ),
        (
            "count=supervising&period=year".into(),
            Box::new(|e| e.open && !e.case["parent"].is_null()),
        ),
    ];
    for (query, keep) in &filters {
        let selected = ids(all.iter().filter(|e| keep(e)));
        assert_eq!(
            bureau.listed_ids(&format!("{query}&limit=2")),
            selected,
            "{query}"
        );
        assert_eq!(bureau.csv_ids(query), selected, "{query}: CSV");
    }
    assert!(
        filters
            .iter()
            .all(|(q, keep)| q.starts_with("city=jiaozuo") || all.iter().any(keep)),
        "every filter but another city's selects a case here"
    );

    // A page's place in the list and its length are checked like any field.
    for (query, field) in [
        ("limit=0", "`limit`"),
        ("limit=501", "`limit`"),
        ("limit=many", "`limit`"),
        ("after=soon", "`after`"),
        ("after=2024-13-01/x", "`after`"),
    ] {
        let (status, page) = bureau.get(&format!("/ui/cases?{query}"));
        assert_eq!(status, 400, "{query}");
        assert!(page.contains(field), "{query}: {page}");
    }
}
