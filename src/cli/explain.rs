//! `govflow explain`: how every deadline of a case was derived, step by step, either from
//! a stopped service's store or from a running service (`GET /v1/cases/{id}/explain`).

use anyhow::{bail, Context as _};
use govflow_api::ExplanationView;
use govflow_model::CaseId;
use govflow_runtime::{Registry, Runtime, Sources, SystemClock, WallClockIds};
use govflow_store::SledStore;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The case id (`c-…`).
    case: String,
    /// The store of a stopped service (sled holds it exclusively while one runs).
    #[arg(long, default_value = "data", conflicts_with = "server")]
    data: PathBuf,
    /// One pack directory per city (with `--data`).
    #[arg(long, default_value = "cities", conflicts_with = "server")]
    cities: PathBuf,
    /// Holiday calendars and regulation texts (with `--data`).
    #[arg(long, default_value = "policies", conflicts_with = "server")]
    policies: PathBuf,
    /// Ask a running service instead, e.g. `http://127.0.0.1:8080`.
    #[arg(long, requires = "token")]
    server: Option<String>,
    /// The bearer token for `--server`.
    #[arg(long, requires = "server")]
    token: Option<String>,
    /// Print the JSON of `GET /v1/cases/{id}/explain` instead of sentences.
    #[arg(long)]
    json: bool,
}

pub fn run(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let view = match (&args.server, &args.token) {
        (Some(server), Some(token)) => from_server(server, token, &args.case)?,
        _ => from_store(&args)?,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&view)?);
    } else {
        print!("{}", text(&view));
    }
    Ok(ExitCode::SUCCESS)
}

/// Opens the store as `govflow serve` does (archiving the pack versions served, as it does
/// at start) and explains the case under its own pack version.
fn from_store(args: &ExplainArgs) -> anyhow::Result<ExplanationView> {
    let store = SledStore::open(&args.data).with_context(|| {
        format!(
            "opening the store in `{}` (stop the service first, or use --server)",
            args.data.display()
        )
    })?;
    let sources = Sources {
        files: Arc::new(govflow_loader::Disk),
        cities: args.cities.clone(),
        policies: args.policies.clone(),
    };
    let registry = Registry::load(sources, chrono::Utc::now())?;
    let runtime = Runtime::new(
        Arc::new(store),
        registry,
        Arc::new(SystemClock),
        Arc::new(WallClockIds::default()),
    )?;
    let explanation = runtime.explain(&CaseId::new(args.case.as_str()))?;
    Ok(ExplanationView::from(&explanation))
}

fn from_server(server: &str, token: &str, case: &str) -> anyhow::Result<ExplanationView> {
    let url = format!("{}/v1/cases/{case}/explain", server.trim_end_matches('/'));
    let response = reqwest::blocking::Client::new()
        .get(&url)
        .bearer_auth(token)
        .send()
        .with_context(|| format!("asking {url}"))?;
    let status = response.status();
    let body: serde_json::Value = response
        .json()
        .with_context(|| format!("reading the answer of {url}"))?;
    if !status.is_success() {
        let detail = body["detail"].as_str().unwrap_or_default();
        bail!("{url} answered {status}: {detail}");
    }
    Ok(serde_json::from_value(body)?)
}

/// The explanation as numbered sentences, one block per deadline.
fn text(view: &ExplanationView) -> String {
    let years = match (view.calendar_years.first(), view.calendar_years.last()) {
        (Some(first), Some(last)) => format!("State Council schedules {first}–{last}"),
        _ => "no State Council schedule (weekends only)".to_owned(),
    };
    let mut out = format!(
        "case {} ({} {}, state {}), pack {}; calendar: {years}\n",
        view.case, view.city, view.procedure, view.state, view.pack_version
    );
    if view.deadlines.is_empty() {
        out.push_str("\nThe case has no deadline.\n");
    }
    for d in &view.deadlines {
        out.push_str(&format!(
            "\n{} (state {}): due {}{}, {} — {}\n",
            d.name,
            d.state,
            d.due_date,
            if d.provisional { " (provisional)" } else { "" },
            d.status,
            d.article
        ));
        for (i, step) in d.steps.iter().enumerate() {
            out.push_str(&format!("  {}. {}\n", i + 1, step.sentence));
        }
    }
    out
}
