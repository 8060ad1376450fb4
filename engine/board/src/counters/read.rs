//! A board from the counters: the current figures, and the period's days summed.

use super::names::{family, parts};
use crate::figures::{Count, Period, Row};
use chrono::{Datelike, Days, Months};
use govflow_model::{CityId, NaiveDate};
use std::collections::BTreeMap;

#[derive(Default)]
struct Sums {
    counts: [i64; Count::ALL.len()],
    days: i64,
}

impl Sums {
    fn add(&mut self, field: &str, n: i64) {
        if field == "days" {
            self.days += n;
        } else if let Some(i) = Count::ALL.iter().position(|c| c.id() == field) {
            self.counts[i] += n;
        }
    }
}

/// The name ranges read for a board, each with how its names are summed.
enum Ranges {
    /// The current figures: `<city>␟<department>␟<count>`.
    Now,
    /// A day's or a month's cohort: `<received>␟<city>␟<department>␟<field>`.
    Cohort { closed_too: bool },
    /// Closed cases by receipt and closing day: `<received>␟<closed>␟<city>␟<department>␟<field>`,
    /// counted when closed by `to`.
    Cells { to: NaiveDate },
}

/// The rows of the board `audiences` see for `period` as of `today`, read through `read`
/// (the names from its first argument up to its second, as `govflow_store::Counters`),
/// keeping the cities `covers` accepts.
///
/// A case received in the period is closed by its last day unless that day is before
/// today, so only a period ended before today reads the cells (closed cases by closing
/// day); any other sums the days alone.
pub fn rows_from_counters<E>(
    audiences: &[String],
    period: Period,
    today: NaiveDate,
    mut read: impl FnMut(&str, &str) -> Result<Vec<(String, i64)>, E>,
    covers: impl Fn(&str) -> bool,
) -> Result<Vec<Row>, E> {
    let mut sums: BTreeMap<(String, String), Sums> = BTreeMap::new();
    let ended = period.to < today;
    let day = |d: NaiveDate| d.to_string();
    let until = period.to.succ_opt().map(day);
    for audience in audiences {
        let mut reads = vec![(Ranges::Now, family(audience, "now", None, None))];
        for (name, from, to) in segments(period) {
            let how = Ranges::Cohort { closed_too: !ended };
            reads.push((how, family(audience, name, Some(&from), Some(&to))));
        }
        if ended {
            let cells = family(audience, "cell", Some(&day(period.from)), until.as_deref());
            reads.push((Ranges::Cells { to: period.to }, cells));
        }
        for (how, (from, until)) in reads {
            for (name, n) in read(&from, &until)? {
                let p = parts(&name);
                let (city, department, field) = match (&how, p.as_slice()) {
                    (Ranges::Now, [city, department, count]) => (city, department, count),
                    (Ranges::Cohort { closed_too }, [_, city, department, field])
                        if *closed_too || matches!(*field, "received" | "late") =>
                    {
                        (city, department, field)
                    }
                    (Ranges::Cells { to }, [_, closed, city, department, field])
                        if closed.parse::<NaiveDate>().is_ok_and(|c| c <= *to) =>
                    {
                        (city, department, field)
                    }
                    _ => continue,
                };
                if covers(city) {
                    sums.entry((city.to_string(), department.to_string()))
                        .or_default()
                        .add(field, n);
                }
            }
        }
    }
    Ok(sums
        .into_iter()
        .map(|((city, department), s)| {
            let count = |n: i64| usize::try_from(n).unwrap_or(0);
            let closed = s.counts[Count::ALL
                .iter()
                .position(|c| *c == Count::Closed)
                .unwrap_or(0)];
            Row {
                city: CityId::new(city),
                department,
                counts: Count::ALL
                    .into_iter()
                    .zip(s.counts)
                    .map(|(c, n)| (c, count(n)))
                    .collect(),
                average_working_days: (closed > 0).then(|| s.days as f64 / closed as f64),
            }
        })
        .filter(|r| r.counts.iter().any(|(_, n)| *n > 0))
        .collect())
}

/// The period as name ranges of the cohort counters: `("month", first, next)` for whole
/// months in a row, `("day", first, next)` for the days before and after them.
fn segments(period: Period) -> Vec<(&'static str, String, String)> {
    let first_of = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let next_month = |d: NaiveDate| first_of(d) + Months::new(1);
    let month = |d: NaiveDate| d.format("%Y-%m").to_string();
    let mut out = Vec::new();
    let mut day = period.from;
    let end = period.to + Days::new(1);
    while day < end {
        if day.day() == 1 && next_month(day) <= end {
            let mut until = next_month(day);
            while next_month(until) <= end {
                until = next_month(until);
            }
            out.push(("month", month(day), month(until)));
            day = until;
        } else {
            let until = next_month(day).min(end);
            out.push(("day", day.to_string(), until.to_string()));
            day = until;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(from: &str, to: &str) -> Period {
        Period {
            from: from.parse().unwrap(),
            to: to.parse().unwrap(),
        }
    }

    fn segment(family: &'static str, from: &str, to: &str) -> (&'static str, String, String) {
        (family, from.to_owned(), to.to_owned())
    }

    #[test]
    fn a_period_reads_its_whole_months_from_month_counters_and_the_rest_by_day() {
        assert_eq!(
            segments(period("2024-01-01", "2024-12-31")),
            [segment("month", "2024-01", "2025-01")]
        );
        assert_eq!(
            segments(period("2024-01-15", "2024-04-10")),
            [
                segment("day", "2024-01-15", "2024-02-01"),
                segment("month", "2024-02", "2024-04"),
                segment("day", "2024-04-01", "2024-04-11"),
            ]
        );
        assert_eq!(
            segments(period("2024-02-03", "2024-02-03")),
            [segment("day", "2024-02-03", "2024-02-04")]
        );
        assert_eq!(
            segments(period("2024-02-01", "2024-02-29")),
            [segment("month", "2024-02", "2024-03")],
            "a leap February is whole"
        );
    }
}
