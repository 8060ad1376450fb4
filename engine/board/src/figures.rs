//! The board's figures (docs/board.md defines each): one row per department, counted by
//! the same predicates the case list filters with, so every number is the length of the
//! list it links to. [`rows`] counts the facts given; `counters` keeps the same figures
//! in the store and [`crate::rows_from_counters`] reads them back.

use crate::facts::{working_days, CaseFacts};
use crate::light::Light;
use crate::listing::Listed;
use govflow_model::{Calendar, CityId, NaiveDate};
use std::collections::BTreeMap;

/// The days a period covers, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// What a count counts; its id is the `data-count` of the board and the `count` of the
/// case list's URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// 在办: open now.
    Open,
    /// Open now with this light.
    Light(Light),
    /// 当前超期: open now with a lapsed duty (a case closed late is not counted).
    Overdue,
    /// 督办中: open penalty cases.
    Supervising,
    /// 本期受理: received in the period.
    Received,
    /// 本期办结: received in the period and closed by its end.
    Closed,
    /// 按时办结: of those closed, none of whose duties lapsed.
    ClosedOnTime,
    /// 超期: received in the period with a lapsed duty, closed or not.
    Late,
}

impl Count {
    pub const ALL: [Count; 10] = [
        Count::Open,
        Count::Light(Light::Green),
        Count::Light(Light::Yellow),
        Count::Light(Light::Red),
        Count::Overdue,
        Count::Supervising,
        Count::Received,
        Count::Closed,
        Count::ClosedOnTime,
        Count::Late,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Count::Open => "open",
            Count::Light(l) => l.id(),
            Count::Overdue => "overdue",
            Count::Supervising => "supervising",
            Count::Received => "received",
            Count::Closed => "closed",
            Count::ClosedOnTime => "closed_on_time",
            Count::Late => "late",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Count::Open => "在办",
            Count::Light(l) => l.label(),
            Count::Overdue => "当前超期",
            Count::Supervising => "督办中",
            Count::Received => "本期受理",
            Count::Closed => "本期办结",
            Count::ClosedOnTime => "按时办结",
            Count::Late => "本期超期",
        }
    }

    pub fn parse(s: &str) -> Option<Count> {
        Count::ALL.into_iter().find(|c| c.id() == s)
    }

    /// Whether `f` is counted, for `period`.
    pub fn counts(self, f: &Listed, period: Period) -> bool {
        if f.penalty {
            return self == Count::Supervising && f.supervising();
        }
        let received = (period.from..=period.to).contains(&f.received);
        let closed = received && f.closed_on.is_some_and(|d| d <= period.to);
        match self {
            Count::Open => f.open(),
            Count::Light(l) => f.light == Some(l),
            Count::Overdue => f.open() && f.overdue,
            Count::Supervising => f.supervising(),
            Count::Received => received,
            Count::Closed => closed,
            Count::ClosedOnTime => closed && !f.overdue,
            Count::Late => received && f.overdue,
        }
    }
}

/// One department's figures. Departments of different cities are different rows, even
/// under the same name (each city has its 市公安局).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub city: CityId,
    pub department: String,
    /// Each [`Count`], in [`Count::ALL`]'s order.
    pub counts: Vec<(Count, usize)>,
    /// Average working days from receipt to closing of the period's closed cases.
    pub average_working_days: Option<f64>,
}

impl Row {
    pub fn count(&self, which: Count) -> usize {
        self.counts
            .iter()
            .find(|(c, _)| *c == which)
            .map_or(0, |(_, n)| *n)
    }

    /// 办结率 = 本期办结 ÷ 本期受理.
    pub fn closing_rate(&self) -> Option<f64> {
        ratio(self.count(Count::Closed), self.count(Count::Received))
    }

    /// 按时办结率 = 按时办结 ÷ 本期办结.
    pub fn on_time_rate(&self) -> Option<f64> {
        ratio(self.count(Count::ClosedOnTime), self.count(Count::Closed))
    }

    /// 超期率 = 本期超期 ÷ 本期受理.
    pub fn late_rate(&self) -> Option<f64> {
        ratio(self.count(Count::Late), self.count(Count::Received))
    }
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// One row per department of each city with any case counted, in city then department
/// order.
pub fn rows(facts: &[CaseFacts], period: Period, calendar: &Calendar) -> Vec<Row> {
    let mut by_department: BTreeMap<(&CityId, &str), Vec<Listed>> = BTreeMap::new();
    for f in facts {
        by_department
            .entry((&f.case.city, &f.department))
            .or_default()
            .push(f.listed());
    }
    by_department
        .into_iter()
        .map(|((city, department), cases)| {
            let counts = Count::ALL
                .into_iter()
                .map(|c| (c, cases.iter().filter(|f| c.counts(f, period)).count()))
                .collect();
            let days: Vec<i64> = cases
                .iter()
                .filter(|f| Count::Closed.counts(f, period))
                .filter_map(|f| f.closed_on.map(|d| working_days(calendar, f.received, d)))
                .collect();
            Row {
                city: city.clone(),
                department: department.to_owned(),
                counts,
                average_working_days: (!days.is_empty())
                    .then(|| days.iter().sum::<i64>() as f64 / days.len() as f64),
            }
        })
        .filter(|r| r.counts.iter().any(|(_, n)| *n > 0))
        .collect()
}
