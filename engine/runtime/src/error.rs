use crate::clock::Backwards;
use govflow_case::Refusal;
use govflow_model::{CaseId, CityId};

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
    #[error("case `{0}` kept changing while this command was applied; retry it")]
    Busy(CaseId),
    #[error(
        "the service runs on the system clock; start it with `--clock simulated` to move time"
    )]
    NotSimulated,
    #[error(transparent)]
    Backwards(#[from] Backwards),
    #[error(transparent)]
    Store(#[from] govflow_store::Error),
}
