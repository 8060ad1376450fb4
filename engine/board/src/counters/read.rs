//! A board from the counters: the current figures, and the period's days summed.

use super::names::{family, parts};
use crate::figures::{Count, Period, Row};
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
    /// A day's cohort: `<received>␟<city>␟<department>␟<field>`.
    Days { closed_too: bool },
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
    let until = period.to.succ_opt();
    for audience in audiences {
        let reads = [
            (Ranges::Now, family(audience, "now", None, None)),
            (
                Ranges::Days { closed_too: !ended },
                family(audience, "day", Some(period.from), until),
            ),
        ]
        .into_iter()
        .chain(ended.then(|| {
            (
                Ranges::Cells { to: period.to },
                family(audience, "cell", Some(period.from), until),
            )
        }));
        for (how, (from, until)) in reads {
            for (name, n) in read(&from, &until)? {
                let p = parts(&name);
                let (city, department, field) = match (&how, p.as_slice()) {
                    (Ranges::Now, [city, department, count]) => (city, department, count),
                    (Ranges::Days { closed_too }, [_, city, department, field])
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
