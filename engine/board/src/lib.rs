//! The 督办看板's pure core (docs/board.md): what the board knows of a case (its
//! department, light, whether it is open or a penalty case), the figures per department,
//! and the counters that keep those figures in the store, and the case index the case list walks. The runtime adds a case's
//! counter deltas in the same commit as each transition; the web reads them back, so a
//! board never scans the cases.

mod counters;
mod facts;
mod figures;
mod light;
mod listing;

pub use counters::{
    audiences_of_viewer, contribution, deltas, lapsed_children, rows_from_counters,
};
pub use facts::{
    case_facts, facts, is_open, is_penalty, is_supervising, lapsed_penalty, working_days, CaseFacts,
};
pub use figures::{rows, Count, Period, Row};
pub use light::{light, Happened, Light};
pub use listing::{
    index_deltas, index_entries, walk, Cursor, Listed, Malformed, Scope, Step, INDEX,
};
