//! The v1 HTTP API (BRIEF.md, "The v1 integration contract") over real HTTP: the real
//! binary on a temp sled directory and a simulated clock, the real packs in `cities/`.
//! Expected dates come from the city scenario files, whose comments count them on the
//! official calendar. One module per concern; the helpers below are shared.

mod auth;
mod batch;
mod bodies;
mod cities;
mod contract;
mod endpoints;
mod events;
mod explain;
mod extensions;
mod idempotency;
mod input;
mod ladder;
mod openapi;
mod periods;

use crate::support::server::{Options, Reply, Server, Who};
use serde_json::{json, Value};
use std::ops::Deref;

/// A server and the temp directory it keeps its data in (the server stops first).
pub struct Api {
    server: Server,
    _tmp: tempfile::TempDir,
}

impl Deref for Api {
    type Target = Server;
    fn deref(&self) -> &Server {
        &self.server
    }
}

/// Starts a server on its own data directory with the simulated clock at `start`.
pub fn start(start: &str, who: &[Who]) -> Api {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(&Options::new(&tmp.path().join("data"), start, who));
    Api { server, _tmp: tmp }
}

/// A city-bound actor.
pub const fn who(
    name: &'static str,
    city: &'static str,
    department: &'static str,
    roles: &'static [&'static str],
) -> Who {
    Who {
        name,
        city,
        department,
        roles,
    }
}

pub fn id(case: &Value) -> String {
    case["id"].as_str().expect("a case has an id").to_owned()
}

/// The case's deadline called `name` (panics with the case if it has none).
pub fn deadline<'a>(case: &'a Value, name: &str) -> &'a Value {
    case["deadlines"]
        .as_array()
        .and_then(|ds| ds.iter().find(|d| d["name"] == name))
        .unwrap_or_else(|| panic!("no deadline `{name}` in {case:#}"))
}

impl Api {
    /// `POST /v1/cases/{id}/actions/{action}` with `{"data": data}`.
    pub fn act(&self, who: &str, case: &str, action: &str, data: Value) -> Reply {
        self.post(
            who,
            &format!("/v1/cases/{case}/actions/{action}"),
            json!({ "data": data }),
        )
    }

    /// Acts and expects 200; returns the case.
    pub fn act_ok(&self, who: &str, case: &str, action: &str, data: Value) -> Value {
        let reply = self.act(who, case, action, data);
        assert_eq!(reply.status, 200, "{action} by {who}: {reply:#?}");
        reply.body
    }

    /// `GET /v1/cases/{id}` as the admin.
    pub fn case(&self, case: &str) -> Value {
        let reply = self.get("admin", &format!("/v1/cases/{case}"));
        assert_eq!(reply.status, 200, "{reply:#?}");
        reply.body
    }

    /// `GET /v1/cases?…` as `who`; the cases of the page.
    pub fn cases(&self, who: &str, query: &str) -> Vec<Value> {
        let reply = self.get(who, &format!("/v1/cases{query}"));
        assert_eq!(reply.status, 200, "{reply:#?}");
        reply.body["cases"].as_array().expect("a list").clone()
    }

    /// The `type` of each event of a case's history, oldest first.
    pub fn history(&self, case: &str) -> Vec<String> {
        let reply = self.get("admin", &format!("/v1/cases/{case}/events"));
        assert_eq!(reply.status, 200, "{reply:#?}");
        let events = reply.body.as_array().expect("a list of events");
        events
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Everything stored, as the admin sees it: every case and every event.
    pub fn snapshot(&self) -> (Vec<Value>, Value) {
        let events = self.get("admin", "/v1/events?after=0&limit=1000");
        assert_eq!(events.status, 200, "{events:#?}");
        (
            self.cases("admin", "?limit=1000"),
            events.body["events"].clone(),
        )
    }
}

/// Asserts the reply is an RFC 9457 problem with this status and code; returns `detail`.
pub fn problem(reply: &Reply, status: u16, code: &str) -> String {
    assert_eq!(reply.status, status, "{reply:#?}");
    assert_eq!(reply.content_type, "application/problem+json", "{reply:#?}");
    assert_eq!(reply.body["code"], code, "{reply:#?}");
    assert_eq!(reply.body["status"], status, "{reply:#?}");
    assert_eq!(
        reply.body["type"],
        format!("urn:govflow:problem:{code}"),
        "{reply:#?}"
    );
    assert!(
        reply.body["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{reply:#?}"
    );
    let detail = reply.str("detail");
    assert!(!detail.is_empty(), "{reply:#?}");
    detail
}

/// Asserts a problem whose detail contains `needle` (an article, a field, a city).
pub fn problem_naming(reply: &Reply, status: u16, code: &str, needle: &str) {
    let detail = problem(reply, status, code);
    assert!(detail.contains(needle), "`{needle}` not in `{detail}`");
}

/// Asserts the case carries every field of the v1 contract with its JSON type, and each
/// deadline `{name, due_date, due_at, status, provisional, article}`, `due_at` being
/// 23:59:59 Asia/Shanghai on `due_date`.
pub fn assert_v1_case(case: &Value) {
    for field in [
        "id",
        "city",
        "procedure",
        "state",
        "pack_version",
        "regulation_status",
    ] {
        assert!(case[field].is_string(), "`{field}` in {case:#}");
    }
    assert!(case["overdue"].is_boolean(), "{case:#}");
    assert!(
        case["parent"].is_null() || case["parent"].is_string(),
        "{case:#}"
    );
    let city = case["city"].as_str().unwrap();
    assert!(
        case["pack_version"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{city}@")),
        "{case:#}"
    );
    let deadlines = case["deadlines"].as_array().expect("deadlines is a list");
    for d in deadlines {
        for field in ["name", "due_date", "due_at", "status", "article"] {
            assert!(d[field].is_string(), "`{field}` in {d:#}");
        }
        assert!(d["provisional"].is_boolean(), "{d:#}");
        let status = d["status"].as_str().unwrap();
        assert!(
            ["open", "met", "missed", "cancelled"].contains(&status),
            "{d:#}"
        );
        let due_at = chrono::DateTime::parse_from_rfc3339(d["due_at"].as_str().unwrap())
            .expect("due_at is RFC 3339");
        let local = due_at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
        assert_eq!(
            local.format("%Y-%m-%d %H:%M:%S").to_string(),
            format!("{} 23:59:59", d["due_date"].as_str().unwrap()),
            "{d:#}"
        );
    }
}
