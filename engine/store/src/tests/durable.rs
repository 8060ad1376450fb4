//! What only the sled store can show: data and counters survive a reopen, and the format
//! version is checked.

use crate::*;

fn reopen(dir: &tempfile::TempDir) -> impl Fn() -> SledStore + '_ {
    move || SledStore::open(dir.path()).unwrap()
}

#[test]
fn the_event_sequence_continues_after_reopen() {
    let dir = tempfile::tempdir().unwrap();
    conformance::the_event_sequence_continues_after_reopening(&reopen(&dir));
}

#[test]
fn a_fired_timer_stays_fired_after_reopen() {
    let dir = tempfile::tempdir().unwrap();
    conformance::a_fired_timer_stays_fired_after_reopening(&reopen(&dir));
}

#[test]
fn every_acknowledged_commit_from_many_threads_is_there_after_reopen() {
    let dir = tempfile::tempdir().unwrap();
    conformance::every_acknowledged_commit_from_many_threads_is_there_after_reopening(&reopen(
        &dir,
    ));
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
    assert!(message.contains("reads version 2"), "{message}");
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

#[test]
fn a_format_1_store_opens_with_its_timers_and_is_marked_2() {
    use chrono::TimeZone;
    use govflow_model::{CaseId, DeadlineId, Timer, TimerKind};
    let dir = tempfile::tempdir().unwrap();
    let timer = Timer {
        case: CaseId::new("c-1"),
        deadline: DeadlineId::new("apply"),
        kind: TimerKind::Lapse,
        at: chrono::Utc.timestamp_opt(1_700_000_000, 0).unwrap(),
    };
    {
        // Format 1 stored the timer's JSON under its `due/` key as well.
        let db = sled::open(dir.path()).unwrap();
        let json = serde_json::to_vec(&timer).unwrap();
        db.insert("meta/format", "1").unwrap();
        db.insert(keys::timer(&timer.key()).unwrap(), json.clone())
            .unwrap();
        db.insert(keys::due(&timer.key(), timer.at).unwrap(), json)
            .unwrap();
        db.flush().unwrap();
    }
    let store = SledStore::open(dir.path()).unwrap();
    assert_eq!(store.due_by(timer.at, 10).unwrap(), vec![timer.clone()]);
    assert_eq!(store.next_due().unwrap(), Some(timer.clone()));
    let mut batch = Batch::new();
    batch.fire(timer.clone());
    store.commit(batch).unwrap();
    assert_eq!(store.due_by(timer.at, 10).unwrap(), vec![]);
    drop(store);
    let db = sled::open(dir.path()).unwrap();
    assert_eq!(
        db.get("meta/format").unwrap().as_deref(),
        Some(FORMAT_VERSION.to_string().as_bytes())
    );
}
