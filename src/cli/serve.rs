//! `govflow serve`: the durable service on its embedded defaults.

use super::store;
use anyhow::{bail, Context as _};
use chrono::{DateTime, Utc};
use govflow_api::{router, AppState, Tokens};
use govflow_runtime::{
    Clock, Registry, Runtime, SimulatedClock, Sources, SystemClock, WallClockIds,
};
use govflow_store::Store;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; without `--auth` it must be a loopback address.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Where cases, timers and events are stored (sled), unless `--store` names a database.
    #[arg(long, default_value = "data")]
    data: PathBuf,
    /// A PostgreSQL database to store everything in instead (`postgres://user:password@host:port/name`);
    /// also read from the environment variable `GOVFLOW_STORE`.
    #[arg(long)]
    store: Option<String>,
    /// One pack directory per city.
    #[arg(long, default_value = "cities")]
    cities: PathBuf,
    /// Shared data: holiday calendars, regulation texts.
    #[arg(long, default_value = "policies")]
    policies: PathBuf,
    /// Bearer tokens (`tokens: [{token, actor, city, department, roles}]`). Without it an
    /// admin token is generated and printed once.
    #[arg(long)]
    auth: Option<PathBuf>,
    /// `system`, or `simulated` for scenario runs and demos (moved by `POST /v1/admin/clock`).
    #[arg(long, value_enum, default_value = "system")]
    clock: ClockKind,
    /// Where the simulated clock starts (RFC 3339); now by default.
    #[arg(long)]
    start: Option<DateTime<chrono::FixedOffset>>,
    /// Deliver webhooks, configured by this YAML file (`allow:` the destinations that may
    /// be subscribed, `retry:`, `timeout:`, `rotation_window:`; docs/webhooks.md). Without
    /// it, subscribing is refused.
    #[arg(long)]
    webhooks: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ClockKind {
    System,
    Simulated,
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    init_tracing();
    if args.auth.is_none() && !args.listen.ip().is_loopback() {
        bail!(
            "without `--auth FILE` the service only listens on a loopback address (127.0.0.1); `{}` is not one",
            args.listen
        );
    }
    let clock: Arc<dyn Clock> = match (args.clock, args.start) {
        (ClockKind::System, Some(_)) => {
            bail!("`--start` sets the simulated clock; add `--clock simulated`")
        }
        (ClockKind::System, None) => Arc::new(SystemClock),
        (ClockKind::Simulated, start) => Arc::new(SimulatedClock::new(
            start.map_or_else(Utc::now, |s| s.with_timezone(&Utc)),
        )),
    };
    let (tokens, generated) = match &args.auth {
        Some(path) => (Tokens::load(path)?, None),
        None => {
            let (tokens, token) = Tokens::generated_admin();
            println!("admin token (printed once; start with --auth FILE to use your own): {token}");
            (tokens, Some(token))
        }
    };
    let policy = args
        .webhooks
        .as_deref()
        .map(govflow_webhooks::Policy::load)
        .transpose()?;
    let (store, location) = open_store(&args)?;
    let webhooks = policy
        .map(|p| govflow_webhooks::Webhooks::new(store.clone(), p).map(Arc::new))
        .transpose()?;
    let sources = Sources {
        files: Arc::new(govflow_loader::Disk),
        cities: args.cities.clone(),
        policies: args.policies.clone(),
    };
    // The registry logs every diagnostic of a pack that does not load.
    let registry = Registry::load(sources, clock.now())?;
    let runtime = Runtime::new(store, registry, clock, Arc::new(WallClockIds::default()))?;
    let scheduler = runtime.start_scheduler();
    let watcher = govflow_watch::watch(runtime.clone(), govflow_watch::DEFAULT_DEBOUNCE)?;
    let mut state = AppState::new(runtime.clone(), tokens);
    if let Some(webhooks) = &webhooks {
        state = state.with_webhooks(webhooks.clone());
    }
    let app = router(state.clone()).merge(govflow_web::router(state));
    let served = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let listener = tokio::net::TcpListener::bind(args.listen)
                .await
                .with_context(|| format!("listening on {}", args.listen))?;
            let local = listener.local_addr()?;
            if let Some(webhooks) = &webhooks {
                webhooks.start(runtime.feed_head());
            }
            println!(
                "govflow listening on http://{local} ({} clock)",
                runtime.clock().name()
            );
            if generated.is_some() {
                println!(
                    "sign in to the supervision board at http://{local}{} with the admin token",
                    govflow_web::SIGN_IN
                );
            }
            std::io::stdout().flush()?;
            tracing::info!(%local, store = %location, "serving");
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown_signal(runtime.clone()))
                .await
                .context("serving HTTP")
        });
    watcher.stop();
    scheduler.stop();
    tracing::info!("stopped");
    served?;
    Ok(ExitCode::SUCCESS)
}

/// The store `--store` (or `GOVFLOW_STORE`) names, else sled in `--data`; with a
/// description of it for the log that never holds a password.
fn open_store(args: &ServeArgs) -> anyhow::Result<(Arc<dyn Store>, String)> {
    let named = match &args.store {
        Some(store) => Some(store.clone()),
        None => std::env::var("GOVFLOW_STORE")
            .ok()
            .filter(|s| !s.is_empty()),
    };
    match named {
        Some(url) if store::is_postgres(&url) => store::postgres(&url, "`--store`"),
        Some(_) => bail!(
            "`--store` (or GOVFLOW_STORE) must be a `postgres://` URL; for sled use `--data DIR`"
        ),
        None => store::sled(&args.data),
    }
}

/// SIGTERM or Ctrl-C: stop firing between two chunks (a long clock move ends at once, the
/// rest firing at the next start), stop accepting, finish the requests in flight, then
/// return.
async fn shutdown_signal(runtime: Runtime) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    runtime.stop_work();
    tracing::info!("shutting down: finishing requests in flight");
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
