//! Per subscription: deliveries acknowledged, failed attempts, whether it is parked, and
//! its lag (events of the feed after its cursor), in the Prometheus text format.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

#[derive(Default)]
pub(crate) struct Metrics {
    by_subscription: Mutex<BTreeMap<String, Stats>>,
}

/// A metric family: name, type, help, and its value for one subscription given the head.
type Family = (
    &'static str,
    &'static str,
    &'static str,
    fn(&Stats, u64) -> u64,
);

#[derive(Default, Clone)]
struct Stats {
    delivered: u64,
    failed: u64,
    cursor: u64,
    parked: bool,
}

impl Metrics {
    fn with(&self, id: &str, f: impl FnOnce(&mut Stats)) {
        let mut all = self
            .by_subscription
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        f(all.entry(id.to_owned()).or_default());
    }

    pub fn seen(&self, id: &str, cursor: u64, parked: bool) {
        self.with(id, |s| {
            s.cursor = cursor;
            s.parked = parked;
        });
    }

    pub fn delivered(&self, id: &str, cursor: u64) {
        self.with(id, |s| {
            s.delivered += 1;
            s.cursor = cursor;
        });
    }

    pub fn failed(&self, id: &str, parked: bool) {
        self.with(id, |s| {
            s.failed += 1;
            s.parked = parked;
        });
    }

    pub fn forget(&self, id: &str) {
        self.by_subscription
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
    }

    /// Appends the metrics, with the lag measured against the feed's `head`.
    pub fn render(&self, head: u64, out: &mut String) {
        let all = self
            .by_subscription
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let families: [Family; 4] = [
            (
                "govflow_webhook_deliveries_total",
                "counter",
                "Deliveries the destination acknowledged with a 2xx.",
                |s, _| s.delivered,
            ),
            (
                "govflow_webhook_failures_total",
                "counter",
                "Delivery attempts that failed (an error status, no answer in time, a refused connection).",
                |s, _| s.failed,
            ),
            (
                "govflow_webhook_lag_events",
                "gauge",
                "Events of the feed after the subscription's cursor.",
                |s, head| head.saturating_sub(s.cursor),
            ),
            (
                "govflow_webhook_parked",
                "gauge",
                "1 while the subscription is parked.",
                |s, _| u64::from(s.parked),
            ),
        ];
        for (name, kind, help, value) in families {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for (id, stats) in &all {
                let _ = writeln!(
                    out,
                    "{name}{{subscription=\"{id}\"}} {}",
                    value(stats, head)
                );
            }
        }
    }
}
