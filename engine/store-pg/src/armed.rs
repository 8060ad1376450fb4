//! Telling the other nodes that a timer was armed (`Store::on_armed_elsewhere`).
//!
//! A group that arms timers sends `NOTIFY govflow_armed` with the earliest instant it
//! armed and the name of the store that armed it, inside its transaction, so the message
//! goes out only if the group commits. Each store that was given a callback listens on a
//! connection of its own and calls it for every other store's message; a lost message
//! (the listener reconnecting) only leaves a scheduler to its periodic look. A server
//! without `LISTEN/NOTIFY` gets neither.

use chrono::{DateTime, Utc};
use govflow_store::ArmedElsewhere;
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Config, Transaction};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::conn::Conn;

pub const CHANNEL: &str = "govflow_armed";

/// How often the listener looks whether its store was dropped.
const CHECK_STOP: Duration = Duration::from_millis(500);

/// Sends the message for a group whose earliest armed timer is due at `at`.
pub fn notify(
    tx: &mut Transaction<'_>,
    holder: &str,
    at: DateTime<Utc>,
) -> Result<(), postgres::Error> {
    let payload = format!(
        "{holder} {} {}",
        at.timestamp(),
        at.timestamp_subsec_nanos()
    );
    tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &payload])
        .map(drop)
}

/// The instant in another store's message; `None` for this store's own or a malformed one.
fn instant(payload: &str, holder: &str) -> Option<DateTime<Utc>> {
    let mut parts = payload.split(' ');
    let from = parts.next()?;
    let secs = parts.next()?.parse().ok()?;
    let nanos = parts.next()?.parse().ok()?;
    (from != holder).then(|| DateTime::from_timestamp(secs, nanos))?
}

/// Listens until `stop` is set, calling `armed` for every other store's message.
pub fn listen(config: Config, holder: String, armed: ArmedElsewhere, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut conn) = Conn::open(&config) else {
            std::thread::sleep(Duration::from_secs(1));
            continue;
        };
        if conn
            .client
            .batch_execute(&format!("LISTEN {CHANNEL}"))
            .is_err()
        {
            std::thread::sleep(Duration::from_secs(1));
            continue;
        }
        'connected: while !stop.load(Ordering::Relaxed) {
            let mut notifications = conn.client.notifications();
            let mut messages = notifications.timeout_iter(CHECK_STOP);
            loop {
                match messages.next() {
                    Ok(Some(message)) => {
                        if let Some(at) = instant(message.payload(), &holder) {
                            armed(at);
                        }
                    }
                    Ok(None) => break,
                    Err(_) => break 'connected,
                }
            }
        }
        if !stop.load(Ordering::Relaxed) {
            tracing::warn!("the listener for timers armed on other nodes reconnects");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_names_its_store_and_instant() {
        let at = DateTime::from_timestamp(1_700_000_000, 5).unwrap();
        assert_eq!(instant("b-1 1700000000 5", "a-1"), Some(at));
        assert_eq!(instant("a-1 1700000000 5", "a-1"), None, "its own");
        assert_eq!(instant("b-1 x 5", "a-1"), None);
        assert_eq!(instant("b-1", "a-1"), None);
    }
}
