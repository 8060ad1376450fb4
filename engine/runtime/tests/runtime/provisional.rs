//! A deadline in a year the calendar does not cover is counted on weekends only and marked
//! provisional; loading that year's schedule recounts it and re-arms its timers.

use super::support::*;
use govflow_model::{DeadlineStatus, EventKind, TimerKind};
use std::fs;
use std::path::{Path, PathBuf};

/// A copy of the packs and policies without the 2026 holiday schedule; returns the path
/// the schedule is restored to.
fn sources_without_2026(root: &Path) -> PathBuf {
    copy_sources(root);
    let schedule = root.join("policies/calendars/2026.yaml");
    fs::remove_file(&schedule).unwrap();
    schedule
}

fn loading_the_year_recounts_provisional_deadlines_and_rearms_their_timers(store: Kind) {
    let root = tempfile::tempdir().unwrap();
    let schedule_2026 = sources_without_2026(root.path());
    let service = Service::with_sources(
        store,
        sources_in(root.path()),
        at("2026-09-30T09:00:00+08:00"),
    );
    let rt = &service.runtime;
    assert!(!rt.registry().calendar().covers(2026));
    let citizen = actor("citizen", "", &["applicant"]);
    let case = rt
        .submit(&citizen, &request("data_verification", "区公安局"), None)
        .unwrap()
        .case;
    // Received Wed 2026-09-30. Weekends only: 10-01, 10-02, 10-05 .. 10-09, 10-12, 10-13,
    // 10-14 → Wed 2026-10-14, provisional. Warning: the start of Mon 10-12 (10-13 and
    // 10-12 are the two working days before).
    let verify = deadline(&case, "verify");
    assert_eq!(
        (verify.due_date, verify.provisional),
        (date("2026-10-14"), true)
    );
    assert_eq!(
        timer(rt, &case.id, "verify", TimerKind::Lapse),
        Some(at("2026-10-15T00:00:00+08:00"))
    );
    assert_eq!(
        timer(rt, &case.id, "verify", TimerKind::Warning),
        Some(at("2026-10-12T00:00:00+08:00"))
    );

    // The index of provisional deadlines holds the case, as computed from every case.
    let indexed = rt.provisional_waiting().unwrap();
    assert_eq!(indexed, rt.provisional_waiting_from_scratch().unwrap());
    assert_eq!(indexed.len(), 1, "{indexed:?}");
    assert_eq!((&indexed[0].case, indexed[0].deadlines), (&case.id, 1));
    // A store from before the index (the same records without it) builds it at start.
    let older = Home::new(store);
    let copy = older.open();
    let mut batch = govflow_store::Batch::new();
    let index_mark = format!("cron/{}", govflow_runtime::PROVISIONAL_INDEX);
    for record in rt.store().records(None, usize::MAX).unwrap() {
        let indexed = record.key.starts_with("cnt/provisional".as_bytes());
        if !indexed && record.key != index_mark.as_bytes() {
            batch.restore(record);
        }
    }
    copy.commit(batch).unwrap();
    let rebuilt = start(
        copy,
        sources_in(root.path()),
        at("2026-09-30T09:00:00+08:00"),
    );
    assert_eq!(rebuilt.provisional_waiting().unwrap(), indexed);
    drop(rebuilt);

    // Nothing changed on disk: nothing is recounted.
    let report = rt.reload().unwrap();
    assert!(!report.calendar_swapped);
    assert_eq!(rt.case(&case.id).unwrap(), case);

    // The State Council publishes 2026 (国办发明电〔2025〕7号): National Day rests 10-01 ..
    // 10-07, make-up working days Sun 09-20 and Sat 10-10. Working days after 09-30: 10-08,
    // 10-09, 10-10 (Sat, make-up), 10-12, 10-13, 10-14, 10-15, 10-16, 10-19, 10-20 → Tue
    // 2026-10-20, final. Warning: the start of Fri 10-16 (10-19 and 10-16 are the two
    // working days before).
    fs::copy(repo().join("policies/calendars/2026.yaml"), &schedule_2026).unwrap();
    let report = rt.reload().unwrap();
    assert!(report.calendar_swapped, "{report:?}");
    assert!(!report.calendar_failed);
    assert!(rt.registry().calendar().covers(2026));
    let recounted = rt.case(&case.id).unwrap();
    let verify = deadline(&recounted, "verify");
    assert_eq!(
        (verify.due_date, verify.provisional),
        (date("2026-10-20"), false)
    );
    assert_eq!(verify.original_due_date, date("2026-10-20"));
    assert_eq!(verify.status, DeadlineStatus::Open);
    assert_eq!(recounted.revision, case.revision + 1);
    assert_eq!(
        timer(rt, &case.id, "verify", TimerKind::Lapse),
        Some(at("2026-10-21T00:00:00+08:00"))
    );
    assert_eq!(
        timer(rt, &case.id, "verify", TimerKind::Warning),
        Some(at("2026-10-16T00:00:00+08:00"))
    );
    let events = feed(rt);
    assert_eq!(kinds(&events), ["opened", "recomputed"]);
    match &events[1].kind {
        EventKind::Recomputed { deadline, due_date } => {
            assert_eq!(deadline, "verify");
            assert_eq!(*due_date, date("2026-10-20"));
        }
        other => panic!("expected the recount, got {other:?}"),
    }
    assert_eq!(events[1].article.as_deref(), Some("第十七条"));
    assert_eq!(
        rt.provisional_waiting().unwrap(),
        [],
        "final: out of the index"
    );
    // Reloading the same calendar again recounts nothing.
    assert!(!rt.reload().unwrap().calendar_swapped);
    assert_eq!(feed(rt).len(), 2);

    // The provisional instants are gone: nothing fires at 10-12 or 10-15.
    assert_eq!(
        rt.advance(at("2026-10-15T12:00:00+08:00")).unwrap().fired,
        0
    );
    assert!(!rt.case(&case.id).unwrap().overdue);
    // The warning of 10-16 and the lapse at the end of 10-20 do.
    assert_eq!(
        rt.advance(at("2026-10-21T00:00:00+08:00")).unwrap().fired,
        2
    );
    let lapsed = rt.case(&case.id).unwrap();
    assert!(lapsed.overdue);
    let events = history(rt, &case.id);
    assert_eq!(
        kinds(&events),
        [
            "opened",
            "recomputed",
            "warning",
            "lapsed",
            "penalty_opened"
        ]
    );
    assert_eq!(events[2].at, at("2026-10-16T00:00:00+08:00"));
    assert_eq!(events[3].at, at("2026-10-21T00:00:00+08:00"));
}

fn a_schedule_added_while_the_service_was_down_is_counted_at_start_up(store: Kind) {
    let root = tempfile::tempdir().unwrap();
    let schedule_2026 = sources_without_2026(root.path());
    let service = Service::with_sources(
        store,
        sources_in(root.path()),
        at("2026-09-30T09:00:00+08:00"),
    );
    let citizen = actor("citizen", "", &["applicant"]);
    let case = service
        .runtime
        .submit(&citizen, &request("data_verification", "区公安局"), None)
        .unwrap()
        .case;
    // Weekends only, as in the test above: Wed 2026-10-14, provisional; the warning is at
    // 10-12 00:00 and the lapse at 10-15 00:00.
    assert_eq!(deadline(&case, "verify").due_date, date("2026-10-14"));

    // The schedule is installed and the service restarted (no hot reload) after the
    // provisional lapse instant: the first pass must recount before it fires anything, so
    // the case is due Tue 10-20 (counted in the test above) and has not lapsed on 10-15.
    fs::copy(repo().join("policies/calendars/2026.yaml"), &schedule_2026).unwrap();
    let service = service.restart(at("2026-10-16T09:00:00+08:00"));
    let rt = &service.runtime;
    // The warning of 10-16 00:00 is due; the recounted lapse (10-21) is not.
    assert_eq!(
        rt.advance(at("2026-10-16T09:00:00+08:00")).unwrap().fired,
        1
    );
    let recounted = rt.case(&case.id).unwrap();
    let verify = deadline(&recounted, "verify");
    assert_eq!(
        (verify.due_date, verify.provisional),
        (date("2026-10-20"), false)
    );
    assert_eq!(verify.status, DeadlineStatus::Open);
    assert!(!recounted.overdue);
    assert_eq!(
        kinds(&history(rt, &case.id)),
        ["opened", "recomputed", "warning"]
    );
    assert_eq!(
        timer(rt, &case.id, "verify", TimerKind::Lapse),
        Some(at("2026-10-21T00:00:00+08:00"))
    );
    // Once only: a further pass or restart recounts nothing more.
    rt.advance(at("2026-10-16T10:00:00+08:00")).unwrap();
    let service = service.restart(at("2026-10-16T10:00:00+08:00"));
    service.runtime.start_scheduler().stop();
    assert_eq!(
        kinds(&history(&service.runtime, &case.id)),
        ["opened", "recomputed", "warning"]
    );
}

fn an_action_right_after_start_up_is_decided_on_the_recounted_deadline(store: Kind) {
    let root = tempfile::tempdir().unwrap();
    let schedule_2026 = sources_without_2026(root.path());
    let service = Service::with_sources(
        store,
        sources_in(root.path()),
        at("2026-09-30T09:00:00+08:00"),
    );
    let citizen = actor("citizen", "", &["applicant"]);
    let case = service
        .runtime
        .submit(&citizen, &request("data_verification", "区公安局"), None)
        .unwrap()
        .case;
    fs::copy(repo().join("policies/calendars/2026.yaml"), &schedule_2026).unwrap();
    // Back on Fri 10-16 with the 2026 schedule; the provider asks for an extension before
    // the scheduler has run. On the weekends-only count the deadline lapsed at 10-15
    // 00:00 and the request would be refused; on the official count it is due Tue 10-20
    // (its warning, at the start of 10-16, comes first) and the request stands.
    let service = service.restart(at("2026-10-16T09:00:00+08:00"));
    let rt = &service.runtime;
    let police = actor("police", "区公安局", &["provider"]);
    let body = data(serde_json::json!({"working_days": 2, "reason": "涉及多个系统"}));
    let requested = rt
        .act(&police, &case.id, "request_extension", &body)
        .unwrap();
    assert_eq!(deadline(&requested, "verify").due_date, date("2026-10-20"));
    assert!(!requested.overdue);
    assert_eq!(
        kinds(&history(rt, &case.id)),
        ["opened", "recomputed", "warning", "extension_requested"]
    );
    assert_eq!(
        rt.advance(at("2026-10-16T09:00:00+08:00")).unwrap().fired,
        0
    );
}

fn a_broken_calendar_edit_keeps_the_last_good_calendar(store: Kind) {
    let root = tempfile::tempdir().unwrap();
    let sources = copy_sources(root.path());
    let service = Service::with_sources(store, sources, at("2026-09-30T09:00:00+08:00"));
    let rt = &service.runtime;
    fs::write(
        root.path().join("policies/calendars/2027.yaml"),
        "schema_version: 1\nyear: 2027\nsource: ''\nholidays: []\nmakeup_workdays: [2027-01-06]\n",
    )
    .unwrap();
    let report = rt.reload().unwrap();
    assert!(report.calendar_failed, "{report:?}");
    assert!(!report.calendar_swapped);
    assert!(rt.registry().calendar().covers(2026));
    assert!(!rt.registry().calendar().covers(2027));
    assert!(rt.registry().calendar_state().last_error.is_some());
    // Cases are still counted on the last good calendar (2026 National Day included).
    let case = rt
        .submit(
            &actor("citizen", "", &["applicant"]),
            &request("data_verification", "区公安局"),
            None,
        )
        .unwrap()
        .case;
    assert_eq!(deadline(&case, "verify").due_date, date("2026-10-20"));
}

on_every_store!(
    loading_the_year_recounts_provisional_deadlines_and_rearms_their_timers,
    a_schedule_added_while_the_service_was_down_is_counted_at_start_up,
    an_action_right_after_start_up_is_decided_on_the_recounted_deadline,
    a_broken_calendar_edit_keeps_the_last_good_calendar,
);
