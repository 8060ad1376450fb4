//! The case state machine, pure: no clock, no disk, no network.
//!
//! Every entry point takes the pack version that governs the case, the calendar, the
//! guards, the actor and `now`, and returns either a [`Transition`] (the new case and the
//! effects the runtime must perform) or a [`Refusal`] naming the article that forbids the
//! command. A fired timer is just another command ([`fire`]).

mod act;
mod authorize;
mod deadlines;
mod error;
mod extension;
mod guards;
mod open;
mod settle;
mod timer;
mod transition;

pub use act::act;
pub use deadlines::{lapse_instant, recompute_provisional};
pub use error::Refusal;
pub use guards::{GuardError, GuardInput, Guards, NoGuards};
pub use open::{open, OpenCase};
pub use settle::{settle, Settled, TimerChange};
pub use timer::fire;
pub use transition::{Context, Effect, Transition};
