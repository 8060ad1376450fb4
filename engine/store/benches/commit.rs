//! Durable commits per second with 1, 16 and 64 concurrent writers.
//!
//! `store_commit` goes through `SledStore::commit` (group commit: one flush per group of
//! queued batches). `sled_flush_each` is the baseline without a committer: every writer
//! calls `apply_batch` and `flush` itself, leaving any coalescing to sled.
//!
//! Each commit opens one case: the case, one event and one armed timer.
//! `cargo bench -p govflow-store --bench commit -- --warm-up-time 1 --measurement-time 3`

use chrono::{DateTime, NaiveDate, Utc};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use govflow_model::{
    Case, CaseId, DeadlineId, Event, EventKind, Opener, ProcedureId, RegulationStatus, StateId,
    Timer, TimerKind,
};
use govflow_store::{Batch, Expect, SledStore, Store};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const WRITERS: [u64; 3] = [1, 16, 64];

fn case(n: u64) -> Case {
    let at = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).expect("valid instant");
    let date = NaiveDate::from_ymd_opt(2023, 11, 15).expect("valid date");
    Case {
        id: CaseId::new(format!("c-{n:012}")),
        city: "wanzhou".into(),
        procedure: ProcedureId::from("data_verification"),
        state: StateId::from("received"),
        overdue: false,
        parent: None,
        pack_version: "2023.1".into(),
        regulation_status: RegulationStatus::InForce,
        received_at: at,
        received_date: date,
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
        entered_at: at,
        created_at: at,
        updated_at: at,
        revision: 1,
    }
}

fn batch(n: u64) -> Batch {
    let case = case(n);
    let mut batch = Batch::new();
    batch
        .emit(Event {
            case: case.id.clone(),
            city: case.city.clone(),
            at: case.received_at,
            actor: "alice".into(),
            pack_version: case.pack_version.clone(),
            kind: EventKind::Opened {
                procedure: case.procedure.clone(),
                state: case.state.clone(),
                parent: None,
            },
            article: Some("第十七条".into()),
        })
        .arm(Timer {
            case: case.id.clone(),
            deadline: DeadlineId::from("reply"),
            kind: TimerKind::Lapse,
            at: case.received_at + chrono::Duration::days(5),
        })
        .put_case(case, Expect::New);
    batch
}

/// Run `iters` operations spread over `writers` threads; the wall time they took.
fn spread(writers: u64, iters: u64, op: &(dyn Fn() + Sync)) -> Duration {
    let per_writer = iters.div_ceil(writers);
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..writers {
            s.spawn(|| (0..per_writer).for_each(|_| op()));
        }
    });
    // Writers did `per_writer * writers >= iters` operations; scale to `iters`.
    start
        .elapsed()
        .mul_f64(iters as f64 / (per_writer * writers) as f64)
}

fn commits(c: &mut Criterion) {
    let mut group = c.benchmark_group("durable_commits");
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);
    for writers in WRITERS {
        let dir = tempfile::tempdir().expect("a temp dir");
        let store = SledStore::open(dir.path()).expect("a store");
        let next = AtomicU64::new(0);
        group.bench_with_input(
            BenchmarkId::new("store_commit", writers),
            &writers,
            |b, &w| {
                b.iter_custom(|iters| {
                    spread(w, iters, &|| {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        store.commit(batch(n)).expect("commit");
                    })
                })
            },
        );
    }
    for writers in WRITERS {
        let dir = tempfile::tempdir().expect("a temp dir");
        let db = sled::open(dir.path()).expect("a sled db");
        let next = AtomicU64::new(0);
        group.bench_with_input(
            BenchmarkId::new("sled_flush_each", writers),
            &writers,
            |b, &w| {
                b.iter_custom(|iters| {
                    spread(w, iters, &|| {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        let case = case(n);
                        let mut batch = sled::Batch::default();
                        let value = serde_json::to_vec(&case).expect("encode");
                        batch.insert(case.id.as_str().as_bytes(), value);
                        db.apply_batch(batch).expect("apply");
                        db.flush().expect("flush");
                    })
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, commits);
criterion_main!(benches);
