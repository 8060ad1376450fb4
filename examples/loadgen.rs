//! Load generator for `govflow serve`: durable submissions per second (one per request, or
//! batched by `POST /v1/cases:batch`), submit-then-act cycles per second, how late 10,000
//! deadlines falling due at once fire, and what sled alone allows on the same disk.
//!
//! ```text
//! cargo build --release && cargo run --release --example loadgen -- [--duration 10] [--json]
//! ```
//!
//! It starts `target/release/govflow serve` itself, once per measurement group, each on a
//! fresh temp data directory with a simulated clock at 2023-09-28T09:00:00+08:00 and a
//! generated tokens file; or it drives `--url` (then give `--provider-token`, a provider of
//! 区教委 in wanzhou, and `--admin-token`). One async reqwest client is shared by every
//! simulated client (HTTP/1.1 keep-alive, a pool as large as the concurrency); each
//! client sends its next request when the previous one has answered (closed loop).
//!
//! The figures and how to read them are in docs/performance.md.

#[path = "loadgen/server.rs"]
mod server;
#[path = "loadgen/sled_limit.rs"]
mod sled_limit;
#[path = "loadgen/stats.rs"]
mod stats;

use anyhow::{bail, Context as _};
use chrono::{DateTime, Utc};
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Client, StatusCode};
use serde::Serialize;
use serde_json::{json, Value};
use server::{CpuMark, CpuUse, Target};
use stats::{show_le, show_le_capped, Buckets, Latency, Scrape};
use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

#[derive(Debug, clap::Parser)]
#[command(about = "Load generator for `govflow serve` (see docs/performance.md)")]
struct Args {
    /// Drive a running service instead of starting one; it should be fresh and run on a
    /// simulated clock (the timer measurement moves it, and fires whatever else is due by
    /// then too, e.g. the penalty deadlines a previous timer run opened).
    #[arg(long, value_delimiter = ',')]
    url: Vec<String>,
    /// With `--url`: a token of a provider of 区教委 in wanzhou.
    #[arg(long)]
    provider_token: Option<String>,
    /// With `--url`: an admin token (moves the simulated clock).
    #[arg(long)]
    admin_token: Option<String>,
    /// The server binary, relative to the repository.
    #[arg(long, default_value = "target/release/govflow")]
    bin: PathBuf,
    /// Seconds measured per load run.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Seconds of load before each measured run, not counted.
    #[arg(long, default_value_t = 3.0)]
    warmup: f64,
    /// Concurrent clients, one load run each.
    #[arg(long, value_delimiter = ',', default_value = "16,64")]
    clients: Vec<usize>,
    /// Cases whose deadlines fall due at the same instant.
    #[arg(long, default_value_t = 10_000)]
    timers: usize,
    /// Cases per `POST /v1/cases:batch` request in the `batch` measurement (1 to 64).
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..=64))]
    batch_size: u16,
    /// Which measurements to run.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "sled-limit,submit,batch,cycle,timers"
    )]
    only: Vec<Phase>,
    /// Worker threads of the load generator's tokio runtime (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// Also print the results as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Phase {
    /// sled alone, 64 inserts per durable flush, in this process (no server).
    SledLimit,
    Submit,
    Batch,
    Cycle,
    Timers,
}

const CITY: &str = "wanzhou";
const PROCEDURE: &str = "catalog_update";
const PROVIDER: &str = "区教委";
/// The first action of `catalog_update`: one step, no data, moves the case to `reviewing`.
const ACTION: &str = "submit";
/// Concurrency used to open the cases of the timer measurement.
const TIMER_SETUP_CLIENTS: usize = 64;

fn main() -> anyhow::Result<()> {
    let args = <Args as clap::Parser>::parse();
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = args.threads {
        builder.worker_threads(threads);
    }
    let runtime = builder.enable_all().build()?;
    runtime.block_on(run(args))
}

async fn run(args: Args) -> anyhow::Result<()> {
    let machine = Machine::read();
    let pool = args
        .clients
        .iter()
        .copied()
        .max()
        .unwrap_or(1)
        .max(TIMER_SETUP_CLIENTS);
    let client = Client::builder()
        .pool_max_idle_per_host(pool)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(180))
        .build()?;
    let mut report = Report {
        machine,
        duration_s: args.duration,
        warmup_s: args.warmup,
        loads: Vec::new(),
        timers: Vec::new(),
        sled_limit: None,
    };
    for phase in &args.only {
        match phase {
            Phase::SledLimit => {
                let (warmup, measured) = (
                    Duration::from_secs_f64(args.warmup),
                    Duration::from_secs_f64(args.duration),
                );
                let limit =
                    tokio::task::spawn_blocking(move || sled_limit::measure(warmup, measured))
                        .await??;
                eprintln!("{}", limit.line());
                report.sled_limit = Some(limit);
            }
            Phase::Submit | Phase::Batch | Phase::Cycle => {
                let kind = match phase {
                    Phase::Submit => Kind::Submit,
                    Phase::Batch => Kind::Batch,
                    _ => Kind::Cycle,
                };
                let target = target(&args).await?;
                for &clients in &args.clients {
                    let row = load(&client, &target, kind, clients, &args).await?;
                    eprintln!("{}", row.line());
                    report.loads.push(row);
                }
                finish(target);
            }
            Phase::Timers => {
                for split in [false, true] {
                    let target = target(&args).await?;
                    let row = timers(&client, &target, args.timers, split).await?;
                    eprintln!("{}", row.line());
                    report.timers.push(row);
                    finish(target);
                }
            }
        }
    }
    report.print();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    }
    Ok(())
}

/// A fresh server for one group of measurements, or `--url`.
async fn target(args: &Args) -> anyhow::Result<Target> {
    if let Some((url, others)) = args.url.split_first() {
        let (Some(provider), Some(admin)) = (&args.provider_token, &args.admin_token) else {
            bail!("with `--url` give `--provider-token` (区教委, wanzhou) and `--admin-token`");
        };
        return Ok(Target {
            base: url.trim_end_matches('/').to_owned(),
            others: others
                .iter()
                .map(|u| u.trim_end_matches('/').to_owned())
                .collect(),
            provider: provider.clone(),
            admin: admin.clone(),
            spawned: None,
        });
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = repo.join(&args.bin);
    tokio::task::spawn_blocking(move || Target::spawn(&bin, &repo)).await?
}

fn finish(target: Target) {
    if let Some(spawned) = &target.spawned {
        let log = std::fs::read_to_string(&spawned.log).unwrap_or_default();
        let problems: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("ERROR") || l.contains("WARN"))
            .take(5)
            .collect();
        if !problems.is_empty() {
            eprintln!("server log warnings/errors:\n  {}", problems.join("\n  "));
        }
        eprintln!(
            "  (server data directory: {:.1} MiB)",
            spawned.data_bytes() as f64 / (1 << 20) as f64
        );
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    /// `POST /v1/cases`, counted when 201.
    Submit,
    /// `POST /v1/cases:batch` with `--batch-size` cases, each counted when its item is 201.
    Batch,
    /// `POST /v1/cases` then `POST /v1/cases/{id}/actions/submit`, counted when both 2xx.
    Cycle,
}

/// Headers and bodies built once, cloned cheaply per request.
#[derive(Clone)]
struct Requests {
    base: Arc<str>,
    cases: Arc<str>,
    batches: Arc<str>,
    provider: HeaderValue,
    body: Arc<[u8]>,
    /// `{"items": [{"case": body}, …]}`, `--batch-size` items.
    batch: Arc<[u8]>,
}

impl Requests {
    /// One per node of the target; client `i` sends to node `i % n`.
    fn per_node(target: &Target, body: &Value, batch_size: usize) -> anyhow::Result<Vec<Requests>> {
        std::iter::once(&target.base)
            .chain(&target.others)
            .map(|base| Requests::new(base, target, body, batch_size))
            .collect()
    }

    fn new(
        base: &str,
        target: &Target,
        body: &Value,
        batch_size: usize,
    ) -> anyhow::Result<Requests> {
        let items = vec![json!({ "case": body }); batch_size];
        Ok(Requests {
            base: base.into(),
            cases: format!("{base}/v1/cases").into(),
            batches: format!("{base}/v1/cases:batch").into(),
            provider: HeaderValue::from_str(&format!("Bearer {}", target.provider))?,
            body: serde_json::to_vec(body)?.into(),
            batch: serde_json::to_vec(&json!({ "items": items }))?.into(),
        })
    }

    /// Opens `--batch-size` cases in one request; how many of its items were opened (201).
    async fn submit_batch(&self, client: &Client) -> Result<u64, String> {
        let response = client
            .post(&*self.batches)
            .header(AUTHORIZATION, self.provider.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(self.batch.to_vec())
            .send()
            .await
            .map_err(|e| transport("batch", &e))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| transport("batch", &e))?;
        if status != StatusCode::OK {
            return Err(format!("batch {status}"));
        }
        #[derive(serde::Deserialize)]
        struct Item {
            status: u16,
        }
        #[derive(serde::Deserialize)]
        struct Answer {
            items: Vec<Item>,
        }
        let answer: Answer =
            serde_json::from_slice(&body).map_err(|e| format!("batch: not a batch answer: {e}"))?;
        match answer.items.iter().find(|item| item.status != 201) {
            Some(item) => Err(format!("batch item {}", item.status)),
            None => Ok(answer.items.len() as u64),
        }
    }

    /// Opens a case; the response body when 201.
    async fn submit(&self, client: &Client) -> Result<Vec<u8>, String> {
        let response = client
            .post(&*self.cases)
            .header(AUTHORIZATION, self.provider.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(self.body.to_vec())
            .send()
            .await
            .map_err(|e| transport("submit", &e))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| transport("submit", &e))?;
        if status == StatusCode::CREATED {
            Ok(body.to_vec())
        } else {
            Err(format!("submit {status}"))
        }
    }

    /// The `submit` action on case `id`.
    async fn act(&self, client: &Client, id: &str) -> Result<(), String> {
        let response = client
            .post(format!("{}/v1/cases/{id}/actions/{ACTION}", self.base))
            .header(AUTHORIZATION, self.provider.clone())
            .send()
            .await
            .map_err(|e| transport("act", &e))?;
        let status = response.status();
        response.bytes().await.map_err(|e| transport("act", &e))?;
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("act {status}"))
        }
    }

    async fn cycle(&self, client: &Client) -> Result<(), String> {
        let body = self.submit(client).await?;
        let id = case_id(&body).ok_or_else(|| "submit: no `id` in the 201 body".to_owned())?;
        self.act(client, &id).await
    }
}

fn case_id(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Id {
        id: String,
    }
    serde_json::from_slice::<Id>(body).ok().map(|c| c.id)
}

fn transport(what: &str, e: &reqwest::Error) -> String {
    if e.is_timeout() {
        format!("{what}: timeout")
    } else if e.is_connect() {
        format!("{what}: connect error")
    } else {
        format!("{what}: {e}")
    }
}

/// One closed-loop load run.
#[derive(Debug, Serialize)]
struct LoadRow {
    kind: Kind,
    clients: usize,
    /// Cases per request (`--batch-size` for `batch`, else 1).
    cases_per_request: usize,
    /// Cases (batch) or operations that succeeded within the measured window.
    ok: u64,
    per_second: f64,
    latency: Latency,
    /// Failures by what failed (status or transport error), within the window.
    failures: BTreeMap<String, u64>,
    /// Non-2xx responses the server counted during the window (`/metrics`).
    server_non_2xx: BTreeMap<String, u64>,
    /// The server's time to make one command durable (`govflow_commit_seconds`).
    commit: Buckets,
    cpu: CpuUse,
}

#[derive(Default)]
struct Worker {
    ok: u64,
    micros: Vec<u32>,
    failures: BTreeMap<String, u64>,
}

async fn load(
    client: &Client,
    target: &Target,
    kind: Kind,
    clients: usize,
    args: &Args,
) -> anyhow::Result<LoadRow> {
    let nodes = Requests::per_node(
        target,
        &json!({"city": CITY, "procedure": PROCEDURE, "provider": PROVIDER}),
        usize::from(args.batch_size),
    )?;
    let warmup = Duration::from_secs_f64(args.warmup);
    let measured = Duration::from_secs_f64(args.duration);
    let from = Instant::now() + warmup;
    let until = from + measured;
    let mut workers = JoinSet::new();
    for i in 0..clients {
        let (client, requests) = (client.clone(), nodes[i % nodes.len()].clone());
        workers.spawn(closed_loop(from, until, move || {
            let (client, requests) = (client.clone(), requests.clone());
            async move {
                match kind {
                    Kind::Submit => requests.submit(&client).await.map(|_| 1),
                    Kind::Batch => requests.submit_batch(&client).await,
                    Kind::Cycle => requests.cycle(&client).await.map(|()| 1),
                }
            }
        }));
    }
    tokio::time::sleep_until(from.into()).await;
    let (before, cpu_before) = (
        Scrape::fetch(client, &target.base).await?,
        CpuMark::now(target.pid()),
    );
    tokio::time::sleep_until(until.into()).await;
    let (cpu_after, after) = (
        CpuMark::now(target.pid()),
        Scrape::fetch(client, &target.base).await?,
    );
    let mut all = Worker::default();
    while let Some(worker) = workers.join_next().await {
        let w = worker?;
        all.ok += w.ok;
        all.micros.extend(w.micros);
        for (what, n) in w.failures {
            *all.failures.entry(what).or_default() += n;
        }
    }
    let server_non_2xx = after
        .statuses(&before)
        .into_iter()
        .filter(|(status, _)| !status.starts_with('2'))
        .collect();
    Ok(LoadRow {
        kind,
        clients,
        cases_per_request: match kind {
            Kind::Batch => usize::from(args.batch_size),
            Kind::Submit | Kind::Cycle => 1,
        },
        ok: all.ok,
        per_second: all.ok as f64 / measured.as_secs_f64(),
        latency: Latency::of(&mut all.micros),
        failures: all.failures,
        server_non_2xx,
        commit: after.histogram(&before, "govflow_commit_seconds").summary(),
        cpu: cpu_after.since(&cpu_before),
    })
}

/// One client: the next operation starts when the last one has answered. Operations that
/// start and end inside `[from, until]` are counted, by the cases each one did.
async fn closed_loop<F, Fut>(from: Instant, until: Instant, op: F) -> Worker
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<u64, String>>,
{
    let mut w = Worker::default();
    loop {
        let started = Instant::now();
        if started >= until {
            return w;
        }
        let outcome = op().await;
        let done = Instant::now();
        if started < from || done > until {
            continue;
        }
        match outcome {
            Ok(n) => {
                w.ok += n;
                w.micros.push(stats::micros(done - started));
            }
            Err(what) => *w.failures.entry(what).or_default() += 1,
        }
    }
}

/// Deadlines falling due at the same instant, fired by one move of the simulated clock.
#[derive(Debug, Serialize)]
struct TimerRow {
    /// `together`: one move fires the warnings and then the lapses; `lapses_only`: an
    /// earlier move fired the warnings, the measured one only the lapses.
    mode: &'static str,
    cases: usize,
    opened: usize,
    /// Opening the cases (64 clients), for scale.
    opened_per_second: f64,
    lapse_at: DateTime<Utc>,
    moved_to: DateTime<Utc>,
    /// Wall time of the `POST /v1/admin/clock` that fired them.
    call_ms: f64,
    /// `fired` in its answer (every timer consumed).
    fired: u64,
    warnings_fired: u64,
    lapses_fired: u64,
    /// Rectification cases opened by the lapses.
    penalty_cases: u64,
    /// `govflow_timer_lateness_seconds` over the measured move (bucket resolution).
    lateness: Buckets,
    cpu: CpuUse,
    failures: BTreeMap<String, u64>,
}

async fn timers(
    client: &Client,
    target: &Target,
    n: usize,
    split: bool,
) -> anyhow::Result<TimerRow> {
    let admin = HeaderValue::from_str(&format!("Bearer {}", target.admin))?;
    let clock: Value = client
        .get(format!("{}/v1/clock", target.base))
        .header(AUTHORIZATION, admin.clone())
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let received_at = clock["now"].clone();
    let nodes = Requests::per_node(
        target,
        &json!({"city": CITY, "procedure": PROCEDURE, "provider": PROVIDER, "received_at": received_at}),
        1,
    )?;
    // Open the cases, 64 at a time; keep one answer to learn the instants.
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut openers = JoinSet::new();
    for i in 0..TIMER_SETUP_CLIENTS {
        let (client, requests, next) =
            (client.clone(), nodes[i % nodes.len()].clone(), next.clone());
        openers.spawn(async move {
            let mut w = Worker::default();
            let mut sample = None;
            while next.fetch_add(1, Ordering::Relaxed) < n {
                match requests.submit(&client).await {
                    Ok(body) => {
                        w.ok += 1;
                        sample.get_or_insert(body);
                    }
                    Err(what) => *w.failures.entry(what).or_default() += 1,
                }
            }
            (w, sample)
        });
    }
    let (mut opened, mut failures, mut sample) = (0, BTreeMap::new(), None);
    while let Some(done) = openers.join_next().await {
        let (w, s) = done?;
        opened += w.ok as usize;
        for (what, k) in w.failures {
            *failures.entry(what).or_insert(0) += k;
        }
        sample = sample.or(s);
    }
    let opened_per_second = opened as f64 / started.elapsed().as_secs_f64();
    let sample: Value = serde_json::from_slice(&sample.context("no case could be opened")?)?;
    let deadline = &sample["deadlines"][0];
    let due_at: DateTime<Utc> = serde_json::from_value(deadline["due_at"].clone())
        .context("the opened case has no `deadlines[0].due_at`")?;
    // The lapse timer is due at local midnight after the due date, one second after
    // `due_at` (23:59:59 local).
    let lapse_at = due_at + chrono::Duration::seconds(1);
    let moved_to = lapse_at + chrono::Duration::seconds(1);
    let move_clock = |to: DateTime<Utc>| {
        let admin = admin.clone();
        async move {
            let answer: Value = client
                .post(format!("{}/v1/admin/clock", target.base))
                .header(AUTHORIZATION, admin)
                .json(&json!({ "now": to }))
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            anyhow::Ok(answer["fired"].as_u64().unwrap_or(0))
        }
    };
    if split {
        // Fires the warnings only: `due_at` is before the lapse instant.
        move_clock(due_at).await?;
    }
    let before = Scrape::fetch(client, &target.base).await?;
    let cpu_before = CpuMark::now(target.pid());
    let call = Instant::now();
    let fired = move_clock(moved_to).await?;
    let call_ms = call.elapsed().as_secs_f64() * 1000.0;
    let cpu = CpuMark::now(target.pid()).since(&cpu_before);
    let after = Scrape::fetch(client, &target.base).await?;
    let counter = |name: &str| after.delta(&before, name) as u64;
    Ok(TimerRow {
        mode: if split { "lapses_only" } else { "together" },
        cases: n,
        opened,
        opened_per_second,
        lapse_at,
        moved_to,
        call_ms,
        fired,
        warnings_fired: counter("govflow_warnings_fired_total"),
        lapses_fired: counter("govflow_lapses_fired_total"),
        penalty_cases: counter("govflow_cases_opened_total"),
        lateness: after
            .histogram(&before, "govflow_timer_lateness_seconds")
            .summary(),
        cpu,
        failures,
    })
}

#[derive(Debug, Serialize)]
struct Machine {
    cores: usize,
    cpu: String,
    /// `/proc/loadavg` when the load generator started.
    loadavg: String,
}

impl Machine {
    fn read() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
            .unwrap_or_else(|| "unknown".to_owned());
        let loadavg = std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        Machine {
            cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
            cpu,
            loadavg,
        }
    }
}

#[derive(Debug, Serialize)]
struct Report {
    machine: Machine,
    duration_s: f64,
    warmup_s: f64,
    loads: Vec<LoadRow>,
    timers: Vec<TimerRow>,
    sled_limit: Option<sled_limit::SledLimit>,
}

fn cores(c: Option<f64>) -> String {
    c.map_or_else(|| "-".to_owned(), |c| format!("{c:.2}"))
}

fn failures(f: &BTreeMap<String, u64>) -> String {
    if f.is_empty() {
        return "none".to_owned();
    }
    f.iter()
        .map(|(what, n)| format!("{what} ×{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl LoadRow {
    fn line(&self) -> String {
        let what = match self.kind {
            Kind::Submit => "durable submissions/s (201)",
            Kind::Batch => "batched creations/s (201)",
            Kind::Cycle => "submit-then-act cycles/s",
        };
        format!(
            "{what:<28} {:>7} {:>9.0} {:>8.2} {:>8.2} {:>8.2} {:>11.2} {:>11} {:>7} {:>7}  {}",
            self.clients,
            self.per_second,
            self.latency.p50_ms,
            self.latency.p99_ms,
            self.latency.max_ms,
            self.commit.mean_ms,
            show_le(self.commit.p99_le_ms),
            cores(self.cpu.server_cores),
            cores(self.cpu.loadgen_cores),
            failures(&self.failures),
        )
    }
}

impl TimerRow {
    fn line(&self) -> String {
        let what = match self.mode {
            "together" => "warnings + lapses, 1 move",
            _ => "lapses only (warned before)",
        };
        format!(
            "{what:<28} {:>6} {:>9.0} {:>6} {:>8} {:>6} {:>7} {:>7} {:>7} {:>7} {:>8.1} {:>6} {:>6}  {}",
            self.opened,
            self.call_ms,
            self.fired,
            self.warnings_fired,
            self.lapses_fired,
            self.penalty_cases,
            show_le_capped(self.lateness.p50_le_ms, self.call_ms),
            show_le_capped(self.lateness.p99_le_ms, self.call_ms),
            show_le_capped(self.lateness.max_le_ms, self.call_ms),
            self.lateness.mean_ms,
            cores(self.cpu.server_cores),
            cores(self.cpu.loadgen_cores),
            failures(&self.failures),
        )
    }
}

impl Report {
    fn print(&self) {
        let m = &self.machine;
        println!(
            "\nmachine: {} cores, {}; load average at start {}",
            m.cores, m.cpu, m.loadavg
        );
        if let Some(limit) = &self.sled_limit {
            println!("{}", limit.line());
        }
        if !self.loads.is_empty() {
            println!(
                "each load run: {} s measured after {} s warm-up, closed loop; latency measured by the client, per request (a batch is one); \
                 commit = server's govflow_commit_seconds; CPU in cores busy (server / load generator)\n",
                self.duration_s, self.warmup_s
            );
            println!(
                "{:<28} {:>7} {:>9} {:>8} {:>8} {:>8} {:>11} {:>11} {:>7} {:>7}  failures",
                "what",
                "clients",
                "ok/s",
                "p50 ms",
                "p99 ms",
                "max ms",
                "commit mean",
                "commit p99",
                "srv cpu",
                "gen cpu"
            );
            for row in &self.loads {
                println!("{}", row.line());
            }
            for row in self.loads.iter().filter(|r| !r.server_non_2xx.is_empty()) {
                println!(
                    "  server non-2xx during {:?} at {} clients: {}",
                    row.kind,
                    row.clients,
                    failures(&row.server_non_2xx)
                );
            }
        }
        if let Some(first) = self.timers.first() {
            println!(
                "\ntimers: {} catalog_update cases opened with the same received_at; apply lapses at {}, \
                 clock moved to {} in one POST /v1/admin/clock.\n\
                 Each case also has a warning timer (2 working days before), and each lapse opens a \
                 rectification case (penalty cases); lateness is the server's histogram, bucket upper bounds in ms\n\
                 (`*`: bounded by the call instead, since every timer fired before it answered).\n",
                first.cases, first.lapse_at, first.moved_to
            );
            println!(
                "{:<28} {:>6} {:>9} {:>6} {:>8} {:>6} {:>7} {:>7} {:>7} {:>7} {:>8} {:>6} {:>6}  failures",
                "move",
                "cases",
                "call ms",
                "fired",
                "warnings",
                "lapses",
                "penalty",
                "p50 ms",
                "p99 ms",
                "max ms",
                "mean ms",
                "srv",
                "gen"
            );
            for row in &self.timers {
                println!("{}", row.line());
            }
        }
    }
}
