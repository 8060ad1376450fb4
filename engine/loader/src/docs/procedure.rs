use govflow_model::{Anchor, DeadlineKind, YearOf};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// `cities/<id>/procedures/<procedure>.yaml`: one procedure as a state machine.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcedureDoc {
    pub schema_version: u32,
    /// The canonical procedure id (`data_verification`).
    pub id: String,
    /// The text's name for it (`数据校核`).
    pub title: String,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
    /// Roles that may open a case.
    pub opened_by: Vec<String>,
    /// Whether a case must name the department it is addressed to.
    #[serde(default)]
    pub requires_provider: bool,
    /// Data fields the submission must carry: present, not blank, not `false`
    /// (`application_scenario`). Checked before the case is stored.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Guards on the submission: each script must evaluate to true for the case to open.
    /// They see `data` (the submission's), `actor`, and `this_case` as it would open.
    #[serde(default)]
    pub guards: Vec<GuardDoc>,
    /// The state a new case starts in.
    pub initial: String,
    pub states: BTreeMap<String, StateDoc>,
    #[serde(default)]
    pub actions: Vec<ActionDoc>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StateDoc {
    pub title: String,
    #[serde(default)]
    pub terminal: bool,
    /// Armed when a case enters the state.
    #[serde(default)]
    pub deadlines: Vec<DeadlineDoc>,
    /// A case may start here instead of `initial`: the head of another penalty ladder, or
    /// the step a child case takes up (`start:` on `on_lapse` or `opens`).
    #[serde(default)]
    pub entry: Option<EntryDoc>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryDoc {
    /// Roles or bodies that may open a case here themselves (`start` on `POST /v1/cases`);
    /// none when only another case's lapse or action opens it here.
    #[serde(default)]
    pub opened_by: Vec<String>,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineDoc {
    pub id: String,
    /// The role whose duty it is; its department answers for a lapse.
    pub responsible: String,
    /// Exactly one of `working_days`, `days`, `months`, `years`, `fixed_date`.
    pub within: SpanDoc,
    /// What the period counts from: `received` (the default), `event`, `entered`, or
    /// `period` (a fixed date of the case's reporting period).
    #[serde(default)]
    pub from: Option<AnchorDoc>,
    /// `duty` (the default: a lapse makes the case overdue) or `notice` (the date passes
    /// without anyone being late: a window opens, an automatic consequence follows).
    #[serde(default)]
    pub kind: Option<KindDoc>,
    /// Whether the period is the text's own. `true` unless stated; write `false` (with a
    /// `# gap:` comment) where the pack chose it. An `imposed_by` period is never statutory.
    #[serde(default)]
    pub statutory: Option<bool>,
    /// The text leaves the period to whoever imposes it (责令限期改正): that role sets it
    /// with `set_period`; `within` is only the default.
    #[serde(default)]
    pub imposed_by: Option<ImposedDoc>,
    /// Working days before the due date on which a warning fires.
    #[serde(default)]
    pub warn_before_working_days: Option<u32>,
    #[serde(default)]
    pub extension: Option<ExtensionDoc>,
    #[serde(default)]
    pub on_lapse: Option<LapseDoc>,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
}

closed_set! {
    /// `duty` or `notice`.
    pub enum KindDoc {
        Duty = "duty",
        Notice = "notice",
    }
}

impl From<KindDoc> for DeadlineKind {
    fn from(doc: KindDoc) -> Self {
        match doc {
            KindDoc::Duty => DeadlineKind::Duty,
            KindDoc::Notice => DeadlineKind::Notice,
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImposedDoc {
    /// The role that imposes the period (the authority that issues the order).
    pub role: String,
    /// The longest period it may set, in working days; leave out where the text sets none.
    #[serde(default)]
    pub max_working_days: Option<u32>,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotBeforeDoc {
    /// The period that must have passed: one of `working_days`, `days`, `months`, `years`
    /// (满一年后 → `years: 1`); the action is allowed from the day after its last day.
    pub after: SpanDoc,
    /// What the period counts from; the case's receipt date when absent.
    #[serde(default)]
    pub from: Option<AnchorDoc>,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
}

closed_set! {
    /// `received` (the case's receipt date), `event` (the day of the event that starts the
    /// duty), `entered` (the day the case entered this state, counted as a receipt: a
    /// dependent deadline from receiving something), `entered_event` (the day the case
    /// entered this state, counted as an event: a dependent deadline from an act, 建立或者
    /// 更新之日起) or `period` (the reporting period the case is for; only with `fixed_date`).
    pub enum AnchorDoc {
        Received = "received",
        Event = "event",
        Entered = "entered",
        EnteredEvent = "entered_event",
        Period = "period",
    }
}

impl From<AnchorDoc> for Anchor {
    fn from(doc: AnchorDoc) -> Self {
        match doc {
            AnchorDoc::Received => Anchor::Received,
            AnchorDoc::Event => Anchor::Event,
            AnchorDoc::Entered => Anchor::Entered,
            AnchorDoc::EnteredEvent => Anchor::EnteredEvent,
            AnchorDoc::Period => Anchor::Period,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpanDoc {
    #[serde(default)]
    pub working_days: Option<u32>,
    #[serde(default)]
    pub days: Option<u32>,
    #[serde(default)]
    pub months: Option<u32>,
    #[serde(default)]
    pub years: Option<u32>,
    /// `MM-DD`, or `MM-last` for the month's last day (`1月底前` → `01-last`).
    #[serde(default)]
    pub fixed_date: Option<String>,
    /// With `fixed_date` and `from: period`: the year of the date relative to the period
    /// (`following`: the report on year Y due in January of Y+1). `same` when absent.
    #[serde(default)]
    pub year: Option<YearDoc>,
}

closed_set! {
    /// The year of a fixed date relative to the case's period: `same`, `following`
    /// (Y+1) or `preceding` (Y-1).
    pub enum YearDoc {
        Same = "same",
        Following = "following",
        Preceding = "preceding",
    }
}

impl From<YearDoc> for YearOf {
    fn from(doc: YearDoc) -> Self {
        match doc {
            YearDoc::Same => YearOf::Same,
            YearDoc::Following => YearOf::Following,
            YearDoc::Preceding => YearOf::Preceding,
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionDoc {
    /// The cap on all extensions together, in working days.
    #[serde(default)]
    pub max_working_days: Option<u32>,
    /// The role that approves (`principal`: the provider's 主要负责人).
    pub approver: String,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LapseDoc {
    /// Move the case to this state (a penalty ladder's next step).
    #[serde(default)]
    pub to: Option<String>,
    /// Open a case of this procedure against the responsible department.
    #[serde(default)]
    pub open: Option<String>,
    /// With `open`: the `entry` state of that procedure the case starts in (another
    /// ladder); its `initial` when absent.
    #[serde(default)]
    pub start: Option<String>,
}

/// The child case an action opens, with the acting case as its parent.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpensDoc {
    /// A procedure of this pack (this one included).
    pub procedure: String,
    /// An `entry` state of that procedure; its `initial` when absent.
    #[serde(default)]
    pub start: Option<String>,
    /// Whom the child is addressed to: `case` (the acting case's provider, the default)
    /// or `data` (the department the action names in `data.provider`).
    #[serde(default)]
    pub provider: Option<ChildProviderDoc>,
    /// Only when the action is taken with this decision (a key of `to`).
    #[serde(default)]
    pub on_decision: Option<String>,
}

closed_set! {
    /// `case` (the acting case's provider) or `data` (`data.provider` of the action).
    pub enum ChildProviderDoc {
        Case = "case",
        Data = "data",
    }
}

impl From<ChildProviderDoc> for govflow_model::ChildProvider {
    fn from(doc: ChildProviderDoc) -> Self {
        match doc {
            ChildProviderDoc::Case => govflow_model::ChildProvider::Case,
            ChildProviderDoc::Data => govflow_model::ChildProvider::Data,
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionDoc {
    /// A canonical action id (`reply`, `forward`, …).
    pub id: String,
    pub from: Vec<String>,
    /// A state, or `{approve: <state>, reject: <state>}` chosen by `data.decision`.
    pub to: TargetDoc,
    pub roles: Vec<String>,
    /// Data fields the action must carry.
    #[serde(default)]
    pub requires: Vec<String>,
    /// The action names the department the case is then addressed to (`data.provider`).
    #[serde(default)]
    pub sets_provider: bool,
    /// Leaving by this action cancels the open deadlines rather than meeting them.
    #[serde(default)]
    pub cancels_deadlines: bool,
    /// The action may not be taken before a period has passed (满一年后).
    #[serde(default)]
    pub not_before: Option<NotBeforeDoc>,
    /// A deadline the state this action leads to arms, whose period the action's data
    /// sets (`working_days` or `due_date`), as an order or a delay report states it.
    #[serde(default)]
    pub sets_period: Option<String>,
    #[serde(default)]
    pub guards: Vec<GuardDoc>,
    /// A joint act (会同, 联合): every role or body in `roles` must take it, with the same
    /// decision, before it completes.
    #[serde(default)]
    pub jointly: bool,
    /// The child case the action opens.
    #[serde(default)]
    pub opens: Option<OpensDoc>,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum TargetDoc {
    State(String),
    ByDecision(BTreeMap<String, String>),
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GuardDoc {
    /// `scripts/<script>.rhai`; it must evaluate to true for the action to proceed.
    pub script: String,
    /// Shown when the guard refuses.
    pub message: String,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
}
