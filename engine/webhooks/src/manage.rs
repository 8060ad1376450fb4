//! Subscribing, reading, rotating, resuming and unsubscribing: each a store commit with an
//! optimistic check on the subscription's revision, retried when the delivery worker wrote
//! in between.

use chrono::Utc;
use govflow_model::CityId;
use govflow_store::{Batch, Error as StoreError, Expect, Secret, Subscription, SubscriptionState};
use rand::Rng;

use crate::event::KINDS;
use crate::sign::{generate_secret, in_force};
use crate::{Error, Webhooks};

/// What a caller asks for; checked by [`Webhooks::subscribe`].
#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub url: String,
    pub kinds: Vec<String>,
    pub city: CityId,
    pub department: Option<String>,
    /// Deliver the events after this sequence number; the feed's head (only what happens
    /// from now on) when `None`.
    pub after: Option<u64>,
}

/// How often a write is retried when it loses to a concurrent one.
const ATTEMPTS: usize = 16;

impl Webhooks {
    /// Stores a new subscription with a fresh secret, which the caller shows once.
    pub fn subscribe(&self, by: &str, new: NewSubscription) -> Result<Subscription, Error> {
        self.policy
            .check(&new.url)
            .map_err(Error::DestinationNotAllowed)?;
        if new.kinds.is_empty() {
            return Err(invalid("kinds", "list at least one event kind".into()));
        }
        for (i, kind) in new.kinds.iter().enumerate() {
            if !KINDS.contains(&kind.as_str()) {
                return Err(invalid(
                    &format!("kinds[{i}]"),
                    format!(
                        "unknown event kind `{kind}`; the kinds are {}",
                        KINDS.join(", ")
                    ),
                ));
            }
        }
        if new
            .department
            .as_deref()
            .is_some_and(|d| d.trim().is_empty())
        {
            return Err(invalid(
                "department",
                "is empty; leave it out for every department".into(),
            ));
        }
        let head = self.store.last_seq()?;
        let cursor = match new.after {
            Some(after) if after > head => {
                return Err(invalid(
                    "after",
                    format!("{after} is past the feed's last event, {head}"),
                ))
            }
            Some(after) => after,
            None => head,
        };
        let mut kinds = new.kinds;
        kinds.sort();
        kinds.dedup();
        let subscription = Subscription {
            id: new_id(),
            url: new.url,
            kinds,
            city: new.city,
            department: new.department,
            secrets: vec![Secret {
                secret: generate_secret(),
                expires: None,
            }],
            cursor,
            state: SubscriptionState::Active,
            attempts: 0,
            next_attempt: None,
            last_error: None,
            created_by: by.to_owned(),
            created_at: Utc::now(),
            revision: 1,
        };
        let mut batch = Batch::new();
        batch.put_subscription(subscription.clone(), Expect::New);
        self.store.commit(batch)?;
        self.changed();
        Ok(subscription)
    }

    pub fn subscription(&self, id: &str) -> Result<Subscription, Error> {
        self.store
            .subscription(id)?
            .ok_or_else(|| Error::NotFound(id.to_owned()))
    }

    /// Every subscription, in id order.
    pub fn subscriptions(&self) -> Result<Vec<Subscription>, Error> {
        Ok(self.store.subscriptions()?)
    }

    /// A new current secret; the previous one keeps signing for the policy's rotation
    /// window, so receivers can switch without missing a delivery.
    pub fn rotate(&self, id: &str) -> Result<Subscription, Error> {
        let now = Utc::now();
        let until = now + self.policy.rotation_window;
        let fresh = generate_secret();
        let rotated = self.update(id, |s| {
            let mut secrets = vec![Secret {
                secret: fresh.clone(),
                expires: None,
            }];
            secrets.extend(
                s.secrets
                    .iter()
                    .filter(|old| in_force(old, now))
                    .map(|old| Secret {
                        secret: old.secret.clone(),
                        expires: Some(old.expires.map_or(until, |e| e.min(until))),
                    }),
            );
            s.secrets = secrets;
        })?;
        self.changed();
        Ok(rotated)
    }

    /// Delivery goes on from where it stopped: the event it was parked on comes first.
    pub fn resume(&self, id: &str) -> Result<Subscription, Error> {
        let resumed = self.update(id, |s| {
            s.state = SubscriptionState::Active;
            s.attempts = 0;
            s.next_attempt = None;
        })?;
        self.changed();
        Ok(resumed)
    }

    pub fn unsubscribe(&self, id: &str) -> Result<(), Error> {
        for _ in 0..ATTEMPTS {
            let found = self.subscription(id)?;
            let mut batch = Batch::new();
            batch.delete_subscription(id, found.revision);
            match self.store.commit(batch) {
                Ok(_) => {
                    self.metrics.forget(id);
                    self.changed();
                    return Ok(());
                }
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Error::Busy(id.to_owned()))
    }

    /// Reads the subscription, changes it with `change`, and stores it from the revision
    /// read, again from a fresh read when another write came first. The worker is not
    /// told: callers over the API call [`Webhooks::changed`].
    pub(crate) fn update(
        &self,
        id: &str,
        mut change: impl FnMut(&mut Subscription),
    ) -> Result<Subscription, Error> {
        for _ in 0..ATTEMPTS {
            let mut s = self.subscription(id)?;
            let expect = Expect::Revision(s.revision);
            change(&mut s);
            s.revision += 1;
            let mut batch = Batch::new();
            batch.put_subscription(s.clone(), expect);
            match self.store.commit(batch) {
                Ok(_) => return Ok(s),
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Error::Busy(id.to_owned()))
    }
}

/// `sub_` and 16 random letters and digits.
fn new_id() -> String {
    let tail: String = rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(16)
        .map(char::from)
        .collect();
    format!("sub_{tail}")
}

fn invalid(field: &str, message: String) -> Error {
    Error::InvalidField {
        field: field.to_owned(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;
    use govflow_store::{MemoryStore, Subscriptions};
    use std::sync::Arc;

    fn service() -> (Webhooks, Arc<MemoryStore>) {
        let store = Arc::new(MemoryStore::new());
        let policy = Policy::parse("allow: [\"http://127.0.0.1:*\"]\nrotation_window: 1h").unwrap();
        (Webhooks::new(store.clone(), policy).unwrap(), store)
    }

    fn new(url: &str, kinds: &[&str]) -> NewSubscription {
        NewSubscription {
            url: url.into(),
            kinds: kinds.iter().map(|k| k.to_string()).collect(),
            city: CityId::new("wanzhou"),
            department: None,
            after: None,
        }
    }

    #[test]
    fn a_refused_subscription_stores_nothing() {
        let (hooks, store) = service();
        for (request, field) in [
            (new("http://10.0.0.1/hook", &["warning"]), None),
            (new("http://127.0.0.1:9/hook", &[]), Some("kinds")),
            (
                new("http://127.0.0.1:9/hook", &["warning", "lapse"]),
                Some("kinds[1]"),
            ),
        ] {
            match (hooks.subscribe("admin", request), field) {
                (Err(Error::DestinationNotAllowed(_)), None) => {}
                (Err(Error::InvalidField { field: f, .. }), Some(want)) => assert_eq!(f, want),
                (other, _) => panic!("{other:?}"),
            }
        }
        let mut late = new("http://127.0.0.1:9/hook", &["warning"]);
        late.after = Some(1);
        assert!(matches!(
            hooks.subscribe("admin", late),
            Err(Error::InvalidField { field, .. }) if field == "after"
        ));
        assert!(store.subscriptions().unwrap().is_empty());
    }

    #[test]
    fn rotating_keeps_the_previous_secret_for_the_window_and_resuming_clears_the_failures() {
        let (hooks, _) = service();
        let created = hooks
            .subscribe(
                "admin",
                new("http://127.0.0.1:9/hook", &["lapsed", "warning", "lapsed"]),
            )
            .unwrap();
        assert_eq!(created.kinds, ["lapsed", "warning"]);
        assert_eq!((created.cursor, created.revision), (0, 1));
        let rotated = hooks.rotate(&created.id).unwrap();
        assert_eq!(rotated.secrets.len(), 2);
        assert_eq!(rotated.secrets[1].secret, created.secrets[0].secret);
        let expires = rotated.secrets[1].expires.unwrap();
        let window = expires - Utc::now();
        assert!(window > chrono::Duration::minutes(59) && window <= chrono::Duration::hours(1));
        assert_eq!(rotated.secrets[0].expires, None);

        hooks
            .update(&created.id, |s| {
                s.attempts = 5;
                s.state = SubscriptionState::Parked {
                    reason: "gone".into(),
                    since: Utc::now(),
                };
            })
            .unwrap();
        let resumed = hooks.resume(&created.id).unwrap();
        assert_eq!(
            (resumed.state, resumed.attempts),
            (SubscriptionState::Active, 0)
        );
        assert_eq!(resumed.secrets, rotated.secrets);

        hooks.unsubscribe(&created.id).unwrap();
        assert!(matches!(
            hooks.subscription(&created.id),
            Err(Error::NotFound(_))
        ));
        assert!(matches!(hooks.rotate(&created.id), Err(Error::NotFound(_))));
    }
}
