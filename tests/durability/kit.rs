//! What the durability tests share: the actors, reading whole listings page by page, and
//! a client for load threads that survives the server being killed under it.

use crate::support::server::{token, Server, Who};
pub use govflow_testkit::wait_for;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::time::Duration;

/// 区教委, the provider of the catalog updates (cities/wanzhou/scenarios/
/// catalog_update_lapse_ladder.yaml).
pub const EDU: Who = Who {
    name: "edu",
    city: "wanzhou",
    department: "区教委",
    roles: &["provider"],
};

/// 区大数据发展局, the authority that reviews catalog updates.
pub const BUREAU: Who = Who {
    name: "bureau",
    city: "wanzhou",
    department: "",
    roles: &["authority"],
};

/// The simulated start of the lapse ladder scenario: Thu 2023-09-28, 09:00 in Chongqing.
pub const MANDATE_CHANGED: &str = "2023-09-28T09:00:00+08:00";
/// The end of 2023-10-18 (the 10th working day after 09-28): the `apply` duty lapses.
pub const APPLY_LAPSES: &str = "2023-10-18T16:00:00Z";
/// A day after every catalog_update deadline opened on 09-28 lapsed (`apply` on 10-19,
/// `review` on 10-12), and before the rectification period ends (11-03).
pub const AFTER_THE_LAPSES: &str = "2023-10-20T00:00:00+08:00";

/// The body of a catalog update addressed to 区教委.
pub fn catalog_update(subject: &str) -> Value {
    json!({
        "city": "wanzhou",
        "procedure": "catalog_update",
        "provider": "区教委",
        "subject": subject,
    })
}

/// Every case matching `query` (e.g. `city=wanzhou&procedure=catalog_update`), oldest
/// first, read page by page.
pub fn all_cases(server: &Server, query: &str) -> Vec<Value> {
    let mut cases = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut path = format!("/v1/cases?{query}&limit=1000");
        if let Some(a) = &after {
            path.push_str(&format!("&after={a}"));
        }
        let page = server.get("admin", &path);
        assert_eq!(page.status, 200, "{page:#?}");
        cases.extend(page.body["cases"].as_array().unwrap().iter().cloned());
        match page.body["next"].as_str() {
            Some(next) => after = Some(next.to_owned()),
            None => return cases,
        }
    }
}

/// The whole event feed, in order.
pub fn all_events(server: &Server) -> Vec<Value> {
    let mut events = Vec::new();
    let mut after = 0;
    loop {
        let page = server.get("admin", &format!("/v1/events?after={after}&limit=1000"));
        assert_eq!(page.status, 200, "{page:#?}");
        let batch = page.body["events"].as_array().unwrap();
        if batch.is_empty() {
            return events;
        }
        events.extend(batch.iter().cloned());
        after = page.body["next_after"].as_u64().unwrap();
    }
}

/// How many events of type `kind` the feed holds for each case.
pub fn count_by_case(events: &[Value], kind: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for e in events.iter().filter(|e| e["type"] == kind) {
        *counts
            .entry(e["case"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    counts
}

pub fn id(case: &Value) -> String {
    case["id"].as_str().expect("a case has an id").to_owned()
}

/// A client for load threads: it holds only the base URL, so the test can kill the server
/// while requests are in flight, and a request the dead server never answered is an
/// `Err`, not a panic.
#[derive(Clone)]
pub struct Raw {
    base: String,
    client: reqwest::blocking::Client,
}

impl Raw {
    pub fn new(server: &Server) -> Raw {
        Raw {
            base: server.base.clone(),
            client: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
        }
    }

    /// POST `body` to `path` as `who`, with an optional idempotency key; the status and
    /// JSON body, or `None` if no complete answer arrived.
    pub fn post(
        &self,
        who: &str,
        path: &str,
        key: Option<&str>,
        body: &Value,
    ) -> Option<(u16, Value)> {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(token(who))
            .json(body);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        let response = request.send().ok()?;
        let status = response.status().as_u16();
        let body = response.json().ok()?;
        Some((status, body))
    }
}

/// Submits `body` with `Idempotency-Key: key` as `who` on the harness's client.
pub fn submit_with_key(server: &Server, who: &str, key: &str, body: &Value) -> (u16, Value) {
    let reply = server.send(
        server
            .request(reqwest::Method::POST, "/v1/cases")
            .bearer_auth(token(who))
            .header("Idempotency-Key", key)
            .json(body),
    );
    (reply.status, reply.body)
}

/// Opens `n` catalog updates from `threads` client threads; their ids.
pub fn bulk_submit(server: &Server, n: usize, threads: usize) -> BTreeSet<String> {
    let raw = Raw::new(server);
    let opened = Mutex::new(BTreeSet::new());
    std::thread::scope(|s| {
        for thread in 0..threads {
            let (raw, opened) = (&raw, &opened);
            s.spawn(move || {
                for i in (thread..n).step_by(threads) {
                    let body = catalog_update(&format!("bulk {i}"));
                    let (status, case) = raw.post("edu", "/v1/cases", None, &body).unwrap();
                    assert_eq!(status, 201, "{case:#}");
                    opened.lock().unwrap().insert(id(&case));
                }
            });
        }
    });
    let opened = opened.into_inner().unwrap();
    assert_eq!(opened.len(), n);
    opened
}

/// The value of the counter `name` in the Prometheus text of `GET /metrics`.
pub fn metric(server: &Server, name: &str) -> u64 {
    let reply = server.get("admin", "/metrics");
    let text = reply.body.as_str().expect("metrics are text");
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no `{name}` in\n{text}"))
}
