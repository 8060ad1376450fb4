//! Building a [`Calendar`] from yearly schedules, and asking it about single days.

use chrono::{Datelike, NaiveDate};

use crate::index::{day_number, Index};
use crate::{Error, HolidayPeriod, YearSchedule};

/// The working-day calendar: the State Council schedules for the covered years, indexed
/// so that every deadline is computed in constant time.
///
/// Outside the covered years the calendar falls back to the ordinary week (Monday to
/// Friday), and every result that depends on such a day is marked
/// [`provisional`](crate::Due::provisional): it must be recomputed when that year's
/// schedule is published and loaded.
///
/// Covered years are normally contiguous. A year missing in the middle is treated like
/// any other uncovered year: weekdays only, results provisional.
#[derive(Debug, Clone)]
pub struct Calendar {
    schedules: Vec<YearSchedule>,
    pub(crate) index: Index,
}

impl Calendar {
    /// Validates the schedules and builds the index.
    ///
    /// Checks, for each schedule: `schema_version` is 1; the year is plausible; `source`
    /// and every holiday name are filled in; every date lies in the schedule's year or the
    /// December before (元旦 breaks may start there); no period ends before it starts or
    /// runs implausibly long; periods do not overlap; make-up working days (调休上班) fall
    /// on a Saturday or Sunday, are listed once and lie outside every holiday period.
    /// Across schedules: no year twice, and no day that one schedule calls a make-up
    /// working day and another puts inside a holiday. The first problem found is returned;
    /// [`YearSchedule::problems`] lists all of one schedule's.
    pub fn new(mut years: Vec<YearSchedule>) -> Result<Calendar, Error> {
        for schedule in &years {
            if let Some(problem) = schedule.problems().into_iter().next() {
                return Err(problem);
            }
        }
        years.sort_by_key(|s| s.year);
        if let Some(pair) = years.windows(2).find(|w| w[0].year == w[1].year) {
            return Err(Error::DuplicateYear { year: pair[0].year });
        }
        for schedule in &years {
            for &date in &schedule.makeup_workdays {
                for other in years.iter().filter(|o| o.year != schedule.year) {
                    if let Some(p) = other.holidays.iter().find(|p| p.contains(date)) {
                        return Err(Error::ConflictingSchedules {
                            year: schedule.year,
                            other_year: other.year,
                            date,
                            name: p.name.clone(),
                        });
                    }
                }
            }
        }
        let index = Index::build(&years);
        Ok(Calendar {
            schedules: years,
            index,
        })
    }

    /// A calendar with no schedules: Monday to Friday are working days, and every result
    /// is provisional.
    pub fn weekends_only() -> Calendar {
        Calendar {
            schedules: Vec::new(),
            index: Index::build(&[]),
        }
    }

    /// The years that have a schedule, ascending.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.index.years().iter().copied()
    }

    /// Whether `year` has a schedule.
    pub fn covers(&self, year: i32) -> bool {
        self.index.years().binary_search(&year).is_ok()
    }

    /// The schedule for `year`, if loaded.
    pub fn schedule(&self, year: i32) -> Option<&YearSchedule> {
        self.schedules.iter().find(|s| s.year == year)
    }

    /// The holiday period that makes `date` a day off, if any (weekends are not periods).
    pub fn holiday_on(&self, date: NaiveDate) -> Option<&HolidayPeriod> {
        self.schedules
            .iter()
            .flat_map(|s| &s.holidays)
            .find(|p| p.contains(date))
    }

    /// The schedule whose notice names `date` as a day off or a make-up working day (the
    /// next year's, for a 元旦 break that begins in December).
    pub(crate) fn schedule_naming(&self, date: NaiveDate) -> Option<&YearSchedule> {
        self.schedules.iter().find(|s| {
            s.makeup_workdays.contains(&date) || s.holidays.iter().any(|p| p.contains(date))
        })
    }

    /// Whether `d` is a working day: a weekday not inside a holiday period, or a weekend
    /// day the schedule makes a working day (调休上班).
    ///
    /// In uncovered years this is Monday to Friday, except for days that the next year's
    /// schedule names (its 元旦 break may begin in the December before it).
    pub fn is_workday(&self, d: NaiveDate) -> bool {
        self.index.is_working(day_number(d))
    }

    /// Whether every day from `from` through `to` lies in a covered year.
    pub(crate) fn settled(&self, from: NaiveDate, to: NaiveDate) -> bool {
        let (a, b) = if from <= to { (from, to) } else { (to, from) };
        self.index.covers_years(a.year(), b.year())
    }
}
