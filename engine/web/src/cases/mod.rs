//! The case list (with its CSV) and the case page with its action forms.

pub mod detail;
mod filter;
mod forms;
pub mod list;
