//! A real PostgreSQL server for tests: `initdb` and `pg_ctl` in a temp directory, listening
//! on 127.0.0.1 and a free port, one server per test binary ([`shared`]) and a fresh
//! database per test ([`Server::database`]).
//!
//! `initdb` refuses to run as root, so as root the directory is handed to the `postgres`
//! user and every server command runs through `runuser -u postgres --`. The server is
//! stopped (`pg_ctl stop -m immediate`) and its directory removed when the [`Server`] is
//! dropped; the shared server lives as long as the test process, and a small reaper shell
//! stops it once that process has gone, however it ended. Nothing here skips: a machine
//! without PostgreSQL fails the test with the reason (`.ci/run` installs it).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The role `initdb` creates; trusted on loopback, so connection strings carry no password.
pub const USER: &str = "govflow";

/// One running PostgreSQL server.
pub struct Server {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

static SHARED: OnceLock<Server> = OnceLock::new();
static DATABASES: AtomicUsize = AtomicUsize::new(0);
static DIRS: AtomicUsize = AtomicUsize::new(0);

/// The server of this test binary, started on first use.
pub fn shared() -> &'static Server {
    SHARED.get_or_init(|| {
        let server = Server::start();
        server.reap_after(std::process::id());
        server
    })
}

impl Server {
    /// Initialises and starts a new server; panics with the server's own words if it cannot.
    pub fn start() -> Server {
        let bin = bin_dir();
        let as_postgres = running_as_root();
        let dir = std::env::temp_dir().join(format!(
            "govflow-pg-{}-{}",
            std::process::id(),
            DIRS.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create `{}`: {e}", dir.display()));
        let mut server = Server {
            bin,
            dir,
            port: 0,
            as_postgres,
        };
        if as_postgres {
            server.run(
                Command::new("chown")
                    .args(["-R", "postgres:postgres"])
                    .arg(&server.dir),
            );
        }
        let data = server.data_dir();
        server.run(
            server
                .tool("initdb")
                .args([
                    "-A",
                    "trust",
                    "-U",
                    USER,
                    "--no-sync",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "-D",
                ])
                .arg(&data),
        );
        // A port found free can be taken before the server binds it; try a few.
        let mut last = String::new();
        for _ in 0..5 {
            server.port = free_port();
            match server.try_start() {
                Ok(()) => return server,
                Err(e) => last = e,
            }
        }
        panic!(
            "PostgreSQL did not start in `{}`: {last}",
            server.dir.display()
        );
    }

    /// The port the server listens on, at 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A connection string for the database `name`.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{name}", self.port)
    }

    /// Creates a new, empty database and returns its connection string.
    pub fn database(&self) -> String {
        let name = format!(
            "t_{}_{}",
            std::process::id(),
            DATABASES.fetch_add(1, Ordering::Relaxed)
        );
        let port = self.port.to_string();
        self.run(
            Command::new(self.bin.join("createdb"))
                .args(["-h", "127.0.0.1", "-p", &port, "-U", USER])
                .arg(&name),
        );
        self.url(&name)
    }

    /// Stops the server at once, as a crash would (`pg_ctl restart -m immediate`), and
    /// starts it again on the same port.
    pub fn restart_immediately(&self) {
        let options = self.options();
        self.run(
            self.tool("pg_ctl")
                .args(["restart", "-w", "-m", "immediate", "-D"])
                .arg(self.data_dir())
                .args(["-l"])
                .arg(self.log())
                .args(["-o", &options]),
        );
    }

    fn try_start(&self) -> Result<(), String> {
        let output = self
            .tool("pg_ctl")
            .args(["start", "-w", "-D"])
            .arg(self.data_dir())
            .args(["-l"])
            .arg(self.log())
            .args(["-o", &self.options()])
            .output()
            .map_err(|e| format!("cannot run pg_ctl: {e}"))?;
        if output.status.success() {
            return Ok(());
        }
        Err(format!(
            "{}\n{}",
            describe(&output),
            std::fs::read_to_string(self.log()).unwrap_or_default()
        ))
    }

    fn options(&self) -> String {
        format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c max_connections=200",
            self.port,
            self.dir.display()
        )
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn log(&self) -> PathBuf {
        self.dir.join("server.log")
    }

    /// A server binary, run as the `postgres` user when the tests run as root.
    fn tool(&self, name: &str) -> Command {
        let program = self.bin.join(name);
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    fn run(&self, command: &mut Command) {
        let output = command
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
        assert!(
            output.status.success(),
            "{command:?} failed: {}",
            describe(&output)
        );
    }

    /// Stops the server once the process `pid` has exited (the shared server is never
    /// dropped: statics are not). The reaper outlives this process by design, so nothing
    /// waits for it.
    #[allow(clippy::zombie_processes)]
    fn reap_after(&self, pid: u32) {
        let stop = self.stop_command();
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {stop}; rm -rf '{}'",
            self.dir.display()
        );
        Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the PostgreSQL reaper: {e}"));
    }

    fn stop_command(&self) -> String {
        let pg_ctl = self.bin.join("pg_ctl");
        let prefix = if self.as_postgres {
            "runuser -u postgres -- "
        } else {
            ""
        };
        format!(
            "{prefix}'{}' stop -m immediate -D '{}' >/dev/null 2>&1",
            pg_ctl.display(),
            self.data_dir().display()
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("sh")
            .args(["-c", &self.stop_command()])
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The directory of `initdb` and `pg_ctl`: the newest `/usr/lib/postgresql/N/bin` (Debian),
/// else `pg_config --bindir`.
fn bin_dir() -> PathBuf {
    let debian = Path::new("/usr/lib/postgresql");
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir(debian)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    found.sort();
    if let Some((_, bin)) = found.pop() {
        return bin;
    }
    let output = Command::new("pg_config").arg("--bindir").output();
    match output {
        Ok(out) if out.status.success() => {
            PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
        }
        _ => panic!(
            "PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/initdb and no pg_config \
             (`.ci/run` installs it: apt-get install postgresql)"
        ),
    }
}

fn running_as_root() -> bool {
    let output = Command::new("id")
        .arg("-u")
        .output()
        .unwrap_or_else(|e| panic!("cannot run `id -u`: {e}"));
    String::from_utf8_lossy(&output.stdout).trim() == "0"
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap_or_else(|e| panic!("no free port on 127.0.0.1: {e}"))
        .port()
}

fn describe(output: &Output) -> String {
    format!(
        "{}; stdout: {}; stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout).trim(),
        String::from_utf8_lossy(&output.stderr).trim()
    )
}
