//! The board's counters, kept in the same commit as each transition, equal a recount from
//! every stored case after warnings, lapses, penalty cases, closings on time and late, a
//! penalty case's lapse turning its parent red, and a restart; a store written before the
//! counters gets them built at start. The board read from them gives the rows the figures'
//! definitions give over the cases (`govflow_board::rows`), for the bureau and for people
//! who see only some cases, for a running and an ended period.
//!
//! 万州's `board:` rule is changed in a copy of the packs to `{yellow: lapse, red:
//! supervision_lapse}` (a city that waits for the supervision to lapse before a red card),
//! the one light that depends on another case.

use super::support::*;
use govflow_board::{facts, rows, Cursor, Listed, Period, Row, Step};
use govflow_model::{Actor, Case, Reach};
use govflow_store::{Batch, CaseQuery};
use serde_json::json;

fn period(from: &str, to: &str) -> Period {
    Period {
        from: date(from),
        to: date(to),
    }
}

/// Who sees `case` on a board (docs/board.md, "Who sees what").
fn sees(viewer: &Actor, case: &Case) -> bool {
    viewer.reaches(Reach::City)
        || viewer.reaches(Reach::Everything)
        || (!viewer.department.is_empty()
            && (case.provider.as_deref() == Some(&viewer.department)
                || case.opened_by.department == viewer.department))
        || case.opened_by.actor == viewer.id
}

/// The rows the definitions give for `viewer` over every stored case.
fn recounted(rt: &Running, viewer: &Actor, period: Period) -> Vec<Row> {
    let calendar = rt.registry().calendar();
    let today = govflow_model::local_date(rt.clock().now());
    let all = cases(rt, CaseQuery::default());
    let packs: Vec<_> = all.iter().map(|c| rt.board_pack(c).unwrap()).collect();
    let pack_of = |c: &Case| {
        let i = all.iter().position(|a| a.id == c.id).unwrap();
        Some(packs[i].pack.as_ref())
    };
    let seen: Vec<Case> = all.iter().filter(|c| sees(viewer, c)).cloned().collect();
    // The lights read the penalty cases of every case seen, seen or not.
    let mut facts_all = facts(all.clone(), pack_of, &calendar, today);
    facts_all.retain(|f| seen.iter().any(|c| c.id == f.case.id));
    rows(&facts_all, period, &calendar)
}

fn viewers() -> Vec<Actor> {
    vec![
        actor("bureau", "区大数据发展局", &["authority"]),
        actor("police", "区公安局", &["provider"]),
        actor("edu", "区教委", &["provider"]),
        actor("citizen", "", &["applicant"]),
    ]
}

/// The cases `viewer` sees in the list's order (soonest due first, ties by id, the ones
/// without an open duty last), of `department` when given, from every stored case.
fn listed_from_cases(rt: &Running, viewer: &Actor, department: Option<&str>) -> Vec<Listed> {
    let calendar = rt.registry().calendar();
    let today = govflow_model::local_date(rt.clock().now());
    let all = cases(rt, CaseQuery::default());
    let packs: Vec<_> = all.iter().map(|c| rt.board_pack(c).unwrap()).collect();
    let pack_of = |c: &Case| {
        let i = all.iter().position(|a| a.id == c.id).unwrap();
        Some(packs[i].pack.as_ref())
    };
    let mut out: Vec<Listed> = facts(all.clone(), pack_of, &calendar, today)
        .iter()
        .filter(|f| sees(viewer, &f.case))
        .filter(|f| department.is_none_or(|d| f.department == d))
        .map(|f| f.listed())
        .collect();
    out.sort_by(|a, b| {
        (a.next_due.is_none(), a.next_due, &a.id).cmp(&(b.next_due.is_none(), b.next_due, &b.id))
    });
    out
}

/// The walk of the case index for `viewer`, a page of `page` at a time, each page from
/// just after the last one.
fn walked(rt: &Running, viewer: &Actor, department: Option<&str>, page: usize) -> Vec<Listed> {
    let mut out: Vec<Listed> = Vec::new();
    loop {
        let after = out.last().map(Cursor::of);
        let mut this = Vec::new();
        rt.walk_cases(viewer, None, department, after.as_ref(), |l| {
            this.push(l);
            Ok(if this.len() == page {
                Step::Stop
            } else {
                Step::Go
            })
        })
        .unwrap();
        let full = this.len() == page;
        out.extend(this);
        if !full {
            return out;
        }
    }
}

/// The counters and the case index equal a recount, the board from them the definitions'
/// rows, and the walk of the index the cases each viewer sees in the list's order.
fn agree(rt: &Running, why: &str) {
    assert_eq!(
        rt.board_counters().unwrap(),
        rt.board_counters_from_scratch().unwrap(),
        "{why}"
    );
    assert_eq!(
        rt.case_index().unwrap(),
        rt.case_index_from_scratch().unwrap(),
        "{why}: the case index"
    );
    let (stored, from_scratch) = rt.supervision_index().unwrap();
    assert_eq!(stored, from_scratch, "{why}: the 督办 queue's index");
    let queue: Vec<String> = rt
        .supervising_cases(|_| true)
        .unwrap()
        .iter()
        .map(|c| c.id.to_string())
        .collect();
    let expected: Vec<String> = from_scratch
        .iter()
        .map(|(key, _)| key.rsplit('\u{1f}').next().unwrap().to_owned())
        .collect();
    assert_eq!(
        queue, expected,
        "{why}: the queue reads its cases, oldest first"
    );
    for viewer in viewers() {
        let expected = listed_from_cases(rt, &viewer, None);
        for page in [1, 2, 100] {
            let walk = walked(rt, &viewer, None, page);
            assert_eq!(
                walk, expected,
                "{why}: {}'s list in pages of {page}",
                viewer.id
            );
        }
        for department in ["区公安局", "区教委"] {
            assert_eq!(
                walked(rt, &viewer, Some(department), 2)
                    .into_iter()
                    .filter(|l| l.department == department)
                    .collect::<Vec<_>>(),
                listed_from_cases(rt, &viewer, Some(department)),
                "{why}: {}'s list of {department}",
                viewer.id
            );
        }
    }
    let today = govflow_model::local_date(rt.clock().now());
    for viewer in viewers() {
        for p in [
            period("2023-09-01", "2023-12-31"),
            period("2023-09-28", "2023-09-28"),
            period("2023-09-01", "2023-10-20"),
        ] {
            assert_eq!(
                rt.board(&viewer, p, today).unwrap(),
                recounted(rt, &viewer, p),
                "{why}: {} over {p:?}",
                viewer.id
            );
        }
    }
}

fn figure(rt: &Running, department: &str, count: govflow_board::Count) -> usize {
    let bureau = &viewers()[0];
    let today = govflow_model::local_date(rt.clock().now());
    rt.board(bureau, period("2023-01-01", "2023-12-31"), today)
        .unwrap()
        .iter()
        .find(|r| r.department == department)
        .map_or(0, |r| r.count(count))
}

/// Which stored records a copy leaves out.
type LeftOut<'a> = dyn Fn(&[u8]) -> bool + 'a;

fn counters_follow_every_transition_and_a_restart(store: Kind) {
    use govflow_board::{Count, Light};
    let root = tempfile::tempdir().unwrap();
    let sources = copy_sources(root.path());
    let pack = sources.cities.join("wanzhou/pack.yaml");
    let text = std::fs::read_to_string(&pack).unwrap();
    let rule = "board:\n  yellow: warning\n  red: lapse";
    assert!(text.contains(rule), "万州's pack has the default rule");
    let text = text.replace(rule, "board:\n  yellow: lapse\n  red: supervision_lapse");
    std::fs::write(&pack, text).unwrap();

    // Received Thu 2023-09-28: every duty is due 2023-10-18, warns 10-16, lapses 10-19.
    let service = Service::with_sources(store, sources, at("2023-09-28T09:00:00+08:00"));
    let rt = &service.runtime;
    let edu = actor("edu", "区教委", &["provider"]);
    let citizen = actor("citizen", "", &["applicant"]);
    let police = actor("police", "区公安局", &["provider"]);
    let catalog = rt
        .submit(&edu, &request("catalog_update", "区教委"), None)
        .unwrap()
        .case;
    let late = rt
        .submit(&citizen, &request("data_verification", "区公安局"), None)
        .unwrap()
        .case;
    let on_time = rt
        .submit(&citizen, &request("data_verification", "区公安局"), None)
        .unwrap()
        .case;
    agree(rt, "opened");
    let approve = data(json!({"decision": "approve"}));
    rt.act(&police, &on_time.id, "reply", &approve).unwrap();
    agree(rt, "one closed on time");
    assert_eq!(figure(rt, "区公安局", Count::ClosedOnTime), 1);

    rt.advance(at("2023-10-16T09:00:00+08:00")).unwrap();
    agree(rt, "warnings given");
    rt.advance(at("2023-10-19T09:00:00+08:00")).unwrap();
    agree(rt, "duties lapsed, penalty cases opened");
    assert!(
        !rt.supervision_index().unwrap().0.is_empty(),
        "the penalty cases are in the 督办 queue's index"
    );
    assert_eq!(figure(rt, "区教委", Count::Light(Light::Yellow)), 1);
    assert_eq!(figure(rt, "区教委", Count::Supervising), 1);
    rt.act(&police, &late.id, "reply", &approve).unwrap();
    agree(rt, "one closed late");
    assert_eq!(figure(rt, "区公安局", Count::Late), 1);
    assert_eq!(figure(rt, "区公安局", Count::Overdue), 0);

    // The penalty cases' own duty (10 working days from 10-19) lapses 11-03: the catalog
    // update's supervision lapsed, its light turns red.
    rt.advance(at("2023-11-03T09:00:00+08:00")).unwrap();
    agree(rt, "a penalty case lapsed");
    assert_eq!(figure(rt, "区教委", Count::Light(Light::Red)), 1);
    assert!(rt.case(&catalog.id).unwrap().overdue);

    let service = service.restart(at("2023-11-06T09:00:00+08:00"));
    let rt = &service.runtime;
    agree(rt, "after a restart");
    rt.act(&edu, &catalog.id, "submit", &data(json!({})))
        .map(drop)
        .unwrap_or_else(|e| panic!("{e}"));
    agree(rt, "after an action once restarted");

    // A store from before the counters and the index (the same records without them),
    // and one from before the index only: what is missing is built at start, once.
    let mark = |name: &str| format!("cron/{name}").into_bytes();
    let index = format!("cnt/{}\u{1f}", govflow_board::INDEX).into_bytes();
    let without_counters = |key: &[u8]| {
        key.starts_with(b"cnt/")
            || [
                govflow_runtime::BOARD_COUNTERS,
                govflow_runtime::CASE_INDEX,
                govflow_runtime::SUPERVISION_INDEX,
                govflow_runtime::PROVISIONAL_INDEX,
            ]
            .iter()
            .any(|m| key == mark(m))
    };
    let without_index =
        |key: &[u8]| key.starts_with(&index) || key == mark(govflow_runtime::CASE_INDEX);
    let without: [(&str, &LeftOut<'_>); 2] = [
        ("without counters or index", &without_counters),
        ("without the index", &without_index),
    ];
    for (what, left_out) in without {
        let older = Home::new(store);
        let copy = older.open();
        let mut batch = Batch::new();
        for record in rt.store().records(None, usize::MAX).unwrap() {
            if !left_out(&record.key) {
                batch.restore(record);
            }
        }
        copy.commit(batch).unwrap();
        let sources = sources_in(root.path());
        let rebuilt = start(copy, sources, at("2023-11-06T09:00:00+08:00"));
        assert_eq!(
            rebuilt.board_counters().unwrap(),
            rt.board_counters().unwrap(),
            "{what}: built at start from the cases"
        );
        assert_eq!(
            rebuilt.case_index().unwrap(),
            rt.case_index().unwrap(),
            "{what}: the index built at start from the cases"
        );
        agree(&rebuilt, what);
    }
}

on_every_store!(counters_follow_every_transition_and_a_restart);
