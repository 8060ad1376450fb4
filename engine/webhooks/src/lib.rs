//! Signed webhooks: each subscription is a durable cursor on the event feed, delivered to
//! its destination one event at a time, in feed order, at least once (`docs/webhooks.md`).
//!
//! | what | where |
//! |---|---|
//! | Standard Webhooks secrets and signatures (pure) | `sign` |
//! | the CloudEvents body and the `webhook-id` (pure) | `event` |
//! | the server's allow-list, retry schedule and timeout (pure) | `policy` |
//! | subscribing, rotating, resuming, unsubscribing (store commits) | `manage` |
//! | the delivery worker (HTTP, timers) | `deliver` |
//! | deliveries, failures and lag on `/metrics` | `metrics` |
//!
//! The cursor moves only in a store commit made after the destination answered 2xx, so a
//! crash at any moment redelivers the event after the cursor, with the same `webhook-id`.
//! Of several nodes on one database, the one leading the `webhooks` role delivers
//! (`Store::lead`); another takes over, from the stored cursors, once its lease passes.

mod deliver;
mod error;
pub mod event;
mod manage;
mod metrics;
pub mod policy;
pub mod sign;

pub use error::Error;
pub use govflow_store::{Secret, Subscription, SubscriptionState};
pub use manage::NewSubscription;
pub use policy::Policy;

use govflow_store::{Lead, Store};
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// The webhook service of one server: its policy, its store, and the delivery worker once
/// started. Cheap to share behind an `Arc`.
pub struct Webhooks {
    store: Arc<dyn Store>,
    policy: Policy,
    client: reqwest::Client,
    /// Bumped after every change made over the API, so the worker looks again.
    changes: watch::Sender<u64>,
    /// The feed head the worker follows, once started (for the lag on `/metrics`).
    feed: Mutex<Option<watch::Receiver<u64>>>,
    metrics: metrics::Metrics,
    /// Whether this node delivers for the cluster: one node at a time does.
    lead: Lead,
}

/// How long the node delivering webhooks holds that role without renewing it (it renews
/// every few seconds); another node takes over within about a lease of its death.
pub const DELIVERY_LEASE: std::time::Duration = std::time::Duration::from_secs(10);

impl Webhooks {
    pub fn new(store: Arc<dyn Store>, policy: Policy) -> Result<Webhooks, Error> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(policy.timeout)
            .user_agent(concat!("govflow-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Client(e.to_string()))?;
        Ok(Webhooks {
            store,
            policy,
            client,
            changes: watch::channel(0).0,
            feed: Mutex::new(None),
            metrics: metrics::Metrics::default(),
            lead: Lead::new("webhooks", DELIVERY_LEASE),
        })
    }

    /// Whether this node delivers for the cluster, as last asked.
    pub fn lead(&self) -> &Lead {
        &self.lead
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    fn changed(&self) {
        self.changes.send_modify(|n| *n += 1);
    }
}
