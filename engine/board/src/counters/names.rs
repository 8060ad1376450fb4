//! The counters' names. Parts are joined by U+001F (unit separator), which no city id,
//! department name or date contains; dates are `YYYY-MM-DD` and months `YYYY-MM`, so name
//! order is date order and days or months in a row are one name range. A period sums its
//! whole months from the month counters and the days around them from the day counters:
//! a year reads 12 buckets per department, not 365.
//!
//! | counter | name |
//! |---|---|
//! | a current figure | `board␟<audience>␟now␟<city>␟<department>␟<count>` |
//! | a day's cohort | `board␟<audience>␟day␟<received>␟<city>␟<department>␟<field>` |
//! | a month's cohort | `board␟<audience>␟month␟<YYYY-MM>␟<city>␟<department>␟<field>` |
//! | its closed cases, by closing day | `board␟<audience>␟cell␟<received>␟<closed>␟<city>␟<department>␟<field>` |
//! | lapsed penalty cases of a case | `lapsed␟<case id>` |
//!
//! An audience is who may see the case on a board: `*` (a role reaching the city),
//! `d:<department>` (the department it is addressed to and the one that opened it), and
//! `a:<actor>` (the person who opened it, when that person has no department).

use govflow_model::{Actor, Case, CaseId, NaiveDate, Reach};

pub const SEP: char = '\u{1f}';
/// The character after [`SEP`]: `<prefix>␟` up to `<prefix>` + this is every name under it.
pub(crate) const AFTER_SEP: char = '\u{20}';

pub(crate) const ALL: &str = "*";

/// The audiences whose boards count `case`.
pub fn audiences_of_case(case: &Case) -> Vec<String> {
    let mut out = vec![ALL.to_owned()];
    let opener = &case.opened_by;
    for department in [case.provider.as_deref().unwrap_or(""), &opener.department] {
        let audience = format!("d:{department}");
        if !department.is_empty() && !out.contains(&audience) {
            out.push(audience);
        }
    }
    // The system (timers, penalty cases) reaches everything: it reads `*`.
    if opener.department.is_empty() && opener.actor != Actor::SYSTEM_ID {
        out.push(format!("a:{}", opener.actor));
    }
    out
}

/// The audiences `actor`'s board sums: `*` for a role reaching the city, else its
/// department's and its own (as `engine/web/src/visibility.rs` decides who sees a case).
pub fn audiences_of_viewer(actor: &Actor) -> Vec<String> {
    if actor.reaches(Reach::Everything) || actor.reaches(Reach::City) {
        return vec![ALL.to_owned()];
    }
    let mut out = Vec::new();
    if !actor.department.is_empty() {
        out.push(format!("d:{}", actor.department));
    }
    out.push(format!("a:{}", actor.id));
    out
}

pub(crate) fn join(parts: &[&str]) -> String {
    let mut name = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            name.push(SEP);
        }
        name.push_str(part);
    }
    name
}

pub fn now(audience: &str, city: &str, department: &str, count: &str) -> String {
    join(&["board", audience, "now", city, department, count])
}

pub fn day(
    audience: &str,
    received: NaiveDate,
    city: &str,
    department: &str,
    field: &str,
) -> String {
    join(&[
        "board",
        audience,
        "day",
        &received.to_string(),
        city,
        department,
        field,
    ])
}

pub fn month(
    audience: &str,
    received: NaiveDate,
    city: &str,
    department: &str,
    field: &str,
) -> String {
    let month = received.format("%Y-%m").to_string();
    join(&["board", audience, "month", &month, city, department, field])
}

pub fn cell(
    audience: &str,
    received: NaiveDate,
    closed: NaiveDate,
    city: &str,
    department: &str,
    field: &str,
) -> String {
    let (received, closed) = (received.to_string(), closed.to_string());
    join(&[
        "board", audience, "cell", &received, &closed, city, department, field,
    ])
}

/// The counter of `case`'s penalty cases whose duty lapsed.
pub fn lapsed_children(case: &CaseId) -> String {
    join(&["lapsed", case.as_str()])
}

/// The names of a family (`now`, `day`, `month`, `cell`) of `audience`, from the day or
/// month `from` up to `until` (excluded): every name when both are `None`.
pub fn family(
    audience: &str,
    family: &str,
    from: Option<&str>,
    until: Option<&str>,
) -> (String, String) {
    let base = join(&["board", audience, family]);
    let bound = |d: Option<&str>, end: char| match d {
        Some(d) => format!("{base}{SEP}{d}"),
        None => format!("{base}{end}"),
    };
    (bound(from, SEP), bound(until, AFTER_SEP))
}

/// The parts of a name after its family, once split.
pub fn parts(name: &str) -> Vec<&str> {
    name.split(SEP).skip(3).collect()
}
