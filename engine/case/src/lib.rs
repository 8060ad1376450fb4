//! The case state machine, pure: no clock, no disk, no network.
//!
//! There is one entry, [`apply`]: a [`Command`] (open, act, fire a timer, recount) decided
//! against a [`Context`] (the pack version that governs the case, the calendar, the guards
//! and `now`) gives either the [`Settled`] changes to store (cases, timer changes, events,
//! penalty cases already opened) or a [`Refusal`] naming the article that forbids it.
//!
//! | module | what it decides |
//! |---|---|
//! | `command` | the entry: [`Command`], [`apply`] |
//! | `transition` | [`Context`], [`OpenCase`], and a decision before it is settled |
//! | `open` | opening: procedure, regulation in force, opener's role, provider, resource, the submission's requires and guards |
//! | `act` | actions: state, role, fields, guards, the next state's deadlines |
//! | `extension` | 延长: request, approval, cap, before the lapse |
//! | `period` | periods set by the imposer or a delay report; not-before gates |
//! | `timer` | a fired warning or lapse, and the penalty it opens |
//! | `deadlines` | arming a state's deadlines, warnings, closing them, the provisional recount |
//! | `authorize` | who may act on which case |
//! | `settle` | opening the penalty cases a transition asks for |
//! | `explain` | how each deadline's date was derived, from the code that counts it (a read, not a command) |

mod act;
mod authorize;
mod command;
mod deadlines;
mod error;
mod explain;
mod extension;
mod guards;
mod open;
mod period;
mod settle;
mod timer;
mod transition;

pub use command::{apply, Command};
pub use error::Refusal;
pub use explain::{explain, DeadlineExplanation, ExplainedStep, Explanation, Fact};
pub use guards::{GuardError, GuardInput, Guards, NoGuards};
pub use settle::Settled;
pub use transition::{Context, OpenCase};
