use std::path::Path;
use std::process::ExitCode;

pub fn run(out: &Path, check: bool) -> anyhow::Result<ExitCode> {
    let mut stale = Vec::new();
    for (name, text) in govflow_loader::schemas() {
        let path = out.join(name);
        if check {
            if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(path.display().to_string());
            }
        } else {
            std::fs::create_dir_all(out)?;
            std::fs::write(&path, text)?;
            println!("wrote {}", path.display());
        }
    }
    if stale.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for path in stale {
        eprintln!("{path} is out of date; run `govflow schema`");
    }
    Ok(ExitCode::FAILURE)
}
