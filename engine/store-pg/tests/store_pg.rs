//! `PgStore` on a real PostgreSQL server started by the test kit: the store conformance
//! suite, then what only a database can show (reopening, migrations, the password).

use govflow_model::{CaseId, TimerKind};
use govflow_store::conformance::{case, commit, open_case, t, timer};
use govflow_store::{Batch, Cases, Conflict, Error, Expect, Store, Timers};
use govflow_store_pg::{Features, PgStore, SCHEMA_VERSION};
use govflow_testkit::postgres;
use std::process::Command;

fn fresh() -> Box<PgStore> {
    let url = postgres::shared().database();
    Box::new(PgStore::open(&url).unwrap_or_else(|e| panic!("{url}: {e}")))
}

mod conformance {
    govflow_store::conformance_suite!(super::fresh);
}

/// A store on a fresh database that uses none of the optional features.
fn fresh_without_features() -> Box<PgStore> {
    let url = postgres::shared().database();
    let store = PgStore::open_with(&url, Features::NONE).unwrap_or_else(|e| panic!("{url}: {e}"));
    assert_eq!(store.features(), Features::NONE);
    Box::new(store)
}

/// The whole suite again as it runs on a server without `SKIP LOCKED`.
mod conformance_without_optional_features {
    govflow_store::conformance_suite!(super::fresh_without_features);
}

/// Two stores on one database, as two nodes: a timer one of them claimed is not handed
/// to the other while the lease runs, and is once it has passed; with and without
/// `SKIP LOCKED`.
#[test]
fn a_claimed_timer_goes_to_another_node_only_after_its_lease() {
    use std::time::Duration;
    for features in [Features::ALL, Features::NONE] {
        let url = postgres::shared().database();
        let a = PgStore::open_with(&url, features).unwrap();
        let b = PgStore::open_with(&url, features).unwrap();
        assert_eq!(a.features(), features);
        for id in ["x", "y", "z"] {
            open_case(&a, case(id, "wanzhou", "received"));
        }
        commit(&a, |batch| {
            for id in ["x", "y", "z"] {
                batch.arm(timer(id, "verify", TimerKind::Lapse, t(10)));
            }
        })
        .unwrap();
        let long = Duration::from_secs(600);
        let taken = a.claim_due(t(100), 2, long).unwrap();
        assert_eq!(taken.len(), 2, "{features:?}");
        let rest = b.claim_due(t(100), 10, long).unwrap();
        assert_eq!(rest.len(), 1, "{features:?}: {rest:?}");
        assert!(!taken.contains(&rest[0]));
        assert_eq!(
            b.claim_due(t(100), 10, long).unwrap(),
            rest,
            "b holds its own"
        );
        assert_eq!(
            a.claim_due(t(100), 10, long).unwrap(),
            taken,
            "a holds its own"
        );

        // `a` freezes past a short lease: `b` takes its timers and fires them; `a`'s
        // late fire is refused by the conditional fire.
        let short = Duration::from_millis(1);
        assert_eq!(a.claim_due(t(100), 10, short).unwrap(), taken);
        std::thread::sleep(Duration::from_millis(20));
        let all = b.claim_due(t(100), 10, long).unwrap();
        assert_eq!(all.len(), 3, "{features:?}: {all:?}");
        commit(&b, |batch| {
            for timer in &all {
                batch.fire(timer.clone());
            }
        })
        .unwrap();
        let late = commit(&a, |batch| {
            batch.fire(taken[0].clone());
        });
        assert!(
            matches!(late, Err(Error::Conflict(Conflict::TimerMoved { .. }))),
            "{late:?}"
        );
        assert_eq!(a.claim_due(t(100), 10, long).unwrap(), []);
    }
}

/// Two stores on one database, as two nodes: one leads a role while it renews its lease;
/// the other takes it once the lease has passed, or at once when the holder closes.
#[test]
fn a_role_has_one_holder_until_its_lease_passes_or_it_closes() {
    use std::time::Duration;
    let url = postgres::shared().database();
    let a = PgStore::open(&url).unwrap();
    let b = PgStore::open(&url).unwrap();
    let short = Duration::from_millis(400);
    assert!(a.lead("obligations", short).unwrap());
    assert!(!b.lead("obligations", short).unwrap(), "a holds it");
    assert!(b.lead("webhooks", short).unwrap(), "roles are held apart");
    assert!(a.lead("obligations", short).unwrap(), "the holder renews");
    std::thread::sleep(short + Duration::from_millis(200));
    assert!(b.lead("obligations", short).unwrap(), "a's lease passed");
    assert!(!a.lead("obligations", short).unwrap(), "b holds it now");
    let long = Duration::from_secs(600);
    assert!(b.lead("obligations", long).unwrap());
    drop(b);
    assert!(
        a.lead("obligations", long).unwrap(),
        "b gave it up when it closed"
    );
    assert!(a.lead("webhooks", long).unwrap());
}

fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[test]
fn everything_acknowledged_is_there_after_reopening_and_the_sequence_goes_on() {
    let url = postgres::shared().database();
    let reopen = || PgStore::open(&url).unwrap();
    let total =
        govflow_store::conformance::every_acknowledged_commit_from_many_threads_is_there_after_reopening(
            &reopen,
        );
    // The filter columns are real columns, read by SQL.
    assert_eq!(
        psql(
            &url,
            "SELECT count(*) FROM cases WHERE city = 'wanzhou' AND provider = '区公安局'"
        ),
        total.to_string()
    );
    let url = postgres::shared().database();
    govflow_store::conformance::the_event_sequence_continues_after_reopening(&|| {
        PgStore::open(&url).unwrap()
    });
}

#[test]
fn a_fired_timer_stays_fired_after_reopening() {
    let url = postgres::shared().database();
    govflow_store::conformance::a_fired_timer_stays_fired_after_reopening(&|| {
        PgStore::open(&url).unwrap()
    });
}

#[test]
fn instants_keep_their_nanoseconds() {
    let store = fresh();
    let at = t(10) + chrono::Duration::nanoseconds(1_234_567);
    let precise = timer("c1", "reply", TimerKind::Lapse, at);
    commit(&*store, |b| {
        b.arm(precise.clone());
    })
    .unwrap();
    assert_eq!(
        store
            .due_by(at - chrono::Duration::nanoseconds(1), 10)
            .unwrap(),
        []
    );
    assert_eq!(
        store.due_by(at, 10).unwrap(),
        std::slice::from_ref(&precise)
    );
    commit(&*store, |b| {
        b.fire(precise);
    })
    .unwrap();
    assert_eq!(store.next_due().unwrap(), None);
}

#[test]
fn opening_twice_applies_the_migrations_once() {
    let url = postgres::shared().database();
    drop(PgStore::open(&url).unwrap());
    let store = PgStore::open(&url).unwrap();
    open_case(&store, case("c1", "wanzhou", "received"));
    assert_eq!(
        psql(
            &url,
            "SELECT string_agg(version::text, ',') FROM schema_migrations"
        ),
        (1..=SCHEMA_VERSION)
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
}

#[test]
fn a_database_of_a_newer_schema_is_refused_by_name() {
    let url = postgres::shared().database();
    drop(PgStore::open(&url).unwrap());
    let newer = SCHEMA_VERSION + 1;
    psql(
        &url,
        &format!("INSERT INTO schema_migrations (version) VALUES ({newer})"),
    );
    let err = PgStore::open(&url).err().expect("a schema version error");
    assert!(
        matches!(err, Error::SchemaVersion { found, supported, .. } if found == newer && supported == SCHEMA_VERSION),
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains(&format!("schema version {newer}")),
        "{message}"
    );
    assert!(
        message.contains(url.rsplit('/').next().unwrap()),
        "{message}"
    );
}

#[test]
fn the_password_never_shows_in_the_location_or_an_error() {
    let port = postgres::shared().port();
    let name = postgres::shared().database();
    let db = name.rsplit('/').next().unwrap();
    // The server trusts loopback, so a password is accepted and ignored.
    let url = format!("postgres://govflow:s3cret-pw@127.0.0.1:{port}/{db}");
    let store = PgStore::open(&url).unwrap();
    assert!(
        !store.location().contains("s3cret-pw"),
        "{}",
        store.location()
    );
    assert_eq!(
        store.location(),
        format!("postgres://govflow@127.0.0.1:{port}/{db}")
    );
    drop(store);
    let missing = format!("postgres://govflow:s3cret-pw@127.0.0.1:{port}/no_such_db");
    let err = PgStore::open(&missing).err().expect("no such database");
    assert!(!format!("{err} {err:?}").contains("s3cret-pw"), "{err:?}");
}

#[test]
fn a_stale_writer_loses_even_when_both_land_in_one_group() {
    let store = fresh();
    open_case(&*store, case("shared", "wanzhou", "received"));
    let id = CaseId::new("shared");
    // Many writers from revision 1 at once: exactly one wins.
    let wins: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..16)
            .map(|_| {
                s.spawn(|| {
                    let mut c = store.case(&id).unwrap().unwrap();
                    c.revision = 2;
                    let mut b = Batch::new();
                    b.put_case(c, Expect::Revision(1));
                    store.commit(b).is_ok() as usize
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(wins, 1);
    assert_eq!(store.case(&id).unwrap().unwrap().revision, 2);
}

/// Two stores on one database (two nodes) racing to insert the same new rows: exactly one
/// batch takes each case id and each idempotency key, every other gets the conflict it
/// would get on one node, never a database error (a unique violation). Row locks cannot
/// cover a row that does not exist yet; what makes this hold is that every group takes the
/// feed head's lock first, so groups of all nodes check and write one after another.
#[test]
fn nodes_racing_for_a_new_key_get_conflicts_not_errors() {
    use govflow_store::IdempotencyRecord;
    let url = postgres::shared().database();
    let nodes = [PgStore::open(&url).unwrap(), PgStore::open(&url).unwrap()];
    let rounds = 20;
    for round in 0..rounds {
        let outcomes: Vec<Result<_, Error>> = std::thread::scope(|s| {
            let racers: Vec<_> = (0..8)
                .map(|i| {
                    let node = &nodes[i % 2];
                    s.spawn(move || {
                        let same_id = i % 4 == 0;
                        let id = if same_id {
                            format!("shared-{round}")
                        } else {
                            format!("own-{round}-{i}")
                        };
                        commit(node, |b| {
                            b.put_case(case(&id, "wanzhou", "received"), Expect::New);
                            if !same_id {
                                b.remember(IdempotencyRecord {
                                    key: format!("edu/{round}"),
                                    fingerprint: "f".into(),
                                    case: CaseId::new(&id),
                                });
                            }
                        })
                    })
                })
                .collect();
            racers.into_iter().map(|r| r.join().unwrap()).collect()
        });
        let won = outcomes.iter().filter(|o| o.is_ok()).count();
        assert_eq!(won, 2, "one case id, one key: {outcomes:?}");
        for outcome in &outcomes {
            match outcome {
                Ok(_)
                | Err(Error::Conflict(Conflict::CaseRevision { .. }))
                | Err(Error::Conflict(Conflict::IdempotencyKeyTaken { .. })) => {}
                Err(other) => panic!("round {round}: {other}"),
            }
        }
    }
}

/// A timer armed through one store wakes a listener of another store on the same
/// database (another node), with the instant it is due; never a store's own. Without
/// `LISTEN/NOTIFY` nobody is told, and the scheduler relies on its periodic look.
#[test]
fn a_timer_armed_on_one_node_is_told_to_the_others() {
    use std::sync::mpsc;
    use std::time::Duration;
    let url = postgres::shared().database();
    let (a, b) = (PgStore::open(&url).unwrap(), PgStore::open(&url).unwrap());
    let (told_b, heard_b) = mpsc::channel();
    b.on_armed_elsewhere(Box::new(move |at| {
        let _ = told_b.send(at);
    }));
    let (told_a, heard_a) = mpsc::channel();
    a.on_armed_elsewhere(Box::new(move |at| {
        let _ = told_a.send(at);
    }));
    open_case(&a, case("x", "wanzhou", "received"));
    // The listener may still be connecting: arm until it hears one, then check the rest.
    let mut heard = None;
    for attempt in 0..40 {
        commit(&a, |batch| {
            batch
                .arm(timer("x", "verify", TimerKind::Lapse, t(100 + attempt)))
                .arm(timer("x", "verify", TimerKind::Warning, t(50 + attempt)));
        })
        .unwrap();
        if let Ok(at) = heard_b.recv_timeout(Duration::from_millis(250)) {
            heard = Some((attempt, at));
            break;
        }
    }
    let (attempt, at) = heard.expect("b is told of a timer a armed");
    assert_eq!(at, t(50 + attempt), "the earliest instant the group armed");
    assert!(
        heard_a.try_recv().is_err(),
        "a store is not told of its own"
    );

    let url = postgres::shared().database();
    let (c, d) = (
        PgStore::open_with(&url, Features::NONE).unwrap(),
        PgStore::open_with(&url, Features::NONE).unwrap(),
    );
    let (told_d, heard_d) = mpsc::channel();
    d.on_armed_elsewhere(Box::new(move |at| {
        let _ = told_d.send(at);
    }));
    open_case(&c, case("y", "wanzhou", "received"));
    commit(&c, |batch| {
        batch.arm(timer("y", "verify", TimerKind::Lapse, t(100)));
    })
    .unwrap();
    assert!(heard_d.recv_timeout(Duration::from_secs(1)).is_err());
}
