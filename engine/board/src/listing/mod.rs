//! The case index (docs/board.md, "Scale"): one counter per case and audience, named so
//! that name order is the case list's order, soonest due first, and so that a city's view
//! and a department's view are name ranges. The runtime adds a case's entries' deltas in
//! the same commit as each transition, as it does the board's counters; the case list
//! walks them ([`walk`]) and never reads the cases.

mod entry;
#[cfg(test)]
mod tests;
mod walk;

pub use entry::{index_deltas, index_entries, Listed, Malformed, INDEX};
pub use walk::{walk, Cursor, Scope, Step};
