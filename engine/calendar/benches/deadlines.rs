//! Deadline computations per second on the real 2018–2026 schedules.
//!
//! `cargo bench -p govflow-calendar -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use govflow_calendar::{Calendar, NaiveDate, Period, YearSchedule};

fn calendar() -> Calendar {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies/calendars");
    let schedules = (2018..=2026)
        .map(|year| {
            let path = dir.join(format!("{year}.yaml"));
            let text = std::fs::read_to_string(&path).expect("schedule file");
            serde_yaml::from_str::<YearSchedule>(&text).expect("valid schedule")
        })
        .collect();
    Calendar::new(schedules).expect("valid calendar")
}

/// A fixed mix: every 3rd day of 2020–2026 with N = 1..=29 working days, and every
/// 3rd day with 1..=12 months.
fn workload() -> Vec<(NaiveDate, Period)> {
    let mut out = Vec::new();
    let mut day = NaiveDate::from_ymd_opt(2020, 1, 1).expect("date");
    let last = NaiveDate::from_ymd_opt(2026, 12, 31).expect("date");
    let mut i = 0u32;
    while day <= last {
        out.push((day, Period::WorkingDays(1 + i % 29)));
        if i % 3 == 0 {
            out.push((day, Period::Months(1 + i % 12)));
        }
        day = day.checked_add_days(chrono::Days::new(3)).expect("date");
        i += 1;
    }
    out
}

fn deadlines(c: &mut Criterion) {
    let cal = calendar();
    let work = workload();
    let mut group = c.benchmark_group("deadlines");
    group.throughput(Throughput::Elements(work.len() as u64));
    group.bench_function("mixed_working_days_and_months", |b| {
        b.iter(|| {
            let mut provisional = 0u32;
            for &(from, period) in &work {
                let due = cal.add(black_box(from), black_box(period));
                provisional += u32::from(due.provisional);
                black_box(due.date);
            }
            provisional
        });
    });
    group.finish();
}

criterion_group!(benches, deadlines);
criterion_main!(benches);
