//! The service under load: a `govflow serve` the load generator starts on a temp data
//! directory (or one given by `--url`), and the CPU time of a process read from `/proc`.

use anyhow::bail;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

/// The provider of 区教委 in wanzhou: submits `catalog_update` cases and their `submit`.
pub const PROVIDER_TOKEN: &str = "loadgen-provider-edu-0123456789";
/// An admin: moves the simulated clock.
pub const ADMIN_TOKEN: &str = "loadgen-admin-0123456789abcdef";
/// Where the simulated clock starts: a Thursday before National Day 2023, as in
/// `cities/wanzhou/scenarios/catalog_update_lapse_ladder.yaml`.
pub const START: &str = "2023-09-28T09:00:00+08:00";

/// Where requests go, with the tokens to send.
pub struct Target {
    pub base: String,
    /// Further nodes of the same cluster (`--url A,B`): clients are spread over `base` and
    /// these; the clock, metrics and CPU are read from `base`.
    pub others: Vec<String>,
    pub provider: String,
    pub admin: String,
    /// The server's process when the load generator started it (for its CPU time).
    pub spawned: Option<Spawned>,
}

pub struct Spawned {
    child: Child,
    pub log: PathBuf,
    /// Removed (with the sled data) when the server is dropped.
    _dir: tempfile::TempDir,
}

impl Spawned {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The `--data` directory's size, to show what the run wrote.
    pub fn data_bytes(&self) -> u64 {
        govflow_testkit::dir_bytes(&self._dir.path().join("data"))
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        // The data directory is thrown away, so there is nothing to shut down cleanly.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Target {
    /// Starts `bin serve` on 127.0.0.1:0 with a fresh data directory and a simulated clock.
    pub fn spawn(bin: &Path, repo: &Path) -> anyhow::Result<Target> {
        if !bin.exists() {
            bail!(
                "`{}` does not exist; run `cargo build --release` first or pass `--bin`",
                bin.display()
            );
        }
        let dir = tempfile::Builder::new()
            .prefix("govflow-loadgen")
            .tempdir()?;
        let tokens = dir.path().join("tokens.yaml");
        std::fs::write(&tokens, tokens_file())?;
        let log = dir.path().join("serve.log");
        let mut command =
            govflow_testkit::serve_command(bin, repo, &dir.path().join("data"), &tokens);
        command.args(["--clock", "simulated", "--start", START]);
        let (child, base) =
            govflow_testkit::spawn_listening(command, &log).map_err(anyhow::Error::msg)?;
        Ok(Target {
            others: Vec::new(),
            base,
            provider: PROVIDER_TOKEN.to_owned(),
            admin: ADMIN_TOKEN.to_owned(),
            spawned: Some(Spawned {
                child,
                log,
                _dir: dir,
            }),
        })
    }

    pub fn pid(&self) -> Option<u32> {
        self.spawned.as_ref().map(Spawned::pid)
    }
}

pub fn tokens_file() -> String {
    format!(
        "tokens:\n\
         - {{token: {ADMIN_TOKEN}, actor: loadgen-admin, city: '*', department: '', roles: [admin]}}\n\
         - {{token: {PROVIDER_TOKEN}, actor: loadgen-edu, city: wanzhou, department: 区教委, roles: [provider]}}\n"
    )
}

/// User + system CPU time of a whole process (all its threads), from `/proc/PID/stat`.
pub fn cpu_time(pid: Option<u32>) -> Option<Duration> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/stat"),
        None => "/proc/self/stat".to_owned(),
    };
    let stat = std::fs::read_to_string(path).ok()?;
    // The command name (field 2) may hold spaces; the fields after it are plain.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 (utime, stime) are the 12th and 13th after the name, in clock ticks
    // of USER_HZ, which is 100 on Linux.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// CPU used by the load generator and the server over a stretch of wall time.
#[derive(Debug, Clone, Copy)]
pub struct CpuMark {
    at: Instant,
    own: Option<Duration>,
    server: Option<Duration>,
}

/// Cores busy on average (1.0 = one core the whole time).
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct CpuUse {
    pub loadgen_cores: Option<f64>,
    pub server_cores: Option<f64>,
}

impl CpuMark {
    pub fn now(server: Option<u32>) -> CpuMark {
        CpuMark {
            at: Instant::now(),
            own: cpu_time(None),
            server: server.and_then(|pid| cpu_time(Some(pid))),
        }
    }

    pub fn since(&self, earlier: &CpuMark) -> CpuUse {
        let wall = self.at.duration_since(earlier.at).as_secs_f64();
        let cores = |a: Option<Duration>, b: Option<Duration>| match (a, b) {
            (Some(a), Some(b)) if wall > 0.0 => Some(a.saturating_sub(b).as_secs_f64() / wall),
            _ => None,
        };
        CpuUse {
            loadgen_cores: cores(self.own, earlier.own),
            server_cores: cores(self.server, earlier.server),
        }
    }
}
