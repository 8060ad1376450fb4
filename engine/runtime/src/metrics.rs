//! Counters and histograms the service exposes on `/metrics` (Prometheus text format).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

#[derive(Default)]
pub struct Metrics {
    pub cases_opened: AtomicU64,
    pub actions: AtomicU64,
    pub warnings_fired: AtomicU64,
    pub lapses_fired: AtomicU64,
    pub stale_timers: AtomicU64,
    pub obligation_cases: AtomicU64,
    pub provisional_recomputed: AtomicU64,
    pub reloads: AtomicU64,
    pub reload_failures: AtomicU64,
    pub pack_version_missing: AtomicU64,
    /// Refusals by their stable code.
    refusals: Mutex<BTreeMap<&'static str, u64>>,
    pub commit_seconds: Histogram,
    pub timer_lateness_seconds: Histogram,
}

impl Metrics {
    pub fn refused(&self, code: &'static str) {
        *self
            .refusals
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(code)
            .or_default() += 1;
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self, out: &mut String) {
        let counters = [
            (
                "govflow_cases_opened_total",
                "Cases opened, by request, lapse or obligation.",
                &self.cases_opened,
            ),
            ("govflow_actions_total", "Actions accepted.", &self.actions),
            (
                "govflow_warnings_fired_total",
                "Deadline warnings given.",
                &self.warnings_fired,
            ),
            (
                "govflow_lapses_fired_total",
                "Deadlines that lapsed, and notices whose date passed.",
                &self.lapses_fired,
            ),
            (
                "govflow_stale_timers_total",
                "Timers consumed with nothing to do (deadline met or moved).",
                &self.stale_timers,
            ),
            (
                "govflow_obligation_cases_total",
                "Cases opened by recurring obligations.",
                &self.obligation_cases,
            ),
            (
                "govflow_provisional_recomputed_total",
                "Cases whose provisional deadlines were recounted on a new calendar.",
                &self.provisional_recomputed,
            ),
            (
                "govflow_reloads_total",
                "Pack and calendar reloads.",
                &self.reloads,
            ),
            (
                "govflow_reload_failures_total",
                "Reloads in which some pack or the calendar failed and the last good one was kept.",
                &self.reload_failures,
            ),
            (
                "govflow_pack_version_missing_total",
                "Commands not decided because their case's pack version could not be read.",
                &self.pack_version_missing,
            ),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        let name = "govflow_refusals_total";
        let _ = writeln!(
            out,
            "# HELP {name} Commands refused, by reason.\n# TYPE {name} counter"
        );
        for (code, n) in self
            .refusals
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(out, "{name}{{code=\"{code}\"}} {n}");
        }
        self.commit_seconds.render(
            out,
            "govflow_commit_seconds",
            "Time to make one command durable.",
        );
        self.timer_lateness_seconds.render(
            out,
            "govflow_timer_lateness_seconds",
            "How long after falling due a timer fired.",
        );
    }
}

const BOUNDS: [f64; 15] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// A fixed-bucket histogram of durations.
#[derive(Default)]
pub struct Histogram {
    buckets: [AtomicU64; BOUNDS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        if let Some(i) = BOUNDS.iter().position(|b| secs <= *b) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add(d.as_micros() as u64, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (bound, bucket) in BOUNDS.iter().zip(&self.buckets) {
            cumulative += bucket.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum {sum}\n{name}_count {count}");
    }
}
