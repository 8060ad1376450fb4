//! Webhook subscriptions as stored: where to deliver, what, with which secrets, and how far
//! delivery has got. The store keeps them as handed over and checks only `revision`; what
//! the fields mean for delivery is the `govflow-webhooks` crate's.

use chrono::{DateTime, Utc};
use govflow_model::CityId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    pub id: String,
    /// The destination, checked against the server's allow-list when subscribing.
    pub url: String,
    /// The event kinds delivered (the feed's `kind`: `warning`, `lapsed`, …).
    pub kinds: Vec<String>,
    pub city: CityId,
    /// When set, only events of cases addressed to or opened by this department.
    pub department: Option<String>,
    /// Signing secrets (`whsec_…`), the current one first; a rotated-out one stays until
    /// its `expires`.
    pub secrets: Vec<Secret>,
    /// The last feed sequence number delivered (or skipped as not matching): delivery goes
    /// on after it.
    pub cursor: u64,
    pub state: SubscriptionState,
    /// Failed attempts at delivering the event after `cursor`.
    pub attempts: u32,
    /// Not before this instant (backoff, `Retry-After`); `None`: now.
    pub next_attempt: Option<DateTime<Utc>>,
    /// Why the last attempt failed, for people.
    pub last_error: Option<String>,
    /// The actor who subscribed.
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// Bumped by every write; a write names the revision it read ([`crate::Expect`]).
    pub revision: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secret {
    pub secret: String,
    /// When a rotated-out secret stops signing; `None` for the current one.
    pub expires: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SubscriptionState {
    Active,
    /// Delivery stopped at the event after `cursor` until resumed; nothing is skipped.
    Parked {
        reason: String,
        since: DateTime<Utc>,
    },
}
