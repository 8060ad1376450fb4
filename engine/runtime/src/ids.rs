//! Case ids: `c-` then 12 hex digits of Unix milliseconds (wall time, even on a simulated
//! clock) and 6 of a sequence within the millisecond. They sort by creation, so listing
//! cases in id order lists them oldest first, and a restart continues above the last id
//! as long as the machine's clock does not go back; a collision would still be caught by
//! the store's `Expect::New` check and retried with the next id.

use govflow_model::CaseId;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

const SEQ_LIMIT: u64 = 1 << 24;

#[derive(Default)]
pub struct Ids {
    last: Mutex<(u64, u64)>,
}

impl Ids {
    pub fn next(&self) -> CaseId {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or_default();
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let (ms, seq) = *last;
        let next = if wall > ms {
            (wall, 0)
        } else if seq + 1 < SEQ_LIMIT {
            (ms, seq + 1)
        } else {
            (ms + 1, 0)
        };
        *last = next;
        CaseId::new(format!("c-{:012x}{:06x}", next.0, next.1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_increasing() {
        let ids = Ids::default();
        let all: Vec<String> = (0..10_000).map(|_| ids.next().to_string()).collect();
        assert!(
            all.windows(2).all(|w| w[0] < w[1]),
            "ids must strictly increase"
        );
        assert_eq!(all[0].len(), 20);
    }
}
