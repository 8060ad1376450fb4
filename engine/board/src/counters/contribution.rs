//! What one case adds to the counters, and what a transition changes.

use super::names::{audiences_of_case, cell, day, month, now};
use crate::facts::{working_days, CaseFacts};
use crate::figures::Count;
use govflow_model::Calendar;
use std::collections::BTreeMap;

/// The counters `f` adds to, each with what it adds: the same predicates as
/// [`Count::counts`], split by day so a period can sum them.
pub fn contribution(f: &CaseFacts, calendar: &Calendar) -> Vec<(String, i64)> {
    let case = &f.case;
    let (city, department) = (case.city.as_str(), f.department.as_str());
    let mut out = Vec::new();
    for audience in audiences_of_case(case) {
        let a = audience.as_str();
        if f.penalty {
            if f.supervising {
                out.push((now(a, city, department, Count::Supervising.id()), 1));
            }
            continue;
        }
        if let Some(light) = f.light {
            out.push((now(a, city, department, Count::Open.id()), 1));
            out.push((now(a, city, department, light.id()), 1));
            if case.overdue {
                out.push((now(a, city, department, Count::Overdue.id()), 1));
            }
        }
        let received = case.received_date;
        let mut cohort = vec![(Count::Received.id(), 1)];
        if case.overdue {
            cohort.push((Count::Late.id(), 1));
        }
        if let Some(closed) = f.closed_on {
            let days = working_days(calendar, received, closed);
            let mut closing = vec![(Count::Closed.id(), 1), ("days", days)];
            if !case.overdue {
                closing.push((Count::ClosedOnTime.id(), 1));
            }
            for (field, n) in closing {
                cohort.push((field, n));
                out.push((cell(a, received, closed, city, department, field), n));
            }
        }
        for (field, n) in cohort {
            out.push((day(a, received, city, department, field), n));
            out.push((month(a, received, city, department, field), n));
        }
    }
    out
}

/// What a transition from `before` (none for a new case) to `after` adds to each counter.
pub fn deltas(
    before: Option<&CaseFacts>,
    after: &CaseFacts,
    calendar: &Calendar,
) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for (name, n) in before
        .map(|b| contribution(b, calendar))
        .unwrap_or_default()
    {
        *out.entry(name).or_insert(0) -= n;
    }
    for (name, n) in contribution(after, calendar) {
        *out.entry(name).or_insert(0) += n;
    }
    out.retain(|_, n| *n != 0);
    out
}
