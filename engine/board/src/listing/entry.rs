//! A case's entries in the index and what each says of it ([`Listed`]).
//!
//! | family | name |
//! |---|---|
//! | a city's cases, every audience | `list␟<audience>␟city␟<city>␟<rank>␟<case id>␟<fields>` |
//! | a department's cases, audience `*` | `list␟*␟dept␟<city>␟<department>␟<rank>␟<case id>␟<fields>` |
//!
//! `<rank>` is the next open duty's due date `YYYY-MM-DD`, or `~` (after every date) for a
//! case with none (closed, or open without a running duty). `<fields>` are what the list
//! shows and filters on: department, procedure, state, light (`green`/`yellow`/`red`, `-`
//! once closed), overdue (`1`/`0`), received, closed (a date or `-`), penalty (`1`/`0`).
//! Every entry counts 1; a transition that changes any of it moves the case to another
//! name (−1 on the old one, +1 on the new), and a counter at zero is removed.

use crate::counters::names::{audiences_of_case, join, ALL, SEP};
use crate::facts::CaseFacts;
use crate::light::Light;
use govflow_model::{CaseId, CityId, NaiveDate};
use std::collections::BTreeMap;

/// The root of every index entry's name.
pub const INDEX: &str = "list";
/// The family of a city's cases, and of a department's (audience `*` only).
pub(crate) const CITY: &str = "city";
pub(crate) const DEPARTMENT: &str = "dept";
/// The rank of a case without an open duty: after every date.
pub(crate) const NO_DUE: &str = "~";
const NONE: &str = "-";

/// What the case list shows and filters on of one case: one index entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub id: CaseId,
    pub city: CityId,
    pub department: String,
    pub procedure: String,
    pub state: String,
    /// The light of an open case; none once closed.
    pub light: Option<Light>,
    pub overdue: bool,
    pub received: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    /// The earliest due date of the open case's open duties.
    pub next_due: Option<NaiveDate>,
    pub penalty: bool,
}

impl Listed {
    pub fn open(&self) -> bool {
        self.light.is_some()
    }

    /// An open penalty case (督办中).
    pub fn supervising(&self) -> bool {
        self.penalty && self.open()
    }

    /// Its place in the list's order.
    pub(crate) fn rank(&self) -> String {
        self.next_due.map_or(NO_DUE.to_owned(), |d| d.to_string())
    }

    /// `<rank>␟<case id>␟<fields>`: what follows a family's city (and department).
    pub(crate) fn suffix(&self) -> String {
        let date = |d: Option<NaiveDate>| d.map_or(NONE.to_owned(), |d| d.to_string());
        let flag = |b: bool| if b { "1" } else { "0" };
        join(&[
            &self.rank(),
            self.id.as_str(),
            &self.department,
            &self.procedure,
            &self.state,
            self.light.map_or(NONE, Light::id),
            flag(self.overdue),
            &self.received.to_string(),
            &date(self.closed_on),
            flag(self.penalty),
        ])
    }

    /// Reads the entry from the parts of its name after its family's city (and
    /// department): `<rank>␟<case id>␟<fields>`.
    pub(crate) fn parse(city: &str, suffix: &str) -> Option<Listed> {
        let p: Vec<&str> = suffix.split(SEP).collect();
        let [rank, id, department, procedure, state, light, overdue, received, closed, penalty] =
            p.as_slice()
        else {
            return None;
        };
        let date = |s: &str| s.parse::<NaiveDate>().ok();
        let optional = |s: &str| {
            if s == NONE {
                Some(None)
            } else {
                date(s).map(Some)
            }
        };
        let flag = |s: &str| match s {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        };
        let next_due = if *rank == NO_DUE {
            None
        } else {
            Some(date(rank)?)
        };
        Some(Listed {
            id: CaseId::new(*id),
            city: CityId::new(city),
            department: (*department).to_owned(),
            procedure: (*procedure).to_owned(),
            state: (*state).to_owned(),
            light: match *light {
                NONE => None,
                l => Some(Light::parse(l)?),
            },
            overdue: flag(overdue)?,
            received: date(received)?,
            closed_on: optional(closed)?,
            next_due,
            penalty: flag(penalty)?,
        })
    }
}

impl CaseFacts {
    /// What the case list knows of this case.
    pub fn listed(&self) -> Listed {
        let case = &self.case;
        Listed {
            id: case.id.clone(),
            city: case.city.clone(),
            department: self.department.clone(),
            procedure: case.procedure.to_string(),
            state: case.state.to_string(),
            light: self.light,
            overdue: case.overdue,
            received: case.received_date,
            closed_on: self.closed_on,
            next_due: self.next_due,
            penalty: self.penalty,
        }
    }
}

/// An index entry whose name is not one this build writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub String);

/// The names of `f`'s index entries: one per audience of its case in its city's family,
/// and one in its department's family for audience `*`.
pub fn index_entries(f: &CaseFacts) -> Vec<String> {
    let listed = f.listed();
    let (city, suffix) = (listed.city.as_str(), listed.suffix());
    let mut out: Vec<String> = audiences_of_case(&f.case)
        .iter()
        .map(|audience| join(&[INDEX, audience, CITY, city, &suffix]))
        .collect();
    out.push(join(&[
        INDEX,
        ALL,
        DEPARTMENT,
        city,
        &listed.department,
        &suffix,
    ]));
    out
}

/// What a transition from `before` (none for a new case) to `after` adds to each index
/// entry: nothing when no field the list shows changed.
pub fn index_deltas(before: Option<&CaseFacts>, after: &CaseFacts) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for name in before.map(index_entries).unwrap_or_default() {
        *out.entry(name).or_insert(0) -= 1;
    }
    for name in index_entries(after) {
        *out.entry(name).or_insert(0) += 1;
    }
    out.retain(|_, n| *n != 0);
    out
}
