use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(paths: &[PathBuf], policies: &Path) -> anyhow::Result<ExitCode> {
    let summary = govflow_scenario::run_paths(paths, policies);
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
