//! The board's figures as counters (docs/board.md, "Counters"). Each case contributes
//! `+1` (or its working days to close) to a few named counters; a transition adds the
//! difference between the case's contribution after and before it. Reading a board sums
//! the counters of its audiences over the days of its period.

mod contribution;
pub(crate) mod names;
mod read;

pub use contribution::{contribution, deltas};
pub use names::{audiences_of_viewer, lapsed_children};
pub use read::rows_from_counters;
