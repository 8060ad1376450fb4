//! Whether a JSON value is an instance of a schema of the served document, strictly: an
//! object with `properties` must have exactly those keys (no field served that the schema
//! does not list, none listed that is not served), and a schema no request body uses
//! (a view) must require every property it lists, since the views serialize every field
//! (null for none). Types, `null`, `enum`, `format` (`date`, `date-time`), `minimum` and
//! `maximum` are checked too; `$ref`, `allOf` and `oneOf` are followed.

use chrono::{DateTime, NaiveDate};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

pub struct Document<'a> {
    spec: &'a Value,
    /// The component schemas a request body reaches: these may have optional fields.
    requested: BTreeSet<String>,
}

/// What one check found: the schemas it went through, and every disagreement with where.
#[derive(Default)]
pub struct Findings {
    pub seen: BTreeSet<String>,
    pub errors: Vec<String>,
}

impl<'a> Document<'a> {
    pub fn new(spec: &'a Value) -> Document<'a> {
        let mut requested = BTreeSet::new();
        for item in spec["paths"].as_object().into_iter().flat_map(Map::values) {
            for operation in item.as_object().into_iter().flat_map(Map::values) {
                for media in operation["requestBody"]["content"]
                    .as_object()
                    .into_iter()
                    .flat_map(Map::values)
                {
                    reach(spec, &media["schema"], &mut requested);
                }
            }
        }
        Document { spec, requested }
    }

    /// The component schema `#/components/schemas/<name>` a `$ref` names.
    pub fn component(&self, reference: &str) -> (&'a Value, String) {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("`{reference}` is not a component schema"));
        (&self.spec["components"]["schemas"][name], name.to_owned())
    }

    pub fn check(&self, schema: &Value, value: &Value, at: &str, found: &mut Findings) {
        if let Some(reference) = schema["$ref"].as_str() {
            let (target, name) = self.component(reference);
            found.seen.insert(name.clone());
            return self.check(target, value, &format!("{at} ({name})"), found);
        }
        if let Some(parts) = schema["allOf"].as_array() {
            return self.check_all_of(parts, value, at, found);
        }
        if let Some(alternatives) = schema["oneOf"].as_array() {
            let trials: Vec<Findings> = alternatives
                .iter()
                .map(|alternative| {
                    let mut trial = Findings::default();
                    self.check(alternative, value, at, &mut trial);
                    trial
                })
                .collect();
            let (fit, misfit): (Vec<_>, Vec<_>) =
                trials.into_iter().partition(|t| t.errors.is_empty());
            if fit.len() != 1 {
                let why: Vec<String> = misfit.into_iter().flat_map(|t| t.errors).collect();
                found.errors.push(format!(
                    "{at}: {value} fits {} of the alternatives of {schema}: {why:?}",
                    fit.len()
                ));
            }
            found.seen.extend(fit.into_iter().flat_map(|t| t.seen));
            return;
        }
        if !has_type(schema, value) {
            found
                .errors
                .push(format!("{at}: {value} is not of type {}", schema["type"]));
            return;
        }
        if let Some(words) = schema["enum"].as_array() {
            if !words.contains(value) {
                found
                    .errors
                    .push(format!("{at}: {value} is not one of {schema}"));
            }
        }
        self.check_format_and_bounds(schema, value, at, found);
        match value {
            Value::Object(object) => self.check_object(schema, object, at, found),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.check(&schema["items"], item, &format!("{at}[{i}]"), found);
                }
            }
            _ => {}
        }
    }

    fn check_all_of(&self, parts: &[Value], value: &Value, at: &str, found: &mut Findings) {
        // The object the parts describe together: their properties and required fields.
        let mut merged = serde_json::json!({"type": "object", "properties": {}, "required": []});
        for part in parts {
            let part = match part["$ref"].as_str() {
                Some(reference) => {
                    let (target, name) = self.component(reference);
                    found.seen.insert(name);
                    target
                }
                None => part,
            };
            for (key, property) in part["properties"].as_object().into_iter().flatten() {
                merged["properties"][key] = property.clone();
            }
            for key in part["required"].as_array().into_iter().flatten() {
                merged["required"].as_array_mut().unwrap().push(key.clone());
            }
        }
        self.check(&merged, value, at, found);
    }

    fn check_object(
        &self,
        schema: &Value,
        object: &Map<String, Value>,
        at: &str,
        found: &mut Findings,
    ) {
        let Some(properties) = schema["properties"].as_object() else {
            // A map: each value is an instance of `additionalProperties`, if it says.
            if schema["additionalProperties"].is_object() {
                for (key, value) in object {
                    let at = format!("{at}.{key}");
                    self.check(&schema["additionalProperties"], value, &at, found);
                }
            }
            return;
        };
        let listed: BTreeSet<&String> = properties.keys().collect();
        let served: BTreeSet<&String> = object.keys().collect();
        for key in served.difference(&listed) {
            found
                .errors
                .push(format!("{at}: `{key}` is served but not in the schema"));
        }
        for key in listed.difference(&served) {
            found
                .errors
                .push(format!("{at}: `{key}` is in the schema but not served"));
        }
        for (key, value) in object {
            if let Some(property) = properties.get(key) {
                self.check(property, value, &format!("{at}.{key}"), found);
            }
        }
    }

    /// The fields a view (a schema no request body reaches) lists but does not require:
    /// the views serialize every field, null for none, so each must be required.
    pub fn unrequired_view_fields(&self) -> Vec<String> {
        let mut unrequired = Vec::new();
        let components = self.spec["components"]["schemas"].as_object();
        for (name, schema) in components.into_iter().flatten() {
            if self.requested.contains(name) {
                continue;
            }
            let inline_parts = schema["allOf"].as_array().into_iter().flatten();
            for part in std::iter::once(schema).chain(inline_parts) {
                let required: BTreeSet<&str> = part["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                for key in part["properties"]
                    .as_object()
                    .into_iter()
                    .flat_map(Map::keys)
                {
                    if !required.contains(key.as_str()) {
                        unrequired.push(format!("{name}.{key}"));
                    }
                }
            }
        }
        unrequired
    }

    fn check_format_and_bounds(
        &self,
        schema: &Value,
        value: &Value,
        at: &str,
        found: &mut Findings,
    ) {
        let mut fail = |what: String| found.errors.push(format!("{at}: {value} {what}"));
        match (schema["format"].as_str(), value.as_str()) {
            (Some("date"), Some(text)) if NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err() => {
                fail("is not a date".to_owned())
            }
            (Some("date-time"), Some(text)) if DateTime::parse_from_rfc3339(text).is_err() => {
                fail("is not a date-time".to_owned())
            }
            _ => {}
        }
        if let Some(n) = value.as_f64() {
            if schema["minimum"].as_f64().is_some_and(|min| n < min) {
                fail(format!("is below the minimum of {schema}"));
            }
            if schema["maximum"].as_f64().is_some_and(|max| n > max) {
                fail(format!("is above the maximum of {schema}"));
            }
        }
    }
}

/// Every component schema `schema` reaches, into `names`.
fn reach(spec: &Value, schema: &Value, names: &mut BTreeSet<String>) {
    match schema {
        Value::Object(object) => {
            if let Some(name) = object
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                if names.insert(name.to_owned()) {
                    reach(spec, &spec["components"]["schemas"][name], names);
                }
            }
            for value in object.values() {
                reach(spec, value, names);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| reach(spec, item, names)),
        _ => {}
    }
}

/// Whether `value` is of the schema's `type` (a name or a list of names; none: any).
fn has_type(schema: &Value, value: &Value) -> bool {
    let names: Vec<&str> = match &schema["type"] {
        Value::String(name) => vec![name],
        Value::Array(names) => names.iter().filter_map(Value::as_str).collect(),
        _ => return true,
    };
    names.iter().any(|name| match *name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    })
}
