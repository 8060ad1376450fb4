use super::pack::StatusDoc;
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
    /// Departments registered (with the scenario's city) before the first step: a
    /// recurring obligation addressed to departments opens one case for each of them at
    /// each occurrence the clock passes.
    #[serde(default)]
    pub departments: Vec<String>,
    /// Obligation id → the departments (each one of `departments`) a `scope: registered`
    /// obligation falls on, registered with them.
    #[serde(default)]
    pub obligations: BTreeMap<String, Vec<String>>,
    pub steps: Vec<StepDoc>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioActorDoc {
    pub roles: Vec<String>,
    #[serde(default)]
    pub department: String,
}

/// One of `submit`, `act`, `clock`, `restart` or `reload`, optionally after moving the
/// clock to `at`; then the expectations.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepDoc {
    /// Move the clock here first (firing every timer and obligation due by then).
    #[serde(default)]
    pub at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub submit: Option<SubmitDoc>,
    #[serde(default)]
    pub act: Option<ActDoc>,
    /// Move the clock to this instant, firing every timer and recurring obligation due by
    /// then, in due order, each at its own instant.
    #[serde(default)]
    pub clock: Option<DateTime<FixedOffset>>,
    /// Stop the service now and start it again at this instant, on the same store: what
    /// fell due while it was down (timers, obligations' occurrences) fires once, in its
    /// first pass, each at its own instant.
    #[serde(default)]
    pub restart: Option<DateTime<FixedOffset>>,
    /// Edit the pack's files and reload them, as an admin would: cases already open keep
    /// the version they were received under, new cases get the new one; an edit that
    /// breaks the pack leaves the last good version serving (expect it with
    /// `expect_error: {code: GF00xx}`).
    #[serde(default)]
    pub reload: Option<ReloadDoc>,
    /// What must hold of the step's case afterwards (for `clock`, `restart` and `reload`,
    /// of `case`).
    #[serde(default)]
    pub expect: Option<CaseExpectDoc>,
    /// The step must be refused (a refusal's or the service's code, or for `reload` a
    /// diagnostic's `GF` code).
    #[serde(default)]
    pub expect_error: Option<ErrorExpectDoc>,
    /// For `clock`, `restart` and `reload` steps: which case `expect` looks at (default
    /// `main`).
    #[serde(default)]
    pub case: Option<String>,
}

/// Edits to the pack's files, then a reload.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReloadDoc {
    pub edits: Vec<EditDoc>,
}

/// Replace `replace` with `with` in `file`; the text must occur in it exactly once.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditDoc {
    /// A path relative to the pack directory (`procedures/catalog_update.yaml`).
    pub file: String,
    pub replace: String,
    pub with: String,
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
    /// The reporting period (a year) the case is for.
    #[serde(default)]
    pub period: Option<i32>,
    #[serde(default)]
    pub data: serde_json::Map<String, serde_json::Value>,
    /// The `entry` state to open the case in (`start` of `POST /v1/cases`).
    #[serde(default)]
    pub start: Option<String>,
    /// Sent as the `Idempotency-Key`: submitting the same request again under the same
    /// key returns the case the first submission opened (and may name it again).
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActDoc {
    /// A case reference: `main`; a name given at submit; a case id (`c-000003`: ids in a
    /// scenario are numbered in the order cases are opened); `<obligation>@<department>`
    /// for the newest case a recurring obligation opened for a department; each followed
    /// by `/penalty` (or `/child`) for the newest case its lapse or an action opened
    /// (repeatable: `main/penalty/penalty`).
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
    /// The case's id (`c-000001` is the first case the scenario opens).
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub overdue: Option<bool>,
    #[serde(default)]
    pub regulation_status: Option<StatusDoc>,
    #[serde(default)]
    pub provider: Option<String>,
    /// The reporting period (a year) the case is for.
    #[serde(default)]
    pub period: Option<i32>,
    /// Deadline name → what must hold of it.
    #[serde(default)]
    pub deadlines: BTreeMap<String, DeadlineExpectDoc>,
    /// The cases this case opened (by its lapses or its actions), oldest first.
    #[serde(default)]
    pub penalties: Option<Vec<ChildExpectDoc>>,
    /// Event types recorded for this case, in order (`warning`, `lapsed`, …), as a
    /// subsequence of its history.
    #[serde(default)]
    pub events: Option<Vec<EventTypeDoc>>,
    /// The case's whole history, exactly: every event type recorded for it, in order (so
    /// a warning given twice fails where `events` would still match).
    #[serde(default)]
    pub history: Option<Vec<EventTypeDoc>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineExpectDoc {
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
    #[serde(default)]
    pub status: Option<DeadlineStatusDoc>,
    #[serde(default)]
    pub provisional: Option<bool>,
    /// Whether the period is the text's (false: the pack's choice or the imposer's).
    #[serde(default)]
    pub statutory: Option<bool>,
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

closed_set! {
    /// `open`, `met`, `missed`, `cancelled` or `elapsed` (a notice whose date passed).
    pub enum DeadlineStatusDoc {
        Open = "open",
        Met = "met",
        Missed = "missed",
        Cancelled = "cancelled",
        Elapsed = "elapsed",
    }
}

closed_set! {
    /// The `type` of an event in a case's history and the feed.
    pub enum EventTypeDoc {
        Opened = "opened",
        Acted = "acted",
        ExtensionRequested = "extension_requested",
        ExtensionApproved = "extension_approved",
        ExtensionRejected = "extension_rejected",
        Warning = "warning",
        Lapsed = "lapsed",
        Elapsed = "elapsed",
        PeriodSet = "period_set",
        PenaltyOpened = "penalty_opened",
        Recomputed = "recomputed",
        ChildOpened = "child_opened",
        JointActRecorded = "joint_act_recorded",
    }
}
