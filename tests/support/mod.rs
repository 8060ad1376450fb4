pub mod server;

use std::path::PathBuf;
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn path(relative: &str) -> PathBuf {
    root().join(relative)
}

/// Runs the real `govflow` binary from the repository root.
pub fn govflow(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govflow"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the govflow binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
