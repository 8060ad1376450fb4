use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(paths: &[PathBuf], calendars: &Path) -> anyhow::Result<ExitCode> {
    let calendar = super::calendar::load(calendars)?;
    let summary = govflow_scenario::run_paths(paths, &calendar);
    for outcome in &summary.outcomes {
        println!("{outcome}");
    }
    println!("{} passed, {} failed", summary.passed(), summary.failed());
    Ok(if summary.failed() == 0 && !summary.outcomes.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
