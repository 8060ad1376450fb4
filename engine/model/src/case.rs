//! A case: one run of a procedure, with its deadlines as instances of the pack's rules.

use crate::{
    ActionId, CanonicalIds, CaseId, CityId, DeadlineId, DeadlineKind, ProcedureId, Reach,
    RegulationStatus, RoleId, StateId,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// Who is acting: the identity a token maps to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub id: String,
    /// The cities the actor may act in.
    pub jurisdiction: Jurisdiction,
    /// The department the actor belongs to (`区公安局`); empty for citizens.
    pub department: String,
    pub roles: Vec<RoleId>,
}

impl Actor {
    /// The id of [`Actor::system`], recorded as the actor of what timers, recurring
    /// obligations and penalty cases do.
    pub const SYSTEM_ID: &'static str = "govflow";

    pub fn has_role(&self, role: &RoleId) -> bool {
        self.roles.contains(role)
    }

    /// Whether one of the actor's roles has `reach` (by the built-in vocabulary).
    pub fn reaches(&self, reach: Reach) -> bool {
        self.roles.iter().any(|r| r.reach() == Some(reach))
    }

    /// The system itself: timers and recurring obligations act as this actor, in every
    /// city and in the roles that reach everything.
    pub fn system() -> Actor {
        Actor {
            id: Actor::SYSTEM_ID.into(),
            jurisdiction: Jurisdiction::All,
            department: String::new(),
            roles: CanonicalIds::builtin()
                .roles_reaching(Reach::Everything)
                .cloned()
                .collect(),
        }
    }
}

/// The cities an actor may act in. Written (and serialized) as `*` for every city, or as
/// the city's id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Jurisdiction {
    All,
    City(CityId),
}

impl Jurisdiction {
    /// How [`Jurisdiction::All`] is written.
    pub const ALL: &'static str = "*";

    pub fn covers(&self, city: &CityId) -> bool {
        match self {
            Jurisdiction::All => true,
            Jurisdiction::City(own) => own == city,
        }
    }
}

impl From<&str> for Jurisdiction {
    fn from(s: &str) -> Jurisdiction {
        if s == Jurisdiction::ALL {
            Jurisdiction::All
        } else {
            Jurisdiction::City(CityId::from(s))
        }
    }
}

impl From<String> for Jurisdiction {
    fn from(s: String) -> Jurisdiction {
        Jurisdiction::from(s.as_str())
    }
}

impl From<Jurisdiction> for String {
    fn from(j: Jurisdiction) -> String {
        j.to_string()
    }
}

impl fmt::Display for Jurisdiction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Jurisdiction::All => f.write_str(Jurisdiction::ALL),
            Jurisdiction::City(city) => write!(f, "{city}"),
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
    /// The reporting period the case is for (a year, `2024`), where its procedure has one:
    /// fixed dates with `from: period` are dates of this cycle. Cases stored before the
    /// field read as having none.
    #[serde(default)]
    pub period: Option<i32>,
    pub data: Map<String, Value>,
    /// The last `decision` taken on the case (`approve`, `reject`, …), if any.
    pub decision: Option<String>,
    pub deadlines: Vec<CaseDeadline>,
    /// The takings of a joint act recorded in the current state, while some of its
    /// bodies have yet to take it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub joint: Vec<JointTake>,
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

/// One body's taking of a joint act, waiting for the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JointTake {
    pub action: ActionId,
    /// The role or body it was taken in.
    pub role: RoleId,
    pub actor: String,
    pub decision: Option<String>,
    pub at: DateTime<Utc>,
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
    /// The date the count starts from (receipt, event, entry into the state, or for
    /// `from: period` the first day of the case's period).
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
    /// A duty, or a notice that elapses without anyone being late.
    #[serde(default)]
    pub kind: DeadlineKind,
    /// Whether the period is the text's (false: the pack's choice, or the imposer's).
    #[serde(default = "statutory_unless_stated")]
    pub statutory: bool,
    /// The period an act set in place of the rule's (`set_period`, a delay report), kept
    /// so that a recount keeps it.
    #[serde(default)]
    pub period_set: Option<SetPeriod>,
}

/// A period stated by an act: a number of working days counted like the rule's, or the
/// last day itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SetPeriod {
    WorkingDays(u32),
    DueDate(NaiveDate),
}

/// Cases stored before the flag existed carried only the texts' own periods as far as
/// they said; the flag is recomputed from the rule whenever the deadline is armed again.
fn statutory_unless_stated() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    Open,
    Met,
    Missed,
    Cancelled,
    /// A notice whose date has passed: nothing was owed, no one is late.
    Elapsed,
}

impl DeadlineStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineStatus::Open => "open",
            DeadlineStatus::Met => "met",
            DeadlineStatus::Missed => "missed",
            DeadlineStatus::Cancelled => "cancelled",
            DeadlineStatus::Elapsed => "elapsed",
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
        /// Whether the period is the text's, not the pack's or the imposer's choice.
        #[serde(default = "statutory_unless_stated")]
        statutory: bool,
    },
    Lapsed {
        deadline: DeadlineId,
        due_date: NaiveDate,
        responsible: RoleId,
        #[serde(default = "statutory_unless_stated")]
        statutory: bool,
    },
    /// A notice's date passed (a window opened, an automatic consequence took effect):
    /// nothing was owed, so no one is overdue.
    Elapsed {
        deadline: DeadlineId,
        due_date: NaiveDate,
    },
    /// The imposer set the period of its order, or a delay report stated the new date.
    PeriodSet {
        deadline: DeadlineId,
        due_date: NaiveDate,
        /// The period in working days, where it was given so.
        working_days: Option<u32>,
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
    /// An action opened a child case.
    ChildOpened {
        action: ActionId,
        child: CaseId,
        procedure: ProcedureId,
    },
    /// One body took a joint act; it completes once the others have taken it too.
    JointActRecorded {
        action: ActionId,
        role: RoleId,
        awaiting: Vec<RoleId>,
        data: Map<String, Value>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jurisdiction_is_written_as_star_or_the_city() {
        let wanzhou = CityId::from("wanzhou");
        for (text, jurisdiction) in [
            ("*", Jurisdiction::All),
            ("wanzhou", Jurisdiction::City(wanzhou.clone())),
        ] {
            assert_eq!(Jurisdiction::from(text), jurisdiction);
            assert_eq!(jurisdiction.to_string(), text);
            let json = serde_json::to_value(&jurisdiction).unwrap();
            assert_eq!(json, serde_json::json!(text));
            assert_eq!(
                serde_json::from_value::<Jurisdiction>(json).unwrap(),
                jurisdiction
            );
        }
    }

    #[test]
    fn a_city_jurisdiction_covers_only_its_city() {
        let wanzhou = CityId::from("wanzhou");
        let liaocheng = CityId::from("liaocheng");
        assert!(Jurisdiction::All.covers(&liaocheng));
        assert!(Jurisdiction::City(wanzhou.clone()).covers(&wanzhou));
        assert!(!Jurisdiction::City(wanzhou).covers(&liaocheng));
    }
}
