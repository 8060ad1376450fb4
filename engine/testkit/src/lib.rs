//! What govflow's test harnesses share, for use as a dev-dependency only: where the
//! repository is, copies of its packs and policies that a test may edit, starting the
//! `govflow serve` binary, and waiting for an outcome that another thread (a file watcher,
//! a server) brings about.
//!
//! It depends on nothing but `std`, so even the pure crates can use it in their tests.
//! Every helper panics with the path or the awaited outcome in its message: a failing
//! set-up is a failing test, never a silent default.
//!
//! ```
//! let root = tempfile::tempdir().unwrap();
//! let (cities, policies) = govflow_testkit::copy_sources(root.path());
//! assert!(cities.join("wanzhou/pack.yaml").is_file());
//! assert!(policies.join("calendars").is_dir());
//! ```

pub mod postgres;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How often [`wait_for`] asks again.
const POLL: Duration = Duration::from_millis(50);

/// The repository root (the workspace's directory), whichever crate's test asks.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("engine/testkit lies two levels below the repository root")
        .to_path_buf()
}

/// Copies the directory `from` into `to` (created if missing), recursively.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("cannot create `{}`: {e}", to.display()));
    let entries = std::fs::read_dir(from)
        .unwrap_or_else(|e| panic!("cannot read the directory `{}`: {e}", from.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("cannot read in `{}`: {e}", from.display()));
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if source.is_dir() {
            copy_tree(&source, &target);
        } else {
            std::fs::copy(&source, &target).unwrap_or_else(|e| {
                panic!(
                    "cannot copy `{}` to `{}`: {e}",
                    source.display(),
                    target.display()
                )
            });
        }
    }
}

/// Copies the repository's `cities/` and `policies/` under `root`, side by side as in the
/// repository (packs cite their regulation texts as `../../policies/regulations/…`), for
/// tests that edit them; returns the two copies, `(cities, policies)`.
pub fn copy_sources(root: &Path) -> (PathBuf, PathBuf) {
    let (cities, policies) = (root.join("cities"), root.join("policies"));
    copy_tree(&repo_root().join("cities"), &cities);
    copy_tree(&repo_root().join("policies"), &policies);
    (cities, policies)
}

/// Appends `text` to the existing `file`.
pub fn append(file: &Path, text: &str) {
    let mut content = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("cannot read `{}`: {e}", file.display()));
    content.push_str(text);
    std::fs::write(file, content)
        .unwrap_or_else(|e| panic!("cannot write `{}`: {e}", file.display()));
}

/// Polls `probe` until it returns `Some`, and returns that; panics naming `what` once
/// `limit` has passed. `limit` is patience, never a measure of speed: pick one that a
/// slow machine meets with room to spare.
pub fn wait_for<T>(limit: Duration, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(
            started.elapsed() < limit,
            "gave up after {limit:?} waiting for {what}"
        );
        std::thread::sleep(POLL);
    }
}

/// Starts `command` (a `govflow serve … --listen 127.0.0.1:0`) with its stderr appended to
/// `log`, and waits for the line it prints once it listens (`govflow listening on ADDR`);
/// returns the process and `ADDR`. Its stdout is drained from then on, so it never blocks
/// on a full pipe. When it exits before listening, the error is what it logged.
/// `bin serve` on a free loopback port, with its data in `data`, the tokens file `tokens`,
/// and the packs and policies of `repo`; the caller adds the rest (`--clock`,
/// `--webhooks`…) and starts it with [`spawn_listening`].
pub fn serve_command(bin: &Path, repo: &Path, data: &Path, tokens: &Path) -> Command {
    let mut command = Command::new(bin);
    command
        .arg("serve")
        .args(["--listen", "127.0.0.1:0"])
        .arg("--data")
        .arg(data)
        .arg("--cities")
        .arg(repo.join("cities"))
        .arg("--policies")
        .arg(repo.join("policies"))
        .arg("--auth")
        .arg(tokens);
    command
}

/// The bytes of every file under `dir` (0 if it cannot be read).
pub fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_bytes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

pub fn spawn_listening(mut command: Command, log: &Path) -> Result<(Child, String), String> {
    let stderr = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| format!("cannot open the server log `{}`: {e}", log.display()))?;
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("cannot start {command:?}: {e}"))?;
    let mut lines = child
        .stdout
        .take()
        .map(|out| BufReader::new(out).lines())
        .ok_or("the server's stdout is not piped")?;
    let address = lines.by_ref().map_while(Result::ok).find_map(|line| {
        line.strip_prefix("govflow listening on ")
            .and_then(|rest| rest.split_whitespace().next())
            .map(str::to_owned)
    });
    let Some(address) = address else {
        let _ = child.wait();
        return Err(format!(
            "govflow serve exited before listening:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        ));
    };
    std::thread::spawn(move || lines.for_each(drop));
    Ok((child, address))
}
