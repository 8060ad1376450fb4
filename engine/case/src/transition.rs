//! The data a decision works with: what it is made against, what asks for a case, and
//! what it gives before it is settled.

use crate::guards::Guards;
use chrono::{DateTime, Utc};
use govflow_model::{
    ActionId, Calendar, Case, CaseId, DeadlineId, Event, Pack, ProcedureId, StateId, TimerOp,
};
use serde_json::{Map, Value};

/// What a decision is made against.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The pack version that governs the case.
    pub pack: &'a Pack,
    pub calendar: &'a Calendar,
    pub guards: &'a dyn Guards,
    pub now: DateTime<Utc>,
}

/// A request to open a case (the v1 `POST /v1/cases` body, a recurring obligation's
/// occurrence, or a lapse's penalty).
#[derive(Debug, Clone, PartialEq)]
pub struct OpenCase {
    pub procedure: ProcedureId,
    /// When the request was received; `now` when absent.
    pub received_at: Option<DateTime<Utc>>,
    pub provider: Option<String>,
    pub subject: Option<String>,
    /// The reporting period (a year) the case is for; required when the procedure counts a
    /// deadline `from: period`.
    pub period: Option<i32>,
    pub data: Map<String, Value>,
    pub parent: Option<CaseId>,
    /// The state the case starts in, where the opener chooses one (a recurring
    /// obligation's `initial`, a penalty ladder's step, a child's step); the procedure's
    /// `initial` when absent. An API caller may name only a state the procedure declares
    /// an `entry` that its role may open.
    pub start: Option<StateId>,
}

/// The outcome of one decision, before it is settled.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Transition {
    pub case: Case,
    pub effects: Vec<Effect>,
}

/// What a decision asks for besides the new case.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Effect {
    Timer(TimerOp),
    /// Open a child case: the penalty ladder's case for a lapsed duty, or the case an
    /// action opens.
    OpenChild(Handover),
    Emit(Event),
}

/// The handover from a case to the child case it opens.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Handover {
    pub cause: Cause,
    /// The article the lapsed duty, or the action, rests on.
    pub article: String,
    pub request: OpenCase,
}

/// What opens a child case.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cause {
    /// The lapse of this deadline (a penalty case).
    Lapse(DeadlineId),
    /// This action.
    Action(ActionId),
}
