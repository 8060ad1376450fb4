//! What only the sled store can show: data and counters survive a reopen, and the format
//! version is checked.

use crate::conformance::{case, commit, event, open_case, t, timer};
use crate::*;
use govflow_model::{CaseId, TimerKind};

#[test]
fn the_event_sequence_continues_after_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SledStore::open(dir.path()).unwrap();
        open_case(&store, case("c1", "wanzhou", "received"));
        let r = commit(&store, |b| {
            b.emit(event("c1", "replied"));
        })
        .unwrap();
        assert_eq!(r.events, 2..3);
    }
    let store = SledStore::open(dir.path()).unwrap();
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

#[test]
fn a_fired_timer_stays_fired_after_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let lapse = timer("c1", "reply", TimerKind::Lapse, t(100));
    let warn = timer("c1", "reply", TimerKind::Warning, t(50));
    {
        let store = SledStore::open(dir.path()).unwrap();
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
    let store = SledStore::open(dir.path()).unwrap();
    assert_eq!(store.due_by(t(1000), 10).unwrap(), [lapse]);
    let err = commit(&store, |b| {
        b.fire(warn);
    })
    .unwrap_err();
    assert!(matches!(err, Error::Conflict(Conflict::TimerMoved { .. })));
}

#[test]
fn every_acknowledged_commit_from_many_threads_is_there_after_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let (threads, per_thread) = (16, 40);
    {
        let store = SledStore::open(dir.path()).unwrap();
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
    let store = SledStore::open(dir.path()).unwrap();
    let total = threads * per_thread;
    let page = store
        .cases(&CaseQuery {
            limit: 10_000,
            ..CaseQuery::default()
        })
        .unwrap();
    assert_eq!(page.cases.len() as i64, total);
    let seqs: Vec<u64> = store
        .events_after(0, 10_000)
        .unwrap()
        .iter()
        .map(|r| r.seq)
        .collect();
    assert_eq!(seqs, (1..=total as u64).collect::<Vec<_>>());
    let due = store.due_by(t(1_000), 10_000).unwrap();
    assert_eq!(due.len() as i64, total);
    assert!(due.windows(2).all(|w| w[0].at <= w[1].at));
}

#[test]
fn a_different_format_version_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    drop(SledStore::open(dir.path()).unwrap());
    {
        let db = sled::open(dir.path()).unwrap();
        db.insert("meta/format", "7").unwrap();
        db.flush().unwrap();
    }
    let err = SledStore::open(dir.path()).err().expect("a version error");
    assert!(matches!(
        err,
        Error::FormatVersion {
            found: 7,
            expected: FORMAT_VERSION,
            ..
        }
    ));
    let message = err.to_string();
    assert!(message.contains("format version 7"), "{message}");
    assert!(message.contains("reads version 1"), "{message}");
}

#[test]
fn a_sled_db_without_a_version_is_not_a_store() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = sled::open(dir.path()).unwrap();
        db.insert("something", "else").unwrap();
        db.flush().unwrap();
    }
    let err = SledStore::open(dir.path()).err().expect("an error");
    assert!(matches!(err, Error::NotAStore { .. }), "{err}");
}
