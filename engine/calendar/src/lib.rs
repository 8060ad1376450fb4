//! Counting time the way Chinese municipal regulations count it.
//!
//! - **Working days** (工作日) follow the official State Council schedule for each year
//!   (国务院办公厅关于X年部分节假日安排的通知), including make-up working days on weekends
//!   (调休上班). "Within N working days of receipt" (自收到…之日起N个工作日内): the day of
//!   receipt is not counted and the deadline is the Nth working day after it; a request
//!   received on a rest day counts as received on the next working day.
//!   See [`Calendar::add_working_days`].
//! - **Calendar days, months and years** follow 民法典 第二百零一条 to 第二百零三条: the first
//!   day is not counted; months and years land on the corresponding day of the target
//!   month, or its last day where there is none; a deadline on a rest day moves to the
//!   next working day. See [`Calendar::add_days`], [`Calendar::add_months`],
//!   [`Calendar::add_years`].
//! - **Fixed dates** (每年1月上旬, 2月底前) move off rest days: [`Calendar::fixed_date`].
//! - **Extensions** of N working days count on from the original due date:
//!   [`Calendar::extend`].
//! - **Derivations**: each count has a traced form that records its [`Step`]s (start
//!   moved off a rest day, the working days counted and the rest days passed over, the
//!   end moved), for `govflow explain`: the same code, not a second implementation.
//!
//! The schedules are data (`policies/calendars/<year>.yaml`), parsed by the caller into
//! [`YearSchedule`] values; this crate does no IO and never reads the clock. A deadline
//! that touches a year without a schedule is computed with weekends only and marked
//! [`Due::provisional`], to be recomputed when that year's schedule is loaded.
//!
//! ```
//! use govflow_calendar::{Calendar, NaiveDate};
//!
//! let cal = Calendar::weekends_only();
//! let friday = NaiveDate::from_ymd_opt(2031, 3, 7).unwrap();
//! let due = cal.add_working_days(friday, 1);
//! assert_eq!(due.date, NaiveDate::from_ymd_opt(2031, 3, 10).unwrap()); // Monday
//! assert!(due.provisional);
//! ```

#![warn(missing_docs)]

mod calendar;
mod count;
mod error;
mod index;
mod schedule;
mod trace;

pub use calendar::Calendar;
pub use chrono::NaiveDate;
pub use count::{DayOfMonth, Due, Period};
pub use error::Error;
pub use schedule::{
    HolidayPeriod, YearSchedule, MAX_PERIOD_DAYS, MAX_YEAR, MIN_YEAR, SCHEMA_VERSION,
};
pub use trace::{Day, DayKind, Step, Trace};
