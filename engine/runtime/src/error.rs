use crate::clock::Backwards;
use govflow_case::Refusal;
use govflow_model::{CaseId, CityId};
use govflow_store::Conflict;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no pack is loaded for city `{city}`; served cities: {served}")]
    UnknownCity { city: CityId, served: String },
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("no case `{0}`")]
    CaseNotFound(CaseId),
    #[error("idempotency key `{key}` was first used with a different request (for case `{case}`); send the same body again, or use a new key")]
    IdempotencyMismatch { key: String, case: CaseId },
    /// The case was received under a pack version that is neither loaded nor archived (or
    /// whose archive no longer decodes). It is never decided under another version.
    #[error("case `{case}` is governed by pack version `{version}` of `{city}`, which this service can no longer read; nothing is decided on it until that version is served again (restore the pack files it was loaded from, or the store's archive)")]
    PackVersionMissing {
        case: CaseId,
        city: CityId,
        version: String,
    },
    #[error("case `{0}` kept changing while this command was applied; retry it")]
    Busy(CaseId),
    #[error(
        "the service runs on the system clock; start it with `--clock simulated` to move time"
    )]
    NotSimulated,
    #[error(transparent)]
    Backwards(#[from] Backwards),
    /// Another move of the simulated clock is under way on this node.
    #[error(
        "the clock is already moving to {to} (since {since}); `GET /v1/clock` shows how far it got"
    )]
    ClockMoving {
        to: chrono::DateTime<chrono::Utc>,
        since: chrono::DateTime<chrono::Utc>,
    },
    /// The service is stopping: a pass or a move stopped between two chunks; what is
    /// still due fires, once, when the service starts again.
    #[error("the service is stopping; what is still due fires when it starts again")]
    Stopping,
    #[error(transparent)]
    Store(#[from] govflow_store::Error),
}

impl Error {
    /// The optimistic check that failed, when that is why the commit did not happen.
    pub fn conflict(&self) -> Option<&Conflict> {
        match self {
            Error::Store(govflow_store::Error::Conflict(c)) => Some(c),
            _ => None,
        }
    }

    /// A stable kind for the HTTP layer, the scenarios and tests: the refusal's code, or
    /// the runtime's own.
    pub fn code(&self) -> &'static str {
        match self {
            Error::UnknownCity { .. } => "unknown_city",
            Error::Refused(r) => r.code(),
            Error::CaseNotFound(_) => "case_not_found",
            Error::IdempotencyMismatch { .. } => "idempotency_key_reused",
            Error::PackVersionMissing { .. } => "pack_version_missing",
            Error::Busy(_) => "busy",
            Error::NotSimulated => "clock_not_simulated",
            Error::Backwards(_) => "clock_backwards",
            Error::ClockMoving { .. } => "clock_moving",
            Error::Stopping => "shutting_down",
            Error::Store(_) => "internal",
        }
    }
}
