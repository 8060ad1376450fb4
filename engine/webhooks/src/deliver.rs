//! The delivery worker: one task per active subscription, each following the feed from its
//! cursor. A task reads the events after the cursor, skips those the subscription does not
//! ask for, POSTs the first one it does, and moves the cursor past it in a store commit
//! only once the destination answered 2xx. A failure records the attempt and the time of
//! the next one (the policy's backoff, or the destination's `Retry-After` on 429 and 503);
//! when the schedule is used up, or at once on 410 Gone, the subscription is parked on
//! that event until resumed. The task wakes when the feed moves or a subscription changes,
//! and every [`POLL`] in any case (which is how it sees events committed on other nodes).
//! Only while this node leads the `webhooks` role do the tasks run.

use chrono::{DateTime, Utc};
use govflow_store::{Recorded, Subscription, SubscriptionState};
use reqwest::header::{HeaderMap, CONTENT_TYPE, RETRY_AFTER};
use reqwest::StatusCode;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::event::{cloud_event, kind_and_details, webhook_id, CONTENT_TYPE as CLOUD_EVENT};
use crate::policy::MAX_RETRY_AFTER;
use crate::sign::signature_header;
use crate::{Error, Webhooks};

/// The longest a task sleeps without looking at the feed and its subscription again.
const POLL: Duration = Duration::from_secs(2);
/// Events read per look at the feed.
const PAGE: usize = 256;

/// What one attempt came to.
enum Outcome {
    Delivered,
    /// Try again later: after `after` when the destination said so.
    Failed {
        reason: String,
        after: Option<Duration>,
    },
    /// Stop until resumed (410 Gone, a destination no longer allowed).
    Park(String),
}

/// What a task does next.
enum Next {
    Again,
    /// Sleep until the instant, a change or the feed moving.
    Wait(Option<DateTime<Utc>>),
    Stop,
}

impl Webhooks {
    /// Starts delivering, on the current tokio runtime, following `feed` (the runtime's
    /// feed head). The tasks end with the runtime.
    pub fn start(self: &Arc<Self>, feed: watch::Receiver<u64>) -> JoinHandle<()> {
        *self.feed.lock().unwrap_or_else(|p| p.into_inner()) = Some(feed.clone());
        let this = self.clone();
        tokio::spawn(async move { this.supervise(feed).await })
    }

    /// Appends the delivery metrics to a Prometheus text exposition.
    pub fn render_metrics(&self, out: &mut String) {
        let head = self
            .feed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map_or(0, |f| *f.borrow());
        self.metrics.render(head, out);
    }

    /// Keeps one task running per active subscription.
    async fn supervise(self: Arc<Self>, feed: watch::Receiver<u64>) {
        let mut changes = self.changes.subscribe();
        let mut running: HashMap<String, JoinHandle<()>> = HashMap::new();
        loop {
            changes.borrow_and_update();
            let this = self.clone();
            match blocking(move || this.lead.holds(this.store.as_ref())).await {
                Ok(true) => {}
                Ok(false) | Err(_) => {
                    // Another node delivers (or the store cannot say): this one stops, and
                    // whoever leads goes on from the stored cursors.
                    for (_, task) in running.drain() {
                        task.abort();
                    }
                    tokio::time::sleep(POLL).await;
                    continue;
                }
            }
            let this = self.clone();
            match blocking(move || this.subscriptions()).await {
                Ok(all) => {
                    running.retain(|_, task| !task.is_finished());
                    for s in all {
                        let parked = matches!(s.state, SubscriptionState::Parked { .. });
                        self.metrics.seen(&s.id, s.cursor, parked);
                        if parked || running.contains_key(&s.id) {
                            continue;
                        }
                        let this = self.clone();
                        let (id, feed) = (s.id.clone(), feed.clone());
                        running.insert(s.id, tokio::spawn(this.follow(id, feed)));
                    }
                }
                Err(e) => tracing::error!(error = %e, "cannot list webhook subscriptions"),
            }
            tokio::select! {
                _ = changes.changed() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }

    /// Delivers subscription `id` until it is parked or deleted.
    async fn follow(self: Arc<Self>, id: String, mut feed: watch::Receiver<u64>) {
        let mut changes = self.changes.subscribe();
        let mut window = Window::default();
        loop {
            // Marked seen before reading, so a commit from now on wakes the wait below.
            feed.borrow_and_update();
            changes.borrow_and_update();
            let next = match self.step(&id, &mut window).await {
                Ok(next) => next,
                Err(e) => {
                    tracing::error!(subscription = %id, error = %e, "webhook delivery failed to read or write the store");
                    Next::Wait(None)
                }
            };
            let until = match next {
                Next::Again => continue,
                Next::Stop => return,
                Next::Wait(until) => until,
            };
            let sleep = until.map_or(POLL, |t| {
                (t - Utc::now()).to_std().unwrap_or_default().min(POLL)
            });
            tokio::select! {
                _ = feed.changed(), if until.is_none() => {}
                _ = changes.changed() => {}
                () = tokio::time::sleep(sleep) => {}
            }
        }
    }

    /// One look at the subscription and the feed; at most one attempt.
    async fn step(self: &Arc<Self>, id: &str, window: &mut Window) -> Result<Next, Error> {
        let this = self.clone();
        let owned = id.to_owned();
        let read = std::mem::take(window);
        let (found, read) = blocking(move || this.head_event(&owned, read)).await?;
        *window = read;
        let Some((subscription, head)) = found else {
            return Ok(Next::Stop);
        };
        if let Some(at) = subscription.next_attempt.filter(|at| *at > Utc::now()) {
            return Ok(Next::Wait(Some(at)));
        }
        let recorded = match head {
            Head::Event(recorded) => recorded,
            Head::CaughtUp => return Ok(Next::Wait(None)),
            Head::Skipped(to) => {
                let this = self.clone();
                let owned = id.to_owned();
                let from = subscription.cursor;
                blocking(move || {
                    this.update(&owned, |s| {
                        if s.cursor == from {
                            s.cursor = to;
                        }
                    })
                })
                .await?;
                window.after = to;
                self.metrics.seen(id, to, false);
                return Ok(Next::Again);
            }
        };
        let outcome = self.attempt(&subscription, &recorded).await;
        let this = self.clone();
        let owned = id.to_owned();
        let from = subscription.cursor;
        let seq = recorded.seq;
        let delivered = matches!(outcome, Outcome::Delivered);
        let (stored, applied) = blocking(move || {
            let mut applied = false;
            let stored = this.update(&owned, |s| {
                // Resumed, moved or parked meanwhile: this attempt's outcome is stale.
                applied = s.cursor == from && s.state == SubscriptionState::Active;
                if applied {
                    record(&this.policy, s, seq, &outcome);
                }
            })?;
            Ok::<_, Error>((stored, applied))
        })
        .await?;
        if !applied {
            *window = Window::default();
            return Ok(Next::Again);
        }
        if delivered {
            window.after = seq;
            window.wanted.pop_front();
            self.metrics.delivered(id, stored.cursor);
            return Ok(Next::Again);
        }
        let parked = matches!(stored.state, SubscriptionState::Parked { .. });
        self.metrics.failed(id, parked);
        let error = stored.last_error.as_deref().unwrap_or("");
        if parked {
            tracing::warn!(subscription = %id, seq, error, "webhook subscription parked");
            Ok(Next::Stop)
        } else {
            tracing::info!(subscription = %id, seq, attempts = stored.attempts, error,
                "webhook delivery failed; will retry");
            Ok(Next::Again)
        }
    }

    /// The subscription, when it is active, and the first event after its cursor that it
    /// asks for, from `window` while it still starts at the cursor, else read afresh.
    fn head_event(
        &self,
        id: &str,
        window: Window,
    ) -> Result<(Option<(Subscription, Head)>, Window), Error> {
        let Some(subscription) = self.store.subscription(id)? else {
            return Ok((None, window));
        };
        if subscription.state != SubscriptionState::Active {
            return Ok((None, window));
        }
        let mut w = if window.after == subscription.cursor {
            window
        } else {
            Window {
                after: subscription.cursor,
                end: subscription.cursor,
                wanted: VecDeque::new(),
            }
        };
        if w.wanted.is_empty() {
            for recorded in self.store.events_after(w.end, PAGE)? {
                w.end = recorded.seq;
                if self.wanted(&subscription, &recorded)? {
                    w.wanted.push_back(recorded);
                }
            }
        }
        let head = match w.wanted.front() {
            Some(first) => Head::Event(Box::new(first.clone())),
            None if w.end > w.after => Head::Skipped(w.end),
            None => Head::CaughtUp,
        };
        Ok((Some((subscription, head)), w))
    }

    fn wanted(&self, s: &Subscription, recorded: &Recorded) -> Result<bool, Error> {
        let e = &recorded.event;
        if e.city != s.city || !s.kinds.contains(&kind_and_details(recorded).0) {
            return Ok(false);
        }
        let Some(department) = &s.department else {
            return Ok(true);
        };
        Ok(self.store.case(&e.case)?.is_some_and(|case| {
            case.provider.as_ref() == Some(department) || &case.opened_by.department == department
        }))
    }

    async fn attempt(&self, s: &Subscription, recorded: &Recorded) -> Outcome {
        if let Err(why) = self.policy.check(&s.url) {
            return Outcome::Park(why);
        }
        let id = webhook_id(&s.id, recorded.seq);
        let body = cloud_event(&id, recorded).to_string().into_bytes();
        let now = Utc::now();
        let timestamp = now.timestamp();
        let signature = signature_header(&s.secrets, now, &id, timestamp, &body);
        let sent = self
            .client
            .post(&s.url)
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .header(CONTENT_TYPE, CLOUD_EVENT)
            .body(body)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(e) if e.is_timeout() => {
                return Outcome::Failed {
                    reason: format!("no answer within {:?}", self.policy.timeout),
                    after: None,
                }
            }
            Err(e) => {
                return Outcome::Failed {
                    reason: format!("{e}"),
                    after: None,
                }
            }
        };
        let status = response.status();
        match status {
            s if s.is_success() => Outcome::Delivered,
            StatusCode::GONE => Outcome::Park(format!(
                "the destination answered {status}: it no longer wants deliveries"
            )),
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => Outcome::Failed {
                reason: format!("the destination answered {status}"),
                after: retry_after(response.headers(), now),
            },
            s if s.is_redirection() => Outcome::Failed {
                reason: format!("the destination answered {status}; redirects are not followed"),
                after: None,
            },
            _ => Outcome::Failed {
                reason: format!("the destination answered {status}"),
                after: None,
            },
        }
    }
}

/// Events read ahead of the cursor, so a backlog costs one read per page rather than one
/// per delivery. Valid only while the stored cursor is `after`.
#[derive(Default)]
struct Window {
    after: u64,
    /// The last sequence number read.
    end: u64,
    /// The events in `(after, end]` the subscription asks for, in order.
    wanted: VecDeque<Recorded>,
}

enum Head {
    Event(Box<Recorded>),
    /// Nothing after the cursor.
    CaughtUp,
    /// Events after the cursor, none wanted, up to this sequence number.
    Skipped(u64),
}

/// What `outcome` of the attempt at event `seq` makes of the subscription.
fn record(policy: &crate::Policy, s: &mut Subscription, seq: u64, outcome: &Outcome) {
    let now = Utc::now();
    match outcome {
        Outcome::Delivered => {
            s.cursor = seq;
            s.attempts = 0;
            s.next_attempt = None;
            s.last_error = None;
        }
        Outcome::Failed { reason, after } => {
            s.attempts += 1;
            s.last_error = Some(reason.clone());
            match policy.backoff(s.attempts) {
                Some(wait) => {
                    let wait = after.map_or(wait, |a| a.min(MAX_RETRY_AFTER));
                    s.next_attempt = Some(now + wait);
                }
                None => {
                    s.next_attempt = None;
                    s.state = SubscriptionState::Parked {
                        reason: format!(
                            "event {seq} failed {} times; the last: {reason}",
                            s.attempts
                        ),
                        since: now,
                    };
                }
            }
        }
        Outcome::Park(reason) => {
            s.attempts += 1;
            s.last_error = Some(reason.clone());
            s.next_attempt = None;
            s.state = SubscriptionState::Parked {
                reason: format!("event {seq}: {reason}"),
                since: now,
            };
        }
    }
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?;
    Some((at.with_timezone(&Utc) - now).to_std().unwrap_or_default())
}

/// Runs store work off the async threads.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => value,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use govflow_store::conformance::subscription;

    fn policy() -> crate::Policy {
        crate::Policy::parse("allow: []\nretry: [1s, 10s]").unwrap()
    }

    #[test]
    fn failures_back_off_then_park_on_the_same_event() {
        let p = policy();
        let mut s = subscription("a");
        s.cursor = 4;
        let failed = Outcome::Failed {
            reason: "the destination answered 500".into(),
            after: None,
        };
        record(&p, &mut s, 5, &failed);
        assert_eq!((s.attempts, s.cursor), (1, 4));
        assert!(s.next_attempt.is_some());
        record(&p, &mut s, 5, &failed);
        assert_eq!(s.state, SubscriptionState::Active);
        record(&p, &mut s, 5, &failed);
        assert!(
            matches!(&s.state, SubscriptionState::Parked { reason, .. } if reason.contains("event 5 failed 3 times"))
        );
        assert_eq!(s.cursor, 4, "nothing is skipped");
    }

    #[test]
    fn retry_after_is_honoured_up_to_an_hour() {
        let p = policy();
        let mut s = subscription("a");
        let before = Utc::now();
        let told = |secs| Outcome::Failed {
            reason: "429".into(),
            after: Some(Duration::from_secs(secs)),
        };
        record(&p, &mut s, 1, &told(5));
        let wait = s.next_attempt.unwrap() - before;
        assert!(wait >= chrono::Duration::seconds(5) && wait < chrono::Duration::seconds(9));
        record(&p, &mut s, 1, &told(7200));
        let wait = s.next_attempt.unwrap() - before;
        assert!(
            wait >= chrono::Duration::seconds(3600) && wait <= chrono::Duration::seconds(3601),
            "capped at an hour: {wait}"
        );
    }

    #[test]
    fn gone_parks_at_once_and_a_delivery_moves_the_cursor() {
        let p = policy();
        let mut s = subscription("a");
        record(&p, &mut s, 3, &Outcome::Delivered);
        assert_eq!((s.cursor, s.attempts), (3, 0));
        record(&p, &mut s, 4, &Outcome::Park("410".into()));
        assert!(matches!(s.state, SubscriptionState::Parked { .. }));
        assert_eq!(s.cursor, 3);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "120".parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(120)));
        h.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:30 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(30)));
        h.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h, now), None);
    }
}
