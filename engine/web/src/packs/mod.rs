//! `/ui/packs` and `/ui/packs/{city}`: each city's pack as served (version, the
//! regulation's status, the last reload error with its file:line:column), the calendar's
//! years and the provisional deadlines waiting for the next schedule, and each procedure
//! drawn from the pack with its deadlines (the case page draws its procedure too).

pub mod diagram;
pub mod page;
mod procedure;
mod text;
