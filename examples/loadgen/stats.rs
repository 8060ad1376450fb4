//! Latency percentiles measured by the client, and the server's `/metrics` (Prometheus
//! text) read before and after a run so each run reports only its own share.

use std::collections::BTreeMap;
use std::time::Duration;

/// Exact percentiles of client-side latencies (every sample is kept: a 10 s run at 30k/s
/// is 300k `u32`s).
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Latency {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    pub fn of(micros: &mut [u32]) -> Latency {
        if micros.is_empty() {
            return Latency::default();
        }
        micros.sort_unstable();
        let at = |q: f64| {
            let i = ((micros.len() as f64 * q).ceil() as usize).clamp(1, micros.len()) - 1;
            f64::from(micros[i]) / 1000.0
        };
        Latency {
            p50_ms: at(0.50),
            p99_ms: at(0.99),
            max_ms: at(1.0),
        }
    }
}

pub fn micros(d: Duration) -> u32 {
    u32::try_from(d.as_micros()).unwrap_or(u32::MAX)
}

/// One scrape of `/metrics`: every sample by its full name with labels.
#[derive(Debug, Clone, Default)]
pub struct Scrape {
    samples: BTreeMap<String, f64>,
}

impl Scrape {
    /// `GET {base}/metrics`.
    pub async fn fetch(client: &reqwest::Client, base: &str) -> anyhow::Result<Scrape> {
        let text = client
            .get(format!("{base}/metrics"))
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?;
        Ok(Scrape::parse(&text))
    }

    pub fn parse(text: &str) -> Scrape {
        let samples = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (name, value) = l.rsplit_once(' ')?;
                Some((name.to_owned(), value.parse().ok()?))
            })
            .collect();
        Scrape { samples }
    }

    pub fn get(&self, name: &str) -> f64 {
        self.samples.get(name).copied().unwrap_or(0.0)
    }

    /// `self - before` for a counter.
    pub fn delta(&self, before: &Scrape, name: &str) -> f64 {
        self.get(name) - before.get(name)
    }

    /// The histogram `name` as it grew between `before` and `self`.
    pub fn histogram(&self, before: &Scrape, name: &str) -> Histogram {
        let prefix = format!("{name}_bucket{{le=\"");
        let mut buckets: Vec<(f64, f64)> = self
            .samples
            .iter()
            .filter_map(|(k, v)| {
                let bound = k.strip_prefix(&prefix)?.strip_suffix("\"}")?;
                let bound = if bound == "+Inf" {
                    f64::INFINITY
                } else {
                    bound.parse().ok()?
                };
                Some((bound, v - before.get(k)))
            })
            .collect();
        buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
        Histogram {
            buckets,
            count: self.delta(before, &format!("{name}_count")),
            sum: self.delta(before, &format!("{name}_sum")),
        }
    }

    /// Responses by HTTP status (`govflow_http_responses_total`) between `before` and `self`.
    pub fn statuses(&self, before: &Scrape) -> BTreeMap<String, u64> {
        let prefix = "govflow_http_responses_total{status=\"";
        self.samples
            .iter()
            .filter_map(|(k, v)| {
                let status = k.strip_prefix(prefix)?.strip_suffix("\"}")?;
                let n = (v - before.get(k)) as u64;
                (n > 0).then(|| (status.to_owned(), n))
            })
            .collect()
    }
}

/// A cumulative fixed-bucket histogram, as Prometheus exposes it.
#[derive(Debug, Clone, Default)]
pub struct Histogram {
    /// (upper bound in seconds, cumulative count), ascending, ending with +Inf.
    buckets: Vec<(f64, f64)>,
    pub count: f64,
    pub sum: f64,
}

/// A histogram summarised: quantiles are the upper bound of the bucket they fall in.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Buckets {
    pub count: u64,
    pub mean_ms: f64,
    /// "≤ this" in milliseconds; `None` for +Inf.
    pub p50_le_ms: Option<f64>,
    pub p99_le_ms: Option<f64>,
    pub max_le_ms: Option<f64>,
}

impl Histogram {
    /// The upper bound of the bucket holding the `q` quantile (`None` when it is +Inf).
    fn quantile(&self, q: f64) -> Option<f64> {
        let rank = (self.count * q).ceil().max(1.0);
        self.buckets
            .iter()
            .find(|(_, c)| *c >= rank)
            .and_then(|(b, _)| b.is_finite().then_some(b * 1000.0))
    }

    pub fn summary(&self) -> Buckets {
        if self.count < 1.0 {
            return Buckets::default();
        }
        Buckets {
            count: self.count as u64,
            mean_ms: self.sum / self.count * 1000.0,
            p50_le_ms: self.quantile(0.50),
            p99_le_ms: self.quantile(0.99),
            max_le_ms: self.quantile(1.0),
        }
    }
}

pub fn show_le(ms: Option<f64>) -> String {
    match ms {
        Some(ms) => format!("≤{ms}"),
        None => ">30000".to_owned(),
    }
}

/// `show_le`, tightened by a bound known otherwise (`cap`, e.g. how long the call that
/// fired every timer took), shown as `≤cap*`.
pub fn show_le_capped(ms: Option<f64>, cap: f64) -> String {
    match ms {
        Some(ms) if ms <= cap => format!("≤{ms}"),
        _ => format!("≤{:.0}*", cap.ceil()),
    }
}
