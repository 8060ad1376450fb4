//! 督办看板: the page, its period, and the pure core it shares with the runtime's counters
//! (`govflow_board`: the lights, the facts of each case and the figures per department).

pub mod page;
mod period;
#[cfg(test)]
mod tests;

pub use govflow_board::{working_days, CaseFacts, Count, Light, Period, Row};
pub use period::PeriodChoice;
