//! JSON Schemas generated from the document types, for editors (yaml-language-server).

use crate::docs::{CalendarDoc, PackDoc, ProcedureDoc, ScenarioDoc};
use schemars::schema_for;

/// `(file name, pretty JSON)` for every document kind, as committed under
/// `policies/schema/`.
pub fn schemas() -> Vec<(&'static str, String)> {
    let pretty = |s: schemars::Schema| {
        let mut text = serde_json::to_string_pretty(&s).expect("a schema serializes");
        text.push('\n');
        text
    };
    vec![
        ("pack.schema.json", pretty(schema_for!(PackDoc))),
        ("procedure.schema.json", pretty(schema_for!(ProcedureDoc))),
        ("scenario.schema.json", pretty(schema_for!(ScenarioDoc))),
        ("calendar.schema.json", pretty(schema_for!(CalendarDoc))),
    ]
}

#[cfg(test)]
mod tests {
    use super::schemas;
    use serde_json::{json, Value};

    /// The closed sets reach the schema as `enum`, so editors complete them.
    #[test]
    fn closed_sets_are_enums_in_the_schema() {
        let schema = |name: &str| -> Value {
            let (_, text) = schemas().into_iter().find(|(n, _)| *n == name).unwrap();
            serde_json::from_str(&text).unwrap()
        };
        let pack = schema("pack.schema.json");
        let procedure = schema("procedure.schema.json");
        for (schema, definition, names) in [
            (&pack, "StatusDoc", json!(["in_force", "draft", "expired"])),
            (
                &pack,
                "ScopeDoc",
                json!(["departments", "registered", "authority"]),
            ),
            (
                &pack,
                "PeriodDoc",
                json!(["previous_year", "current_year", "next_year"]),
            ),
            (&pack, "PresenceDoc", json!(["present", "absent"])),
            (
                &procedure,
                "AnchorDoc",
                json!(["received", "event", "entered", "entered_event", "period"]),
            ),
            (
                &procedure,
                "YearDoc",
                json!(["same", "following", "preceding"]),
            ),
        ] {
            assert_eq!(schema["$defs"][definition]["enum"], names, "{definition}");
        }
        let require = &pack["$defs"]["RuleDoc"]["properties"]["require"];
        assert_eq!(require["additionalProperties"], json!(false), "{require:#}");
        assert!(
            require["properties"]["base_database"].is_object(),
            "{require:#}"
        );
    }
}
