//! 督办看板: the lights, the facts of each case and the figures per department, pure;
//! `page` renders them.

mod facts;
mod figures;
mod light;
pub mod page;
mod period;
#[cfg(test)]
mod tests;

pub use facts::{facts, working_days, CaseFacts};
pub use figures::{rows, Count, Period, Row};
pub use light::Light;
pub use period::PeriodChoice;
