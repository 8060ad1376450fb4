//! A real `govflow serve` on 127.0.0.1 and an ephemeral port, on a temp data directory,
//! driven over real HTTP. Each test starts its own.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

/// One bearer token of the tokens file the server is started with.
#[derive(Debug, Clone)]
pub struct Who {
    pub name: &'static str,
    pub city: &'static str,
    pub department: &'static str,
    pub roles: &'static [&'static str],
}

/// An admin for every city; always in the tokens file.
pub const ADMIN: Who = Who {
    name: "admin",
    city: "*",
    department: "",
    roles: &["admin"],
};

pub struct Options {
    pub data: PathBuf,
    pub cities: PathBuf,
    pub policies: PathBuf,
    /// Start the simulated clock here (RFC 3339); `None` runs on the system clock.
    pub start: Option<String>,
    pub who: Vec<Who>,
    /// `--store`: a PostgreSQL URL instead of sled in `data`.
    pub store: Option<String>,
    /// `--webhooks`: the webhook configuration file.
    pub webhooks: Option<PathBuf>,
}

impl Options {
    /// The repository's packs and policies, data in `data`, simulated clock at `start`.
    pub fn new(data: &Path, start: &str, who: &[Who]) -> Options {
        Options {
            data: data.to_path_buf(),
            cities: super::path("cities"),
            policies: super::path("policies"),
            start: Some(start.to_owned()),
            who: who.to_vec(),
            store: None,
            webhooks: None,
        }
    }
}

pub struct Server {
    child: Child,
    pub base: String,
    pub log: PathBuf,
    client: reqwest::blocking::Client,
}

/// A response: status and body (JSON, or a string for other content).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Value,
}

impl Reply {
    /// The body's `field` as a string (panics with the whole reply otherwise).
    pub fn str(&self, field: &str) -> String {
        match &self.body[field] {
            Value::String(s) => s.clone(),
            other => panic!("`{field}` is {other} in {self:#?}"),
        }
    }
}

pub fn token(name: &str) -> String {
    format!("token-for-{name}-0123456789abcdef")
}

impl Server {
    pub fn start(options: &Options) -> Server {
        std::fs::create_dir_all(&options.data).expect("create the data dir");
        let tokens = options.data.with_extension("tokens.yaml");
        let mut who = vec![ADMIN];
        who.extend(options.who.iter().cloned());
        let entries: Vec<Value> = who
            .iter()
            .map(|w| {
                serde_json::json!({
                    "token": token(w.name), "actor": w.name, "city": w.city,
                    "department": w.department, "roles": w.roles,
                })
            })
            .collect();
        let yaml = serde_json::to_string(&serde_json::json!({ "tokens": entries })).unwrap();
        std::fs::write(&tokens, yaml).expect("write the tokens file");
        let log = options.data.with_extension("log");
        let mut command = Command::new(env!("CARGO_BIN_EXE_govflow"));
        command
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .arg("--data")
            .arg(&options.data)
            .arg("--cities")
            .arg(&options.cities)
            .arg("--policies")
            .arg(&options.policies)
            .arg("--auth")
            .arg(&tokens);
        if let Some(store) = &options.store {
            command.args(["--store", store]);
        }
        if let Some(webhooks) = &options.webhooks {
            command.arg("--webhooks").arg(webhooks);
        }
        if let Some(start) = &options.start {
            command.args(["--clock", "simulated", "--start", start]);
        }
        let (child, base) =
            govflow_testkit::spawn_listening(command, &log).unwrap_or_else(|e| panic!("{e}"));
        Server {
            child,
            base,
            log,
            client: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(120))
                .build()
                .unwrap(),
        }
    }

    pub fn get(&self, who: &str, path: &str) -> Reply {
        self.send(self.client.get(self.url(path)).bearer_auth(token(who)))
    }

    pub fn post(&self, who: &str, path: &str, body: Value) -> Reply {
        self.send(
            self.client
                .post(self.url(path))
                .bearer_auth(token(who))
                .json(&body),
        )
    }

    /// Any request, built by the caller (for headers, raw bodies, no token…).
    pub fn request(
        &self,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::blocking::RequestBuilder {
        self.client.request(method, self.url(path))
    }

    pub fn send(&self, request: reqwest::blocking::RequestBuilder) -> Reply {
        let response = request.send().expect("the server answers");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = response.text().expect("a readable body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply {
            status,
            content_type,
            body,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Opens a case as `who`; panics unless the server answers 201.
    pub fn submit(&self, who: &str, body: Value) -> Value {
        let reply = self.post(who, "/v1/cases", body);
        assert_eq!(reply.status, 201, "{reply:#?}");
        reply.body
    }

    /// Moves the simulated clock (as the admin); panics unless it answers 200.
    pub fn set_clock(&self, now: &str) -> Value {
        let reply = self.post(
            "admin",
            "/v1/admin/clock",
            serde_json::json!({ "now": now }),
        );
        assert_eq!(reply.status, 200, "{reply:#?}");
        reply.body
    }

    /// Whether `/metrics` says this node leads `role` for the cluster (`govflow_leads`):
    /// `None` before the node has asked.
    pub fn leads(&self, role: &str) -> Option<bool> {
        let reply = self.get("admin", "/metrics");
        let line = format!("govflow_leads{{role=\"{role}\"}} ");
        reply
            .body
            .as_str()?
            .lines()
            .find_map(|l| l.strip_prefix(&line))
            .map(|v| v == "1")
    }

    /// SIGKILL: no shutdown of any kind.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends a signal (`STOP`, `CONT`…) to the process, which keeps running or not.
    pub fn signal(&self, signal: &str) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -{signal} {pid}");
    }

    /// SIGTERM, then wait for the process to exit; returns whether it exited cleanly.
    pub fn terminate(mut self) -> bool {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        self.child.wait().map(|s| s.success()).unwrap_or(false)
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
