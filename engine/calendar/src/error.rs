//! Errors from building a [`Calendar`](crate::Calendar) or asking it for a fixed date.

use chrono::{NaiveDate, Weekday};

/// Everything that can go wrong in this crate.
///
/// Each message starts lowercase and names the schedule year and the offending date or
/// field, so a caller can show it as it stands next to the file it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The schedule was written for a different format.
    #[error("calendar {year}: unsupported `schema_version` {found}; this build reads version {expected}")]
    UnsupportedSchemaVersion {
        /// The schedule's `year`.
        year: i32,
        /// The `schema_version` it declares.
        found: u32,
        /// The only version this build reads.
        expected: u32,
    },

    /// The year lies outside the range the calendar accepts.
    #[error("calendar {year}: `year` must lie between {min} and {max}")]
    YearOutOfRange {
        /// The schedule's `year`.
        year: i32,
        /// Earliest accepted year (the 1949 holiday measures).
        min: i32,
        /// Latest accepted year.
        max: i32,
    },

    /// Two schedules were given for one year.
    #[error("calendar {year}: two schedules for the same year; keep one file per year")]
    DuplicateYear {
        /// The repeated year.
        year: i32,
    },

    /// A required text field is empty.
    #[error("calendar {year}: `{field}` must not be empty")]
    EmptyField {
        /// The schedule's `year`.
        year: i32,
        /// The empty field, e.g. `source` or `holidays[2].name`.
        field: String,
    },

    /// A date lies outside the schedule's year (only the December before may be named,
    /// for a 元旦 break that starts there).
    #[error(
        "calendar {year}: `{field}` date {date} lies outside {year}; a schedule may name only \
         its own year and the December before it (for 元旦)"
    )]
    DateOutsideYear {
        /// The schedule's `year`.
        year: i32,
        /// The field holding the date, e.g. `holidays[0].from` or `makeup_workdays[3]`.
        field: String,
        /// The offending date.
        date: NaiveDate,
    },

    /// A holiday period ends before it starts.
    #[error("calendar {year}: holiday `{name}` ends on {to}, before it starts on {from}")]
    ReversedPeriod {
        /// The schedule's `year`.
        year: i32,
        /// The period's name.
        name: String,
        /// Its first day.
        from: NaiveDate,
        /// Its last day.
        to: NaiveDate,
    },

    /// A holiday period is implausibly long (a typo in a date, most likely).
    #[error(
        "calendar {year}: holiday `{name}` runs {days} days from {from} to {to}; no official \
         break exceeds {max} days, so check the dates"
    )]
    PeriodTooLong {
        /// The schedule's `year`.
        year: i32,
        /// The period's name.
        name: String,
        /// Its first day.
        from: NaiveDate,
        /// Its last day.
        to: NaiveDate,
        /// Its length in days.
        days: i64,
        /// The longest period accepted.
        max: i64,
    },

    /// Two holiday periods share a day.
    #[error("calendar {year}: holidays `{first}` and `{second}` both contain {date}; merge them into one period")]
    OverlappingPeriods {
        /// The schedule's `year`.
        year: i32,
        /// The earlier period's name.
        first: String,
        /// The later period's name.
        second: String,
        /// The first shared day.
        date: NaiveDate,
    },

    /// A make-up working day (调休上班) falls on a weekday, where it would change nothing.
    #[error(
        "calendar {year}: make-up working day {date} is a {weekday}, not a Saturday or Sunday"
    )]
    MakeupNotOnWeekend {
        /// The schedule's `year`.
        year: i32,
        /// The offending date.
        date: NaiveDate,
        /// Its day of the week.
        weekday: Weekday,
    },

    /// A make-up working day is listed twice.
    #[error("calendar {year}: make-up working day {date} is listed twice")]
    DuplicateMakeup {
        /// The schedule's `year`.
        year: i32,
        /// The repeated date.
        date: NaiveDate,
    },

    /// A date is both a make-up working day and inside a holiday period.
    #[error("calendar {year}: {date} is listed as a make-up working day but lies inside holiday `{name}`")]
    MakeupInsideHoliday {
        /// The schedule's `year` that lists the make-up day.
        year: i32,
        /// The contradictory date.
        date: NaiveDate,
        /// The holiday period containing it.
        name: String,
    },

    /// Two schedules disagree about a day (one says rest, the other says work).
    #[error(
        "calendar {year}: {date} is a make-up working day, but the {other_year} schedule puts it \
         inside holiday `{name}`"
    )]
    ConflictingSchedules {
        /// The schedule listing the make-up day.
        year: i32,
        /// The schedule listing the holiday.
        other_year: i32,
        /// The contradictory date.
        date: NaiveDate,
        /// The holiday period containing it.
        name: String,
    },

    /// A fixed annual date does not exist (e.g. `2月30日`).
    #[error("fixed date: {year}-{month:02} has no day `{day}`")]
    InvalidFixedDate {
        /// The year asked for.
        year: i32,
        /// The month asked for (1–12).
        month: u32,
        /// The day asked for, as written (`31` or `last`).
        day: String,
    },
}
