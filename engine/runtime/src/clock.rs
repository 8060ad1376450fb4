//! Where "now" comes from: the system clock in production, a simulated one for scenario
//! runs and demos. No decision reads the wall clock except through [`Clock`] (case ids
//! carry wall time, see `ids`, but decide nothing).

use chrono::{DateTime, Utc};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
    /// `system` or `simulated`, for `/healthz` and the logs.
    fn name(&self) -> &'static str;
    /// The simulated clock, when this is one.
    fn simulated(&self) -> Option<&SimulatedClock> {
        None
    }
    /// How long after it became due a timer due at `at` is being fired, in real time.
    fn lateness(&self, at: DateTime<Utc>) -> Duration;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn name(&self) -> &'static str {
        "system"
    }

    fn lateness(&self, at: DateTime<Utc>) -> Duration {
        (Utc::now() - at).to_std().unwrap_or_default()
    }
}

/// A clock that moves only when told to, and only forward.
pub struct SimulatedClock {
    state: Mutex<Simulated>,
}

struct Simulated {
    now: DateTime<Utc>,
    /// When (in real time) the clock was last moved: every timer it made due became due then.
    moved_at: Instant,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the clock is at {now}; it moves forward only, so it cannot be set to {requested}")]
pub struct Backwards {
    pub now: DateTime<Utc>,
    pub requested: DateTime<Utc>,
}

impl SimulatedClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        SimulatedClock {
            state: Mutex::new(Simulated {
                now: start,
                moved_at: Instant::now(),
            }),
        }
    }

    /// Starts a move to `to`; fails, changing nothing, if `to` is in the past.
    pub(crate) fn begin_move(&self, to: DateTime<Utc>) -> Result<(), Backwards> {
        let mut s = self.lock();
        if to < s.now {
            return Err(Backwards {
                now: s.now,
                requested: to,
            });
        }
        s.moved_at = Instant::now();
        Ok(())
    }

    /// Steps the clock to `to` if that is later; the real-time mark stays with the move.
    pub(crate) fn step(&self, to: DateTime<Utc>) {
        let mut s = self.lock();
        s.now = s.now.max(to);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Simulated> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Clock for SimulatedClock {
    fn now(&self) -> DateTime<Utc> {
        self.lock().now
    }

    fn name(&self) -> &'static str {
        "simulated"
    }

    fn simulated(&self) -> Option<&SimulatedClock> {
        Some(self)
    }

    fn lateness(&self, _at: DateTime<Utc>) -> Duration {
        self.lock().moved_at.elapsed()
    }
}
