//! A case: one run of a procedure, with its deadlines as instances of the pack's rules.

use crate::{ActionId, CaseId, CityId, DeadlineId, ProcedureId, RegulationStatus, RoleId, StateId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Who is acting: the identity a token maps to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub id: String,
    /// A city id, or `*` for every city.
    pub city: String,
    /// The department the actor belongs to (`区公安局`); empty for citizens.
    pub department: String,
    pub roles: Vec<RoleId>,
}

impl Actor {
    /// The id the system acts under (timers, recurring obligations, penalty cases).
    pub const SYSTEM_ID: &'static str = "govflow";

    pub fn has_role(&self, role: &RoleId) -> bool {
        self.roles.contains(role)
    }

    pub fn covers_city(&self, city: &CityId) -> bool {
        self.city == "*" || self.city == city.as_str()
    }

    /// The system itself: timers and recurring obligations act as this actor.
    pub fn system() -> Actor {
        Actor {
            id: Actor::SYSTEM_ID.into(),
            city: "*".into(),
            department: String::new(),
            roles: vec![RoleId::from("admin")],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub id: CaseId,
    pub city: CityId,
    pub procedure: ProcedureId,
    pub state: StateId,
    /// Whether any deadline of the case was missed.
    pub overdue: bool,
    /// The case whose lapse opened this one.
    pub parent: Option<CaseId>,
    pub pack_version: String,
    pub regulation_status: RegulationStatus,
    pub received_at: DateTime<Utc>,
    /// The local receipt date (Asia/Shanghai).
    pub received_date: NaiveDate,
    /// Who opened the case (an actor id) and for which department.
    pub opened_by: Opener,
    /// The department the case is addressed to (数据提供部门), where there is one.
    pub provider: Option<String>,
    pub subject: Option<String>,
    pub data: Map<String, Value>,
    /// The last `decision` taken on the case (`approve`, `reject`, …), if any.
    pub decision: Option<String>,
    pub deadlines: Vec<CaseDeadline>,
    /// When the case entered its current state.
    pub entered_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Bumped by every transition; stores use it to detect lost updates.
    pub revision: u64,
}

impl Case {
    pub fn deadline(&self, name: &DeadlineId) -> Option<&CaseDeadline> {
        self.deadlines.iter().find(|d| &d.name == name)
    }

    pub fn deadline_mut(&mut self, name: &DeadlineId) -> Option<&mut CaseDeadline> {
        self.deadlines.iter_mut().find(|d| &d.name == name)
    }

    pub fn open_deadlines(&self) -> impl Iterator<Item = &CaseDeadline> {
        self.deadlines
            .iter()
            .filter(|d| d.status == DeadlineStatus::Open)
    }

    /// An event of this case at `at`, recorded under the case's pack version.
    pub fn event(
        &self,
        at: DateTime<Utc>,
        actor: impl Into<String>,
        kind: EventKind,
        article: Option<String>,
    ) -> Event {
        Event {
            case: self.id.clone(),
            city: self.city.clone(),
            at,
            actor: actor.into(),
            pack_version: self.pack_version.clone(),
            kind,
            article,
        }
    }

    /// Marks a transition at `now`: a new revision, so a store can detect lost updates.
    pub fn bump(&mut self, now: DateTime<Utc>) {
        self.revision += 1;
        self.updated_at = now;
    }
}

/// Who opened a case: applicants and using departments act on their own cases only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opener {
    pub actor: String,
    pub department: String,
}

/// One armed deadline of a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseDeadline {
    pub name: DeadlineId,
    /// The state whose entry armed it.
    pub state: StateId,
    pub responsible: RoleId,
    /// The local date the duty must be done by.
    pub due_date: NaiveDate,
    /// 23:59:59 local on `due_date`.
    pub due_at: DateTime<Utc>,
    /// The date the count starts from (receipt, or entry into the state).
    pub counted_from: NaiveDate,
    /// The due date before any extension.
    pub original_due_date: NaiveDate,
    pub status: DeadlineStatus,
    /// Computed on weekends only because the calendar does not yet cover the year.
    pub provisional: bool,
    pub article: String,
    pub quote: String,
    /// Working days granted by approved extensions.
    pub extended_working_days: u32,
    pub pending_extension: Option<ExtensionRequest>,
    /// When the warning fires, if the rule asks for one.
    pub warn_at: Option<DateTime<Utc>>,
    pub warned: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    Open,
    Met,
    Missed,
    Cancelled,
}

impl DeadlineStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineStatus::Open => "open",
            DeadlineStatus::Met => "met",
            DeadlineStatus::Missed => "missed",
            DeadlineStatus::Cancelled => "cancelled",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionRequest {
    pub working_days: u32,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
}

/// Something that happened to a case, for the history and the event feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub case: CaseId,
    pub city: CityId,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub pack_version: String,
    pub kind: EventKind,
    /// The article the event rests on, where one does.
    pub article: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    Opened {
        procedure: ProcedureId,
        state: StateId,
        parent: Option<CaseId>,
    },
    Acted {
        action: ActionId,
        from: StateId,
        to: StateId,
        data: Map<String, Value>,
    },
    ExtensionRequested {
        deadline: DeadlineId,
        working_days: u32,
    },
    ExtensionApproved {
        deadline: DeadlineId,
        working_days: u32,
        due_date: NaiveDate,
    },
    ExtensionRejected {
        deadline: DeadlineId,
    },
    Warning {
        deadline: DeadlineId,
        due_date: NaiveDate,
    },
    Lapsed {
        deadline: DeadlineId,
        due_date: NaiveDate,
        responsible: RoleId,
    },
    PenaltyOpened {
        deadline: DeadlineId,
        child: CaseId,
        procedure: ProcedureId,
    },
    Recomputed {
        deadline: DeadlineId,
        due_date: NaiveDate,
    },
}
