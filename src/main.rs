//! `govflow`: run the service, check and test policy packs, compare cities, count deadlines.

mod cli;

use clap::Parser;
use std::process::ExitCode;

/// mimalloc instead of the system's malloc: see docs/performance.md ("Where the time goes").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
