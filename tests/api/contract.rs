//! The served document against the server's real answers. Every operation is called with
//! the document's own values — path values from a parameter's `example` or from a link of
//! an earlier answer, the body from the request schema's `examples` or the link's
//! `requestBody` — and must answer 2xx. Then again with other callers and values: the same
//! request once more, a caller bound to another city, no token, path values that name
//! nothing, a body with a field the schema does not have, a body without one it requires.
//! Every answer must be documented for its operation (status, media type, headers) and its
//! body must be an instance of the documented schema, exactly ([`conform`]).

use super::who;
use crate::support::server::{token, Options, Server};
use conform::{Document, Findings};
use reqwest::Method;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

mod conform;

/// Administers, and is 区公安局 as a data provider, in every city: it may make every call.
const CLERK: &str = "clerk";
/// A data provider bound to 马村.
const STRANGER: &str = "stranger";

struct Operation {
    method: Method,
    template: String,
    spec: Value,
}

impl Operation {
    fn id(&self) -> &str {
        self.spec["operationId"].as_str().expect("an operationId")
    }

    fn at(&self) -> String {
        format!("{} {}", self.method, self.template)
    }

    fn path_names(&self) -> Vec<String> {
        self.spec["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// What an operation is called with.
#[derive(Clone)]
struct Call {
    values: BTreeMap<String, String>,
    body: Option<Value>,
    who: Option<&'static str>,
}

struct Answer {
    status: u16,
    content_type: String,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

/// What the links of earlier answers give an operation (by id): path values and a body.
#[derive(Default)]
struct Linked {
    values: BTreeMap<String, String>,
    body: Option<Value>,
}

fn operations(spec: &Value) -> Vec<Operation> {
    let mut all = Vec::new();
    for (template, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            all.push(Operation {
                method: Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
                template: template.clone(),
                spec: operation.clone(),
            });
        }
    }
    all
}

fn send(api: &Server, operation: &Operation, call: &Call) -> Answer {
    let mut path = operation.template.clone();
    for (name, value) in &call.values {
        path = path.replace(&format!("{{{name}}}"), value);
    }
    let mut request = api.request(operation.method.clone(), &path);
    if let Some(who) = call.who {
        request = request.bearer_auth(token(who));
    }
    if let Some(body) = &call.body {
        request = request.json(body);
    }
    let response = request.send().expect("the server answers");
    let headers = response.headers().clone();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let status = response.status().as_u16();
    let text = response.text().expect("a readable body");
    Answer {
        status,
        content_type,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

/// The answer is one the document gives for the operation, with its media type, headers
/// and schema.
fn check(
    document: &Document,
    operation: &Operation,
    what: &str,
    answer: &Answer,
    found: &mut Findings,
) {
    let at = format!("{} ({what}) answered {}", operation.at(), answer.status);
    let responses = &operation.spec["responses"];
    let Some(response) = responses.get(answer.status.to_string()) else {
        let documented: Vec<&String> = responses.as_object().unwrap().keys().collect();
        found.errors.push(format!(
            "{at}, not documented ({documented:?}): {}",
            answer.body
        ));
        return;
    };
    for header in response["headers"]
        .as_object()
        .into_iter()
        .flat_map(Map::keys)
    {
        if !answer.headers.contains_key(header.as_str()) {
            found
                .errors
                .push(format!("{at} without its header {header}"));
        }
    }
    if response.get("content").is_none() {
        if !answer.content_type.is_empty() || answer.body != Value::String(String::new()) {
            found.errors.push(format!(
                "{at} with a body, though the document gives none: {}",
                answer.body
            ));
        }
        return;
    }
    let essence = answer.content_type.split(';').next().unwrap_or_default();
    match response["content"].get(essence) {
        Some(media) => document.check(&media["schema"], &answer.body, &at, found),
        None => found.errors.push(format!(
            "{at} as `{}`, not as documented: {}",
            answer.content_type, response["content"]
        )),
    }
}

/// The request body schema of the operation (an optional body's too), its `$ref` followed.
fn body_schema<'a>(document: &Document<'a>, operation: &Operation) -> Option<&'a Value> {
    let schema = &operation.spec["requestBody"]["content"]["application/json"]["schema"];
    let reference = schema["$ref"].as_str().or_else(|| {
        schema["oneOf"]
            .as_array()?
            .iter()
            .find_map(|alternative| alternative["$ref"].as_str())
    })?;
    Some(document.component(reference).0)
}

/// The links of a 2xx answer, evaluated: constants as they are, `$response.body#/…` read
/// from the answer.
fn follow(response: &Value, answer: &Answer, linked: &mut BTreeMap<String, Linked>) {
    for link in response["links"]
        .as_object()
        .into_iter()
        .flat_map(Map::values)
    {
        let target = linked
            .entry(
                link["operationId"]
                    .as_str()
                    .expect("a link names its operation")
                    .to_owned(),
            )
            .or_default();
        for (name, expression) in link["parameters"].as_object().into_iter().flatten() {
            let text = expression.as_str().expect("a link parameter is a string");
            let value = match text.strip_prefix("$response.body#") {
                Some(pointer) => answer
                    .body
                    .pointer(pointer)
                    .and_then(Value::as_str)
                    .unwrap_or_else(|| panic!("`{text}` names nothing in {}", answer.body)),
                None => text,
            };
            target.values.insert(name.clone(), value.to_owned());
        }
        if let Some(body) = link.get("requestBody") {
            target.body = Some(body.clone());
        }
    }
}

/// The call the document itself describes, once every path value is known.
fn documented_call(
    document: &Document,
    operation: &Operation,
    linked: &BTreeMap<String, Linked>,
) -> Option<Call> {
    let from_links = linked.get(operation.id());
    let mut values = BTreeMap::new();
    for name in operation.path_names() {
        let example = operation.spec["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == name.as_str())
            .and_then(|p| p["example"].as_str());
        let value = from_links
            .and_then(|l| l.values.get(&name).map(String::as_str))
            .or(example)?;
        values.insert(name, value.to_owned());
    }
    let body = from_links.and_then(|l| l.body.clone()).or_else(|| {
        let schema = body_schema(document, operation)?;
        Some(schema["examples"][0].clone()).filter(|example| !example.is_null())
    });
    if operation.spec.get("requestBody").is_some() && body.is_none() {
        panic!(
            "{}: the document has no example of its body",
            operation.at()
        );
    }
    Some(Call {
        values,
        body,
        who: Some(CLERK),
    })
}

/// The other calls: who else, which other values, which other bodies; each labelled.
/// `refused` is true where the document says the server must refuse it.
fn other_calls(
    document: &Document,
    operation: &Operation,
    call: &Call,
) -> Vec<(String, Call, bool)> {
    let mut others = vec![
        ("the same call again".to_owned(), call.clone(), false),
        (
            "a caller of another city".to_owned(),
            Call {
                who: Some(STRANGER),
                ..call.clone()
            },
            false,
        ),
    ];
    if operation.spec.get("security").is_some() {
        let anonymous = Call {
            who: None,
            ..call.clone()
        };
        others.push(("no token".to_owned(), anonymous, true));
    }
    for name in call.values.keys() {
        let mut nowhere = call.clone();
        nowhere.values.insert(name.clone(), "nowhere".to_owned());
        others.push((format!("`{name}` naming nothing"), nowhere, false));
    }
    if let (Some(schema), Some(Value::Object(body))) =
        (body_schema(document, operation), &call.body)
    {
        if schema["additionalProperties"] == false {
            let mut extra = body.clone();
            extra.insert("not_a_field".to_owned(), Value::from(1));
            let extra = Call {
                body: Some(Value::Object(extra)),
                ..call.clone()
            };
            others.push(("a field the schema does not have".to_owned(), extra, true));
        }
        for required in schema["required"].as_array().into_iter().flatten() {
            let required = required.as_str().unwrap();
            let mut without = body.clone();
            without.remove(required);
            let without = Call {
                body: Some(Value::Object(without)),
                ..call.clone()
            };
            others.push((format!("no `{required}`"), without, true));
        }
    }
    others
}

/// Each link's operation exists and takes every parameter the link gives it.
fn links_name_real_operations_and_parameters(spec: &Value) {
    let all = operations(spec);
    for operation in &all {
        for (status, response) in operation.spec["responses"].as_object().unwrap() {
            for (name, link) in response["links"].as_object().into_iter().flatten() {
                let at = format!("{} {status} link `{name}`", operation.at());
                let target = link["operationId"].as_str().expect("an operationId");
                let target = all
                    .iter()
                    .find(|o| o.id() == target)
                    .unwrap_or_else(|| panic!("{at}: no operation `{target}`"));
                let taken: Vec<&Value> = target.spec["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| &p["name"])
                    .collect();
                for parameter in link["parameters"]
                    .as_object()
                    .into_iter()
                    .flat_map(Map::keys)
                {
                    assert!(
                        taken.contains(&&Value::from(parameter.as_str())),
                        "{at}: {} takes no `{parameter}`",
                        target.at()
                    );
                }
            }
        }
    }
}

#[test]
fn every_answer_is_documented_and_every_body_is_exactly_its_schema() {
    // Webhooks on, to loopback: the subscription examples name a port nobody listens on,
    // so deliveries fail and retry in the background, which no answer here depends on.
    let tmp = tempfile::tempdir().unwrap();
    let webhooks = tmp.path().join("webhooks.yaml");
    std::fs::write(&webhooks, "allow: [\"http://127.0.0.1:*\"]\n").unwrap();
    let mut options = Options::new(
        &tmp.path().join("data"),
        "2024-01-02T09:00:00+08:00",
        &[
            who(CLERK, "*", "区公安局", &["admin", "provider"]),
            who(STRANGER, "macun", "马村区大数据局", &["provider"]),
        ],
    );
    options.webhooks = Some(webhooks);
    let api = Server::start(&options);
    let reply = api.send(api.request(Method::GET, "/v1/openapi.json"));
    assert_eq!(reply.status, 200, "{reply:#?}");
    let spec = reply.body;
    let document = Document::new(&spec);
    let unrequired = document.unrequired_view_fields();
    assert!(
        unrequired.is_empty(),
        "served always, yet optional: {unrequired:#?}"
    );
    links_name_real_operations_and_parameters(&spec);

    let mut found = Findings::default();
    let mut linked = BTreeMap::new();
    let mut waiting = operations(&spec);
    let mut answered_2xx = BTreeSet::new();
    while !waiting.is_empty() {
        // What removes the thing a link names goes after every other use of it.
        waiting.sort_by_key(|operation| operation.method == Method::DELETE);
        let before = waiting.len();
        let mut still_waiting = Vec::new();
        for operation in waiting {
            let Some(call) = documented_call(&document, &operation, &linked) else {
                still_waiting.push(operation);
                continue;
            };
            let answer = send(&api, &operation, &call);
            check(&document, &operation, "as documented", &answer, &mut found);
            if (200..300).contains(&answer.status) {
                answered_2xx.insert(operation.at());
                follow(
                    &operation.spec["responses"][answer.status.to_string()],
                    &answer,
                    &mut linked,
                );
            } else {
                found.errors.push(format!(
                    "{} called with the document's own values answered {}: {}",
                    operation.at(),
                    answer.status,
                    answer.body
                ));
            }
            for (what, other, refused) in other_calls(&document, &operation, &call) {
                let answer = send(&api, &operation, &other);
                check(&document, &operation, &what, &answer, &mut found);
                if refused && answer.status < 400 {
                    found.errors.push(format!(
                        "{} with {what} is accepted ({}), though the document forbids it",
                        operation.at(),
                        answer.status
                    ));
                }
            }
        }
        let waiting_ids: Vec<String> = still_waiting.iter().map(Operation::at).collect();
        assert!(
            still_waiting.len() < before,
            "no example or link gives the path values of {waiting_ids:?}"
        );
        waiting = still_waiting;
    }
    assert!(found.errors.is_empty(), "{:#?}", found.errors);

    // Every schema a 2xx answer names was checked against a real body.
    let mut named = BTreeSet::new();
    for operation in operations(&spec) {
        for (status, response) in operation.spec["responses"].as_object().unwrap() {
            if status.starts_with('2') {
                for media in response["content"]
                    .as_object()
                    .into_iter()
                    .flat_map(Map::values)
                {
                    if let Some(reference) = media["schema"]["$ref"].as_str() {
                        named.insert(document.component(reference).1);
                    }
                }
            }
        }
    }
    let unchecked: Vec<&String> = named.difference(&found.seen).collect();
    assert!(unchecked.is_empty(), "no real body of {unchecked:?}");
    assert_eq!(
        answered_2xx.len(),
        operations(&spec).len(),
        "{answered_2xx:#?}"
    );
}
