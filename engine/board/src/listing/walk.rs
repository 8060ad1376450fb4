//! Walking the index in the list's order: one name range per audience and city (and
//! department), merged by rank and case id, a page of names at a time.

use super::entry::{Listed, Malformed, CITY, DEPARTMENT, INDEX, NO_DUE};
use crate::counters::names::{join, AFTER_SEP, ALL, SEP};
use std::collections::VecDeque;

/// Names read per range at a time.
const CHUNK: usize = 256;

/// Which part of the index a walk reads: the viewer's audiences
/// ([`crate::audiences_of_viewer`]), one city or every city, one department or all.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    pub audiences: Vec<String>,
    pub city: Option<&'a str>,
    pub department: Option<&'a str>,
}

/// A place in the list's order: just after the entry of this rank and case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    rank: String,
    id: String,
}

impl Cursor {
    pub fn of(listed: &Listed) -> Cursor {
        Cursor {
            rank: listed.rank(),
            id: listed.id.to_string(),
        }
    }

    /// `<rank>/<case id>`, as the list's `after` parameter carries it.
    pub fn parse(s: &str) -> Option<Cursor> {
        let (rank, id) = s.split_once('/')?;
        let valid = rank == NO_DUE || rank.parse::<govflow_model::NaiveDate>().is_ok();
        let plain = !id.is_empty() && !id.chars().any(char::is_control);
        (valid && plain).then(|| Cursor {
            rank: rank.to_owned(),
            id: id.to_owned(),
        })
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.rank, self.id)
    }
}

/// What the visitor of a walk wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Go,
    Stop,
}

/// One name range of the walk and what was read of it ahead of the merge.
struct Range {
    city: String,
    /// `<base>␟` is every name of the range; the rank follows.
    base: String,
    from: String,
    ahead: VecDeque<Listed>,
    done: bool,
}

impl Range {
    fn new(city: String, base: String, after: Option<&Cursor>) -> Range {
        let from = match after {
            // Every name of that entry continues `<rank>␟<id>` with U+001F, below U+0020.
            Some(c) => format!("{base}{SEP}{}{SEP}{}{AFTER_SEP}", c.rank, c.id),
            None => format!("{base}{SEP}"),
        };
        Range {
            city,
            base,
            from,
            ahead: VecDeque::new(),
            done: false,
        }
    }

    fn fill<E: From<Malformed>>(
        &mut self,
        read: &mut impl FnMut(&str, &str, usize) -> Result<Vec<(String, i64)>, E>,
    ) -> Result<(), E> {
        if !self.ahead.is_empty() || self.done {
            return Ok(());
        }
        let page = read(&self.from, &format!("{}{AFTER_SEP}", self.base), CHUNK)?;
        self.done = page.len() < CHUNK;
        for (name, _) in &page {
            let suffix = name
                .strip_prefix(self.base.as_str())
                .and_then(|s| s.strip_prefix(SEP));
            let listed = suffix.and_then(|s| Listed::parse(&self.city, s));
            self.ahead
                .push_back(listed.ok_or_else(|| Malformed(name.clone()))?);
        }
        if let Some((last, _)) = page.last() {
            self.from = format!("{last}\u{1}");
        }
        Ok(())
    }

    fn front(&self) -> Option<(String, &str)> {
        self.ahead.front().map(|l| (l.rank(), l.id.as_str()))
    }
}

/// Visits the entries of `scope` in the list's order (soonest due first, ties by case id,
/// cases without an open duty last), from just after `after`, once each (a case two
/// audiences of the viewer share is visited once), keeping the cities `covers` accepts,
/// until `visit` says stop or the index ends. `read` is `govflow_store::Counters::counts_page`.
///
/// A department's view of audience `*` reads its own range of the department family; any
/// other view reads the city family, and the visitor filters by department.
pub fn walk<E: From<Malformed>>(
    scope: &Scope<'_>,
    covers: impl Fn(&str) -> bool,
    after: Option<&Cursor>,
    mut read: impl FnMut(&str, &str, usize) -> Result<Vec<(String, i64)>, E>,
    mut visit: impl FnMut(Listed) -> Result<Step, E>,
) -> Result<(), E> {
    let mut ranges = Vec::new();
    for audience in &scope.audiences {
        let by_department = audience == ALL && scope.department.is_some();
        let family = join(&[
            INDEX,
            audience,
            if by_department { DEPARTMENT } else { CITY },
        ]);
        let cities = match scope.city {
            Some(city) => vec![city.to_owned()],
            None => cities(&family, &mut read)?,
        };
        for city in cities.into_iter().filter(|c| covers(c)) {
            let base = match scope.department.filter(|_| by_department) {
                Some(department) => join(&[&family, &city, department]),
                None => join(&[&family, &city]),
            };
            ranges.push(Range::new(city, base, after));
        }
    }
    let mut last: Option<(String, String)> = None;
    loop {
        for range in &mut ranges {
            range.fill(&mut read)?;
        }
        let next = ranges
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.front().map(|key| (key, i)))
            .min()
            .map(|(_, i)| i);
        let Some(listed) = next.and_then(|i| ranges[i].ahead.pop_front()) else {
            return Ok(());
        };
        let key = (listed.rank(), listed.id.to_string());
        if last.as_ref() == Some(&key) {
            continue;
        }
        last = Some(key);
        if visit(listed)? == Step::Stop {
            return Ok(());
        }
    }
}

/// The cities with an entry in `family`, one name read per city.
fn cities<E>(
    family: &str,
    read: &mut impl FnMut(&str, &str, usize) -> Result<Vec<(String, i64)>, E>,
) -> Result<Vec<String>, E> {
    let (mut out, until) = (Vec::new(), format!("{family}{AFTER_SEP}"));
    let mut from = format!("{family}{SEP}");
    while let Some((name, _)) = read(&from, &until, 1)?.pop() {
        let rest = name[family.len()..].trim_start_matches(SEP);
        let city = rest.split(SEP).next().unwrap_or_default().to_owned();
        from = format!("{family}{SEP}{city}{AFTER_SEP}");
        out.push(city);
    }
    Ok(out)
}
