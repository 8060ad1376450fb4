//! The precomputed working-day index behind every count.
//!
//! Days are numbered from Monday 0001-01-01 (day 0), so `day % 7 < 5` is a weekday.
//! Two functions carry all the counting:
//!
//! - `rank(day)`: how many working days come before `day` (relative to a fixed origin);
//! - `select(k)`: the working day whose rank is `k`.
//!
//! Inside the indexed span both are table look-ups (a cumulative count per day and the
//! list of working days); outside it they are closed-form weekday arithmetic
//! (`weeks * 5 + remainder`), offset so that the three pieces join without a seam.
//! Every query is O(1) apart from the O(log years) coverage check.

use chrono::{Datelike, NaiveDate};

use crate::YearSchedule;

/// Working days (Monday to Friday) in `[0, day)`.
fn weekdays_before(day: i64) -> i64 {
    5 * day.div_euclid(7) + day.rem_euclid(7).min(5)
}

/// The weekday `w` with `weekdays_before(w) == k`.
fn nth_weekday(k: i64) -> i64 {
    7 * k.div_euclid(5) + k.rem_euclid(5)
}

/// Day number of `date`: 0 for 0001-01-01 (a Monday).
pub(crate) fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - 1
}

/// The date for a day number, clamped to the dates chrono can represent.
pub(crate) fn date_of(day: i64) -> NaiveDate {
    let lo = day_number(NaiveDate::MIN);
    let hi = day_number(NaiveDate::MAX);
    let clamped = day.clamp(lo, hi);
    // In range by construction, so the conversion cannot fail.
    i32::try_from(clamped + 1)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .unwrap_or(if day < lo {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

/// Working-day tables over the span the schedules describe, plus which years they cover.
#[derive(Debug, Clone, Default)]
pub(crate) struct Index {
    /// Day number of the first indexed day.
    start: i64,
    /// Day number one past the last indexed day.
    end: i64,
    /// `cum[i]`: working days in `[start, start + i)`; `end - start + 1` entries.
    cum: Vec<u32>,
    /// Offsets from `start` of the working days, in order.
    work: Vec<u32>,
    /// Covered years, ascending.
    years: Vec<i32>,
    /// For `years[i]`, the last year of the unbroken run of covered years it belongs to.
    run_end: Vec<i32>,
}

impl Index {
    /// Builds the tables from schedules that have already been validated, sorted by year
    /// and free of duplicates.
    pub(crate) fn build(schedules: &[YearSchedule]) -> Index {
        let (Some(first), Some(last)) = (schedules.first(), schedules.last()) else {
            return Index {
                cum: vec![0],
                ..Index::default()
            };
        };
        let first_day = schedules
            .iter()
            .filter_map(YearSchedule::first_named_day)
            .min();
        let last_day = NaiveDate::from_ymd_opt(last.year, 12, 31);
        let (Some(first_day), Some(last_day)) = (first_day, last_day) else {
            // Unreachable for validated years; an empty index is the safe answer.
            return Index {
                cum: vec![0],
                ..Index::default()
            };
        };
        debug_assert!(first_day.year() <= first.year);

        let start = day_number(first_day);
        let end = day_number(last_day) + 1;
        let len = usize::try_from(end - start).unwrap_or(0);
        let mut working: Vec<bool> = (start..end).map(|d| d.rem_euclid(7) < 5).collect();
        let slot = |date: NaiveDate| usize::try_from(day_number(date) - start).ok();
        for schedule in schedules {
            for date in schedule.rest_days() {
                if let Some(flag) = slot(date).and_then(|i| working.get_mut(i)) {
                    *flag = false;
                }
            }
            for &date in &schedule.makeup_workdays {
                if let Some(flag) = slot(date).and_then(|i| working.get_mut(i)) {
                    *flag = true;
                }
            }
        }

        let mut cum = Vec::with_capacity(len + 1);
        let mut work = Vec::with_capacity(len * 5 / 7 + 1);
        let mut count = 0u32;
        cum.push(0);
        for (offset, &is_work) in (0u32..).zip(&working) {
            if is_work {
                work.push(offset);
                count += 1;
            }
            cum.push(count);
        }

        let years: Vec<i32> = schedules.iter().map(|s| s.year).collect();
        let mut run_end = years.clone();
        for i in (0..years.len().saturating_sub(1)).rev() {
            if years[i + 1] == years[i] + 1 {
                run_end[i] = run_end[i + 1];
            }
        }
        Index {
            start,
            end,
            cum,
            work,
            years,
            run_end,
        }
    }

    /// Covered years, ascending.
    pub(crate) fn years(&self) -> &[i32] {
        &self.years
    }

    /// Whether every year from `from` through `to` has a schedule.
    pub(crate) fn covers_years(&self, from: i32, to: i32) -> bool {
        match self.years.binary_search(&from) {
            Ok(i) => self.run_end[i] >= to,
            Err(_) => false,
        }
    }

    fn total(&self) -> i64 {
        i64::from(self.cum.last().copied().unwrap_or(0))
    }

    /// Rank offset applied after the span, so the weekday count continues seamlessly.
    fn after_offset(&self) -> i64 {
        weekdays_before(self.start) + self.total() - weekdays_before(self.end)
    }

    /// Whether `day` is a working day.
    pub(crate) fn is_working(&self, day: i64) -> bool {
        if self.start <= day && day < self.end {
            let i = (day - self.start) as usize;
            self.cum[i + 1] > self.cum[i]
        } else {
            day.rem_euclid(7) < 5
        }
    }

    /// Working days before `day`, counted from a fixed origin.
    pub(crate) fn rank(&self, day: i64) -> i64 {
        if day < self.start {
            weekdays_before(day)
        } else if day < self.end {
            weekdays_before(self.start) + i64::from(self.cum[(day - self.start) as usize])
        } else {
            weekdays_before(day) + self.after_offset()
        }
    }

    /// The working day of rank `k`: the first working day on or after any day of rank `k`.
    pub(crate) fn select(&self, k: i64) -> i64 {
        let base = weekdays_before(self.start);
        if k < base {
            nth_weekday(k)
        } else if k < base + self.total() {
            self.start + i64::from(self.work[(k - base) as usize])
        } else {
            nth_weekday(k - self.after_offset())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    #[test]
    fn day_zero_is_a_monday() {
        let d = NaiveDate::from_ymd_opt(1, 1, 1).unwrap();
        assert_eq!(d.weekday(), Weekday::Mon);
        assert_eq!(day_number(d), 0);
        assert_eq!(date_of(0), d);
    }

    #[test]
    fn weekday_arithmetic_matches_a_walk() {
        let mut count = weekdays_before(-30);
        for day in -30..60 {
            assert_eq!(weekdays_before(day), count, "day {day}");
            if day.rem_euclid(7) < 5 {
                assert_eq!(nth_weekday(count), day);
                count += 1;
            }
        }
    }

    #[test]
    fn empty_index_is_plain_weekdays() {
        let idx = Index::build(&[]);
        for day in -20..20 {
            assert_eq!(idx.rank(day), weekdays_before(day));
            assert_eq!(idx.is_working(day), day.rem_euclid(7) < 5);
        }
        assert!(!idx.covers_years(2020, 2020));
    }

    #[test]
    fn dates_clamp_at_chrono_limits() {
        assert_eq!(date_of(i64::MAX / 4), NaiveDate::MAX);
        assert_eq!(date_of(i64::MIN / 4), NaiveDate::MIN);
    }
}
