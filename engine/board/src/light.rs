//! A case's light on the board, by its pack's `board:` rule (docs/board.md).

use govflow_model::{BoardRule, Case, DeadlineStatus, LightEvent};

/// 绿灯, 黄灯 or 红灯; the text always says it too (颜色不是唯一的信号).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Light {
    Green,
    Yellow,
    Red,
}

impl Light {
    pub const ALL: [Light; 3] = [Light::Green, Light::Yellow, Light::Red];

    /// The id used in URLs and in `data-count`.
    pub fn id(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Yellow => "yellow",
            Light::Red => "red",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Light::Green => "绿灯·正常",
            Light::Yellow => "黄灯·预警",
            Light::Red => "红灯·超期",
        }
    }

    pub fn parse(s: &str) -> Option<Light> {
        Light::ALL.into_iter().find(|l| l.id() == s)
    }
}

/// Which events have happened to a case, as the light rule reads them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Happened {
    /// An open deadline of the case gave its warning.
    pub warning: bool,
    /// A deadline of the case lapsed.
    pub lapse: bool,
    /// A deadline of an open penalty case opened by this one lapsed.
    pub supervision_lapse: bool,
}

impl Happened {
    /// What `case` itself shows; `supervision_lapse` comes from its children.
    pub fn of(case: &Case) -> Happened {
        Happened {
            warning: case
                .deadlines
                .iter()
                .any(|d| d.status == DeadlineStatus::Open && d.warned),
            lapse: case
                .deadlines
                .iter()
                .any(|d| d.status == DeadlineStatus::Missed),
            supervision_lapse: false,
        }
    }

    fn has(self, event: LightEvent) -> bool {
        match event {
            LightEvent::Warning => self.warning || self.lapse || self.supervision_lapse,
            LightEvent::Lapse => self.lapse || self.supervision_lapse,
            LightEvent::SupervisionLapse => self.supervision_lapse,
        }
    }
}

/// The light of an open case: red if the rule's red event happened, else yellow if its
/// yellow event did, else green. A later event implies the earlier ones.
pub fn light(rule: &BoardRule, happened: Happened) -> Light {
    if happened.has(rule.red) {
        Light::Red
    } else if happened.has(rule.yellow) {
        Light::Yellow
    } else {
        Light::Green
    }
}
