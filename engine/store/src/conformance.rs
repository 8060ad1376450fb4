//! The store conformance suite: behaviour every [`Store`] must have, whatever keeps its
//! data. Each check is a public function taking a fresh, empty store; [`conformance_suite!`]
//! turns them into one `#[test]` each for a store type. Run on [`MemoryStore`] and
//! [`SledStore`] here and on `PgStore` in `govflow-store-pg` (feature `conformance`).

use chrono::{DateTime, NaiveDate, Utc};
use govflow_model::{
    Case, CaseId, CityId, DeadlineId, DepartmentRegistry, Event, EventKind, Opener, ProcedureId,
    RegulationStatus, StateId, Timer, TimerKind,
};
use std::collections::BTreeSet;

use crate::{
    Batch, CaseQuery, Conflict, Error, Expect, IdempotencyRecord, Receipt, Record, Records, Secret,
    Store, Subscription, SubscriptionState,
};

pub fn t(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap()
}

pub fn case(id: &str, city: &str, state: &str) -> Case {
    Case {
        id: CaseId::new(id),
        city: CityId::new(city),
        procedure: ProcedureId::from("data_verification"),
        state: StateId::new(state),
        overdue: false,
        parent: None,
        pack_version: "2023.1".into(),
        regulation_status: RegulationStatus::InForce,
        received_at: t(0),
        received_date: NaiveDate::from_ymd_opt(2023, 11, 15).unwrap(),
        opened_by: Opener {
            actor: "alice".into(),
            department: "区大数据局".into(),
        },
        provider: Some("区公安局".into()),
        subject: None,
        period: None,
        data: Default::default(),
        decision: None,
        deadlines: Vec::new(),
        joint: Vec::new(),
        entered_at: t(0),
        created_at: t(0),
        updated_at: t(0),
        revision: 1,
    }
}

pub fn event(case: &str, state: &str) -> Event {
    Event {
        case: CaseId::new(case),
        city: CityId::new("wanzhou"),
        at: t(0),
        actor: "alice".into(),
        pack_version: "2023.1".into(),
        kind: EventKind::Opened {
            procedure: ProcedureId::from("data_verification"),
            state: StateId::new(state),
            parent: None,
        },
        article: Some("第十七条".into()),
    }
}

pub fn timer(case: &str, deadline: &str, kind: TimerKind, at: DateTime<Utc>) -> Timer {
    Timer {
        case: CaseId::new(case),
        deadline: DeadlineId::new(deadline),
        kind,
        at,
    }
}

pub fn commit<S: Store>(store: &S, build: impl FnOnce(&mut Batch)) -> Result<Receipt, Error> {
    let mut batch = Batch::new();
    build(&mut batch);
    store.commit(batch)
}

pub fn open_case<S: Store>(store: &S, c: Case) {
    let e = event(c.id.as_str(), c.state.as_str());
    commit(store, |b| {
        b.put_case(c, Expect::New).emit(e);
    })
    .unwrap();
}

pub fn cases_round_trip_with_optimistic_revisions<S: Store>(store: &S) {
    let c = case("c1", "wanzhou", "received");
    open_case(store, c.clone());
    assert_eq!(store.case(&c.id).unwrap(), Some(c.clone()));

    let mut next = c.clone();
    next.state = StateId::new("replied");
    next.revision = 2;
    commit(store, |b| {
        b.put_case(next.clone(), Expect::Revision(1));
    })
    .unwrap();
    assert_eq!(store.case(&c.id).unwrap(), Some(next.clone()));

    // A writer that read revision 1 loses: its update is refused, not applied.
    let mut stale = c.clone();
    stale.state = StateId::new("rejected");
    stale.revision = 2;
    let err = commit(store, |b| {
        b.put_case(stale, Expect::Revision(1));
    })
    .unwrap_err();
    assert!(matches!(
        err,
        Error::Conflict(Conflict::CaseRevision {
            expected: Some(1),
            found: Some(2),
            ..
        })
    ));
    let err = commit(store, |b| {
        b.put_case(c.clone(), Expect::New);
    })
    .unwrap_err();
    assert!(matches!(
        err,
        Error::Conflict(Conflict::CaseRevision { .. })
    ));
    assert_eq!(store.case(&c.id).unwrap(), Some(next));
    assert_eq!(store.case(&CaseId::new("nope")).unwrap(), None);
}

pub fn cases_filter_and_paginate<S: Store>(store: &S) {
    for i in 0..7 {
        let city = if i % 2 == 0 { "wanzhou" } else { "liaocheng" };
        let mut c = case(&format!("c{i}"), city, "received");
        c.overdue = i == 4;
        c.parent = (i == 6).then(|| CaseId::new("c4"));
        open_case(store, c);
    }
    let mut query = CaseQuery {
        city: Some(CityId::new("wanzhou")),
        limit: 2,
        ..CaseQuery::default()
    };
    let mut seen = Vec::new();
    loop {
        let page = store.cases(&query).unwrap();
        assert!(page.cases.len() <= 2);
        seen.extend(page.cases.iter().map(|c| c.id.to_string()));
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, ["c0", "c2", "c4", "c6"]);

    let only = |q: CaseQuery| -> Vec<String> {
        let page = store.cases(&CaseQuery { limit: 100, ..q }).unwrap();
        assert_eq!(page.next, None);
        page.cases.iter().map(|c| c.id.to_string()).collect()
    };
    let overdue = only(CaseQuery {
        overdue: Some(true),
        ..CaseQuery::default()
    });
    assert_eq!(overdue, ["c4"]);
    let children = only(CaseQuery {
        parent: Some(CaseId::new("c4")),
        ..CaseQuery::default()
    });
    assert_eq!(children, ["c6"]);
    let none = only(CaseQuery {
        state: Some(StateId::new("closed")),
        procedure: Some(ProcedureId::from("data_verification")),
        ..CaseQuery::default()
    });
    assert!(none.is_empty());
}

pub fn timers_are_indexed_by_due_instant<S: Store>(store: &S) {
    let late = timer("a", "reply", TimerKind::Lapse, t(300));
    let early = timer("z", "reply", TimerKind::Warning, t(100));
    let tie_b = timer("b", "reply", TimerKind::Lapse, t(200));
    let tie_a = timer("a", "reply", TimerKind::Warning, t(200));
    commit(store, |b| {
        b.arm(late.clone())
            .arm(early.clone())
            .arm(tie_b.clone())
            .arm(tie_a.clone());
    })
    .unwrap();
    assert_eq!(store.next_due().unwrap(), Some(early.clone()));
    let all = [early.clone(), tie_a.clone(), tie_b.clone(), late.clone()];
    assert_eq!(store.due_by(t(1000), 10).unwrap(), all);
    assert_eq!(store.due_by(t(200), 10).unwrap(), all[..3]);
    assert_eq!(store.due_by(t(1000), 2).unwrap(), all[..2]);
    assert_eq!(store.due_by(t(99), 10).unwrap(), []);

    // Re-arming moves the timer in the index; it is never listed twice.
    let moved = Timer { at: t(50), ..late };
    commit(store, |b| {
        b.arm(moved.clone());
    })
    .unwrap();
    assert_eq!(store.timer(&moved.key()).unwrap(), Some(moved.clone()));
    let all = [moved.clone(), early.clone(), tie_a.clone(), tie_b.clone()];
    assert_eq!(store.due_by(t(1000), 10).unwrap(), all);

    // Cancelling removes it; cancelling again is fine.
    for _ in 0..2 {
        commit(store, |b| {
            b.cancel(early.key());
        })
        .unwrap();
    }
    assert_eq!(store.timer(&early.key()).unwrap(), None);
    assert_eq!(store.due_by(t(1000), 10).unwrap(), [moved, tie_a, tie_b]);
}

pub fn a_fired_timer_applies_once<S: Store>(store: &S) {
    let c = case("c1", "wanzhou", "received");
    let lapse = timer("c1", "reply", TimerKind::Lapse, t(100));
    commit(store, |b| {
        b.put_case(c.clone(), Expect::New).arm(lapse.clone());
    })
    .unwrap();

    // Firing: the timer goes in the same batch as the transition it caused.
    let fired = |revision: u64| {
        let mut next = c.clone();
        next.overdue = true;
        next.revision = revision + 1;
        let mut b = Batch::new();
        b.fire(lapse.clone())
            .put_case(next, Expect::Revision(revision))
            .emit(event("c1", "received"));
        b
    };
    store.commit(fired(1)).unwrap();
    assert_eq!(store.due_by(t(1000), 10).unwrap(), []);
    assert_eq!(store.case(&c.id).unwrap().unwrap().revision, 2);

    // A second delivery of the same timer (a retry, a restart) finds it gone and changes
    // nothing, even though its case revision would now match.
    let err = store.commit(fired(2)).unwrap_err();
    assert!(matches!(err, Error::Conflict(Conflict::TimerMoved { .. })));
    assert_eq!(store.case(&c.id).unwrap().unwrap().revision, 2);
    assert_eq!(store.events_after(0, 10).unwrap().len(), 1);

    // A timer re-armed (an extension) since it was read does not fire at the old instant.
    let extended = Timer {
        at: t(500),
        ..lapse.clone()
    };
    commit(store, |b| {
        b.arm(extended.clone());
    })
    .unwrap();
    let err = commit(store, |b| {
        b.fire(lapse.clone());
    })
    .unwrap_err();
    assert!(matches!(err, Error::Conflict(Conflict::TimerMoved { .. })));
    assert_eq!(store.next_due().unwrap(), Some(extended));
}

pub fn events_are_sequenced_per_feed_and_per_case<S: Store>(store: &S) {
    assert_eq!(store.last_seq().unwrap(), 0);
    let r = commit(store, |b| {
        b.emit(event("a", "s1")).emit(event("b", "s1"));
    })
    .unwrap();
    assert_eq!(r.events, 1..3);
    let r = commit(store, |_| {}).unwrap();
    assert!(r.events.is_empty());
    let r = commit(store, |b| {
        b.emit(event("a", "s2"));
    })
    .unwrap();
    assert_eq!(r.events, 3..4);
    assert_eq!(store.last_seq().unwrap(), 3);

    let feed = store.events_after(0, 10).unwrap();
    let seqs: Vec<u64> = feed.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, [1, 2, 3]);
    assert_eq!(store.events_after(1, 1).unwrap()[0].event, event("b", "s1"));
    assert_eq!(store.events_after(3, 10).unwrap(), []);
    assert_eq!(store.events_after(0, 0).unwrap(), []);

    let history = store.history(&CaseId::new("a")).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!((history[0].seq, history[1].seq), (1, 3));
    assert_eq!(history[1].event, event("a", "s2"));
}

pub fn a_failed_batch_stores_nothing<S: Store>(store: &S) {
    let record = |fingerprint: &str, case: &str| IdempotencyRecord {
        key: "alice:k1".into(),
        fingerprint: fingerprint.into(),
        case: CaseId::new(case),
    };
    commit(store, |b| {
        b.remember(record("f1", "c1"));
    })
    .unwrap();
    let err = commit(store, |b| {
        b.put_case(case("c2", "wanzhou", "received"), Expect::New)
            .emit(event("c2", "received"))
            .arm(timer("c2", "reply", TimerKind::Lapse, t(100)))
            .mark_cron("wanzhou/monthly", None, t(0))
            .remember(record("f2", "c2"));
    })
    .unwrap_err();
    assert!(matches!(
        err,
        Error::Conflict(Conflict::IdempotencyKeyTaken {
            same_request: false,
            ..
        })
    ));
    assert_eq!(store.case(&CaseId::new("c2")).unwrap(), None);
    assert_eq!(store.last_seq().unwrap(), 0);
    assert_eq!(store.next_due().unwrap(), None);
    assert_eq!(store.last_occurrence("wanzhou/monthly").unwrap(), None);
    // The next event still gets the next number: no gap for the failed batch.
    let r = commit(store, |b| {
        b.emit(event("c3", "received"));
    })
    .unwrap();
    assert_eq!(r.events, 1..2);
}

pub fn idempotency_keys_detect_reuse<S: Store>(store: &S) {
    let record = IdempotencyRecord {
        key: "alice:k1".into(),
        fingerprint: "f1".into(),
        case: CaseId::new("c1"),
    };
    assert_eq!(store.idempotency("alice:k1").unwrap(), None);
    commit(store, |b| {
        b.remember(record.clone());
    })
    .unwrap();
    assert_eq!(store.idempotency("alice:k1").unwrap(), Some(record.clone()));
    let err = commit(store, |b| {
        b.remember(record.clone());
    })
    .unwrap_err();
    assert!(matches!(
        err,
        Error::Conflict(Conflict::IdempotencyKeyTaken {
            same_request: true,
            ..
        })
    ));
    // A batch of submissions keeps several records; one taken key fails all of them, and
    // the conflict names that key.
    let other = |key: &str, case: &str| IdempotencyRecord {
        key: key.into(),
        fingerprint: "f2".into(),
        case: CaseId::new(case),
    };
    let err = commit(store, |b| {
        b.remember(other("alice:k2", "c2"));
        b.remember(record.clone());
    })
    .unwrap_err();
    assert!(matches!(
        err,
        Error::Conflict(Conflict::IdempotencyKeyTaken { ref key, .. }) if key == "alice:k1"
    ));
    assert_eq!(store.idempotency("alice:k2").unwrap(), None);
    commit(store, |b| {
        b.remember(other("alice:k2", "c2"));
        b.remember(other("alice:k3", "c3"));
    })
    .unwrap();
    assert_eq!(
        store.idempotency("alice:k3").unwrap(),
        Some(other("alice:k3", "c3"))
    );
    assert_eq!(
        store.idempotency("alice:k2").unwrap(),
        Some(other("alice:k2", "c2"))
    );
}

pub fn cron_marks_and_departments<S: Store>(store: &S) {
    let id = "wanzhou/quarterly_review";
    commit(store, |b| {
        b.mark_cron(id, None, t(100));
    })
    .unwrap();
    // A second scheduler catching up the same occurrence loses.
    let err = commit(store, |b| {
        b.mark_cron(id, None, t(100));
    })
    .unwrap_err();
    assert!(matches!(err, Error::Conflict(Conflict::CronMoved { .. })));
    commit(store, |b| {
        b.mark_cron(id, Some(t(100)), t(200));
    })
    .unwrap();
    assert_eq!(store.last_occurrence(id).unwrap(), Some(t(200)));

    let city = CityId::new("wanzhou");
    assert_eq!(
        store.departments(&city).unwrap(),
        DepartmentRegistry::default()
    );
    let names: BTreeSet<String> = ["区公安局", "区民政局"].map(String::from).into();
    let registry = DepartmentRegistry {
        departments: names.clone(),
        obligations: [("it_annual_plan".to_owned(), ["区公安局".to_owned()].into())].into(),
    };
    commit(store, |b| {
        b.set_departments(city.clone(), registry.clone());
    })
    .unwrap();
    assert_eq!(store.departments(&city).unwrap(), registry);
    assert_eq!(
        store.departments(&CityId::new("liaocheng")).unwrap(),
        DepartmentRegistry::default()
    );
}

/// An archived pack version reads back as written; other versions are absent.
pub fn packs_are_archived_by_version<S: Store>(store: &S) {
    assert_eq!(store.archived_pack("wanzhou@aaaa").unwrap(), None);
    let pack = serde_json::json!({"pack": {"city": "wanzhou"}, "scripts": []});
    commit(store, |b| {
        b.archive_pack("wanzhou@aaaa", pack.clone());
    })
    .unwrap();
    assert_eq!(store.archived_pack("wanzhou@aaaa").unwrap(), Some(pack));
    assert_eq!(store.archived_pack("wanzhou@bbbb").unwrap(), None);
}

pub fn subscription(id: &str) -> Subscription {
    Subscription {
        id: id.into(),
        url: "http://127.0.0.1:9/hook".into(),
        kinds: vec!["warning".into(), "lapsed".into()],
        city: CityId::new("wanzhou"),
        department: Some("区公安局".into()),
        secrets: vec![Secret {
            secret: "whsec_c2VjcmV0".into(),
            expires: None,
        }],
        cursor: 0,
        state: SubscriptionState::Active,
        attempts: 0,
        next_attempt: None,
        last_error: None,
        created_by: "admin".into(),
        created_at: t(0),
        revision: 1,
    }
}

/// Subscriptions round-trip, list in id order, and are written and deleted only from the
/// revision the writer read.
pub fn subscriptions_round_trip_with_optimistic_revisions<S: Store>(store: &S) {
    assert_eq!(store.subscription("b").unwrap(), None);
    assert!(store.subscriptions().unwrap().is_empty());
    for id in ["b", "a"] {
        commit(store, |b| {
            b.put_subscription(subscription(id), Expect::New);
        })
        .unwrap();
    }
    let again = commit(store, |b| {
        b.put_subscription(subscription("a"), Expect::New);
    });
    assert!(matches!(
        again,
        Err(Error::Conflict(Conflict::SubscriptionRevision {
            expected: None,
            found: Some(1),
            ..
        }))
    ));
    let ids: Vec<String> = store
        .subscriptions()
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, ["a", "b"]);

    let mut moved = store.subscription("a").unwrap().unwrap();
    assert_eq!(moved, subscription("a"));
    moved.cursor = 7;
    moved.state = SubscriptionState::Parked {
        reason: "410 Gone".into(),
        since: t(5),
    };
    moved.revision = 2;
    commit(store, |b| {
        b.put_subscription(moved.clone(), Expect::Revision(1));
    })
    .unwrap();
    assert_eq!(store.subscription("a").unwrap(), Some(moved.clone()));
    let stale = commit(store, |b| {
        b.put_subscription(subscription("a"), Expect::Revision(1));
    });
    assert!(stale.is_err(), "a write from an old revision is refused");
    let stale_delete = commit(store, |b| {
        b.delete_subscription("a", 1);
    });
    assert!(stale_delete.is_err());
    assert_eq!(store.subscription("a").unwrap(), Some(moved));
    commit(store, |b| {
        b.delete_subscription("a", 2);
    })
    .unwrap();
    assert_eq!(store.subscription("a").unwrap(), None);
    assert_eq!(store.subscriptions().unwrap().len(), 1);
}

/// Many writers bump one case; with optimistic retries no update is lost, including
/// between batches that land in the same commit group.
pub fn concurrent_updates_lose_nothing<S: Store>(store: &S) {
    let id = CaseId::new("shared");
    open_case(store, case("shared", "wanzhou", "received"));
    let (threads, bumps) = (8, 25);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..bumps {
                    loop {
                        let mut c = store.case(&id).unwrap().unwrap();
                        let expect = Expect::Revision(c.revision);
                        c.revision += 1;
                        let mut b = Batch::new();
                        b.put_case(c, expect).emit(event("shared", "received"));
                        match store.commit(b) {
                            Ok(_) => break,
                            Err(Error::Conflict(_)) => continue,
                            Err(e) => panic!("{e}"),
                        }
                    }
                }
            });
        }
    });
    let total = threads * bumps;
    assert_eq!(store.case(&id).unwrap().unwrap().revision, 1 + total);
    assert_eq!(store.history(&id).unwrap().len() as u64, 1 + total);
}

/// Counter deltas add up across concurrent batches (also within one commit group, and
/// beside a case put), a counter back at zero disappears, a failed batch counts nothing,
/// and a range reads its counters in name order only.
pub fn concurrent_counts_lose_nothing<S: Store>(store: &S) {
    let (threads, bumps) = (8, 25);
    std::thread::scope(|s| {
        for t in 0..threads {
            s.spawn(move || {
                for i in 0..bumps {
                    let mut b = Batch::new();
                    b.count("board/a", 1)
                        .count("board/b", 2)
                        .count("board/b", 1);
                    if i % 5 == 0 {
                        b.count("other/x", -1);
                    }
                    b.put_case(
                        case(&format!("c{t}-{i}"), "wanzhou", "received"),
                        Expect::New,
                    );
                    store.commit(b).unwrap();
                }
            });
        }
    });
    let total = (threads * bumps) as i64;
    assert_eq!(
        store.counts("board/", "board0").unwrap(),
        vec![
            ("board/a".to_owned(), total),
            ("board/b".to_owned(), 3 * total)
        ]
    );
    assert_eq!(
        store.counts("other/", "other0").unwrap(),
        vec![("other/x".to_owned(), -total / 5)]
    );
    commit(store, |b| {
        b.count("board/a", -total);
    })
    .unwrap();
    assert_eq!(
        store.counts("board/", "board0").unwrap(),
        vec![("board/b".to_owned(), 3 * total)]
    );
    let failed = commit(store, |b| {
        b.count("board/b", 5)
            .put_case(case("c0-0", "wanzhou", "received"), Expect::New);
    });
    assert!(matches!(failed, Err(Error::Conflict(_))));
    assert_eq!(store.counts("board/b", "board/c").unwrap()[0].1, 3 * total);
}

/// A range of counters reads in pages of a limit, in byte order (U+001F separators and
/// Chinese names included): each page starts just after the last name of the one before,
/// and the pages together are the whole range, without a counter at zero; a limit of zero
/// or an empty range reads nothing.
pub fn counters_read_in_pages<S: Store>(store: &S) {
    let sep = '\u{1f}';
    let names: Vec<String> = [
        "a",
        "a-1",
        "a-10",
        "b",
        "区公安局",
        "区教委",
        "部门01",
        "部门1",
    ]
    .iter()
    .flat_map(|d| [format!("idx{sep}{d}{sep}x"), format!("idx{sep}{d}{sep}y")])
    .collect();
    commit(store, |b| {
        for (i, name) in names.iter().enumerate() {
            b.count(name.clone(), i as i64 + 1);
        }
        b.count(format!("idx{sep}gone"), 1)
            .count(format!("idx{sep}gone"), -1)
            .count("idy/outside", 1);
    })
    .unwrap();
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    let (from, until) = (format!("idx{sep}"), "idx\u{20}".to_owned());
    let whole: Vec<String> = store
        .counts(&from, &until)
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(whole, sorted, "byte order, without the counter at zero");
    for limit in [1, 3, 16, 100] {
        let mut read: Vec<(String, i64)> = Vec::new();
        let mut start = from.clone();
        loop {
            let page = store.counts_page(&start, &until, limit).unwrap();
            assert!(page.len() <= limit, "a page of at most {limit}");
            let full = page.len() == limit;
            if let Some((last, _)) = page.last() {
                // Just after `last`: no name continues it with U+0001 (a name holds no
                // control character below U+001F; PostgreSQL's text no U+0000 at all).
                start = format!("{last}\u{1}");
            }
            read.extend(page);
            if !full {
                break;
            }
        }
        let read_names: Vec<&str> = read.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(read_names, sorted, "pages of {limit}");
        for (name, value) in &read {
            let i = names.iter().position(|n| n == name).unwrap();
            assert_eq!(*value, i as i64 + 1, "{name}");
        }
    }
    let a = format!("idx{sep}a{sep}");
    assert_eq!(
        store
            .counts_page(&a, &format!("idx{sep}a\u{20}"), 10)
            .unwrap(),
        vec![(format!("{a}x"), 1), (format!("{a}y"), 2)],
        "a prefix range holds that prefix's names only, not `a-1`'s"
    );
    assert!(store.counts_page(&from, &until, 0).unwrap().is_empty());
    assert!(store.counts_page(&until, &from, 10).unwrap().is_empty());
    assert!(store.counts_page(&from, &from, 10).unwrap().is_empty());
}

/// Claiming due timers, firing what was claimed, and claiming again fires every due timer
/// once, each case's in due order; a caller gets again what it claimed and did not fire.
pub fn claimed_timers_fire_once_each_case_in_due_order<S: Store>(store: &S) {
    let lease = std::time::Duration::from_secs(60);
    let mut armed = Vec::new();
    for id in ["a", "b", "c"] {
        open_case(store, case(id, "wanzhou", "received"));
        armed.push(timer(id, "verify", TimerKind::Warning, t(10)));
        armed.push(timer(id, "verify", TimerKind::Lapse, t(20)));
    }
    armed.push(timer("c", "later", TimerKind::Lapse, t(500)));
    commit(store, |b| {
        for timer in &armed {
            b.arm(timer.clone());
        }
    })
    .unwrap();
    assert_eq!(store.claim_due(t(0), 10, lease).unwrap(), []);
    let held = store.claim_due(t(100), 10, lease).unwrap();
    assert!(!held.is_empty());
    assert_eq!(
        store.claim_due(t(100), 10, lease).unwrap(),
        held,
        "claimed again"
    );
    let mut fired = Vec::new();
    loop {
        let claimed = store.claim_due(t(100), 2, lease).unwrap();
        if claimed.is_empty() {
            break;
        }
        assert!(claimed.len() <= 2);
        assert!(
            claimed.windows(2).all(|w| w[0].at <= w[1].at),
            "{claimed:?}"
        );
        commit(store, |b| {
            for timer in &claimed {
                b.fire(timer.clone());
            }
        })
        .unwrap();
        fired.extend(claimed);
    }
    assert_eq!(fired.len(), 6, "{fired:?}");
    for id in ["a", "b", "c"] {
        let kinds: Vec<_> = fired
            .iter()
            .filter(|t| t.case.as_str() == id)
            .map(|t| t.kind)
            .collect();
        assert_eq!(kinds, [TimerKind::Warning, TimerKind::Lapse], "{id}");
    }
    assert_eq!(store.due_by(t(1000), 10).unwrap(), [armed[6].clone()]);
}

/// Every record of `from` restored into the empty `to`, a few per batch as a copy pages
/// through them: `to` then holds the same records and answers every read the same,
/// including the derived indexes (a case's history, timers by due instant), and its feed
/// goes on after the last restored number. A record that is already stored, or an event
/// numbered before the feed's end, fails its batch and stores nothing.
pub fn records_restore_into_another_store<S: Store + Records>(from: &S, to: &S) {
    open_case(from, case("a", "wanzhou", "received"));
    open_case(from, case("b", "liaocheng", "received"));
    let lapse = timer("a", "verify", TimerKind::Lapse, t(50));
    commit(from, |b| {
        b.arm(timer("a", "verify", TimerKind::Warning, t(10)))
            .arm(lapse.clone())
            .arm(timer("b", "verify", TimerKind::Lapse, t(30)))
            .emit(event("a", "received"))
            .remember(IdempotencyRecord {
                key: "alice/k1".into(),
                fingerprint: "f".into(),
                case: CaseId::new("a"),
            })
            .mark_cron("wanzhou/catalogue", None, t(5))
            .set_departments(
                CityId::new("wanzhou"),
                DepartmentRegistry {
                    departments: ["区公安局".to_owned()].into(),
                    obligations: Default::default(),
                },
            )
            .archive_pack("wanzhou@aaaa", serde_json::json!({"pack": 1}))
            .put_subscription(subscription("hook-1"), Expect::New)
            .count("board/a", 3);
    })
    .unwrap();
    commit(from, |b| {
        b.fire(timer("b", "verify", TimerKind::Lapse, t(30)));
    })
    .unwrap();

    let all = |s: &S| s.records(None, usize::MAX).unwrap();
    let mut after: Option<Vec<u8>> = None;
    loop {
        let page = from.records(after.as_deref(), 3).unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.key.clone());
        let mut batch = Batch::new();
        for record in page {
            batch.restore(record);
        }
        to.commit(batch).unwrap();
    }
    assert_eq!(all(to), all(from));
    assert_eq!(
        to.counts("board/", "board0").unwrap(),
        vec![("board/a".to_owned(), 3)]
    );
    assert!(
        all(to).len() >= 11,
        "every table has a record: {:?}",
        all(to)
    );
    for id in ["a", "b"] {
        let id = CaseId::new(id);
        assert_eq!(to.case(&id).unwrap(), from.case(&id).unwrap());
        assert_eq!(to.history(&id).unwrap(), from.history(&id).unwrap());
    }
    assert_eq!(
        to.due_by(t(100), 10).unwrap(),
        from.due_by(t(100), 10).unwrap()
    );
    assert_eq!(to.next_due().unwrap(), from.next_due().unwrap());
    assert_eq!(to.last_seq().unwrap(), from.last_seq().unwrap());
    assert_eq!(
        to.idempotency("alice/k1").unwrap(),
        from.idempotency("alice/k1").unwrap()
    );
    assert_eq!(to.last_occurrence("wanzhou/catalogue").unwrap(), Some(t(5)));
    assert_eq!(
        to.departments(&CityId::new("wanzhou")).unwrap(),
        from.departments(&CityId::new("wanzhou")).unwrap()
    );
    assert!(to.archived_pack("wanzhou@aaaa").unwrap().is_some());
    assert_eq!(to.subscriptions().unwrap(), from.subscriptions().unwrap());
    let last = to.last_seq().unwrap();
    let receipt = commit(to, |b| {
        b.emit(event("a", "received"));
    })
    .unwrap();
    assert_eq!(receipt.events, last + 1..last + 2);

    let before = all(to);
    let first_event = from
        .records(None, usize::MAX)
        .unwrap()
        .into_iter()
        .find(|r| r.key.starts_with(b"evt/"))
        .unwrap();
    let fresh = Record {
        key: b"pack/wanzhou@bbbb".to_vec(),
        value: b"{}".to_vec(),
    };
    for refused in [all(from)[0].clone(), first_event] {
        let mut batch = Batch::new();
        batch.restore(fresh.clone()).restore(refused.clone());
        match to.commit(batch) {
            Err(Error::Restore { .. }) => {}
            other => panic!(
                "restoring {:?} again: {other:?}",
                String::from_utf8_lossy(&refused.key)
            ),
        }
        assert_eq!(all(to), before, "a refused restore stores nothing");
    }
    let mut batch = Batch::new();
    batch.restore(Record {
        key: b"case/c".to_vec(),
        value: b"not a case".to_vec(),
    });
    assert!(matches!(to.commit(batch), Err(Error::Corrupt { .. })));
}

// What a store that keeps its data must also show. Each check takes `reopen`, which opens
// the same data again as a restarted process would (the previous store is dropped first);
// the sled and PostgreSQL tests call them.

/// The feed's numbers go on after a reopen, and a case's history holds them all.
pub fn the_event_sequence_continues_after_reopening<S: Store>(reopen: &dyn Fn() -> S) {
    {
        let store = reopen();
        open_case(&store, case("c1", "wanzhou", "received"));
        let r = commit(&store, |b| {
            b.emit(event("c1", "replied"));
        })
        .unwrap();
        assert_eq!(r.events, 2..3);
    }
    let store = reopen();
    assert_eq!(store.last_seq().unwrap(), 2);
    let r = commit(&store, |b| {
        b.emit(event("c1", "closed"));
    })
    .unwrap();
    assert_eq!(r.events, 3..4);
    let seqs: Vec<u64> = store
        .history(&CaseId::new("c1"))
        .unwrap()
        .iter()
        .map(|r| r.seq)
        .collect();
    assert_eq!(seqs, [1, 2, 3]);
}

/// A fired timer is gone after a reopen, and firing it again is refused.
pub fn a_fired_timer_stays_fired_after_reopening<S: Store>(reopen: &dyn Fn() -> S) {
    let lapse = timer("c1", "reply", TimerKind::Lapse, t(100));
    let warn = timer("c1", "reply", TimerKind::Warning, t(50));
    {
        let store = reopen();
        commit(&store, |b| {
            b.put_case(case("c1", "wanzhou", "received"), Expect::New)
                .arm(lapse.clone())
                .arm(warn.clone());
        })
        .unwrap();
        commit(&store, |b| {
            b.fire(warn.clone());
        })
        .unwrap();
    }
    let store = reopen();
    assert_eq!(store.due_by(t(1000), 10).unwrap(), [lapse]);
    let err = commit(&store, |b| {
        b.fire(warn);
    })
    .unwrap_err();
    assert!(matches!(err, Error::Conflict(Conflict::TimerMoved { .. })));
}

/// Sixteen threads commit forty cases each (a case, an event, a timer); after a reopen
/// every one is there, the feed is numbered without gaps, the timers are in due order, and
/// the next event takes the next number. Returns how many cases were committed.
pub fn every_acknowledged_commit_from_many_threads_is_there_after_reopening<S: Store>(
    reopen: &dyn Fn() -> S,
) -> u64 {
    let (threads, per_thread) = (16, 40);
    {
        let store = reopen();
        std::thread::scope(|s| {
            for th in 0..threads {
                let store = &store;
                s.spawn(move || {
                    for i in 0..per_thread {
                        let id = format!("t{th:02}-{i:03}");
                        let mut b = Batch::new();
                        b.put_case(case(&id, "wanzhou", "received"), Expect::New)
                            .emit(event(&id, "received"))
                            .arm(timer(&id, "reply", TimerKind::Lapse, t(i)));
                        store.commit(b).unwrap();
                    }
                });
            }
        });
    }
    let store = reopen();
    let total = (threads * per_thread) as u64;
    let page = store
        .cases(&CaseQuery {
            limit: 10_000,
            ..CaseQuery::default()
        })
        .unwrap();
    assert_eq!(page.cases.len() as u64, total);
    let seqs: Vec<u64> = store
        .events_after(0, 10_000)
        .unwrap()
        .iter()
        .map(|r| r.seq)
        .collect();
    assert_eq!(seqs, (1..=total).collect::<Vec<_>>());
    let due = store.due_by(t(1_000), 10_000).unwrap();
    assert_eq!(due.len() as u64, total);
    assert!(due.windows(2).all(|w| w[0].at <= w[1].at));
    let r = commit(&store, |b| {
        b.emit(event("t00-000", "replied"));
    })
    .unwrap();
    assert_eq!(r.events, total + 1..total + 2);
    total
}

/// One `#[test]` per conformance check, each on the store `$open()` returns (two for a check
/// of copying) (anything that
/// derefs to a [`Store`], so a guard can keep a temp directory or a database alive).
///
/// ```text
/// govflow_store::conformance_suite!(|| Box::new(govflow_store::MemoryStore::new()));
/// ```
#[macro_export]
macro_rules! conformance_suite {
    ($open:expr) => {
        $crate::conformance_suite!(@each $open;
            cases_round_trip_with_optimistic_revisions,
            cases_filter_and_paginate,
            timers_are_indexed_by_due_instant,
            a_fired_timer_applies_once,
            events_are_sequenced_per_feed_and_per_case,
            a_failed_batch_stores_nothing,
            idempotency_keys_detect_reuse,
            cron_marks_and_departments,
            concurrent_updates_lose_nothing,
            concurrent_counts_lose_nothing,
            counters_read_in_pages,
            packs_are_archived_by_version,
            claimed_timers_fire_once_each_case_in_due_order,
            subscriptions_round_trip_with_optimistic_revisions,
        );
        $crate::conformance_suite!(@pairs $open; records_restore_into_another_store);
    };
    (@pairs $open:expr; $($name:ident),* $(,)?) => {
        $(#[test]
        fn $name() {
            let (from, to) = (($open)(), ($open)());
            $crate::conformance::$name(&*from, &*to);
        })*
    };
    (@each $open:expr; $($name:ident),* $(,)?) => {
        $(#[test]
        fn $name() {
            let store = ($open)();
            $crate::conformance::$name(&*store);
        })*
    };
}
