//! The case list's filter is its URL: every field is a query parameter, so a view can be
//! bookmarked and shared, and the board's links are such URLs. The page's place in the
//! list (`after`) and its length (`limit`) are parameters too.

use crate::board::{Count, Light, PeriodChoice};
use govflow_board::{Cursor, Listed};
use govflow_model::NaiveDate;
use govflow_runtime::{Error, Runtime};

/// Rows per page unless `limit` says otherwise, and the most it may say.
pub const PAGE: usize = 50;
const MAX_PAGE: usize = 500;
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
    /// An article (`第十七条`): cases whose procedure or a deadline rests on it, or on one
    /// of its paragraphs (`第十七条第二款`).
    pub article: Option<String>,
    /// A board count (`open`, `red`, `received`, …) with its period.
    pub count: Option<String>,
    pub period: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Rows per page, 1 to 500.
    pub limit: Option<String>,
    /// The page starts just after this place in the list (`<rank>/<case id>`, from the
    /// previous page's 下一页 link).
    pub after: Option<String>,
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
    limit: usize,
    after: Option<Cursor>,
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
        let limit = match blank(&self.limit) {
            None => PAGE,
            Some(s) => s
                .parse()
                .ok()
                .filter(|n| (1..=MAX_PAGE).contains(n))
                .ok_or(format!("`limit` 须为 1 到 {MAX_PAGE} 的整数，收到 `{s}`"))?,
        };
        let after = blank(&self.after)
            .map(|s| {
                Cursor::parse(s).ok_or(format!(
                    "`after` 须为上一页“下一页”链接给出的位置（期限日期或 ~，/，办件编号），收到 `{s}`"
                ))
            })
            .transpose()?;
        Ok(Checked {
            light,
            overdue,
            due_before: date("due_before", &self.due_before)?,
            received_from: date("received_from", &self.received_from)?,
            received_to: date("received_to", &self.received_to)?,
            count,
            limit,
            after,
            filter: self,
        })
    }
}

impl Checked {
    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    /// The city the view is of, if one: the index range it reads.
    pub fn city(&self) -> Option<&str> {
        blank(&self.filter.city)
    }

    /// The department the view is of, if one.
    pub fn department(&self) -> Option<&str> {
        blank(&self.filter.department)
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    pub fn after(&self) -> Option<&Cursor> {
        self.after.as_ref()
    }

    pub fn matches(&self, l: &Listed) -> bool {
        let f = &self.filter;
        blank(&f.city).is_none_or(|v| l.city.as_str() == v)
            && blank(&f.procedure).is_none_or(|v| l.procedure == v)
            && blank(&f.state).is_none_or(|v| l.state == v)
            && blank(&f.department).is_none_or(|v| l.department == v)
            && self.light.is_none_or(|light| l.light == Some(light))
            && self.overdue.is_none_or(|o| (l.open() && l.overdue) == o)
            && self
                .due_before
                .is_none_or(|d| l.next_due.is_some_and(|n| n < d))
            && self.received_from.is_none_or(|d| l.received >= d)
            && self.received_to.is_none_or(|d| l.received <= d)
            && self
                .count
                .is_none_or(|(count, period)| count.counts(l, period))
    }

    /// Whether the case rests on the article asked for (always, when none is): its
    /// procedure's basis under the pack that governs it, or one of its deadlines, cites
    /// that article or one of its paragraphs. Reads the case only when asked.
    pub fn cites(&self, runtime: &Runtime, l: &Listed) -> Result<bool, Error> {
        let Some(article) = blank(&self.filter.article) else {
            return Ok(true);
        };
        let case = runtime.case(&l.id)?;
        let rests = |cited: &str| cited.starts_with(article);
        let basis = runtime.board_pack(&case).and_then(|p| {
            p.pack
                .procedure(case.procedure.as_str())
                .map(|procedure| procedure.basis.article.clone())
        });
        Ok(basis.as_deref().is_some_and(rests) || case.deadlines.iter().any(|d| rests(&d.article)))
    }

    /// Whether `l` and every case after it in the list's order (soonest due first, those
    /// without an open duty last) are past `due_before`: a walk stops there.
    pub fn beyond(&self, l: &Listed) -> bool {
        self.due_before
            .is_some_and(|d| l.next_due.is_none_or(|n| n >= d))
    }

    /// The query string that reproduces this filter and the page's length (not its place).
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
            ("article", &f.article),
            ("count", &f.count),
            ("period", &f.period),
            ("from", &f.from),
            ("to", &f.to),
            ("limit", &f.limit),
        ]
        .into_iter()
        .filter_map(|(k, v)| blank(v).map(|v| format!("{k}={}", crate::board::page::encode(v))))
        .collect::<Vec<_>>()
        .join("&")
    }
}
