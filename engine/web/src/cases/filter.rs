//! The case list's filter is its URL: every field is a query parameter, so a view can be
//! bookmarked and shared, and the board's links are such URLs.

use crate::board::{CaseFacts, Count, Light, PeriodChoice};
use govflow_model::NaiveDate;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Filter {
    pub city: Option<String>,
    pub procedure: Option<String>,
    pub state: Option<String>,
    pub department: Option<String>,
    /// `green`, `yellow` or `red`.
    pub light: Option<String>,
    /// `true`: open with a lapsed duty; `false`: not.
    pub overdue: Option<String>,
    pub due_before: Option<String>,
    pub received_from: Option<String>,
    pub received_to: Option<String>,
    /// A board count (`open`, `red`, `received`, …) with its period.
    pub count: Option<String>,
    pub period: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A filter checked: what each field means, or the error naming the field.
pub struct Checked {
    filter: Filter,
    light: Option<Light>,
    overdue: Option<bool>,
    due_before: Option<NaiveDate>,
    received_from: Option<NaiveDate>,
    received_to: Option<NaiveDate>,
    count: Option<(Count, crate::board::Period)>,
}

fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn date(field: &str, v: &Option<String>) -> Result<Option<NaiveDate>, String> {
    blank(v)
        .map(|s| {
            s.parse()
                .map_err(|_| format!("`{field}` 须为日期 YYYY-MM-DD，收到 `{s}`"))
        })
        .transpose()
}

impl Filter {
    pub fn check(self, today: NaiveDate) -> Result<Checked, String> {
        let light = blank(&self.light)
            .map(|s| {
                Light::parse(s).ok_or(format!("`light` 须为 green、yellow 或 red，收到 `{s}`"))
            })
            .transpose()?;
        let overdue = match blank(&self.overdue) {
            None => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(s) => return Err(format!("`overdue` 须为 true 或 false，收到 `{s}`")),
        };
        let count = match blank(&self.count) {
            None => None,
            Some(s) => {
                let count = Count::parse(s).ok_or(format!("`count` 不是看板上的计数：`{s}`"))?;
                let (_, period) = PeriodChoice::resolve(
                    blank(&self.period),
                    date("from", &self.from)?,
                    date("to", &self.to)?,
                    today,
                )?;
                Some((count, period))
            }
        };
        Ok(Checked {
            light,
            overdue,
            due_before: date("due_before", &self.due_before)?,
            received_from: date("received_from", &self.received_from)?,
            received_to: date("received_to", &self.received_to)?,
            count,
            filter: self,
        })
    }
}

impl Checked {
    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    pub fn matches(&self, f: &CaseFacts) -> bool {
        let f_ = &self.filter;
        let c = &f.case;
        blank(&f_.city).is_none_or(|v| c.city.as_str() == v)
            && blank(&f_.procedure).is_none_or(|v| c.procedure.as_str() == v)
            && blank(&f_.state).is_none_or(|v| c.state.as_str() == v)
            && blank(&f_.department).is_none_or(|v| f.department == v)
            && self.light.is_none_or(|l| f.light == Some(l))
            && self.overdue.is_none_or(|o| (f.open && c.overdue) == o)
            && self
                .due_before
                .is_none_or(|d| f.next_due.is_some_and(|n| n < d))
            && self.received_from.is_none_or(|d| c.received_date >= d)
            && self.received_to.is_none_or(|d| c.received_date <= d)
            && self
                .count
                .is_none_or(|(count, period)| count.counts(f, period))
    }

    /// The matching cases, soonest due first (fewest remaining working days), then the
    /// cases with no open duty, by id.
    pub fn select(&self, facts: Vec<CaseFacts>) -> Vec<CaseFacts> {
        let mut out: Vec<CaseFacts> = facts.into_iter().filter(|f| self.matches(f)).collect();
        out.sort_by(|a, b| {
            (a.remaining.is_none(), a.remaining, &a.case.id).cmp(&(
                b.remaining.is_none(),
                b.remaining,
                &b.case.id,
            ))
        });
        out
    }

    /// The query string that reproduces this filter.
    pub fn query_string(&self) -> String {
        let f = &self.filter;
        [
            ("city", &f.city),
            ("procedure", &f.procedure),
            ("state", &f.state),
            ("department", &f.department),
            ("light", &f.light),
            ("overdue", &f.overdue),
            ("due_before", &f.due_before),
            ("received_from", &f.received_from),
            ("received_to", &f.received_to),
            ("count", &f.count),
            ("period", &f.period),
            ("from", &f.from),
            ("to", &f.to),
        ]
        .into_iter()
        .filter_map(|(k, v)| blank(v).map(|v| format!("{k}={}", crate::board::page::encode(v))))
        .collect::<Vec<_>>()
        .join("&")
    }
}
