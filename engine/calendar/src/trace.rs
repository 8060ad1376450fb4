//! How a due date was derived: the steps the counting rules take, recorded as they take
//! them, so a reviewer can hold each one against the official calendar.
//!
//! Every counting method of [`Calendar`] has a traced form (`add_traced`,
//! `add_from_event_traced`, `fixed_date_traced`, `extend_traced`) that takes a [`Trace`];
//! the untraced methods call the same code with `()`, which records nothing and never
//! builds a step. A `Vec<Step>` records each step.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::{Calendar, DayOfMonth, Period};

/// Where the counting rules record their steps.
pub trait Trace {
    /// Whether it keeps steps: the rules skip the lookups only a step needs when not.
    const KEEPS: bool;

    /// Records the step `step` builds; an implementation that keeps nothing never calls it.
    fn record(&mut self, step: impl FnOnce() -> Step);
}

/// Records nothing: the counting itself, at no cost.
impl Trace for () {
    const KEEPS: bool = false;

    fn record(&mut self, _: impl FnOnce() -> Step) {}
}

/// Keeps every step, in the order the rules took them.
impl Trace for Vec<Step> {
    const KEEPS: bool = true;

    fn record(&mut self, step: impl FnOnce() -> Step) {
        self.push(step());
    }
}

/// One step of a derivation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    /// A working-day count from a rest day: it counts as from the next working day
    /// (the BRIEF's receipt rule), whose own day is then not counted.
    StartMoved {
        /// The day the count was asked to start from.
        from: Day,
        /// The working day it counts as.
        counts_as: Day,
    },
    /// N working days after `after` (which is not counted).
    WorkingDays {
        /// How many working days.
        n: u32,
        /// The day after which the count starts; it is not counted.
        after: Day,
        /// The working days counted, in order; the last is the result.
        counted: Vec<Day>,
        /// The rest days passed over on the way.
        passed_over: Vec<Day>,
    },
    /// A period of days, months or years (民法典 第二百零一条、第二百零二条): the first day
    /// is not counted; months and years end on the corresponding day, or the month's
    /// last day where there is none.
    CivilPeriod {
        /// The period.
        period: Period,
        /// The day the period runs from; it is not counted.
        from: Day,
        /// The last day of the period, before any move off a rest day.
        nominal_end: Day,
        /// Months or years that end on the month's last day for want of a corresponding one.
        no_corresponding_day: bool,
    },
    /// A fixed annual date, before any move off a rest day.
    FixedDate {
        /// The year whose date it is.
        year: i32,
        /// The month, 1–12.
        month: u32,
        /// The day of the month.
        day: DayOfMonth,
        /// The date itself.
        nominal: Day,
    },
    /// The result fell on a rest day and moves to the next working day
    /// (民法典 第二百零三条第一款).
    EndMoved {
        /// The result before the move.
        nominal: Day,
        /// The working day it moves to.
        to: Day,
        /// The rest days from the nominal end on.
        passed_over: Vec<Day>,
    },
    /// Some day of the count lies in a year without a schedule: those years were counted
    /// with weekends only, and the result is provisional.
    Provisional {
        /// The years without a schedule.
        uncovered_years: Vec<i32>,
    },
}

/// One date, with what the calendar says of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Day {
    /// The date.
    pub date: NaiveDate,
    /// `Mon` … `Sun`.
    pub weekday: String,
    /// What the official calendar makes of it.
    pub kind: DayKind,
}

/// What kind of day a date is on the official calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DayKind {
    /// An ordinary Monday to Friday.
    Workday,
    /// An ordinary Saturday or Sunday.
    Weekend,
    /// A day off of a holiday period the notice names.
    Holiday {
        /// The festival as the notice names it (`春节`).
        name: String,
        /// The notice (title and number).
        notice: String,
    },
    /// A Saturday or Sunday the notice makes a working day (调休上班).
    MakeUpWorkday {
        /// The notice (title and number).
        notice: String,
    },
}

impl Day {
    /// `2021-02-20 Sat (make-up working day 调休上班)`.
    pub fn describe(&self) -> String {
        match &self.kind {
            DayKind::Workday | DayKind::Weekend => format!("{} {}", self.date, self.weekday),
            DayKind::Holiday { name, .. } => format!("{} {} ({name})", self.date, self.weekday),
            DayKind::MakeUpWorkday { .. } => format!(
                "{} {} (make-up working day 调休上班)",
                self.date, self.weekday
            ),
        }
    }
}

impl Calendar {
    /// `date` with its weekday and what the official calendar makes of it.
    pub fn day(&self, date: NaiveDate) -> Day {
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        let notice = || {
            self.schedule_naming(date)
                .map(|s| s.source.clone())
                .unwrap_or_default()
        };
        let kind = if let Some(period) = self.holiday_on(date) {
            DayKind::Holiday {
                name: period.name.clone(),
                notice: notice(),
            }
        } else if weekend && self.is_workday(date) {
            DayKind::MakeUpWorkday { notice: notice() }
        } else if weekend {
            DayKind::Weekend
        } else {
            DayKind::Workday
        };
        Day {
            date,
            weekday: format!("{:?}", date.weekday()),
            kind,
        }
    }

    /// The days strictly after `after` through `through`, split into the working days
    /// and the rest days.
    pub(crate) fn split_days(&self, after: NaiveDate, through: NaiveDate) -> (Vec<Day>, Vec<Day>) {
        let mut working = Vec::new();
        let mut rest = Vec::new();
        for date in after.iter_days().skip(1).take_while(|d| *d <= through) {
            if self.is_workday(date) {
                working.push(self.day(date));
            } else {
                rest.push(self.day(date));
            }
        }
        (working, rest)
    }

    /// The years from `first` through `last` that have no schedule.
    pub(crate) fn uncovered_years(&self, first: NaiveDate, last: NaiveDate) -> Vec<i32> {
        let (a, b) = if first <= last {
            (first, last)
        } else {
            (last, first)
        };
        (a.year()..=b.year()).filter(|y| !self.covers(*y)).collect()
    }
}

impl Step {
    /// The step as a sentence a reviewer can check against the calendar.
    pub fn sentence(&self) -> String {
        match self {
            Step::StartMoved { from, counts_as } => format!(
                "{} is a rest day: the count runs as from the next working day, {}, which is itself not counted.",
                from.describe(),
                counts_as.describe()
            ),
            Step::WorkingDays {
                n,
                after,
                counted,
                passed_over,
            } => {
                let mut s = format!(
                    "{n} working day{} after {} (not counted): {}.",
                    if *n == 1 { "" } else { "s" },
                    after.describe(),
                    list(counted)
                );
                if !passed_over.is_empty() {
                    s.push_str(&format!(" Rest days passed over: {}.", rest_days(passed_over)));
                }
                if let Some(makeup) = notices_of_makeup(counted) {
                    s.push_str(&format!(" Make-up working days per {makeup}."));
                }
                s
            }
            Step::CivilPeriod {
                period,
                from,
                nominal_end,
                no_corresponding_day,
            } => {
                let unit = match period {
                    Period::WorkingDays(n) => format!("{n} working days"),
                    Period::Days(n) => format!("{n} days"),
                    Period::Months(n) => format!("{n} months"),
                    Period::Years(n) => format!("{n} years"),
                };
                let rule = match period {
                    Period::Days(_) | Period::WorkingDays(_) => {
                        "the first day is not counted (民法典 第二百零一条)".to_owned()
                    }
                    _ if *no_corresponding_day => "no corresponding day in the last month, so its last day (民法典 第二百零二条)".to_owned(),
                    _ => "the corresponding day of the last month (民法典 第二百零二条)".to_owned(),
                };
                format!(
                    "{unit} from {}: {rule}, {}.",
                    from.describe(),
                    nominal_end.describe()
                )
            }
            Step::FixedDate {
                year,
                month,
                day,
                nominal,
            } => {
                let which = match day {
                    DayOfMonth::Day(d) => format!("day {d} of month {month}"),
                    DayOfMonth::Last => format!("the last day of month {month}"),
                };
                format!("The fixed date, {which} of {year}: {}.", nominal.describe())
            }
            Step::EndMoved {
                nominal,
                to,
                passed_over,
            } => format!(
                "{} is a rest day ({}): the deadline moves to the next working day, {} (民法典 第二百零三条).",
                nominal.describe(),
                rest_days(passed_over),
                to.describe()
            ),
            Step::Provisional { uncovered_years } => format!(
                "The calendar has no schedule for {}: those days were counted Monday to Friday, and the result is provisional (recounted when the schedule is loaded).",
                uncovered_years
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

fn list(days: &[Day]) -> String {
    days.iter()
        .map(Day::describe)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rest days grouped into runs: `春节 2021-02-11 Thu – 2021-02-17 Wed; 2021-02-21 Sun`.
fn rest_days(days: &[Day]) -> String {
    let mut runs: Vec<(Option<&str>, &Day, &Day)> = Vec::new();
    for day in days {
        let name = match &day.kind {
            DayKind::Holiday { name, .. } => Some(name.as_str()),
            _ => None,
        };
        match runs.last_mut() {
            Some((run_name, _, last))
                if *run_name == name
                    && name.is_some()
                    && last.date.succ_opt() == Some(day.date) =>
            {
                *last = day;
            }
            _ => runs.push((name, day, day)),
        }
    }
    runs.iter()
        .map(|(name, first, last)| match name {
            Some(name) if first.date != last.date => format!(
                "{name} {} {} – {} {}",
                first.date, first.weekday, last.date, last.weekday
            ),
            Some(name) => format!("{name} {} {}", first.date, first.weekday),
            None => format!("{} {}", first.date, first.weekday),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn notices_of_makeup(days: &[Day]) -> Option<String> {
    let mut notices: Vec<&str> = Vec::new();
    for day in days {
        if let DayKind::MakeUpWorkday { notice } = &day.kind {
            if !notices.contains(&notice.as_str()) {
                notices.push(notice);
            }
        }
    }
    (!notices.is_empty()).then(|| notices.join("; "))
}
