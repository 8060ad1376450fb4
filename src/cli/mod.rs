//! The command line. Each subcommand is a small module; all of them read packs through
//! `govflow-loader` and print diagnostics the same way.

mod calendar;
mod check;
mod classify;
mod explain;
mod matrix;
mod migrate;
mod schema;
mod serve;
mod store;
mod test;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "govflow",
    version,
    about = "Executes municipal regulations on government data resources from policy packs"
)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the service: the v1 HTTP API, durable timers, recurring obligations, hot reload.
    Serve(serve::ServeArgs),
    /// How every deadline of a case was derived: start basis and day, the rule and its
    /// article, the days counted, rest days and make-up days passed over, extensions.
    Explain(explain::ExplainArgs),
    /// Validate packs and report every problem as file:line:column.
    Check {
        /// Pack directories, or directories of packs (default: cities).
        paths: Vec<PathBuf>,
    },
    /// Run scenario files on the runtime, over an in-memory store and a simulated clock;
    /// `--coverage`: which articles they exercise, per city.
    Test(test::TestArgs),
    /// Count deadlines and classify days on the official calendar.
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
    /// Compare deadlines across cities: procedure, deadline, period, extension cap, article.
    Matrix {
        /// Pack directories, or directories of packs (default: cities).
        paths: Vec<PathBuf>,
        /// One JSON object per deadline.
        #[arg(long, conflicts_with = "markdown")]
        json: bool,
        /// The Markdown table of docs/matrix.md.
        #[arg(long)]
        markdown: bool,
    },
    /// List the classification rules a data resource breaks in a city.
    Classify(classify::ClassifyArgs),
    /// Copy a store into an empty other (e.g. sled to PostgreSQL) and verify the copy:
    /// `--from ./data --to postgres://…`. Stop the service first.
    Migrate(migrate::MigrateArgs),
    /// Write the JSON Schemas of the pack, procedure, scenario and calendar files.
    Schema {
        /// Where to write them (default: policies/schema).
        #[arg(long, default_value = "policies/schema")]
        out: PathBuf,
        /// Exit non-zero if the files on disk differ, instead of writing.
        #[arg(long)]
        check: bool,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Serve(args) => serve::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Check { paths } => check::run(&default_paths(paths)),
        Command::Test(args) => test::run(args),
        Command::Calendar(command) => calendar::run(command),
        Command::Schema { out, check } => schema::run(&out, check),
        Command::Matrix {
            paths,
            json,
            markdown,
        } => matrix::run(&default_paths(paths), json, markdown),
        Command::Classify(args) => classify::run(args),
        Command::Migrate(args) => migrate::run(args),
    }
}

fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from("cities")]
    } else {
        paths
    }
}

/// The pack directories a path names: itself if it holds a `pack.yaml`, else the packs
/// under it.
fn pack_dirs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, govflow_loader::Diagnostic> {
    let mut dirs = Vec::new();
    for path in paths {
        if path.join("pack.yaml").is_file() {
            dirs.push(path.clone());
        } else {
            dirs.extend(govflow_loader::pack_dirs(&govflow_loader::Disk, path)?);
        }
    }
    Ok(dirs)
}
