//! What turns a case's light on the supervision board (督办看板): cities define 黄灯 and
//! 红灯 differently (成都: yellow near the limit, red past it; 湛江: yellow past the limit,
//! red when the 督办 period is missed too), so each pack says which event does it.

use serde::{Deserialize, Serialize};

/// The event that turns an open case yellow, and the one that turns it red.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardRule {
    pub yellow: LightEvent,
    pub red: LightEvent,
}

impl Default for BoardRule {
    /// Yellow once a deadline's warning fired, red once a deadline lapsed.
    fn default() -> BoardRule {
        BoardRule {
            yellow: LightEvent::Warning,
            red: LightEvent::Lapse,
        }
    }
}

/// Events in the order they can happen to a case: a warning before its deadline, the
/// lapse of a deadline, the lapse of a deadline of a penalty case the lapse opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LightEvent {
    /// A deadline of the case gave its warning (`warn_before_working_days`).
    Warning,
    /// A deadline of the case lapsed.
    Lapse,
    /// A deadline of an open penalty case (督办) opened by the case's lapse lapsed too.
    SupervisionLapse,
}
