//! The case list (with its CSV) and the case page.

pub mod detail;
mod filter;
pub mod list;
