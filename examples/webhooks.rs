//! Webhook delivery figures for docs/performance.md: the throughput of deliveries to one
//! receiver, and the latency a delivery adds after the commit, at a steady load.
//!
//! ```text
//! cargo build --release && cargo run --release --example webhooks -- [--backlog 5000] [--rate 100] [--duration 10]
//! ```
//!
//! It starts `target/release/govflow serve --webhooks` on a fresh temp directory (system
//! clock) and a receiver on 127.0.0.1 that answers 200 at once.
//!
//! * **Throughput**: `--backlog` cases are opened first (one `opened` event each); then
//!   one subscription from the start of the feed is created and the time until the
//!   receiver has every event is measured. Deliveries of one subscription are sequential
//!   (feed order), so this is one connection's rate.
//! * **Latency**: a subscription from the feed's head; cases are opened at `--rate` per
//!   second for `--duration` seconds (open loop), and each delivery's arrival is compared
//!   with its submission: from the `201` (the commit is acknowledged, so this is at most
//!   the latency after the commit) and from the request being sent (at least it).

// Shared with the load generator; this example needs only `Latency` and `micros`.
#[path = "loadgen/stats.rs"]
#[allow(dead_code)]
mod stats;

use anyhow::{bail, Context as _};
use axum::body::Bytes;
use axum::extract::State;
use serde_json::{json, Value};
use stats::{micros, Latency};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, clap::Parser)]
#[command(about = "Webhook delivery throughput and latency (see docs/performance.md)")]
struct Args {
    /// The server binary, relative to the repository.
    #[arg(long, default_value = "target/release/govflow")]
    bin: PathBuf,
    /// Events waiting when the throughput subscription starts.
    #[arg(long, default_value_t = 5000)]
    backlog: usize,
    /// Cases opened per second during the latency run.
    #[arg(long, default_value_t = 100.0)]
    rate: f64,
    /// Seconds of the latency run.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
}

const ADMIN: &str = "webhooks-bench-admin-0123456789";
const CITIZEN: &str = "webhooks-bench-citizen-0123456";

/// When each delivery of a case arrived, by case id.
type Arrivals = Arc<Mutex<HashMap<String, Instant>>>;

struct Served {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(bin: &std::path::Path, repo: &std::path::Path) -> anyhow::Result<Served> {
    if !bin.exists() {
        bail!(
            "`{}` does not exist; run `cargo build --release` first",
            bin.display()
        );
    }
    let dir = tempfile::Builder::new()
        .prefix("govflow-webhooks")
        .tempdir()?;
    let tokens = dir.path().join("tokens.yaml");
    std::fs::write(
        &tokens,
        format!(
            "tokens:\n\
             - {{token: {ADMIN}, actor: admin, city: '*', department: '', roles: [admin]}}\n\
             - {{token: {CITIZEN}, actor: citizen, city: wanzhou, department: '', roles: [applicant]}}\n"
        ),
    )?;
    let config = dir.path().join("webhooks.yaml");
    std::fs::write(&config, "allow: [\"http://127.0.0.1:*\"]\ntimeout: 5s\n")?;
    let mut command = govflow_testkit::serve_command(bin, repo, &dir.path().join("data"), &tokens);
    command.arg("--webhooks").arg(&config);
    let log = dir.path().join("serve.log");
    let (child, base) =
        govflow_testkit::spawn_listening(command, &log).map_err(anyhow::Error::msg)?;
    Ok(Served {
        child,
        base,
        _dir: dir,
    })
}

async fn receive(State(arrivals): State<Arrivals>, body: Bytes) -> &'static str {
    let now = Instant::now();
    if let Ok(event) = serde_json::from_slice::<Value>(&body) {
        if let Some(case) = event["data"]["case"].as_str() {
            arrivals.lock().unwrap().insert(case.to_owned(), now);
        }
    }
    "ok"
}

async fn open_case(client: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let reply = client
        .post(format!("{base}/v1/cases"))
        .bearer_auth(CITIZEN)
        .json(&json!({"city": "wanzhou", "procedure": "data_verification", "provider": "区公安局"}))
        .send()
        .await?;
    if reply.status() != reqwest::StatusCode::CREATED {
        bail!("submit answered {}", reply.status());
    }
    let case: Value = reply.json().await?;
    Ok(case["id"].as_str().context("a case id")?.to_owned())
}

async fn subscribe(
    client: &reqwest::Client,
    base: &str,
    url: &str,
    after: Option<u64>,
) -> anyhow::Result<()> {
    let reply = client
        .post(format!("{base}/v1/subscriptions"))
        .bearer_auth(ADMIN)
        .json(&json!({"url": url, "kinds": ["opened"], "city": "wanzhou", "after": after}))
        .send()
        .await?;
    if reply.status() != reqwest::StatusCode::CREATED {
        bail!(
            "subscribe answered {}: {}",
            reply.status(),
            reply.text().await?
        );
    }
    Ok(())
}

async fn wait_all(arrivals: &Arrivals, n: usize) {
    while arrivals.lock().unwrap().len() < n {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = <Args as clap::Parser>::parse();
    let repo = govflow_testkit::repo_root();
    let arrivals: Arrivals = Arc::default();
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(arrivals.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let hook = format!("http://{}/hook", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::new();

    // Throughput: a backlog, then one subscription from the start of the feed.
    let served = serve(&repo.join(&args.bin), &repo)?;
    let mut opening = tokio::task::JoinSet::new();
    let per_task = args.backlog.div_ceil(16);
    for _ in 0..16 {
        let (client, base) = (client.clone(), served.base.clone());
        opening.spawn(async move {
            for _ in 0..per_task {
                open_case(&client, &base).await?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(done) = opening.join_next().await {
        done??;
    }
    let backlog = per_task * 16;
    let started = Instant::now();
    subscribe(&client, &served.base, &hook, Some(0)).await?;
    wait_all(&arrivals, backlog).await;
    let took = started.elapsed();
    println!(
        "throughput: {backlog} deliveries to one receiver in {:.2} s = {:.0} deliveries/s",
        took.as_secs_f64(),
        backlog as f64 / took.as_secs_f64()
    );
    drop(served);
    arrivals.lock().unwrap().clear();

    // Latency: a subscription from the head, cases opened at a steady rate.
    let served = serve(&repo.join(&args.bin), &repo)?;
    subscribe(&client, &served.base, &hook, None).await?;
    let n = (args.rate * args.duration) as usize;
    let interval = Duration::from_secs_f64(1.0 / args.rate);
    let mut ticks = tokio::time::interval(interval);
    let mut sent = tokio::task::JoinSet::new();
    for _ in 0..n {
        ticks.tick().await;
        let (client, base) = (client.clone(), served.base.clone());
        sent.spawn(async move {
            let at = Instant::now();
            let case = open_case(&client, &base).await?;
            anyhow::Ok((case, at, Instant::now()))
        });
    }
    let mut submissions = Vec::with_capacity(n);
    while let Some(done) = sent.join_next().await {
        submissions.push(done??);
    }
    wait_all(&arrivals, n).await;
    let arrived = arrivals.lock().unwrap().clone();
    let (mut from_reply, mut from_send) = (Vec::new(), Vec::new());
    for (case, sent_at, replied_at) in &submissions {
        let at = arrived[case];
        from_reply.push(micros(at.saturating_duration_since(*replied_at)));
        from_send.push(micros(at.saturating_duration_since(*sent_at)));
    }
    let (reply, send) = (Latency::of(&mut from_reply), Latency::of(&mut from_send));
    println!(
        "latency at {} cases/s for {} s ({n} deliveries): from the 201 p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; \
         from sending the request p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        args.rate, args.duration, reply.p50_ms, reply.p99_ms, reply.max_ms, send.p50_ms, send.p99_ms, send.max_ms
    );
    Ok(())
}
