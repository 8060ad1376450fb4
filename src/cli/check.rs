use govflow_loader::{has_errors, load_pack, Disk, Severity};
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let dirs = match super::pack_dirs(paths) {
        Ok(d) => d,
        Err(d) => {
            eprintln!("{d}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let mut all = Vec::new();
    for dir in &dirs {
        let (pack, diagnostics) = load_pack(&Disk, dir);
        if let Some(p) = pack {
            println!(
                "ok {} ({}, {} procedures, {})",
                p.pack.city,
                p.pack.version,
                p.pack.procedures.len(),
                p.pack.regulation.status
            );
        }
        all.extend(diagnostics);
    }
    all.dedup();
    for d in &all {
        eprintln!("{d}");
    }
    let errors = all.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = all.len() - errors;
    if dirs.is_empty() {
        eprintln!(
            "no packs found under {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Ok(ExitCode::FAILURE);
    }
    eprintln!(
        "{} packs checked: {errors} errors, {warnings} warnings",
        dirs.len()
    );
    Ok(if has_errors(&all) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
