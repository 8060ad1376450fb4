//! The board at scale: fills a sled store with 1,000,000 cases (written as batches straight
//! to the store, the way a store written before the board counters holds them), starts the
//! runtime on it (which builds the counters and the case index once, from every case),
//! serves the real API and web routers on 127.0.0.1, signs in as an admin and times
//! `GET /ui/board` for a month, a year and a period that ended (the one that reads closed
//! cases by closing day), then the case list's first page (a city, a department, each with
//! a filter the index order does not cover) and a department's whole CSV, as the admin and
//! as a department's own person.
//!
//! ```text
//! cargo run --release --example board_scale -- [--cases 1000000] [--samples 50] [--data DIR]
//! ```
//!
//! With `--data DIR` a store filled before is used as it is (delete DIR to fill again).
//! The cases are copies of real 万州 cases at each point of their lives (opened, warned,
//! lapsed, its penalty case, closed on time, closed late), made by the runtime from the
//! real packs, then given their own id, one of the six cities' ids, one of 40
//! departments and a receipt day over 2024–2025, and closed 0–14 days after receipt. The
//! figures are in docs/performance.md.

use anyhow::Context as _;
use chrono::{DateTime, Days, Utc};
use govflow_api::{AppState, Tokens};
use govflow_case::OpenCase;
use govflow_model::{Actor, Case, CaseId, CityId, Jurisdiction};
use govflow_runtime::{Registry, Runtime, SimulatedClock, Sources, Submission, WallClockIds};
use govflow_store::{Batch, Expect, MemoryStore, SledStore, Store};
use serde_json::{json, Map};
use std::path::Path;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, clap::Parser)]
#[command(about = "Times the board over a store of many cases (see docs/performance.md)")]
struct Args {
    #[arg(long, default_value_t = 1_000_000)]
    cases: usize,
    /// Timed requests per board view.
    #[arg(long, default_value_t = 50)]
    samples: usize,
    /// Where the sled store lives (a temp directory by default).
    #[arg(long)]
    data: Option<PathBuf>,
}

const CITIES: [&str; 6] = [
    "chongqing",
    "jiaozuo",
    "liaocheng",
    "macun",
    "neijiang",
    "wanzhou",
];
const DEPARTMENTS: usize = 40;
const BATCH: usize = 20_000;
/// The simulated clock of the served runtime: every case was received before it.
const TODAY: &str = "2025-12-15T10:00:00+08:00";

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("a valid instant")
        .with_timezone(&Utc)
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sources() -> Sources {
    Sources {
        files: Arc::new(govflow_loader::Disk),
        cities: repo().join("cities"),
        policies: repo().join("policies"),
    }
}

fn actor(id: &str, department: &str, roles: &[&str]) -> Actor {
    Actor {
        id: id.into(),
        jurisdiction: Jurisdiction::City(CityId::new("wanzhou")),
        department: department.into(),
        roles: roles.iter().map(|r| (*r).into()).collect(),
    }
}

fn submission(procedure: &str, provider: &str) -> Submission {
    Submission {
        city: CityId::new("wanzhou"),
        case: OpenCase {
            procedure: procedure.into(),
            received_at: None,
            provider: Some(provider.into()),
            subject: None,
            period: None,
            data: Map::new(),
            parent: None,
            start: None,
        },
    }
}

/// Real cases at each point of their lives, decided by the runtime from the real packs.
fn templates() -> anyhow::Result<Vec<Case>> {
    let start = at("2023-09-28T09:00:00+08:00");
    let registry = Registry::load(sources(), start)?;
    let rt = Runtime::new(
        Arc::new(MemoryStore::new()),
        registry,
        Arc::new(SimulatedClock::new(start)),
        Arc::new(WallClockIds::default()),
    )?;
    let edu = actor("edu", "区教委", &["provider"]);
    let citizen = actor("citizen", "", &["applicant"]);
    let police = actor("police", "区公安局", &["provider"]);
    let approve: Map<_, _> = json!({"decision": "approve"})
        .as_object()
        .cloned()
        .unwrap_or_default();
    let open = |who: &Actor, procedure, provider| -> anyhow::Result<Case> {
        Ok(rt.submit(who, &submission(procedure, provider), None)?.case)
    };
    let fresh = open(&edu, "catalog_update", "区教委")?;
    let asked = open(&citizen, "data_verification", "区公安局")?;
    let on_time = open(&citizen, "data_verification", "区公安局")?;
    let on_time = rt.act(&police, &on_time.id, "reply", &approve)?;
    let warned = open(&edu, "catalog_update", "区教委")?;
    let late = open(&citizen, "data_verification", "区公安局")?;
    rt.advance(at("2023-10-16T09:00:00+08:00"))?;
    let warned = rt.case(&warned.id)?;
    rt.advance(at("2023-10-19T09:00:00+08:00"))?;
    let lapsed = rt.case(&fresh.id)?;
    let penalty = rt
        .cases(&govflow_store::CaseQuery {
            parent: Some(fresh.id.clone()),
            limit: 1,
            ..Default::default()
        })?
        .cases
        .remove(0);
    let late = rt.act(&police, &late.id, "reply", &approve)?;
    // Ten kinds, in these shares: open (green) 4, closed on time 2, warned (yellow) 1,
    // lapsed (red) 1, its penalty case (督办) 1, closed late 1.
    Ok(vec![
        fresh.clone(),
        asked.clone(),
        on_time.clone(),
        on_time,
        warned,
        asked,
        lapsed,
        penalty,
        late,
        fresh,
    ])
}

/// Case `i`: a copy of a template with its own id, city, department and days.
fn copy(templates: &[Case], i: usize) -> Case {
    let mut case = templates[i % templates.len()].clone();
    let closed_after = case.entered_at - case.received_at;
    case.id = CaseId::new(format!("bench-{i:07}"));
    case.city = CityId::new(CITIES[i % CITIES.len()]);
    case.provider = Some(format!("部门{:02}", (i / CITIES.len()) % DEPARTMENTS));
    let day = (i.wrapping_mul(7919) % 731) as u64;
    let received = at("2024-01-01T09:00:00+08:00") + Days::new(day);
    case.received_at = received;
    case.received_date = govflow_model::local_date(received);
    case.created_at = received;
    let closing = Days::new((i % 15) as u64);
    case.entered_at = if closed_after > chrono::Duration::zero() {
        received + closing
    } else {
        received
    };
    case
}

fn fill(store: &dyn Store, templates: &[Case], n: usize) -> anyhow::Result<()> {
    let mut i = 0;
    while i < n {
        let mut batch = Batch::new();
        for j in i..(i + BATCH).min(n) {
            batch.put_case(copy(templates, j), Expect::New);
        }
        store.commit(batch)?;
        i += BATCH;
    }
    Ok(())
}

fn set_cookie(r: &reqwest::blocking::Response) -> anyhow::Result<String> {
    let v = r
        .headers()
        .get("set-cookie")
        .context("a cookie")?
        .to_str()?;
    Ok(v.split(';').next().unwrap_or_default().to_owned())
}

/// Signs in at `base` with `token`; the session cookie.
fn sign_in(client: &reqwest::blocking::Client, base: &str, token: &str) -> anyhow::Result<String> {
    let form = client.get(format!("{base}/ui/sign-in")).send()?;
    let pre = set_cookie(&form)?;
    let html = form.text()?;
    let at = html
        .find("name=\"csrf\" value=\"")
        .context("a CSRF field")?
        + 19;
    let csrf = &html[at..at + html[at..].find('"').context("a closing quote")?];
    let signed = client
        .post(format!("{base}/ui/sign-in"))
        .header("cookie", pre)
        .form(&[("csrf", csrf), ("token", token)])
        .send()?;
    anyhow::ensure!(
        signed.status() == 303,
        "signing in answered {}",
        signed.status()
    );
    set_cookie(&signed)
}

/// A tokens file with an admin acting everywhere and 部门07's provider in 万州; their
/// tokens.
fn tokens(dir: &Path) -> anyhow::Result<(Tokens, String, String)> {
    let (admin, department) = ("admin-token-0123456789", "department-token-0123456789");
    let path = dir.join("tokens.yaml");
    std::fs::write(
        &path,
        format!(
            "tokens:\n\
             - {{token: {admin}, actor: admin, city: \"*\", department: \"\", roles: [admin]}}\n\
             - {{token: {department}, actor: dept07, city: wanzhou, department: 部门07, roles: [provider]}}\n"
        ),
    )?;
    Ok((Tokens::load(&path)?, admin.into(), department.into()))
}

/// Times `samples` GETs of `path` (after one not counted) and prints p50/p99; `rows`
/// counts what the answer shows.
fn time(
    client: &reqwest::blocking::Client,
    base: &str,
    cookie: &str,
    what: &str,
    path: &str,
    samples: usize,
    rows: impl Fn(&str) -> usize,
) -> anyhow::Result<()> {
    let mut times = Vec::with_capacity(samples);
    let mut shown = 0;
    for _ in 0..samples + 1 {
        let started = Instant::now();
        let answer = client
            .get(format!("{base}{path}"))
            .header("cookie", cookie)
            .send()?;
        anyhow::ensure!(
            answer.status() == 200,
            "{path} answered {}",
            answer.status()
        );
        let body = answer.text()?;
        times.push(started.elapsed());
        shown = rows(&body);
    }
    // The first request warms the caches; it is not counted.
    times.remove(0);
    times.sort();
    println!(
        "GET {path} — {what}: {shown} rows; p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {} requests",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().map_or(0.0, |t| t.as_secs_f64() * 1e3),
        times.len()
    );
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() -> anyhow::Result<()> {
    let args: Args = clap::Parser::parse();
    let temp = tempfile::tempdir()?;
    let data = args
        .data
        .clone()
        .unwrap_or_else(|| temp.path().join("data"));
    let filled = data.exists();
    if !filled {
        let templates = templates()?;
        let size = serde_json::to_vec(&templates[0])?.len();
        let started = Instant::now();
        let store = SledStore::open(&data)?;
        fill(&store, &templates, args.cases)?;
        drop(store);
        println!(
            "filled {} cases (about {size} bytes of JSON each) in {:.1} s; {:.0} MiB on disk",
            args.cases,
            started.elapsed().as_secs_f64(),
            govflow_testkit::dir_bytes(&data) as f64 / 1048576.0
        );
    }
    let started = Instant::now();
    let store: Arc<dyn Store> = Arc::new(SledStore::open(&data)?);
    let registry = Registry::load(sources(), at(TODAY))?;
    let runtime = Runtime::new(
        store,
        registry,
        Arc::new(SimulatedClock::new(at(TODAY))),
        Arc::new(WallClockIds::default()),
    )?;
    println!(
        "opened the store and started the runtime in {:.1} s ({} board counters, {} case index entries{})",
        started.elapsed().as_secs_f64(),
        runtime.board_counters()?.len(),
        runtime.case_index()?.len(),
        if filled {
            ""
        } else {
            ", built from every case at this first start"
        }
    );

    let (tokens, token, department) = tokens(temp.path())?;
    let state = AppState::new(runtime, tokens);
    let app = govflow_api::router(state.clone()).merge(govflow_web::router(state));
    let server = tokio::runtime::Runtime::new()?;
    let listener = server.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let base = format!("http://{}", listener.local_addr()?);
    server.spawn(async move { axum::serve(listener, app).await });

    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let cookie = sign_in(&client, &base, &token)?;
    let departments = |html: &str| html.matches("data-department=").count();
    for (what, path) in [
        ("month (本月)", "/ui/board"),
        ("year (本年)", "/ui/board?period=year"),
        (
            "ended (2024-01-01..2024-06-30)",
            "/ui/board?period=custom&from=2024-01-01&to=2024-06-30",
        ),
    ] {
        time(
            &client,
            &base,
            &cookie,
            what,
            path,
            args.samples,
            departments,
        )?;
    }
    let cases = |html: &str| html.matches("<tr data-case=").count();
    let lines = |csv: &str| csv.lines().count().saturating_sub(1);
    let own = sign_in(&client, &base, &department)?;
    // 部门07 percent-encoded.
    let d07 = "%E9%83%A8%E9%97%A807";
    let views = [
        ("list, a city, first page", "/ui/cases?city=wanzhou".to_owned(), &cookie),
        (
            "list, a city, red only",
            "/ui/cases?city=wanzhou&light=red".to_owned(),
            &cookie,
        ),
        (
            "list, a department (admin), first page",
            format!("/ui/cases?city=wanzhou&department={d07}"),
            &cookie,
        ),
        (
            "list, a department (admin), received in 2025-06",
            format!("/ui/cases?city=wanzhou&department={d07}&received_from=2025-06-01&received_to=2025-06-30"),
            &cookie,
        ),
        (
            "list, the department's own person, first page",
            "/ui/cases".to_owned(),
            &own,
        ),
        (
            "list, the department's own person, closed on time in 2024",
            "/ui/cases?count=closed_on_time&period=custom&from=2024-01-01&to=2024-12-31".to_owned(),
            &own,
        ),
    ];
    for (what, path, who) in &views {
        time(&client, &base, who, what, path, args.samples, cases)?;
    }
    for (what, path, who) in [
        (
            "CSV, a department (admin)",
            format!("/ui/cases.csv?city=wanzhou&department={d07}"),
            &cookie,
        ),
        (
            "CSV, the department's own person",
            "/ui/cases.csv".to_owned(),
            &own,
        ),
    ] {
        time(&client, &base, who, what, &path, args.samples, lines)?;
    }
    Ok(())
}
