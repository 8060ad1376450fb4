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
