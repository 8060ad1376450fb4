//! A procedure is a state machine: states that arm deadlines on entry, and actions that
//! roles take to move between them.

use crate::{ActionId, ArticleRef, DeadlineId, ProcedureId, RoleId, StateId};
use govflow_calendar::{DayOfMonth, Period};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The actions every procedure offers where a state has a deadline with an extension rule.
/// Packs do not declare them; the deadline's `extension` block says who may approve.
pub const BUILTIN_EXTENSION_ACTIONS: [&str; 3] =
    ["request_extension", "approve_extension", "reject_extension"];

/// The action every procedure offers where a state has a deadline with `imposed_by`: the
/// imposer sets the period of its order (`{deadline?, working_days | due_date}`).
pub const SET_PERIOD_ACTION: &str = "set_period";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Procedure {
    pub id: ProcedureId,
    /// The text's own name for it (`数据校核`).
    pub title: String,
    pub basis: ArticleRef,
    /// Roles that may open a case of this procedure.
    pub opened_by: Vec<RoleId>,
    /// Whether a case must name the provider department it is addressed to.
    pub requires_provider: bool,
    /// Data fields the submission must carry (present, not blank, not `false`).
    #[serde(default)]
    pub requires: Vec<String>,
    /// Guards on the submission, run before anything is stored.
    #[serde(default)]
    pub guards: Vec<GuardRef>,
    pub initial: StateId,
    pub states: BTreeMap<StateId, State>,
    pub actions: Vec<Action>,
}

impl Procedure {
    pub fn state(&self, id: &StateId) -> Option<&State> {
        self.states.get(id)
    }

    /// Every deadline rule of every state.
    pub fn deadline_rules(&self) -> impl Iterator<Item = (&State, &DeadlineRule)> {
        self.states
            .values()
            .flat_map(|s| s.deadlines.iter().map(move |d| (s, d)))
    }

    pub fn deadline_rule(&self, id: &DeadlineId) -> Option<&DeadlineRule> {
        self.deadline_rules().map(|(_, d)| d).find(|d| &d.id == id)
    }

    /// The states a case may start in besides `initial`.
    pub fn entries(&self) -> impl Iterator<Item = (&State, &Entry)> {
        self.states
            .values()
            .filter_map(|s| s.entry.as_ref().map(|e| (s, e)))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub id: StateId,
    pub title: String,
    /// A terminal state ends the case: no action leaves it.
    pub terminal: bool,
    /// Deadlines armed when the case enters this state.
    pub deadlines: Vec<DeadlineRule>,
    /// Where a case may start in this state rather than the procedure's `initial`: the
    /// head of a second penalty ladder, or the step a child case takes up.
    #[serde(default)]
    pub entry: Option<Entry>,
}

/// A state a case may start in: opened there by a lapse's or an action's child case
/// (`start:`), or by hand by the roles in `opened_by`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The roles or bodies that may open a case in this state themselves (`start` on
    /// `POST /v1/cases`); empty when only another case opens it here.
    pub opened_by: Vec<RoleId>,
    pub basis: ArticleRef,
}

/// How long a duty lasts: a counted period or a fixed annual date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Span {
    Period(Period),
    /// `每年1月上旬` → month 1, day 10; `1月底前` → month 1, last day. The date of one
    /// stated year: the year of the anchor (for `from: period`, the case's period), shifted
    /// by `year`. Never rolled into a following year.
    Fixed {
        month: u32,
        day: DayOfMonth,
        /// Which year the date is in, relative to the anchor's year; archived packs written
        /// before the field read as `same`.
        #[serde(default)]
        year: YearOf,
    },
}

/// The year of a fixed date relative to its anchor's year: the report on period Y due
/// 1月上旬 of Y+1 is `following`; the plan for year Y+1 due 11月底前 of Y is `preceding`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YearOf {
    #[default]
    Same,
    Following,
    Preceding,
}

impl YearOf {
    /// Years to add to the anchor's year.
    pub fn offset(self) -> i32 {
        match self {
            YearOf::Same => 0,
            YearOf::Following => 1,
            YearOf::Preceding => -1,
        }
    }
}

/// What a deadline counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Anchor {
    /// The case's receipt date (`自收到申请之日起`). A request received on a rest day counts
    /// as received on the next working day (BRIEF), so a working-day count starts after that.
    Received,
    /// The day of the event that starts the duty, carried as the case's `received_at`
    /// (`法律法规作出修改或者行政管理职能发生变化之日起`, `情形发生之日起`). The general rule
    /// (民法典 第二百零一条): the event day is not counted and the count starts the next
    /// day, whatever kind of day the event day is — no rest-day shift as for a receipt.
    Event,
    /// The day the case entered the deadline's state, counted as a receipt: a dependent
    /// deadline such as a provider's period that runs from the day it received a
    /// forwarded objection (`自收到转交的异议材料之日起`); entered on a rest day, it counts
    /// as entered on the next working day.
    Entered,
    /// The day the case entered the deadline's state, counted as an event: the entering
    /// is itself the act the text counts from (`目录建立或者更新之日起`), so that day is not
    /// counted and the count starts the next day, whatever kind of day it is, as for
    /// [`Anchor::Event`].
    EnteredEvent,
    /// The reporting period the case is for (`Case::period`, a year): a fixed date of that
    /// cycle (`每年1月上旬` for the year reported on), whatever day the case is opened.
    Period,
}

impl Anchor {
    /// Whether the anchor day is an event's (not moved off a rest day before the count)
    /// rather than a receipt's.
    pub fn is_event(self) -> bool {
        matches!(self, Anchor::Event | Anchor::EnteredEvent)
    }
}

/// Whether a deadline is a duty someone can be late for, or a notice that only marks a
/// date (a window opening, an automatic consequence) without anyone being late.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// A lapse marks the deadline `missed` and the case overdue, and may open a penalty.
    #[default]
    Duty,
    /// When the date passes the deadline is `elapsed`: no one is overdue and no penalty
    /// opens; it may move the case (`on_lapse.to`).
    Notice,
}

impl DeadlineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::Duty => "duty",
            DeadlineKind::Notice => "notice",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadlineRule {
    pub id: DeadlineId,
    /// The role whose duty this is; its department answers for a lapse.
    pub responsible: RoleId,
    pub span: Span,
    pub from: Anchor,
    pub kind: DeadlineKind,
    /// Whether the period is the text's. False where the pack chose it, or where the
    /// imposer sets it (`imposed_by`): the pack's span is then only the default.
    pub statutory: bool,
    /// Who sets the period by an order (责令限期改正), within these bounds.
    pub imposed_by: Option<ImposedRule>,
    /// Working days before the due date on which a warning fires.
    pub warn_before_working_days: Option<u32>,
    pub extension: Option<ExtensionRule>,
    pub on_lapse: Lapse,
    pub basis: ArticleRef,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtensionRule {
    /// The total of all extensions granted, in working days.
    pub max_working_days: u32,
    pub approver: RoleId,
    pub basis: ArticleRef,
}

/// A period the text leaves to whoever imposes it: that role sets it by `set_period`
/// (or by data on an action that `sets_period`), within `max_working_days`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImposedRule {
    pub role: RoleId,
    /// The longest period the imposer may set, counted like the default; none when the
    /// text sets no bound.
    pub max_working_days: Option<u32>,
    pub basis: ArticleRef,
}

/// An earliest day for an action (项目 第二十三条 投入运行满一年后): the period is counted
/// as a deadline's would be, and the action is allowed from the day after its last day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotBefore {
    pub period: Period,
    pub from: Anchor,
    pub basis: ArticleRef,
}

/// What a lapse does beyond marking the deadline missed and the case overdue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lapse {
    /// Move the case to this state (a penalty ladder's next step).
    pub to: Option<StateId>,
    /// Open a case of this procedure against the responsible department, with this case
    /// as its parent.
    pub open: Option<ProcedureId>,
    /// The state the opened case starts in (an `entry` of that procedure: another ladder);
    /// its `initial` when absent.
    #[serde(default)]
    pub start: Option<StateId>,
}

/// A child case an action opens (an agreed correction opens the catalog update, a failed
/// acceptance the second acceptance), with the acting case as its parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Opens {
    pub procedure: ProcedureId,
    /// The `entry` state the child starts in; the procedure's `initial` when absent.
    pub start: Option<StateId>,
    /// Whom the child is addressed to.
    pub provider: ChildProvider,
    /// Only when the action is taken with this `decision`; on every decision when absent.
    pub on_decision: Option<String>,
}

/// The department a child case is addressed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChildProvider {
    /// The acting case's provider.
    Case,
    /// The department the action names in `data.provider`.
    Data,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub id: ActionId,
    pub from: Vec<StateId>,
    pub to: Target,
    pub roles: Vec<RoleId>,
    /// Data fields the action must carry, non-empty (`reasons`).
    pub requires: Vec<String>,
    /// The action names the provider department (`data.provider`) the case is then
    /// addressed to, as when an objection is forwarded.
    pub sets_provider: bool,
    /// Leaving by this action cancels the open deadlines instead of meeting them.
    pub cancels_deadlines: bool,
    /// The action may not be taken before this gate opens.
    pub not_before: Option<NotBefore>,
    /// The action's data (`working_days` or `due_date`) sets the period of this deadline,
    /// armed by the state it leads to: an order that fixes its own period, a delay report
    /// that states the new date.
    pub sets_period: Option<DeadlineId>,
    pub guards: Vec<GuardRef>,
    /// A joint act (会同, 联合): it completes only once every role in `roles` has taken it,
    /// with the same decision; until then each taking is recorded on the case.
    #[serde(default)]
    pub jointly: bool,
    /// The child case the action opens.
    #[serde(default)]
    pub opens: Option<Opens>,
    pub basis: ArticleRef,
}

impl Action {
    /// The child case this action opens when taken with `decision`, if any.
    pub fn opens_on(&self, decision: Option<&str>) -> Option<&Opens> {
        self.opens
            .as_ref()
            .filter(|o| o.on_decision.is_none() || o.on_decision.as_deref() == decision)
    }
}

/// Where an action leads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Target {
    State(StateId),
    /// Chosen by the action's `decision` (`approve` → `approved`, `reject` → `rejected`).
    ByDecision(BTreeMap<String, StateId>),
}

impl Target {
    pub fn states(&self) -> Vec<&StateId> {
        match self {
            Target::State(s) => vec![s],
            Target::ByDecision(m) => m.values().collect(),
        }
    }
}

/// A rhai guard: the script must evaluate to `true` for the action to proceed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuardRef {
    /// The script's name: `scripts/<name>.rhai` in the pack.
    pub script: String,
    /// Shown to the actor when the guard refuses.
    pub message: String,
    pub basis: ArticleRef,
}
