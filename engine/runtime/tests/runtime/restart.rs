//! Timers that fell due while the service was down fire once at start-up, decided at the
//! instant they fell due, and never again.

use super::support::*;
use govflow_model::{Case, DeadlineStatus, TimerKind};
use govflow_runtime::Runtime;
use govflow_store::CaseQuery;

/// Two cases received Thu 2023-09-28, both due 2023-10-18 (10 working days; National Day
/// 2023 rests 09-29..10-06 with make-up days 10-07 and 10-08: 10-07, 10-08, 10-09 .. 10-13,
/// 10-16, 10-17, 10-18). Both warn at the start of Mon 10-16 and lapse at 10-19 00:00.
fn submit_two(rt: &Runtime) -> (Case, Case) {
    let edu = actor("edu", "区教委", &["provider"]);
    let citizen = actor("citizen", "", &["applicant"]);
    let catalog = rt
        .submit(&edu, &request("catalog_update", "区教委"), None)
        .unwrap()
        .case;
    let verification = rt
        .submit(&citizen, &request("data_verification", "区公安局"), None)
        .unwrap()
        .case;
    assert_eq!(deadline(&catalog, "apply").due_date, date("2023-10-18"));
    assert_eq!(
        deadline(&verification, "verify").due_date,
        date("2023-10-18")
    );
    (catalog, verification)
}

/// Each lapsed exactly once, at the legal instant, and opened exactly one penalty case.
fn assert_lapsed_once(rt: &Running, case: &Case, deadline_name: &str, provider: &str) {
    let case = rt.case(&case.id).unwrap();
    assert!(case.overdue, "{}", case.id);
    assert_eq!(
        deadline(&case, deadline_name).status,
        DeadlineStatus::Missed
    );
    let events = history(rt, &case.id);
    assert_eq!(
        kinds(&events),
        ["opened", "warning", "lapsed", "penalty_opened"],
        "{}",
        case.id
    );
    assert_eq!(events[1].at, at("2023-10-16T00:00:00+08:00"));
    assert_eq!(events[2].at, at("2023-10-19T00:00:00+08:00"));
    let penalties = children(rt, &case.id);
    assert_eq!(penalties.len(), 1, "{penalties:#?}");
    let penalty = &penalties[0];
    assert_eq!(penalty.procedure, *"rectification");
    assert_eq!(penalty.state, *"ordered");
    assert_eq!(penalty.provider.as_deref(), Some(provider));
    // The legal instant: the duty lapsed at local midnight after 10-18, however late the
    // service noticed. The order is entered that day, so its 10 working days run 10-20,
    // 10-23 .. 10-27, 10-30, 10-31, 11-01, 11-02 → 2023-11-02.
    assert_eq!(penalty.received_at, at("2023-10-19T00:00:00+08:00"));
    assert_eq!(penalty.received_date, date("2023-10-19"));
    assert_eq!(penalty.created_at, at("2023-10-19T00:00:00+08:00"));
    assert_eq!(deadline(penalty, "rectify").due_date, date("2023-11-02"));
    assert_eq!(
        timer(rt, &penalty.id, "rectify", TimerKind::Lapse),
        Some(at("2023-11-03T00:00:00+08:00"))
    );
    assert_eq!(
        history(rt, &penalty.id)[0].at,
        at("2023-10-19T00:00:00+08:00")
    );
}

fn lapses_due_while_the_service_was_down_fire_once_when_time_is_moved(store: Kind) {
    let service = Service::new(store, at("2023-09-28T09:00:00+08:00"));
    let (catalog, verification) = submit_two(&service.runtime);

    // Down from 09-28 to Wed 10-25: four timers (two warnings, two lapses) are overdue.
    let service = service.restart(at("2023-10-25T10:00:00+08:00"));
    let rt = &service.runtime;
    assert!(
        !rt.case(&catalog.id).unwrap().overdue,
        "nothing fires before a pass"
    );
    let advanced = rt.advance(at("2023-10-25T10:00:00+08:00")).unwrap();
    assert_eq!(advanced.fired, 4);
    assert_lapsed_once(rt, &catalog, "apply", "区教委");
    assert_lapsed_once(rt, &verification, "verify", "区公安局");
    let events = feed(rt).len();
    assert_eq!(
        events,
        2 + 2 * 4,
        "2 openings, then per case warning, lapse, penalty, opening"
    );

    // Moving on (the penalties' warnings are at 10-31) fires nothing more.
    let advanced = rt.advance(at("2023-10-30T12:00:00+08:00")).unwrap();
    assert_eq!(advanced.fired, 0);
    assert_eq!(feed(rt).len(), events);

    // Nor does another restart at the same instant, with a scheduler pass and a move.
    let service = service.restart(at("2023-10-30T12:00:00+08:00"));
    let rt = &service.runtime;
    rt.start_scheduler().stop();
    assert_eq!(
        rt.advance(at("2023-10-30T12:00:00+08:00")).unwrap().fired,
        0
    );
    assert_lapsed_once(rt, &catalog, "apply", "区教委");
    assert_lapsed_once(rt, &verification, "verify", "区公安局");
    assert_eq!(feed(rt).len(), events);
    let all = cases(rt, CaseQuery::default());
    assert_eq!(all.len(), 4, "two cases and one penalty each");
}

fn the_scheduler_fires_what_came_due_while_down_before_it_first_sleeps(store: Kind) {
    let service = Service::new(store, at("2023-09-28T09:00:00+08:00"));
    let (catalog, verification) = submit_two(&service.runtime);
    let service = service.restart(at("2023-10-25T10:00:00+08:00"));
    let rt = &service.runtime;
    // `stop` is seen only when the scheduler goes to sleep, so its first pass is complete.
    rt.start_scheduler().stop();
    assert_lapsed_once(rt, &catalog, "apply", "区教委");
    assert_lapsed_once(rt, &verification, "verify", "区公安局");
    // The penalties' warnings (10-31) are not due; a second scheduler fires nothing.
    let events = feed(rt).len();
    rt.start_scheduler().stop();
    assert_eq!(feed(rt).len(), events);
}

fn a_penalty_opened_late_climbs_its_ladder_at_the_legal_instants(store: Kind) {
    let service = Service::new(store, at("2023-09-28T09:00:00+08:00"));
    let (catalog, _) = submit_two(&service.runtime);
    // Down until Fri 11-10: the main lapse (10-19), and the penalty's warning (10-31) and
    // lapse (11-03, the end of 11-02) all came due; the penalty must climb at 11-03, not
    // at the moment of the restart.
    let service = service.restart(at("2023-11-10T10:00:00+08:00"));
    let rt = &service.runtime;
    let advanced = rt.advance(at("2023-11-10T10:00:00+08:00")).unwrap();
    assert_eq!(
        advanced.fired, 8,
        "per case: warning, lapse, penalty warning and lapse"
    );
    let penalty = &children(rt, &catalog.id)[0];
    assert_eq!(penalty.state, *"criticized");
    assert_eq!(penalty.entered_at, at("2023-11-03T00:00:00+08:00"));
    let events = history(rt, &penalty.id);
    assert_eq!(kinds(&events), ["opened", "warning", "lapsed", "acted"]);
    assert_eq!(events[1].at, at("2023-10-31T00:00:00+08:00"));
    assert_eq!(events[2].at, at("2023-11-03T00:00:00+08:00"));
}

/// Two runtimes fire the same timers at once: on PostgreSQL two stores on one database,
/// as two nodes would be; on sled and memory two runtimes over one store.
fn two_runtimes_racing_over_one_store_fire_each_timer_once(store: Kind) {
    use govflow_runtime::{Registry, SimulatedClock, WallClockIds};
    use std::sync::Arc;

    let home = Home::new(store);
    let start_at = at("2023-09-28T09:00:00+08:00");
    let first = home.open();
    let second = match store {
        Kind::Sled => first.clone(),
        Kind::Memory | Kind::Postgres => home.open(),
    };
    let runtime = |store| {
        let registry = Registry::load(sources_in(&repo()), start_at).unwrap();
        Runtime::new(
            store,
            registry,
            Arc::new(SimulatedClock::new(start_at)),
            Arc::new(WallClockIds::default()),
        )
        .unwrap()
    };
    let (a, b) = (runtime(first), runtime(second));
    // Twenty cases, all lapsing at 10-19 00:00: forty timers both runtimes try to fire.
    let mut ids = Vec::new();
    for _ in 0..10 {
        let (catalog, verification) = submit_two(&a);
        ids.extend([catalog, verification]);
    }
    std::thread::scope(|s| {
        for rt in [&a, &b] {
            s.spawn(move || rt.advance(at("2023-10-25T10:00:00+08:00")).unwrap());
        }
    });
    for case in &ids {
        let events = history(&a, &case.id);
        assert_eq!(count(&events, "lapsed"), 1, "{}", case.id);
        assert_eq!(count(&events, "warning"), 1, "{}", case.id);
        assert_eq!(children(&a, &case.id).len(), 1, "{}", case.id);
    }
    assert_eq!(cases(&a, CaseQuery::default()).len(), 40);
    assert_eq!(feed(&a).len(), 20 + 20 * 4);
}

fn hundreds_of_deadlines_falling_due_at_once_fire_in_chunks_each_once(store: Kind) {
    const CASES: usize = 304;
    let service = Service::new(store, at("2023-09-28T09:00:00+08:00"));
    let rt = &service.runtime;
    // 304 verifications received Thu 2023-09-28, all due 2023-10-18 (counted in
    // `submit_two`): 304 warnings at 10-16 and 304 lapses at 10-19 fire in chunks of at
    // most 512 timers, earliest first: the first holds every warning and 208 lapses (a
    // case warned and lapsed in one batch), the second the other 96 lapses. The second is
    // decided while the first commits, from cases not yet warned: its commit loses the race
    // and it is decided again (on PostgreSQL a case's lapse is not claimable before its
    // warning has fired, so it is claimed once the first chunk is in).
    std::thread::scope(|s| {
        for t in 0..8 {
            s.spawn(move || {
                let citizen = actor(&format!("citizen-{t}"), "", &["applicant"]);
                for _ in 0..CASES / 8 {
                    rt.submit(&citizen, &request("data_verification", "区公安局"), None)
                        .unwrap();
                }
            });
        }
    });
    let service = service.restart(at("2023-10-25T10:00:00+08:00"));
    let rt = &service.runtime;
    let advanced = rt.advance(at("2023-10-25T10:00:00+08:00")).unwrap();
    assert_eq!(advanced.fired, 2 * CASES);
    let all = cases(rt, CaseQuery::default());
    let (main, penalties): (Vec<Case>, Vec<Case>) =
        all.into_iter().partition(|c| c.parent.is_none());
    assert_eq!((main.len(), penalties.len()), (CASES, CASES));
    for case in &main {
        assert!(case.overdue, "{}", case.id);
        assert_eq!(case.revision, 3, "{}: opened, warned, lapsed", case.id);
        assert_eq!(
            kinds(&history(rt, &case.id)),
            ["opened", "warning", "lapsed", "penalty_opened"],
            "{}",
            case.id
        );
    }
    assert!(penalties
        .iter()
        .all(|p| p.received_at == at("2023-10-19T00:00:00+08:00")));
    assert_eq!(feed(rt).len(), CASES + CASES * 4);
    assert_eq!(
        rt.advance(at("2023-10-30T00:00:00+08:00")).unwrap().fired,
        0
    );
}

fn a_reply_after_the_due_date_is_late_even_before_the_scheduler_caught_up(store: Kind) {
    let service = Service::new(store, at("2023-09-28T09:00:00+08:00"));
    let (_, verification) = submit_two(&service.runtime);
    // Back on Wed 10-25, the provider replies before any pass has run: the deadline ended
    // with 10-18, so the reply is late. The lapse (and the warning before it) must be
    // decided first, at their own instants, not cancelled by the reply as if it were on
    // time.
    let service = service.restart(at("2023-10-25T10:00:00+08:00"));
    let rt = &service.runtime;
    let police = actor("police", "区公安局", &["provider"]);
    let body = data(serde_json::json!({"decision": "approve"}));
    let replied = rt.act(&police, &verification.id, "reply", &body).unwrap();
    assert_eq!(replied.state, *"corrected");
    assert!(replied.overdue);
    assert_eq!(deadline(&replied, "verify").status, DeadlineStatus::Missed);
    assert_eq!(
        kinds(&history(rt, &verification.id)),
        ["opened", "warning", "lapsed", "penalty_opened", "acted"]
    );
    let penalties = children(rt, &verification.id);
    assert_eq!(penalties.len(), 1);
    assert_eq!(penalties[0].received_at, at("2023-10-19T00:00:00+08:00"));
    // The scheduler then fires only the other case's two timers, nothing of this one.
    assert_eq!(
        rt.advance(at("2023-10-25T10:00:00+08:00")).unwrap().fired,
        2
    );
    assert_eq!(history(rt, &verification.id).len(), 5);
    assert_eq!(children(rt, &verification.id).len(), 1);
}

on_every_store!(
    two_runtimes_racing_over_one_store_fire_each_timer_once,
    lapses_due_while_the_service_was_down_fire_once_when_time_is_moved,
    the_scheduler_fires_what_came_due_while_down_before_it_first_sleeps,
    a_penalty_opened_late_climbs_its_ladder_at_the_legal_instants,
    hundreds_of_deadlines_falling_due_at_once_fire_in_chunks_each_once,
    a_reply_after_the_due_date_is_late_even_before_the_scheduler_caught_up,
);
