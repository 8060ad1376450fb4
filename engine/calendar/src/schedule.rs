//! One year's official holiday schedule, as published by the General Office of the State
//! Council, and the checks that make it safe to count with.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::Error;

/// The only `schema_version` this build reads.
pub const SCHEMA_VERSION: u32 = 1;

/// Earliest year accepted: the 全国年节及纪念日放假办法 date from December 1949.
pub const MIN_YEAR: i32 = 1949;

/// Latest year accepted; a guard against typos, not a statement about the future.
pub const MAX_YEAR: i32 = 9999;

/// Longest holiday period accepted, in days. The longest break so far is the 2020 Spring
/// Festival as extended to 2 February (10 days); anything past a month is a typo.
pub const MAX_PERIOD_DAYS: i64 = 31;

/// One year's official State Council schedule (国务院办公厅关于X年部分节假日安排的通知).
///
/// The notice lists, for each festival, the days off (放假调休) and the weekend days that
/// become working days (调休上班). Days it does not mention follow the ordinary week:
/// Monday to Friday work, Saturday and Sunday rest.
///
/// A schedule may name days in the December before its year: the 元旦 break of 2019 ran
/// from 2018-12-30, with Saturday 2018-12-29 worked, and the 2023 break began on
/// 2022-12-31. Those days belong to the notice for the new year.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct YearSchedule {
    /// Format version of this document; must be 1.
    pub schema_version: u32,
    /// The year the notice is for.
    pub year: i32,
    /// The notice's title and number, e.g.
    /// `国务院办公厅关于2020年部分节假日安排的通知（国办发明电〔2019〕16号）`.
    pub source: String,
    /// Rest periods, e.g. `{name: 春节, from: 2020-01-24, to: 2020-02-02}`.
    pub holidays: Vec<HolidayPeriod>,
    /// Weekend days that are working days (调休上班).
    pub makeup_workdays: Vec<NaiveDate>,
}

/// A run of rest days named in a notice, both ends included.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct HolidayPeriod {
    /// The festival as the notice names it, e.g. `春节` or `中秋节、国庆节`.
    pub name: String,
    /// First day off.
    pub from: NaiveDate,
    /// Last day off.
    pub to: NaiveDate,
    /// Anything a reader should know, e.g. a later notice that changed the period.
    #[serde(default)]
    pub note: Option<String>,
}

impl HolidayPeriod {
    /// Whether `date` lies inside this period (both ends included).
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

impl YearSchedule {
    /// First day this schedule may name: 1 December of the year before.
    pub fn earliest_allowed(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year - 1, 12, 1)
    }

    /// Last day this schedule may name: 31 December of its year.
    pub fn latest_allowed(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, 12, 31)
    }

    /// Every problem with this schedule on its own, in document order; empty when it is
    /// sound. [`Calendar::new`](crate::Calendar::new) reports the first of them; a loader
    /// that wants to show all of them at once calls this.
    pub fn problems(&self) -> Vec<Error> {
        let year = self.year;
        let mut out = Vec::new();
        if self.schema_version != SCHEMA_VERSION {
            out.push(Error::UnsupportedSchemaVersion {
                year,
                found: self.schema_version,
                expected: SCHEMA_VERSION,
            });
        }
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            // Nothing else can be checked against a year chrono may not even represent.
            out.push(Error::YearOutOfRange {
                year,
                min: MIN_YEAR,
                max: MAX_YEAR,
            });
            return out;
        }
        if self.source.trim().is_empty() {
            out.push(Error::EmptyField {
                year,
                field: "source".into(),
            });
        }
        self.check_periods(&mut out);
        self.check_makeup_days(&mut out);
        out
    }

    fn in_range(&self, date: NaiveDate) -> bool {
        let lo = self.earliest_allowed();
        let hi = self.latest_allowed();
        lo.is_some_and(|lo| lo <= date) && hi.is_some_and(|hi| date <= hi)
    }

    fn check_periods(&self, out: &mut Vec<Error>) {
        let year = self.year;
        for (i, p) in self.holidays.iter().enumerate() {
            if p.name.trim().is_empty() {
                out.push(Error::EmptyField {
                    year,
                    field: format!("holidays[{i}].name"),
                });
            }
            for (end, date) in [("from", p.from), ("to", p.to)] {
                if !self.in_range(date) {
                    out.push(Error::DateOutsideYear {
                        year,
                        field: format!("holidays[{i}].{end}"),
                        date,
                    });
                }
            }
            if p.to < p.from {
                out.push(Error::ReversedPeriod {
                    year,
                    name: p.name.clone(),
                    from: p.from,
                    to: p.to,
                });
                continue;
            }
            let days = (p.to - p.from).num_days() + 1;
            if days > MAX_PERIOD_DAYS {
                out.push(Error::PeriodTooLong {
                    year,
                    name: p.name.clone(),
                    from: p.from,
                    to: p.to,
                    days,
                    max: MAX_PERIOD_DAYS,
                });
            }
        }
        let mut sorted: Vec<&HolidayPeriod> =
            self.holidays.iter().filter(|p| p.from <= p.to).collect();
        sorted.sort_by_key(|p| p.from);
        for pair in sorted.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if b.from <= a.to {
                out.push(Error::OverlappingPeriods {
                    year,
                    first: a.name.clone(),
                    second: b.name.clone(),
                    date: b.from,
                });
            }
        }
    }

    fn check_makeup_days(&self, out: &mut Vec<Error>) {
        let year = self.year;
        let mut seen: Vec<NaiveDate> = Vec::with_capacity(self.makeup_workdays.len());
        for (i, &date) in self.makeup_workdays.iter().enumerate() {
            if !self.in_range(date) {
                out.push(Error::DateOutsideYear {
                    year,
                    field: format!("makeup_workdays[{i}]"),
                    date,
                });
            }
            let weekday = date.weekday();
            if !matches!(weekday, Weekday::Sat | Weekday::Sun) {
                out.push(Error::MakeupNotOnWeekend {
                    year,
                    date,
                    weekday,
                });
            }
            if seen.contains(&date) {
                out.push(Error::DuplicateMakeup { year, date });
            }
            seen.push(date);
            if let Some(p) = self.holidays.iter().find(|p| p.contains(date)) {
                out.push(Error::MakeupInsideHoliday {
                    year,
                    date,
                    name: p.name.clone(),
                });
            }
        }
    }

    /// Every rest day this schedule declares, period by period.
    pub(crate) fn rest_days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays.iter().flat_map(|p| {
            p.from
                .iter_days()
                .take_while(move |d| *d <= p.to)
                .take(usize::try_from(MAX_PERIOD_DAYS).unwrap_or(usize::MAX))
        })
    }

    /// The earliest date this schedule names, or 1 January of its year if none is earlier.
    pub(crate) fn first_named_day(&self) -> Option<NaiveDate> {
        let jan1 = NaiveDate::from_ymd_opt(self.year, 1, 1)?;
        let earliest = self
            .holidays
            .iter()
            .map(|p| p.from)
            .chain(self.makeup_workdays.iter().copied())
            .min()
            .unwrap_or(jan1);
        Some(earliest.min(jan1))
    }
}
