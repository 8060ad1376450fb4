use chrono::{DateTime, Utc};
use govflow_model::CaseId;
use std::path::PathBuf;
use std::sync::Arc;

use govflow_model::TimerKey;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "the store at `{}` has format version {found}, this build reads version {expected}",
        path.display()
    )]
    FormatVersion {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
    #[error("the directory `{}` holds data but no govflow format version", path.display())]
    NotAStore { path: PathBuf },
    #[error(transparent)]
    Conflict(#[from] Conflict),
    #[error("storage failed: {0}")]
    Storage(#[source] Arc<::sled::Error>),
    #[error("the database failed: {0}")]
    Database(#[source] Arc<dyn std::error::Error + Send + Sync>),
    #[error(
        "the database `{database}` has schema version {found}, this build knows versions up to {supported}"
    )]
    SchemaVersion {
        database: String,
        found: u32,
        supported: u32,
    },
    #[error("the store no longer accepts writes after an earlier storage failure")]
    Closed,
    #[error("stored value under `{key}` could not be decoded: {source}")]
    Corrupt {
        key: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("could not encode a value: {0}")]
    Encode(#[source] serde_json::Error),
    #[error("cannot restore the record `{key}`: {reason}")]
    Restore { key: String, reason: &'static str },
    #[error("an identifier of {len} bytes is too long to be a key")]
    KeyTooLong { len: usize },
}

impl From<::sled::Error> for Error {
    fn from(e: ::sled::Error) -> Self {
        Error::Storage(Arc::new(e))
    }
}

/// A batch's optimistic check failed; nothing of the batch was stored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Conflict {
    #[error("case `{case}` is at revision {found:?}, the batch expected {expected:?}")]
    CaseRevision {
        case: CaseId,
        /// `None`: the batch expected the case not to exist yet.
        expected: Option<u64>,
        /// `None`: the case does not exist.
        found: Option<u64>,
    },
    #[error("subscription `{id}` is at revision {found:?}, the batch expected {expected:?}")]
    SubscriptionRevision {
        id: String,
        /// `None`: the batch expected the subscription not to exist yet.
        expected: Option<u64>,
        /// `None`: the subscription does not exist.
        found: Option<u64>,
    },
    #[error("timer {key} is no longer armed for {at}")]
    TimerMoved { key: TimerKey, at: DateTime<Utc> },
    #[error("idempotency key `{key}` is already recorded for case `{case}`")]
    IdempotencyKeyTaken {
        key: String,
        case: CaseId,
        /// Whether the recorded request had the same fingerprint as this one.
        same_request: bool,
    },
    #[error(
        "obligation `{obligation}` was last handled at {found:?}, the batch expected {expected:?}"
    )]
    CronMoved {
        obligation: String,
        expected: Option<DateTime<Utc>>,
        found: Option<DateTime<Utc>>,
    },
}
