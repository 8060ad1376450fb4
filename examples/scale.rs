//! The scale benchmark: a store with a million open cases, what it costs, and how the
//! service holds up on it.
//!
//! ```text
//! cargo build --release --bin govflow --example scale
//! target/release/examples/scale [--cases 1000000] [--json]
//! ```
//!
//! One `govflow serve` on a fresh sled directory, on a simulated clock:
//! 1. opens `--cases` cases of wanzhou's `catalog_update` (each with one deadline and its
//!    warning and lapse timers) through `POST /v1/cases:batch`, 64 at a time;
//! 2. reads the server's resident memory and the data directory's size per case, and what
//!    each table of the store holds (keys and values, per case);
//! 3. times the board, the case list and `GET /v1/cases` as a city-wide viewer sees them;
//! 4. stops the server with SIGTERM, starts it again on the same directory and times the
//!    restart: until it listens, until `/healthz` answers, until a new case is opened and
//!    the board answers (full service);
//! 5. moves the clock past every deadline at once (`Prefer: respond-async`) and polls
//!    `GET /v1/clock` until the move ends: every warning, every lapse and a penalty case per
//!    lapse; then memory and disk again.
//!
//! The figures and how to read them are in docs/performance.md, "A million cases".

// Shared with the load generator; this benchmark uses part of each.
#[allow(dead_code)]
#[path = "loadgen/server.rs"]
mod server;
#[allow(dead_code)]
#[path = "loadgen/stats.rs"]
mod stats;

use anyhow::{bail, Context as _};
use chrono::{DateTime, Utc};
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, COOKIE, SET_COOKIE};
use reqwest::{Client, StatusCode};
use serde::Serialize;
use serde_json::{json, Value};
use stats::{Latency, Scrape};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

#[derive(Debug, clap::Parser)]
#[command(about = "A million open cases: memory, disk, restart and catch-up (docs/performance.md)")]
struct Args {
    /// The server binary, relative to the repository.
    #[arg(long, default_value = "target/release/govflow")]
    bin: PathBuf,
    /// Cases opened before the measurements.
    #[arg(long, default_value_t = 1_000_000)]
    cases: usize,
    /// Concurrent clients opening them, each sending batches of 64.
    #[arg(long, default_value_t = 4)]
    clients: usize,
    /// Requests per timed read (board, list, API list).
    #[arg(long, default_value_t = 20)]
    reads: usize,
    /// Also print the results as JSON.
    #[arg(long)]
    json: bool,
}

const BATCH: usize = 64;

#[derive(Debug, Default, Serialize)]
struct Report {
    cases: usize,
    open_seconds: f64,
    opened_per_second: f64,
    open: Footprint,
    reads: BTreeMap<String, Latency>,
    restart: Restart,
    catch_up: CatchUp,
    after_catch_up: Footprint,
}

/// What the server holds for the store at one moment.
#[derive(Debug, Default, Serialize)]
struct Footprint {
    rss_mib: f64,
    peak_rss_mib: f64,
    disk_mib: f64,
    disk_bytes_per_case: f64,
    /// Per table (key prefix): entries, and key + value bytes per opened case.
    tables: BTreeMap<String, Table>,
}

#[derive(Debug, Default, Serialize)]
struct Table {
    entries: u64,
    bytes_per_case: f64,
}

#[derive(Debug, Default, Serialize)]
struct Restart {
    /// SIGTERM until the process exited.
    stop_ms: f64,
    listening_ms: f64,
    healthz_ms: f64,
    /// Until a new case was opened and the board answered: full service.
    serving_ms: f64,
}

#[derive(Debug, Default, Serialize)]
struct CatchUp {
    moved_to: String,
    seconds: f64,
    fired: u64,
    warnings: u64,
    lapses: u64,
    penalty_cases: u64,
    timers_per_second: f64,
}

/// The server on a data directory that outlives it.
struct Node {
    child: Child,
    base: String,
}

struct Setup {
    bin: PathBuf,
    repo: PathBuf,
    dir: tempfile::TempDir,
}

impl Setup {
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn start(&self) -> anyhow::Result<Node> {
        let tokens = self.dir.path().join("tokens.yaml");
        std::fs::write(&tokens, server::tokens_file())?;
        let mut command =
            govflow_testkit::serve_command(&self.bin, &self.repo, &self.data(), &tokens);
        command.args(["--clock", "simulated", "--start", server::START]);
        let log = self.dir.path().join("serve.log");
        let (child, base) =
            govflow_testkit::spawn_listening(command, &log).map_err(anyhow::Error::msg)?;
        Ok(Node { child, base })
    }
}

impl Node {
    fn stop(mut self) -> anyhow::Result<()> {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status()?;
        let status = self.child.wait()?;
        if !status.success() {
            bail!("the server exited with {status} on SIGTERM");
        }
        Ok(())
    }

    /// Resident and peak resident memory, MiB, from `/proc/PID/status`.
    fn memory(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
                .map_or(0.0, |kib| kib / 1024.0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}

fn main() -> anyhow::Result<()> {
    let args = <Args as clap::Parser>::parse();
    tokio::runtime::Runtime::new()?.block_on(run(args))
}

async fn run(args: Args) -> anyhow::Result<()> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let setup = Setup {
        bin: repo.join(&args.bin),
        repo,
        dir: tempfile::Builder::new().prefix("govflow-scale").tempdir()?,
    };
    let client = Client::builder()
        .pool_max_idle_per_host(args.clients + 4)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(600))
        .build()?;
    let provider = HeaderValue::from_str(&format!("Bearer {}", server::PROVIDER_TOKEN))?;
    let admin = HeaderValue::from_str(&format!("Bearer {}", server::ADMIN_TOKEN))?;
    let mut report = Report {
        cases: args.cases,
        ..Report::default()
    };

    let node = setup.start()?;
    let now: Value = get_json(&client, &format!("{}/v1/clock", node.base), &admin).await?;
    let case = json!({"city": "wanzhou", "procedure": "catalog_update", "provider": "区教委",
                      "received_at": now["now"]});
    let started = Instant::now();
    let sample = open(
        &client,
        &node.base,
        &provider,
        &case,
        args.cases,
        args.clients,
    )
    .await?;
    report.open_seconds = started.elapsed().as_secs_f64();
    report.opened_per_second = args.cases as f64 / report.open_seconds;
    eprintln!(
        "opened {} cases in {:.1} s ({:.0}/s)",
        args.cases, report.open_seconds, report.opened_per_second
    );
    let session = sign_in(&client, &node.base).await?;
    for (name, path, auth) in [
        ("board", "/ui/board", None),
        ("list, first page", "/ui/cases", None),
        ("list, a department", "/ui/cases?department=区教委", None),
        ("api, first page", "/v1/cases?limit=50", Some(&admin)),
    ] {
        let latency = timed_reads(&client, &node.base, path, &session, auth, args.reads).await?;
        eprintln!(
            "{name}: p50 {} ms, p99 {} ms",
            latency.p50_ms, latency.p99_ms
        );
        report.reads.insert(name.to_owned(), latency);
    }
    let (rss, peak) = node.memory();
    let stop = Instant::now();
    node.stop()?;
    report.restart.stop_ms = stop.elapsed().as_secs_f64() * 1000.0;
    report.open = footprint(&setup.data(), args.cases, rss, peak)?;
    eprintln!("open: {}", report.open.line());

    let start = Instant::now();
    let node = setup.start()?;
    report.restart.listening_ms = start.elapsed().as_secs_f64() * 1000.0;
    loop {
        let ok = client
            .get(format!("{}/healthz", node.base))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        if ok {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    report.restart.healthz_ms = start.elapsed().as_secs_f64() * 1000.0;
    post_ok(
        &client,
        &format!("{}/v1/cases", node.base),
        &provider,
        &case,
    )
    .await?;
    let session = sign_in(&client, &node.base).await?;
    timed_reads(&client, &node.base, "/ui/board", &session, None, 1).await?;
    report.restart.serving_ms = start.elapsed().as_secs_f64() * 1000.0;
    eprintln!(
        "restart: stop {:.0} ms, listening {:.0} ms, healthz {:.0} ms, serving {:.0} ms",
        report.restart.stop_ms,
        report.restart.listening_ms,
        report.restart.healthz_ms,
        report.restart.serving_ms
    );

    report.catch_up = catch_up(&client, &node.base, &admin, &sample).await?;
    eprintln!(
        "catch-up: {} timers in {:.1} s ({:.0}/s), {} penalty cases",
        report.catch_up.fired,
        report.catch_up.seconds,
        report.catch_up.timers_per_second,
        report.catch_up.penalty_cases
    );
    let (rss, peak) = node.memory();
    node.stop()?;
    report.after_catch_up = footprint(&setup.data(), args.cases, rss, peak)?;
    eprintln!("after catch-up: {}", report.after_catch_up.line());
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    }
    Ok(())
}

/// Opens `n` cases (the last batch may be smaller); one case's answer, for its instants.
async fn open(
    client: &Client,
    base: &str,
    provider: &HeaderValue,
    case: &Value,
    n: usize,
    clients: usize,
) -> anyhow::Result<Value> {
    let next = Arc::new(AtomicUsize::new(0));
    let batch =
        |items: usize| serde_json::to_vec(&json!({ "items": vec![json!({"case": case}); items] }));
    let (full, last): (Arc<[u8]>, Arc<[u8]>) = (batch(BATCH)?.into(), batch(n % BATCH)?.into());
    let mut workers = JoinSet::new();
    for _ in 0..clients {
        let (client, next, full, last, provider) = (
            client.clone(),
            next.clone(),
            full.clone(),
            last.clone(),
            provider.clone(),
        );
        let url = format!("{base}/v1/cases:batch");
        workers.spawn(async move {
            let mut sample = None;
            loop {
                let from = next.fetch_add(BATCH, Ordering::Relaxed);
                if from >= n {
                    return anyhow::Ok(sample);
                }
                let body = if n - from < BATCH { &last } else { &full };
                let response = client
                    .post(&url)
                    .header(AUTHORIZATION, provider.clone())
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.to_vec())
                    .send()
                    .await?;
                if response.status() != StatusCode::OK {
                    bail!("batch answered {}", response.status());
                }
                let answer: Value = response.json().await?;
                let items = answer["items"].as_array().context("no `items`")?;
                if let Some(bad) = items.iter().find(|i| i["status"] != 201) {
                    bail!("a batch item was not opened: {bad}");
                }
                if sample.is_none() {
                    sample = items.first().map(|i| i["case"].clone());
                }
            }
        });
    }
    let mut sample = None;
    while let Some(done) = workers.join_next().await {
        sample = sample.or(done??);
    }
    sample.context("no case was opened")
}

/// Moves the clock one second past the sample's lapse instant (every opened case has the
/// same instants) without waiting, then polls until the move ends.
async fn catch_up(
    client: &Client,
    base: &str,
    admin: &HeaderValue,
    sample: &Value,
) -> anyhow::Result<CatchUp> {
    let due_at: DateTime<Utc> = serde_json::from_value(sample["deadlines"][0]["due_at"].clone())
        .context("the opened case has no `deadlines[0].due_at`")?;
    // The lapse timer is due one second after `due_at` (23:59:59 local).
    let to = due_at + chrono::Duration::seconds(2);
    let before = Scrape::fetch(client, base).await?;
    let started = Instant::now();
    let response = client
        .post(format!("{base}/v1/admin/clock"))
        .header(AUTHORIZATION, admin.clone())
        .header("Prefer", "respond-async")
        .json(&json!({ "now": to }))
        .send()
        .await?;
    if !response.status().is_success() {
        bail!("the clock move answered {}", response.status());
    }
    loop {
        let clock = get_json(client, &format!("{base}/v1/clock"), admin).await?;
        if clock.get("moving").is_none_or(Value::is_null) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let seconds = started.elapsed().as_secs_f64();
    let after = Scrape::fetch(client, base).await?;
    let counter = |name: &str| after.delta(&before, name) as u64;
    let (warnings, lapses) = (
        counter("govflow_warnings_fired_total"),
        counter("govflow_lapses_fired_total"),
    );
    Ok(CatchUp {
        moved_to: to.to_rfc3339(),
        seconds,
        fired: warnings + lapses,
        warnings,
        lapses,
        penalty_cases: counter("govflow_cases_opened_total"),
        timers_per_second: (warnings + lapses) as f64 / seconds,
    })
}

/// A web session of the city-wide supervisor of wanzhou (the admin token sees every city).
async fn sign_in(client: &Client, base: &str) -> anyhow::Result<HeaderValue> {
    let form = client.get(format!("{base}/ui/sign-in")).send().await?;
    let csrf_cookie = first_cookie(&form).context("the sign-in form set no CSRF cookie")?;
    let csrf = csrf_cookie
        .split_once('=')
        .map(|(_, v)| v.to_owned())
        .unwrap_or_default();
    let signed = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?
        .post(format!("{base}/ui/sign-in"))
        .header(COOKIE, &csrf_cookie)
        .form(&[("token", server::ADMIN_TOKEN), ("csrf", csrf.as_str())])
        .send()
        .await?;
    let session = first_cookie(&signed).context("signing in set no session cookie")?;
    Ok(HeaderValue::from_str(&session)?)
}

fn first_cookie(response: &reqwest::Response) -> Option<String> {
    let value = response.headers().get(SET_COOKIE)?.to_str().ok()?;
    Some(value.split(';').next()?.to_owned())
}

/// `n` sequential GETs of `path`, each answered 200 and read to the end.
async fn timed_reads(
    client: &Client,
    base: &str,
    path: &str,
    session: &HeaderValue,
    bearer: Option<&HeaderValue>,
    n: usize,
) -> anyhow::Result<Latency> {
    let mut micros = Vec::with_capacity(n);
    for _ in 0..n {
        let mut request = client.get(format!("{base}{path}"));
        request = match bearer {
            Some(token) => request.header(AUTHORIZATION, token.clone()),
            None => request.header(COOKIE, session.clone()),
        };
        let started = Instant::now();
        let response = request.send().await?;
        let status = response.status();
        response.bytes().await?;
        if status != StatusCode::OK {
            bail!("GET {path} answered {status}");
        }
        micros.push(stats::micros(started.elapsed()));
    }
    Ok(Latency::of(&mut micros))
}

async fn get_json(client: &Client, url: &str, auth: &HeaderValue) -> anyhow::Result<Value> {
    Ok(client
        .get(url)
        .header(AUTHORIZATION, auth.clone())
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?)
}

async fn post_ok(
    client: &Client,
    url: &str,
    auth: &HeaderValue,
    body: &Value,
) -> anyhow::Result<()> {
    client
        .post(url)
        .header(AUTHORIZATION, auth.clone())
        .json(body)
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

/// Memory as read before the stop; disk and tables from the stopped store's directory.
fn footprint(
    data: &Path,
    cases: usize,
    rss_mib: f64,
    peak_rss_mib: f64,
) -> anyhow::Result<Footprint> {
    let disk = govflow_testkit::dir_bytes(data);
    let db = sled::open(data).context("opening the stopped store to count its tables")?;
    let mut tables: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for entry in db.iter() {
        let (key, value) = entry?;
        let end = key
            .iter()
            .position(|&b| b == b'/')
            .map_or(key.len(), |i| i + 1);
        let table = String::from_utf8_lossy(&key[..end]).into_owned();
        let slot = tables.entry(table).or_default();
        slot.0 += 1;
        slot.1 += (key.len() + value.len()) as u64;
    }
    Ok(Footprint {
        rss_mib,
        peak_rss_mib,
        disk_mib: disk as f64 / (1 << 20) as f64,
        disk_bytes_per_case: disk as f64 / cases as f64,
        tables: tables
            .into_iter()
            .map(|(name, (entries, bytes))| {
                let table = Table {
                    entries,
                    bytes_per_case: bytes as f64 / cases as f64,
                };
                (name, table)
            })
            .collect(),
    })
}

impl Footprint {
    fn line(&self) -> String {
        let tables: Vec<String> = self
            .tables
            .iter()
            .map(|(name, t)| format!("{name} {} ({:.0} B/case)", t.entries, t.bytes_per_case))
            .collect();
        format!(
            "RSS {:.0} MiB (peak {:.0}), disk {:.0} MiB = {:.0} B/case; {}",
            self.rss_mib,
            self.peak_rss_mib,
            self.disk_mib,
            self.disk_bytes_per_case,
            tables.join(", ")
        )
    }
}
