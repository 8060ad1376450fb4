//! The fixed sets of words the v1 views answer with (a deadline's status, an event's type…),
//! as enums so that `/v1/openapi.json` lists each set and a client can match on it.
//!
//! Each is converted from the model's own type by an exhaustive `match`, so a new variant
//! in the model does not compile until it has its word here; the words are the model's
//! serde names (`snake_case`), which the tests below hold the two to.

use govflow_case::Fact;
use govflow_model::{DeadlineKind, DeadlineStatus, EventKind, RegulationStatus};
use govflow_runtime::Severity;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a regulation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegulationStatusWord {
    InForce,
    Draft,
    Expired,
}

impl From<RegulationStatus> for RegulationStatusWord {
    fn from(s: RegulationStatus) -> Self {
        match s {
            RegulationStatus::InForce => Self::InForce,
            RegulationStatus::Draft => Self::Draft,
            RegulationStatus::Expired => Self::Expired,
        }
    }
}

/// Where a deadline stands: `elapsed` is a notice whose date passed (no one was late).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatusWord {
    Open,
    Met,
    Missed,
    Cancelled,
    Elapsed,
}

impl From<DeadlineStatus> for DeadlineStatusWord {
    fn from(s: DeadlineStatus) -> Self {
        match s {
            DeadlineStatus::Open => Self::Open,
            DeadlineStatus::Met => Self::Met,
            DeadlineStatus::Missed => Self::Missed,
            DeadlineStatus::Cancelled => Self::Cancelled,
            DeadlineStatus::Elapsed => Self::Elapsed,
        }
    }
}

impl std::fmt::Display for DeadlineStatusWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(word(self).as_str())
    }
}

/// `duty` (a lapse makes the case overdue) or `notice` (it only marks a date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKindWord {
    Duty,
    Notice,
}

impl From<DeadlineKind> for DeadlineKindWord {
    fn from(k: DeadlineKind) -> Self {
        match k {
            DeadlineKind::Duty => Self::Duty,
            DeadlineKind::Notice => Self::Notice,
        }
    }
}

/// How grave a pack diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeverityWord {
    Error,
    Warning,
}

impl From<Severity> for SeverityWord {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Error => Self::Error,
            Severity::Warning => Self::Warning,
        }
    }
}

/// Which clock the service runs on: the system's, or the simulated one `POST /v1/admin/clock`
/// moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClockWord {
    System,
    Simulated,
}

impl ClockWord {
    pub fn of(clock: &dyn govflow_runtime::Clock) -> ClockWord {
        if clock.simulated().is_some() {
            ClockWord::Simulated
        } else {
            ClockWord::System
        }
    }
}

/// How the service is: a service that answers is `ok`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthWord {
    Ok,
}

/// What happened to a case: the feed's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventTypeWord {
    Opened,
    Acted,
    ExtensionRequested,
    ExtensionApproved,
    ExtensionRejected,
    Warning,
    Lapsed,
    Elapsed,
    PeriodSet,
    PenaltyOpened,
    Recomputed,
    ChildOpened,
    JointActRecorded,
}

impl From<&EventKind> for EventTypeWord {
    fn from(k: &EventKind) -> Self {
        match k {
            EventKind::Opened { .. } => Self::Opened,
            EventKind::Acted { .. } => Self::Acted,
            EventKind::ExtensionRequested { .. } => Self::ExtensionRequested,
            EventKind::ExtensionApproved { .. } => Self::ExtensionApproved,
            EventKind::ExtensionRejected { .. } => Self::ExtensionRejected,
            EventKind::Warning { .. } => Self::Warning,
            EventKind::Lapsed { .. } => Self::Lapsed,
            EventKind::Elapsed { .. } => Self::Elapsed,
            EventKind::PeriodSet { .. } => Self::PeriodSet,
            EventKind::PenaltyOpened { .. } => Self::PenaltyOpened,
            EventKind::Recomputed { .. } => Self::Recomputed,
            EventKind::ChildOpened { .. } => Self::ChildOpened,
            EventKind::JointActRecorded { .. } => Self::JointActRecorded,
        }
    }
}

/// What one step of a derivation states: `calendar` is a step of the count, whose
/// `fields.step.kind` says which (`start_moved`, `working_days`, `civil_period`,
/// `fixed_date`, `end_moved` or `provisional`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepKindWord {
    Basis,
    Rule,
    Calendar,
    Recounted,
    ExtensionGranted,
    Extended,
    ExtensionPending,
    Outcome,
    NoRule,
    NotStatutory,
}

impl From<&Fact> for StepKindWord {
    fn from(f: &Fact) -> Self {
        match f {
            Fact::Basis { .. } => Self::Basis,
            Fact::Rule { .. } => Self::Rule,
            Fact::Calendar { .. } => Self::Calendar,
            Fact::Recounted { .. } => Self::Recounted,
            Fact::ExtensionGranted { .. } => Self::ExtensionGranted,
            Fact::Extended { .. } => Self::Extended,
            Fact::ExtensionPending { .. } => Self::ExtensionPending,
            Fact::Outcome { .. } => Self::Outcome,
            Fact::NoRule => Self::NoRule,
            Fact::NotStatutory { .. } => Self::NotStatutory,
        }
    }
}

/// The word an enum of this module serializes as.
fn word(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => unreachable!("a word serializes as a string, not {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each word is the one the model writes for the same value.
    #[test]
    fn the_words_are_the_models_serde_names() {
        for s in [
            RegulationStatus::InForce,
            RegulationStatus::Draft,
            RegulationStatus::Expired,
        ] {
            assert_eq!(word(&RegulationStatusWord::from(s)), s.as_str());
        }
        for s in [
            DeadlineStatus::Open,
            DeadlineStatus::Met,
            DeadlineStatus::Missed,
            DeadlineStatus::Cancelled,
            DeadlineStatus::Elapsed,
        ] {
            assert_eq!(word(&DeadlineStatusWord::from(s)), s.as_str());
            assert_eq!(DeadlineStatusWord::from(s).to_string(), s.as_str());
        }
        for k in [DeadlineKind::Duty, DeadlineKind::Notice] {
            assert_eq!(word(&DeadlineKindWord::from(k)), k.as_str());
        }
        for s in [Severity::Error, Severity::Warning] {
            assert_eq!(word(&SeverityWord::from(s)), word(&s));
        }
    }

    #[test]
    fn an_event_type_is_the_tag_the_model_writes() {
        let deadline = govflow_model::DeadlineId::from("verify");
        let day = chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
        for kind in [
            EventKind::ExtensionRejected {
                deadline: deadline.clone(),
            },
            EventKind::Elapsed {
                deadline: deadline.clone(),
                due_date: day,
            },
            EventKind::Recomputed {
                deadline,
                due_date: day,
            },
        ] {
            let tagged = serde_json::to_value(&kind).unwrap();
            assert_eq!(
                word(&EventTypeWord::from(&kind)),
                tagged["type"],
                "{kind:?}"
            );
        }
    }

    #[test]
    fn a_step_kind_is_the_tag_the_model_writes() {
        let tagged = serde_json::to_value(Fact::NoRule).unwrap();
        assert_eq!(word(&StepKindWord::from(&Fact::NoRule)), tagged["kind"]);
    }
}
