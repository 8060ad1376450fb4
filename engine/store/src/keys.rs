//! The keyspace: one ordered byte map, a prefix per table, big-endian numbers so byte
//! order is numeric order.
//!
//! | prefix  | key after the prefix               | value                      |
//! |---------|------------------------------------|----------------------------|
//! | `meta/` | `format`                           | format version, decimal    |
//! | `case/` | case id                            | `Case` (JSON)              |
//! | `evt/`  | seq (u64 BE)                       | `Event` (JSON)             |
//! | `hist/` | len-prefixed case id, seq (u64 BE) | empty                      |
//! | `tmr/`  | timer key                          | `Timer` (JSON)             |
//! | `due/`  | instant, timer key                 | empty                      |
//! | `idem/` | idempotency key                    | `IdempotencyRecord` (JSON) |
//! | `dept/` | city id                            | set of names (JSON)        |
//! | `cron/` | obligation id                      | instant (JSON)             |
//! | `pack/` | pack version                       | archived pack (JSON)       |
//! | `hook/` | subscription id                    | `Subscription` (JSON)      |
//! | `cnt/`  | counter name (UTF-8)               | count, `i64` (JSON)        |
//!
//! A timer key is the len-prefixed case id, the len-prefixed deadline id and one byte for
//! the kind; an instant is the seconds since the epoch with the sign bit flipped (so
//! negative instants sort first) and the nanoseconds, both big-endian. A `due/` key holds
//! the whole timer, so the index of timers by instant stores no value (format 1 stored the
//! timer again there; format 2 reads such a store as it is and writes no values).

use chrono::{DateTime, Utc};
use govflow_model::{CaseId, DeadlineId, Timer, TimerKind};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::Error;
use govflow_model::TimerKey;

pub const FORMAT: &[u8] = b"meta/format";
pub const CASE: &[u8] = b"case/";
pub const EVENT: &[u8] = b"evt/";
pub const HISTORY: &[u8] = b"hist/";
pub const TIMER: &[u8] = b"tmr/";
pub const DUE: &[u8] = b"due/";
pub const IDEMPOTENCY: &[u8] = b"idem/";
pub const DEPARTMENT: &[u8] = b"dept/";
pub const CRON: &[u8] = b"cron/";
pub const PACK: &[u8] = b"pack/";
pub const SUBSCRIPTION: &[u8] = b"hook/";
pub const COUNTER: &[u8] = b"cnt/";

fn with_prefix(prefix: &[u8], rest: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(prefix.len() + rest.len());
    key.extend_from_slice(prefix);
    key.extend_from_slice(rest);
    key
}

fn push_str(key: &mut Vec<u8>, s: &str) -> Result<(), Error> {
    let len = u32::try_from(s.len()).map_err(|_| Error::KeyTooLong { len: s.len() })?;
    key.extend_from_slice(&len.to_be_bytes());
    key.extend_from_slice(s.as_bytes());
    Ok(())
}

pub fn case(id: &CaseId) -> Vec<u8> {
    with_prefix(CASE, id.as_str().as_bytes())
}

pub fn event(seq: u64) -> Vec<u8> {
    with_prefix(EVENT, &seq.to_be_bytes())
}

pub fn seq_of_event(key: &[u8]) -> Option<u64> {
    let bytes = key.strip_prefix(EVENT)?;
    Some(u64::from_be_bytes(bytes.try_into().ok()?))
}

pub fn history_prefix(case: &CaseId) -> Result<Vec<u8>, Error> {
    let mut key = HISTORY.to_vec();
    push_str(&mut key, case.as_str())?;
    Ok(key)
}

pub fn history(case: &CaseId, seq: u64) -> Result<Vec<u8>, Error> {
    let mut key = history_prefix(case)?;
    key.extend_from_slice(&seq.to_be_bytes());
    Ok(key)
}

pub fn seq_of_history(key: &[u8]) -> Option<u64> {
    let bytes = key.get(key.len().checked_sub(8)?..)?;
    Some(u64::from_be_bytes(bytes.try_into().ok()?))
}

fn timer_suffix(key: &TimerKey) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    push_str(&mut out, key.case.as_str())?;
    push_str(&mut out, key.deadline.as_str())?;
    out.push(match key.kind {
        TimerKind::Warning => 0,
        TimerKind::Lapse => 1,
    });
    Ok(out)
}

pub fn timer(key: &TimerKey) -> Result<Vec<u8>, Error> {
    Ok(with_prefix(TIMER, &timer_suffix(key)?))
}

pub fn instant(at: DateTime<Utc>) -> [u8; 12] {
    let mut out = [0; 12];
    let secs = (at.timestamp() as u64) ^ (1 << 63);
    out[..8].copy_from_slice(&secs.to_be_bytes());
    out[8..].copy_from_slice(&at.timestamp_subsec_nanos().to_be_bytes());
    out
}

/// The instant [`instant`] wrote, or `None` when the bytes are not one.
fn instant_of(bytes: &[u8; 12]) -> Option<DateTime<Utc>> {
    let secs = u64::from_be_bytes(bytes[..8].try_into().ok()?) ^ (1 << 63);
    let nanos = u32::from_be_bytes(bytes[8..].try_into().ok()?);
    DateTime::from_timestamp(secs as i64, nanos)
}

/// Reads a len-prefixed string off the front of `bytes`.
fn take_str<'a>(bytes: &mut &'a [u8]) -> Option<&'a str> {
    let (len, rest) = bytes.split_first_chunk::<4>()?;
    let len = u32::from_be_bytes(*len) as usize;
    let text = std::str::from_utf8(rest.get(..len)?).ok()?;
    *bytes = &rest[len..];
    Some(text)
}

/// The timer a [`due`] key names, or `None` when `key` is not one.
pub fn timer_of_due(key: &[u8]) -> Option<Timer> {
    let rest = key.strip_prefix(DUE)?;
    let (at, mut rest) = rest.split_first_chunk::<12>()?;
    let case = take_str(&mut rest)?;
    let deadline = take_str(&mut rest)?;
    let kind = match rest {
        [0] => TimerKind::Warning,
        [1] => TimerKind::Lapse,
        _ => return None,
    };
    Some(Timer {
        case: CaseId::new(case),
        deadline: DeadlineId::new(deadline),
        kind,
        at: instant_of(at)?,
    })
}

pub fn due(key: &TimerKey, at: DateTime<Utc>) -> Result<Vec<u8>, Error> {
    let mut out = with_prefix(DUE, &instant(at));
    out.extend_from_slice(&timer_suffix(key)?);
    Ok(out)
}

pub fn idempotency(key: &str) -> Vec<u8> {
    with_prefix(IDEMPOTENCY, key.as_bytes())
}

pub fn pack(version: &str) -> Vec<u8> {
    with_prefix(PACK, version.as_bytes())
}

pub fn department(city: &str) -> Vec<u8> {
    with_prefix(DEPARTMENT, city.as_bytes())
}

pub fn subscription(id: &str) -> Vec<u8> {
    with_prefix(SUBSCRIPTION, id.as_bytes())
}

pub fn counter(name: &str) -> Vec<u8> {
    with_prefix(COUNTER, name.as_bytes())
}

pub fn cron(obligation: &str) -> Vec<u8> {
    with_prefix(CRON, obligation.as_bytes())
}

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value).map_err(Error::Encode)
}

/// [`encode`] for the values whose encoding cannot fail: their maps have string keys and
/// their `Serialize` impls are derived (a case, an event).
pub fn encode_infallible<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("a value with string map keys encodes as JSON")
}

pub fn decode<T: DeserializeOwned>(key: &[u8], value: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(value).map_err(|source| Error::Corrupt {
        key: String::from_utf8_lossy(key).into_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn instants_sort_as_bytes_including_before_the_epoch() {
        let times = [
            Utc.timestamp_opt(-10, 5).unwrap(),
            Utc.timestamp_opt(-1, 0).unwrap(),
            Utc.timestamp_opt(0, 0).unwrap(),
            Utc.timestamp_opt(0, 1).unwrap(),
            Utc.timestamp_opt(1_700_000_000, 0).unwrap(),
        ];
        for pair in times.windows(2) {
            assert!(instant(pair[0]) < instant(pair[1]), "{pair:?}");
        }
    }

    #[test]
    fn a_due_key_names_its_whole_timer() {
        let timer = Timer {
            case: CaseId::new("c-01"),
            deadline: DeadlineId::new("审核"),
            kind: TimerKind::Lapse,
            at: Utc.timestamp_opt(-3, 7).unwrap(),
        };
        let key = due(&timer.key(), timer.at).unwrap();
        assert_eq!(timer_of_due(&key), Some(timer));
        assert_eq!(timer_of_due(&key[..key.len() - 1]), None);
        assert_eq!(timer_of_due(b"due/short"), None);
    }

    #[test]
    fn event_keys_sort_numerically() {
        assert!(event(255) < event(256));
        assert_eq!(seq_of_event(&event(70_000)), Some(70_000));
    }
}
