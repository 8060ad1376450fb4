use crate::guards::Guards;
use crate::open::OpenCase;
use chrono::{DateTime, Utc};
use govflow_model::{Calendar, Case, CaseId, DeadlineId, Event, Pack, TimerKind};

/// What a decision is made against.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The pack version that governs the case.
    pub pack: &'a Pack,
    pub calendar: &'a Calendar,
    pub guards: &'a dyn Guards,
    pub now: DateTime<Utc>,
}

/// The outcome of an accepted command.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub case: Case,
    pub effects: Vec<Effect>,
}

/// Work the runtime performs after it has stored the new case.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    ArmTimer {
        case: CaseId,
        deadline: DeadlineId,
        kind: TimerKind,
        at: DateTime<Utc>,
    },
    CancelTimer {
        case: CaseId,
        deadline: DeadlineId,
        kind: TimerKind,
    },
    /// Open a further case (a penalty ladder's rectification case).
    OpenCase(OpenCase),
    Emit(Event),
}

impl Transition {
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.effects.iter().filter_map(|e| match e {
            Effect::Emit(event) => Some(event),
            _ => None,
        })
    }
}
