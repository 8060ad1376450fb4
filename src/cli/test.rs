//! `govflow test`: scenario files on the runtime; with `--coverage`, which articles each
//! city's scenarios exercise, and the "Scenario coverage" section of each city README.

use anyhow::Context as _;
use govflow_scenario::coverage::{with_section, CityCoverage};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Scenario files, pack directories or directories of packs (default: cities).
    paths: Vec<PathBuf>,
    /// Shared data: the holiday calendars and the regulation texts (default: policies).
    #[arg(long, default_value = "policies")]
    policies: PathBuf,
    /// After the run, per city: the articles the scenarios exercise and those the pack
    /// cites that none does.
    #[arg(long)]
    coverage: bool,
    /// How `--coverage` prints: a table per city, JSON, or each README section.
    #[arg(long, value_enum, default_value = "table", requires = "coverage")]
    format: Format,
    /// Rewrite the "Scenario coverage" section at the end of each city's README.md.
    #[arg(long, requires = "coverage", conflicts_with = "check")]
    write: bool,
    /// Exit non-zero if a city README's "Scenario coverage" section is not what the run
    /// gives (CI), instead of writing.
    #[arg(long, requires = "coverage")]
    check: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Table,
    Json,
    Markdown,
}

pub fn run(args: TestArgs) -> anyhow::Result<ExitCode> {
    let paths = super::default_paths(args.paths.clone());
    let summary = govflow_scenario::run_paths(&paths, &args.policies);
    // With JSON on stdout, the outcomes go to stderr.
    let json = args.coverage && args.format == Format::Json;
    for outcome in &summary.outcomes {
        if json {
            eprintln!("{outcome}");
        } else {
            println!("{outcome}");
        }
    }
    let tally = format!("{} passed, {} failed", summary.passed(), summary.failed());
    if json {
        eprintln!("{tally}");
    } else {
        println!("{tally}");
    }
    let mut ok = summary.failed() == 0 && !summary.outcomes.is_empty();
    if args.coverage {
        let coverage = summary.coverage();
        match args.format {
            Format::Table => {
                for (_, city) in &coverage {
                    print!("\n{}", city.table());
                }
            }
            Format::Json => {
                let cities: Vec<&CityCoverage> = coverage.iter().map(|(_, c)| c).collect();
                println!("{}", serde_json::to_string_pretty(&cities)?);
            }
            Format::Markdown => {
                for (_, city) in &coverage {
                    print!("\n{}", city.markdown());
                }
            }
        }
        if args.write || args.check {
            ok &= readmes(&coverage, args.check)?;
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Writes (or, with `check`, compares) each city README's coverage section; false when a
/// check finds one out of date.
fn readmes(coverage: &[(PathBuf, CityCoverage)], check: bool) -> anyhow::Result<bool> {
    let mut in_sync = true;
    for (dir, city) in coverage {
        let path = dir.join("README.md");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let updated = with_section(&text, &city.markdown());
        if updated == text {
            continue;
        }
        if check {
            in_sync = false;
            eprintln!(
                "{}: the \"Scenario coverage\" section is out of date; run `govflow test cities --coverage --write`",
                path.display()
            );
        } else {
            std::fs::write(&path, updated)
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(in_sync)
}
