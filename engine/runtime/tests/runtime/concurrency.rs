//! Many threads on one runtime: every command is accepted or cleanly refused, and no
//! accepted transition is lost (each bumps the case's revision exactly once).

use super::support::*;
use chrono::{DateTime, Duration, Utc};
use govflow_model::lapse_instant;
use govflow_model::{local_date, Actor, Case, CaseId, EventKind};
use govflow_runtime::{Error, Runtime};
use govflow_store::CaseQuery;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};

const THREADS: usize = 8;
const ROUNDS: usize = 6;

/// The working days after Fri 2021-02-26 in 2021.yaml (no holiday in March): an extension
/// of n working days ends on the nth.
const AFTER_0226: [&str; 10] = [
    "2021-03-01",
    "2021-03-02",
    "2021-03-03",
    "2021-03-04",
    "2021-03-05",
    "2021-03-08",
    "2021-03-09",
    "2021-03-10",
    "2021-03-11",
    "2021-03-12",
];

#[derive(Default)]
struct Tally {
    accepted: AtomicUsize,
    approved: AtomicUsize,
}

/// Whether the action was accepted. A refusal must be one the race explains; `Busy` (the
/// case changed under the command on every attempt, and nothing was stored) is a clean
/// answer too: the client is told to retry. Anything else fails the test.
fn accepted(action: &str, result: Result<Case, Error>, allowed: &[&str]) -> bool {
    match result {
        Ok(_) => true,
        Err(Error::Refused(r)) => {
            assert!(allowed.contains(&r.code()), "{action}: {r}");
            false
        }
        Err(Error::Busy(_)) => false,
        Err(e) => panic!("{action}: {e}"),
    }
}

/// Requests one working day and approves it, counting what was accepted.
fn extend_by_one(rt: &Runtime, id: &CaseId, police: &Actor, head: &Actor, tally: &Tally) {
    let body = data(json!({"working_days": 1, "reason": "并发"}));
    let request = rt.act(police, id, "request_extension", &body);
    if accepted(
        "request_extension",
        request,
        &["extension_pending", "extension_over_cap"],
    ) {
        tally.accepted.fetch_add(1, Ordering::SeqCst);
    }
    let approve = rt.act(head, id, "approve_extension", &data(json!({})));
    if accepted("approve_extension", approve, &["no_pending_extension"]) {
        tally.accepted.fetch_add(1, Ordering::SeqCst);
        tally.approved.fetch_add(1, Ordering::SeqCst);
    }
}

fn eight_threads_acting_and_submitting_lose_no_update(store: Kind) {
    let service = Service::new(store, at("2021-02-08T09:00:00+08:00"));
    let rt = &service.runtime;
    let citizen = actor("citizen", "", &["applicant"]);
    let police = actor("police", "区公安局", &["provider"]);
    let head = actor("police_head", "区公安局", &["principal"]);
    let id = rt
        .submit(&citizen, &request("data_verification", "区公安局"), None)
        .unwrap()
        .case
        .id;
    let tally = Tally::default();
    let submitted: Vec<CaseId> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (rt, id, police, head, tally) = (rt.clone(), &id, &police, &head, &tally);
                s.spawn(move || {
                    let mine = actor(&format!("citizen-{t}"), "", &["applicant"]);
                    let mut opened = Vec::new();
                    for _ in 0..ROUNDS {
                        let case = rt
                            .submit(&mine, &request("data_verification", "区教委"), None)
                            .unwrap()
                            .case;
                        opened.push(case.id);
                        extend_by_one(&rt, id, police, head, tally);
                    }
                    opened
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });

    let accepted = tally.accepted.load(Ordering::SeqCst);
    let approved = tally.approved.load(Ordering::SeqCst);
    let case = rt.case(&id).unwrap();
    assert_eq!(
        case.revision as usize,
        1 + accepted,
        "a transition was lost or doubled"
    );
    let events = history(rt, &id);
    assert_eq!(events.len(), 1 + accepted);
    assert_eq!(count(&events, "extension_approved"), approved);
    // Eight threads make 48 attempts; the cap of 10 working days bounds the approvals.
    assert!((1..=10).contains(&approved), "{approved} approvals");
    let verify = deadline(&case, "verify");
    assert_eq!(verify.extended_working_days as usize, approved);
    assert_eq!(verify.due_date, date(AFTER_0226[approved - 1]));
    assert_eq!(
        timer(rt, &id, "verify", govflow_model::TimerKind::Lapse),
        Some(lapse_instant(verify.due_date))
    );

    let mut ids = submitted.clone();
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len(),
        THREADS * ROUNDS,
        "every submission got its own id"
    );
    assert_eq!(cases(rt, CaseQuery::default()).len(), 1 + THREADS * ROUNDS);
    assert_eq!(feed(rt).len(), 1 + accepted + THREADS * ROUNDS);
}

/// Requests one working day, then approves it on the deadline's last day and rejects it
/// on any other, so approvals race the lapse at midnight. Counts what was accepted.
fn extend_at_the_edge(rt: &Runtime, id: &CaseId, police: &Actor, head: &Actor, tally: &Tally) {
    let due = deadline(&rt.case(id).unwrap(), "verify").due_date;
    let last_day = local_date(rt.clock().now()) == due;
    let allowed = [
        "extension_pending",
        "no_pending_extension",
        "extension_over_cap",
        "extension_after_lapse",
    ];
    let body = data(json!({"working_days": 1, "reason": "并发"}));
    let request = rt.act(police, id, "request_extension", &body);
    if accepted("request_extension", request, &allowed) {
        tally.accepted.fetch_add(1, Ordering::SeqCst);
    }
    let answer = if last_day {
        "approve_extension"
    } else {
        "reject_extension"
    };
    if accepted(answer, rt.act(head, id, answer, &data(json!({}))), &allowed) {
        tally.accepted.fetch_add(1, Ordering::SeqCst);
        if last_day {
            tally.approved.fetch_add(1, Ordering::SeqCst);
        }
    }
}

fn timers_racing_actions_lapse_once_at_the_final_due_date(store: Kind) {
    let service = Service::new(store, at("2021-02-08T09:00:00+08:00"));
    let rt = &service.runtime;
    let citizen = actor("citizen", "", &["applicant"]);
    let police = actor("police", "区公安局", &["provider"]);
    let head = actor("police_head", "区公安局", &["principal"]);
    // Four cases due Fri 2021-02-26 (counted in `actions.rs`).
    let ids: Vec<CaseId> = (0..4)
        .map(|_| {
            rt.submit(&citizen, &request("data_verification", "区公安局"), None)
                .unwrap()
                .case
                .id
        })
        .collect();
    let tally = Tally::default();
    let end = at("2021-03-16T00:00:00+08:00");
    std::thread::scope(|s| {
        // One thread moves the clock four hours at a time from 02-25 to 03-16, past the
        // latest possible due date (03-12, with the whole cap of 10 working days). A pass
        // that keeps losing its timers' cases to actions answers `Busy`; it is run again.
        s.spawn(|| {
            let mut now: DateTime<Utc> = at("2021-02-25T00:00:00+08:00");
            while now < end {
                now += Duration::hours(4);
                while let Err(e) = rt.advance(now) {
                    assert!(matches!(e, Error::Busy(_)), "{e}");
                }
            }
        });
        for t in 0..THREADS - 1 {
            let (ids, police, head, tally) = (&ids, &police, &head, &tally);
            s.spawn(move || {
                let mut round = t;
                while rt.clock().now() < end {
                    extend_at_the_edge(rt, &ids[round % ids.len()], police, head, tally);
                    round += 1;
                }
            });
        }
    });

    let mut approvals = 0;
    for id in &ids {
        let case = rt.case(id).unwrap();
        let events = history(rt, id);
        // Each transition bumps the revision once; a lapse also records its penalty.
        assert_eq!(
            case.revision as usize,
            events.len() - count(&events, "penalty_opened"),
            "{id}: {:?}",
            kinds(&events)
        );
        assert!(case.overdue, "{id}");
        let verify = deadline(&case, "verify");
        let approved = verify.extended_working_days as usize;
        approvals += approved;
        assert_eq!(count(&events, "extension_approved"), approved);
        let due = if approved == 0 {
            date("2021-02-26")
        } else {
            date(AFTER_0226[approved - 1])
        };
        assert_eq!(verify.due_date, due);
        // One lapse, of the due date as finally extended, at the end of that day; every
        // accepted action came before it.
        let lapses: Vec<_> = events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Lapsed { due_date, .. } => Some((*due_date, e.at)),
                _ => None,
            })
            .collect();
        assert_eq!(lapses, [(due, lapse_instant(due))], "{id}");
        let late: Vec<_> = events
            .iter()
            .filter(|e| e.actor != Actor::SYSTEM_ID && e.at >= lapse_instant(due))
            .collect();
        assert!(
            late.is_empty(),
            "{id}: LATE {:?}\n{}",
            late.iter().map(|e| (kind(e), e.at)).collect::<Vec<_>>(),
            events
                .iter()
                .map(|e| format!("EV {} {} {}", kind(e), e.at, e.actor))
                .collect::<Vec<_>>()
                .join("\n")
        );
        assert_eq!(children(rt, id).len(), 1, "{id}");
    }
    assert_eq!(approvals, tally.approved.load(Ordering::SeqCst));
    let revisions: usize = ids
        .iter()
        .map(|id| rt.case(id).unwrap().revision as usize)
        .sum();
    let fired: usize = ids
        .iter()
        .map(|id| {
            let events = history(rt, id);
            count(&events, "warning") + count(&events, "lapsed")
        })
        .sum();
    assert_eq!(
        revisions,
        ids.len() + tally.accepted.load(Ordering::SeqCst) + fired,
        "a transition was lost or doubled"
    );
}

on_every_store!(
    eight_threads_acting_and_submitting_lose_no_update,
    timers_racing_actions_lapse_once_at_the_final_due_date,
);
