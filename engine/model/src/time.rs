//! Local time in Asia/Shanghai (UTC+8 all year: China has had no daylight saving since
//! 1991, so a fixed offset is exact for every date a case can carry).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

/// Asia/Shanghai.
pub const SHANGHAI: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// A deadline ends at 23:59:59 local time on its due date (BRIEF.md, "Counting time").
pub const DEADLINE_END: NaiveTime = match NaiveTime::from_hms_opt(23, 59, 59) {
    Some(t) => t,
    None => panic!("23:59:59 is a valid time"),
};

/// The local calendar date of an instant.
pub fn local_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&SHANGHAI).date_naive()
}

/// Local midnight at the start of `date`, as an instant.
pub fn local_midnight(date: NaiveDate) -> DateTime<Utc> {
    SHANGHAI
        .from_local_datetime(&date.and_time(NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| date.and_time(NaiveTime::MIN).and_utc())
}

/// The instant a deadline ends: 23:59:59 local on its due date.
pub fn deadline_end(date: NaiveDate) -> DateTime<Utc> {
    local_midnight(date) + (DEADLINE_END - NaiveTime::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_ends_at_local_23_59_59() {
        let due = NaiveDate::from_ymd_opt(2021, 2, 25).unwrap();
        assert_eq!(deadline_end(due).to_rfc3339(), "2021-02-25T15:59:59+00:00");
    }

    #[test]
    fn late_utc_evening_is_the_next_local_day() {
        let t = DateTime::parse_from_rfc3339("2021-02-09T17:30:00Z").unwrap();
        assert_eq!(
            local_date(t.with_timezone(&Utc)),
            NaiveDate::from_ymd_opt(2021, 2, 10).unwrap()
        );
    }
}
