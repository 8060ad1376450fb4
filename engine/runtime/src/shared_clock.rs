//! The simulated clock, shared by every node on one store: the time it was last moved to
//! is kept in the store, so `POST /v1/admin/clock` on any node moves it for all.
//!
//! The time is a conditional mark in the cron table under [`SIMULATED_CLOCK`] (a name no
//! obligation can have: obligation ids never start with `@`), written with the same check
//! as an obligation's last occurrence, so two nodes moving the clock at once cannot both
//! win from the same time. A node started with `--clock simulated --start T` joins the
//! stored time: `T` only sets a clock that is not set yet, or moves it forward. Another
//! node follows a move the next time its scheduler looks (every [`FOLLOW_EVERY`]) and
//! fires what came due, claiming timers as every pass does.

use crate::{Backwards, Clock, Error, Runtime, SimulatedClock};
use chrono::{DateTime, Utc};
use govflow_store::{Batch, Conflict};
use std::time::Duration;

/// Where the store keeps the simulated clock's time, in the cron table.
pub const SIMULATED_CLOCK: &str = "@simulated-clock";

/// How often a node's scheduler looks whether another node moved the simulated clock.
pub(crate) const FOLLOW_EVERY: Duration = Duration::from_millis(250);

impl Runtime {
    /// Stores `to` as the shared time unless the stored one is later; returns the time
    /// the clock should show (the later of the two).
    fn store_clock_time(&self, to: DateTime<Utc>) -> Result<DateTime<Utc>, Error> {
        for _ in 0..crate::transact::ATTEMPTS {
            let stored = self.store().last_occurrence(SIMULATED_CLOCK)?;
            if stored.is_some_and(|s| s >= to) {
                return Ok(stored.unwrap_or(to));
            }
            let mut batch = Batch::new();
            batch.mark_cron(SIMULATED_CLOCK, stored, to);
            match self.store().commit(batch) {
                Ok(_) => return Ok(to),
                Err(govflow_store::Error::Conflict(Conflict::CronMoved { .. })) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Error::Busy(govflow_model::CaseId::new(SIMULATED_CLOCK)))
    }

    /// At start-up: joins the stored time, or stores this node's if it is later or the
    /// first.
    pub(crate) fn join_shared_clock(&self) -> Result<(), Error> {
        if let Some(clock) = self.clock().simulated() {
            let time = self.store_clock_time(clock.now())?;
            clock.step(time);
        }
        Ok(())
    }

    /// Before a move to `to`: stores it as the shared time, refusing a time before the
    /// stored one (another node may have moved the clock past it).
    pub(crate) fn move_shared_clock(
        &self,
        clock: &SimulatedClock,
        to: DateTime<Utc>,
    ) -> Result<(), Error> {
        let time = self.store_clock_time(to)?;
        if time > to {
            clock.step(time);
            return Err(Backwards {
                now: time,
                requested: to,
            }
            .into());
        }
        Ok(())
    }

    /// Moves this node's clock to the stored time if another node moved it further.
    pub(crate) fn follow_shared_clock(&self) -> Result<(), Error> {
        let Some(clock) = self.clock().simulated() else {
            return Ok(());
        };
        if let Some(stored) = self.store().last_occurrence(SIMULATED_CLOCK)? {
            if stored > clock.now() {
                clock.begin_move(stored)?;
                clock.step(stored);
            }
        }
        Ok(())
    }
}
