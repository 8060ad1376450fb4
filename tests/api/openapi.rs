//! `/v1/openapi.json` says what the server does: parameters where they are read, every error
//! as problem+json with the problem schema, the bearer scheme declared and applied, and the
//! answers the shared extractors give documented on every operation that uses them; checked
//! on the document and against the server's real answers.

use super::start;
use crate::support::server::{token, Server};
use reqwest::Method;
use serde_json::Value;
use std::collections::BTreeSet;

const PROBLEM_JSON: &str = "application/problem+json";

/// The operations that need no token.
const PUBLIC: [&str; 3] = ["/healthz", "/metrics", "/v1/openapi.json"];

/// Every (method, path, operation) of the served document.
fn operations(spec: &Value) -> Vec<(Method, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method");
            all.push((method, path.clone(), operation.clone()));
        }
    }
    assert!(all.len() > 16, "{all:#?}");
    all
}

fn served_document(api: &Server) -> Value {
    let reply = api.send(api.request(Method::GET, "/v1/openapi.json"));
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body
}

fn statuses(operation: &Value) -> BTreeSet<String> {
    operation["responses"]
        .as_object()
        .expect("responses")
        .keys()
        .cloned()
        .collect()
}

/// The names a path template puts in braces: `/v1/cases/{id}` → `id`.
fn path_names(path: &str) -> BTreeSet<String> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_document_declares_parameters_errors_and_security_truthfully() {
    let api = start("2023-09-28T09:00:00+08:00", &[]);
    let spec = served_document(&api);
    assert_eq!(
        spec["components"]["securitySchemes"]["bearer"]["scheme"], "bearer",
        "{:#}",
        spec["components"]
    );
    assert!(spec["components"]["schemas"]["Problem"]["required"]
        .as_array()
        .is_some_and(|r| r.contains(&Value::from("code"))));
    let mut ids = BTreeSet::new();
    for (method, path, operation) in operations(&spec) {
        let at = format!("{method} {path}");
        let id = operation["operationId"].as_str().expect("an operationId");
        assert!(ids.insert(id.to_owned()), "{at}: operationId `{id}` twice");

        let in_path = path_names(&path);
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            let name = parameter["name"].as_str().unwrap();
            let place = parameter["in"].as_str().unwrap();
            if in_path.contains(name) {
                assert_eq!(
                    (place, &parameter["required"]),
                    ("path", &Value::Bool(true)),
                    "{at}: {parameter:#}"
                );
            } else {
                assert_ne!(place, "path", "{at}: `{name}` is not in the path");
                assert_ne!(parameter["required"], true, "{at}: `{name}` is optional");
            }
            if method == Method::GET && ["/v1/cases", "/v1/events"].contains(&path.as_str()) {
                assert_eq!(place, "query", "{at}: {parameter:#}");
            }
        }

        let answers = statuses(&operation);
        for (status, response) in operation["responses"].as_object().unwrap() {
            if status.as_str() < "400" {
                continue;
            }
            let content = response["content"].as_object().expect("error content");
            assert_eq!(
                content.keys().collect::<Vec<_>>(),
                [PROBLEM_JSON],
                "{at} {status}"
            );
            assert_eq!(
                content[PROBLEM_JSON]["schema"]["$ref"], "#/components/schemas/Problem",
                "{at} {status}"
            );
            assert!(
                !response["description"].as_str().unwrap().is_empty(),
                "{at} {status}"
            );
        }
        assert!(answers.contains("500"), "{at}: {answers:?}");
        if PUBLIC.contains(&path.as_str()) {
            assert!(operation.get("security").is_none(), "{at}");
        } else {
            assert_eq!(
                operation["security"],
                serde_json::json!([{"bearer": []}]),
                "{at}"
            );
            assert!(answers.contains("401"), "{at}: {answers:?}");
        }
        if operation.get("requestBody").is_some() {
            for status in ["400", "413", "415", "422"] {
                assert!(
                    answers.contains(status),
                    "{at}: {status} missing from {answers:?}"
                );
            }
        }
        if !in_path.is_empty()
            || operation["parameters"]
                .as_array()
                .is_some_and(|p| !p.is_empty())
        {
            assert!(answers.contains("400"), "{at}: {answers:?}");
        }
    }
}

/// The path with every `{name}` replaced by `x`.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "x" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// Real answers the shared extractors give, each documented on its operation with the
/// media type sent: no token (401), a body that is not JSON (415), an unknown query
/// parameter (400).
#[test]
fn the_servers_shared_answers_are_the_documented_ones() {
    let api = start("2023-09-28T09:00:00+08:00", &[]);
    let spec = served_document(&api);
    for (method, path, operation) in operations(&spec) {
        let at = format!("{method} {path}");
        let answers = statuses(&operation);
        let url = concrete(&path);
        let mut tried = Vec::new();
        if operation.get("security").is_some() {
            tried.push(("no token", api.send(api.request(method.clone(), &url))));
        }
        if operation.get("requestBody").is_some() {
            let request = api
                .request(method.clone(), &url)
                .bearer_auth(token("admin"))
                .header("content-type", "text/plain")
                .body("not json");
            tried.push(("a text body", api.send(request)));
        }
        let query = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["in"] == "query");
        if query {
            let request = api
                .request(method.clone(), &format!("{url}?no_such_parameter=1"))
                .bearer_auth(token("admin"));
            tried.push(("an unknown query parameter", api.send(request)));
        }
        for (what, reply) in tried {
            assert!(reply.status >= 400, "{at} with {what}: {reply:#?}");
            assert!(
                answers.contains(&reply.status.to_string()),
                "{at} with {what} answers {}, not among {answers:?}",
                reply.status
            );
            assert_eq!(reply.content_type, PROBLEM_JSON, "{at} with {what}");
        }
    }
}
