//! The counting rules: working days, calendar days, months, years, fixed dates and
//! extensions.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::index::{date_of, day_number};
use crate::trace::{Step, Trace};
use crate::{Calendar, Error};

/// A computed deadline: the last day on which the act may be done (it ends at 24:00
/// that day, 民法典 第二百零三条第二款).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Due {
    /// The deadline.
    pub date: NaiveDate,
    /// True when some day from the start of the count through `date` (rolls included)
    /// lies in a year without a loaded schedule. Such a deadline was computed with
    /// weekends only and must be recomputed when that year's schedule is loaded.
    pub provisional: bool,
}

/// A period as a regulation states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Period {
    /// N个工作日: counted on the State Council working-day calendar.
    WorkingDays(u32),
    /// N日 (calendar days), 民法典 第二百零一条.
    Days(u32),
    /// N个月, 民法典 第二百零二条.
    Months(u32),
    /// N年, 民法典 第二百零二条.
    Years(u32),
}

/// The day of a fixed annual date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DayOfMonth {
    /// A given day, e.g. `Day(10)` for 1月10日 or 每年1月上旬 (the last day of 上旬).
    Day(u32),
    /// The month's last day, e.g. 1月底前, 1月下旬, 2月底前.
    Last,
}

impl Calendar {
    /// Builds the [`Due`] for a result, checking coverage from `first` through `date`.
    fn due(&self, first: NaiveDate, date: NaiveDate, trace: &mut impl Trace) -> Due {
        let provisional = !self.settled(first, date);
        if provisional {
            trace.record(|| Step::Provisional {
                uncovered_years: self.uncovered_years(first, date),
            });
        }
        Due { date, provisional }
    }

    /// The first working day on or after `d` (`d` itself if it is one).
    ///
    /// This is the roll of 民法典 第二百零三条第一款: 期间的最后一日是法定休假日的，以法定休假日
    /// 结束的次日为期间的最后一日 — a deadline falling on a rest day moves to the next
    /// working day (a make-up working day 调休上班 included).
    pub fn next_workday_on_or_after(&self, d: NaiveDate) -> Due {
        let rolled = self.rolled(d, &mut ());
        self.due(d, rolled, &mut ())
    }

    /// 自收到之日起N个工作日内 — within N working days of receipt.
    ///
    /// The day of receipt is not counted and the deadline is the Nth working day after
    /// it. A request received on a rest day counts as received on the next working day,
    /// and the count starts the day after that. `n = 0` gives the (rolled) day of
    /// receipt.
    ///
    /// Example: received Thursday 2020-01-23 with 1 working day → Monday 2020-02-03,
    /// because the Spring Festival (extended by 国办发明电〔2020〕1号) ran to 2020-02-02.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> Due {
        self.working_days(from, n, &mut ())
    }

    fn working_days<T: Trace>(&self, from: NaiveDate, n: u32, trace: &mut T) -> Due {
        let start = self.index.rank(day_number(from));
        let day = date_of(self.index.select(start + i64::from(n)));
        // The working day a receipt counts as is a second lookup only a step needs.
        if T::KEEPS {
            let counts_as = date_of(self.index.select(start));
            if counts_as != from {
                trace.record(|| Step::StartMoved {
                    from: self.day(from),
                    counts_as: self.day(counts_as),
                });
            }
            trace.record(|| self.counted(n, counts_as, day));
        }
        self.due(from, day, trace)
    }

    /// The step of a count of `n` working days after `after` that ended on `last`.
    fn counted(&self, n: u32, after: NaiveDate, last: NaiveDate) -> Step {
        let (counted, passed_over) = self.split_days(after, last);
        Step::WorkingDays {
            n,
            after: self.day(after),
            counted,
            passed_over,
        }
    }

    /// N日 — a period of N calendar days (民法典 第二百零一条: 按照年、月、日、小时计算期间的，
    /// 开始的当日不计入，自下一日开始计算).
    ///
    /// The deadline is `from + n` days; if that is a rest day it moves to the next
    /// working day (第二百零三条). `n = 0` gives `from`, rolled.
    pub fn add_days(&self, from: NaiveDate, n: u32) -> Due {
        self.days(from, n, &mut ())
    }

    fn days(&self, from: NaiveDate, n: u32, trace: &mut impl Trace) -> Due {
        let target = from
            .checked_add_days(Days::new(u64::from(n)))
            .unwrap_or(NaiveDate::MAX);
        self.civil(from, Period::Days(n), target, trace)
    }

    /// N个月 — a period of N months (民法典 第二百零二条: 按照年、月计算期间的，到期月的对应日
    /// 为期间的最后一日；没有对应日的，月末日为期间的最后一日).
    ///
    /// 2021-01-31 + 1 month → 2021-02-28. A rest-day result moves to the next working
    /// day (第二百零三条): 2020-01-31 + 1 month → 2020-02-29, a Saturday → 2020-03-02.
    pub fn add_months(&self, from: NaiveDate, n: u32) -> Due {
        self.months(from, n, &mut ())
    }

    fn months(&self, from: NaiveDate, n: u32, trace: &mut impl Trace) -> Due {
        let target = from
            .checked_add_months(Months::new(n))
            .unwrap_or(NaiveDate::MAX);
        self.civil(from, Period::Months(n), target, trace)
    }

    /// N年 — a period of N years, counted as 12·N months under 民法典 第二百零二条:
    /// 2024-02-29 + 1 year → 2025-02-28 (no 29 February, so the month's last day), then
    /// rolled off a rest day (第二百零三条).
    pub fn add_years(&self, from: NaiveDate, n: u32) -> Due {
        self.years_after(from, n, &mut ())
    }

    fn years_after(&self, from: NaiveDate, n: u32, trace: &mut impl Trace) -> Due {
        let target = n
            .checked_mul(12)
            .and_then(|months| from.checked_add_months(Months::new(months)))
            .unwrap_or(NaiveDate::MAX);
        self.civil(from, Period::Years(n), target, trace)
    }

    /// The end of a 民法典 period whose nominal last day is `target`, rolled off a rest day.
    fn civil(
        &self,
        from: NaiveDate,
        period: Period,
        target: NaiveDate,
        trace: &mut impl Trace,
    ) -> Due {
        trace.record(|| Step::CivilPeriod {
            period,
            from: self.day(from),
            nominal_end: self.day(target),
            no_corresponding_day: !matches!(period, Period::Days(_)) && target.day() != from.day(),
        });
        let rolled = self.rolled(target, trace);
        self.due(from, rolled, trace)
    }

    /// A period counted from an event (a law amended, a situation arising): the event day
    /// is not counted and the count starts the next day, whatever kind of day the event day
    /// is (民法典 第二百零一条). Unlike a receipt, an event on a rest day is not moved to the
    /// next working day first, so N working days are the Nth working day after the event
    /// day itself. Calendar days, months and years count the same as from a receipt.
    pub fn add_from_event(&self, event: NaiveDate, p: Period) -> Due {
        self.add_from_event_traced(event, p, &mut ())
    }

    /// [`Calendar::add_from_event`], recording its steps in `trace`.
    pub fn add_from_event_traced(
        &self,
        event: NaiveDate,
        p: Period,
        trace: &mut impl Trace,
    ) -> Due {
        match p {
            Period::WorkingDays(n) => self.extend_traced(event, n, trace),
            other => self.add_traced(event, other, trace),
        }
    }

    /// Adds any [`Period`], dispatching to the rule for its unit.
    pub fn add(&self, from: NaiveDate, p: Period) -> Due {
        self.add_traced(from, p, &mut ())
    }

    /// [`Calendar::add`], recording its steps in `trace`.
    pub fn add_traced(&self, from: NaiveDate, p: Period, trace: &mut impl Trace) -> Due {
        match p {
            Period::WorkingDays(n) => self.working_days(from, n, trace),
            Period::Days(n) => self.days(from, n, trace),
            Period::Months(n) => self.months(from, n, trace),
            Period::Years(n) => self.years_after(from, n, trace),
        }
    }

    /// A fixed annual date (每年1月上旬 → 1月10日; 1月底前 / 1月下旬 → the month's last
    /// day; 2月底前; 11月底前). On a rest day it moves to the next working day: 1月10日
    /// 2021 was a Sunday, so the deadline is Monday 2021-01-11.
    ///
    /// Fails when the date does not exist (month outside 1–12, `Day(0)`, `Day(30)` in
    /// February).
    pub fn fixed_date(&self, year: i32, month: u32, day: DayOfMonth) -> Result<Due, Error> {
        self.fixed_date_traced(year, month, day, &mut ())
    }

    /// [`Calendar::fixed_date`], recording its steps in `trace`.
    pub fn fixed_date_traced(
        &self,
        year: i32,
        month: u32,
        day: DayOfMonth,
        trace: &mut impl Trace,
    ) -> Result<Due, Error> {
        let date = match day {
            DayOfMonth::Day(d) => NaiveDate::from_ymd_opt(year, month, d),
            DayOfMonth::Last => last_day_of_month(year, month),
        };
        let date = date.ok_or_else(|| Error::InvalidFixedDate {
            year,
            month,
            day: match day {
                DayOfMonth::Day(d) => d.to_string(),
                DayOfMonth::Last => "last".to_owned(),
            },
        })?;
        trace.record(|| Step::FixedDate {
            year,
            month,
            day,
            nominal: self.day(date),
        });
        let rolled = self.rolled(date, trace);
        Ok(self.due(date, rolled, trace))
    }

    /// An extension (延长) of N working days, counted on from the original due date: the
    /// due date itself is not counted, and the new deadline is the Nth working day after
    /// it. `working_days = 0` leaves `due` unchanged.
    pub fn extend(&self, due: NaiveDate, working_days: u32) -> Due {
        self.extend_traced(due, working_days, &mut ())
    }

    /// [`Calendar::extend`], recording its steps in `trace`.
    pub fn extend_traced(&self, due: NaiveDate, working_days: u32, trace: &mut impl Trace) -> Due {
        if working_days == 0 {
            return self.due(due, due, trace);
        }
        let after = day_number(due) + 1;
        let day = date_of(
            self.index
                .select(self.index.rank(after) + i64::from(working_days) - 1),
        );
        trace.record(|| self.counted(working_days, due, day));
        self.due(due, day, trace)
    }

    /// `target`, or the first working day after it when it is a rest day.
    fn rolled(&self, target: NaiveDate, trace: &mut impl Trace) -> NaiveDate {
        let day = date_of(self.index.select(self.index.rank(day_number(target))));
        if day != target {
            trace.record(|| {
                let before = target.pred_opt().unwrap_or(target);
                Step::EndMoved {
                    nominal: self.day(target),
                    to: self.day(day),
                    passed_over: self.split_days(before, day).1,
                }
            });
        }
        day
    }
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = first.checked_add_months(Months::new(1))?;
    next.pred_opt()
}
