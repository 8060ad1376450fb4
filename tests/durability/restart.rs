//! Timers that came due while the service was down fire at start-up, once, at the
//! instant the law fixes.

use super::kit::{
    all_cases, all_events, catalog_update, count_by_case, id, wait_for, AFTER_THE_LAPSES,
    APPLY_LAPSES, EDU, MANDATE_CHANGED,
};
use crate::support::server::{Options, Server};
use std::time::Duration;

const CASES: usize = 5;

/// Pins the catch-up at start-up: five catalog updates opened on 2023-09-28, the service
/// stopped, and started again with the clock at 2023-10-20 (after the `apply` lapse at the
/// end of 10-18). Without any clock call each case becomes overdue, has exactly one
/// `rectification` child received at the lapse instant 2023-10-18T16:00:00Z (not the
/// restart time), and the feed holds exactly one `lapsed` event per case; a second restart
/// fires nothing again.
#[test]
fn timers_due_while_down_fire_once_at_start_up_at_the_legal_instant() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let server = Server::start(&Options::new(&data, MANDATE_CHANGED, &[EDU]));
    let opened: Vec<String> = (0..CASES)
        .map(|i| id(&server.submit("edu", catalog_update(&format!("restart {i}")))))
        .collect();
    assert!(server.terminate(), "SIGTERM ends the first run cleanly");

    let server = Server::start(&Options::new(&data, AFTER_THE_LAPSES, &[EDU]));
    for case in &opened {
        let lapsed = wait_for(Duration::from_secs(20), "the lapse at start-up", || {
            let reply = server.get("admin", &format!("/v1/cases/{case}"));
            assert_eq!(reply.status, 200, "{reply:#?}");
            (reply.body["overdue"] == true).then_some(reply.body)
        });
        assert_eq!(lapsed["state"], "awaiting_application");
        assert_eq!(lapsed["deadlines"][0]["name"], "apply");
        assert_eq!(lapsed["deadlines"][0]["status"], "missed");
    }
    assert_penalties_once(&server, &opened);
    assert!(server.terminate(), "SIGTERM ends the second run cleanly");

    let server = Server::start(&Options::new(&data, AFTER_THE_LAPSES, &[EDU]));
    // Give a wrongly re-armed timer time to fire: wait for the scheduler's first pass to
    // be over (a request that needs nothing from it cannot prove that, so also wait a bit).
    std::thread::sleep(Duration::from_millis(500));
    assert_penalties_once(&server, &opened);
    assert_eq!(
        all_cases(&server, "city=wanzhou").len(),
        2 * CASES,
        "no case was opened by the third start"
    );
    assert!(server.terminate(), "SIGTERM ends the third run cleanly");
}

fn assert_penalties_once(server: &Server, opened: &[String]) {
    let lapsed = count_by_case(&all_events(server), "lapsed");
    let penalties = count_by_case(&all_events(server), "penalty_opened");
    for case in opened {
        assert_eq!(lapsed.get(case), Some(&1), "`lapsed` events of {case}");
        assert_eq!(
            penalties.get(case),
            Some(&1),
            "`penalty_opened` events of {case}"
        );
        let children = all_cases(server, &format!("parent={case}"));
        assert_eq!(children.len(), 1, "penalty cases of {case}: {children:#?}");
        let child = &children[0];
        assert_eq!(child["procedure"], "rectification");
        assert_eq!(child["state"], "ordered");
        assert_eq!(child["provider"], "区教委");
        assert_eq!(child["parent"].as_str(), Some(case.as_str()));
        assert_eq!(
            child["received_at"], APPLY_LAPSES,
            "the legal instant of the lapse"
        );
        assert_eq!(child["deadlines"][0]["due_date"], "2023-11-02");
    }
    assert_eq!(
        lapsed.values().sum::<usize>(),
        opened.len(),
        "no other case lapsed: {lapsed:?}"
    );
}

/// Pins a ladder that climbs two rungs while the service is down: catalog updates opened
/// on 2023-09-28, the service started again only on 2023-11-04. At start-up the `apply`
/// lapse (end of 10-18) opens the rectification case, whose own period (10 working days
/// from 10-19, to 11-02) has lapsed too, so it moves on to `criticized`; each `lapsed`
/// event carries its legal instant, once, and another restart adds no event.
#[test]
fn a_ladder_climbs_two_rungs_at_start_up_each_at_its_own_instant() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let server = Server::start(&Options::new(&data, MANDATE_CHANGED, &[EDU]));
    let opened: Vec<String> = (0..3)
        .map(|i| id(&server.submit("edu", catalog_update(&format!("two rungs {i}")))))
        .collect();
    assert!(server.terminate());

    let later = "2023-11-04T00:00:00+08:00";
    let server = Server::start(&Options::new(&data, later, &[EDU]));
    let mut children = Vec::new();
    for case in &opened {
        let child = wait_for(Duration::from_secs(20), "the second rung", || {
            let found = all_cases(&server, &format!("parent={case}"));
            found
                .first()
                .filter(|c| c["state"] == "criticized")
                .cloned()
        });
        assert_eq!(all_cases(&server, &format!("parent={case}")).len(), 1);
        assert_eq!(child["received_at"], APPLY_LAPSES);
        assert_eq!(child["overdue"], true);
        assert_eq!(child["deadlines"][0]["due_date"], "2023-11-02");
        assert_eq!(child["deadlines"][0]["status"], "missed");
        children.push(id(&child));
    }
    let events = all_events(&server);
    let lapses: Vec<(&str, &str)> = events
        .iter()
        .filter(|e| e["type"] == "lapsed")
        .map(|e| (e["case"].as_str().unwrap(), e["at"].as_str().unwrap()))
        .collect();
    assert_eq!(lapses.len(), 2 * opened.len(), "{lapses:?}");
    for case in &opened {
        assert!(
            lapses.contains(&(case.as_str(), APPLY_LAPSES)),
            "{case}: {lapses:?}"
        );
    }
    for child in &children {
        let end_of_11_02 = "2023-11-02T16:00:00Z";
        assert!(
            lapses.contains(&(child.as_str(), end_of_11_02)),
            "{child}: {lapses:?}"
        );
    }
    assert!(server.terminate());

    let server = Server::start(&Options::new(&data, later, &[EDU]));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        all_events(&server).len(),
        events.len(),
        "a restart adds no event"
    );
    assert!(server.terminate());
}
