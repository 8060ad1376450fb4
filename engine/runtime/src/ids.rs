//! Where new case ids come from.
//!
//! The service uses [`WallClockIds`]: `c-` then 12 hex digits of Unix milliseconds (wall
//! time, even on a simulated clock, so ids keep increasing across restarts of a simulated
//! run) and 6 of a sequence within the millisecond. The sequence of each millisecond
//! starts at an offset drawn once per process, so two nodes on one database rarely draw
//! the same id in the same millisecond (each would otherwise start at 0, collide, retry
//! with the next number and collide again). Scenarios and tests use
//! [`SequentialIds`], so a run names the same cases every time. Both sort by creation, so
//! listing cases in id order lists them oldest first; a collision would still be caught by
//! the store's `Expect::New` check and retried with the next id.

use govflow_model::CaseId;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

pub trait CaseIds: Send + Sync {
    fn next(&self) -> CaseId;
}

pub struct WallClockIds {
    last: Mutex<(u64, u64)>,
    /// Where each millisecond's sequence starts, below [`OFFSET_LIMIT`].
    offset: u64,
}

const SEQ_LIMIT: u64 = 1 << 24;
/// Offsets stay in the lower half, so a millisecond still holds 2^23 ids or more.
const OFFSET_LIMIT: u64 = 1 << 23;

impl Default for WallClockIds {
    fn default() -> Self {
        use sha2::{Digest, Sha256};
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let drawn = Sha256::digest(format!("{}/{now}", std::process::id()));
        let offset = u64::from_be_bytes(drawn[..8].try_into().unwrap_or_default()) % OFFSET_LIMIT;
        WallClockIds {
            last: Mutex::new((0, 0)),
            offset,
        }
    }
}

impl CaseIds for WallClockIds {
    fn next(&self) -> CaseId {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or_default();
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let (ms, seq) = *last;
        let next = if wall > ms {
            (wall, self.offset)
        } else if seq + 1 < SEQ_LIMIT {
            (ms, seq + 1)
        } else {
            (ms + 1, 0)
        };
        *last = next;
        CaseId::new(format!("c-{:012x}{:06x}", next.0, next.1))
    }
}

/// `c-000001`, `c-000002`, … from a seed: deterministic ids for scenarios and tests.
pub struct SequentialIds {
    next: AtomicU64,
}

impl SequentialIds {
    /// Ids counting up from `first`.
    pub fn starting_at(first: u64) -> SequentialIds {
        SequentialIds {
            next: AtomicU64::new(first),
        }
    }
}

impl CaseIds for SequentialIds {
    fn next(&self) -> CaseId {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        CaseId::new(format!("c-{n:06}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn increasing(ids: &dyn CaseIds) -> Vec<String> {
        let all: Vec<String> = (0..10_000).map(|_| ids.next().to_string()).collect();
        assert!(
            all.windows(2).all(|w| w[0] < w[1]),
            "ids must strictly increase"
        );
        all
    }

    #[test]
    fn wall_clock_ids_are_unique_and_increasing() {
        assert_eq!(increasing(&WallClockIds::default())[0].len(), 20);
    }

    #[test]
    fn sequential_ids_start_at_their_seed_and_increase() {
        let all = increasing(&SequentialIds::starting_at(1));
        assert_eq!(all[0], "c-000001");
        assert_eq!(all[9_999], "c-010000");
    }
}
