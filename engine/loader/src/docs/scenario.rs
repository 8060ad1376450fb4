use chrono::{DateTime, FixedOffset, NaiveDate};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// `cities/<id>/scenarios/*.yaml`: steps on a simulated clock and what must hold after each.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioDoc {
    pub schema_version: u32,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Where the simulated clock starts.
    pub start: DateTime<FixedOffset>,
    /// Named actors the steps act as.
    pub actors: BTreeMap<String, ScenarioActorDoc>,
    /// Departments registered for recurring obligations.
    #[serde(default)]
    pub departments: Vec<String>,
    pub steps: Vec<StepDoc>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioActorDoc {
    pub roles: Vec<String>,
    #[serde(default)]
    pub department: String,
}

/// One of `submit`, `act`, `clock` (move the clock to an instant and fire every timer due
/// by then), optionally after moving the clock to `at`; then the expectations.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepDoc {
    /// Move the clock here first.
    #[serde(default)]
    pub at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub submit: Option<SubmitDoc>,
    #[serde(default)]
    pub act: Option<ActDoc>,
    #[serde(default)]
    pub clock: Option<DateTime<FixedOffset>>,
    /// What must hold of the step's case afterwards (for `clock`, of `case`).
    #[serde(default)]
    pub expect: Option<CaseExpectDoc>,
    /// The step must be refused.
    #[serde(default)]
    pub expect_error: Option<ErrorExpectDoc>,
    /// For `clock` steps: which case `expect` looks at (default `main`).
    #[serde(default)]
    pub case: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitDoc {
    /// How later steps refer to the case (default `main`).
    #[serde(default)]
    pub name: Option<String>,
    pub procedure: String,
    #[serde(rename = "as")]
    pub actor: String,
    /// The receipt instant; the clock's time when absent.
    #[serde(default)]
    pub received_at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub data: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActDoc {
    /// `main`, a name given at submit, or `<name>/penalty` for the newest case its lapse
    /// opened (repeatable: `main/penalty/penalty`).
    #[serde(default)]
    pub case: Option<String>,
    pub action: String,
    #[serde(rename = "as")]
    pub actor: String,
    #[serde(default)]
    pub data: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseExpectDoc {
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub overdue: Option<bool>,
    #[serde(default)]
    pub regulation_status: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
    /// Deadline name → what must hold of it.
    #[serde(default)]
    pub deadlines: BTreeMap<String, DeadlineExpectDoc>,
    /// The cases this case's lapses opened, oldest first.
    #[serde(default)]
    pub penalties: Option<Vec<ChildExpectDoc>>,
    /// Event types recorded for this case, in order (`warning`, `lapsed`, …), as a
    /// subsequence of its history.
    #[serde(default)]
    pub events: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineExpectDoc {
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
    /// `open`, `met`, `missed` or `cancelled`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub provisional: Option<bool>,
    #[serde(default)]
    pub article: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChildExpectDoc {
    pub procedure: String,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorExpectDoc {
    /// The refusal's code (`extension_over_cap`, `wrong_role`, …).
    pub code: String,
    /// Text the message must contain (an article, say).
    #[serde(default)]
    pub contains: Option<String>,
}
