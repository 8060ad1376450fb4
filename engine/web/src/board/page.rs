//! `GET /ui/board`: one row per department for a period, read from the counters the
//! runtime keeps in each commit (never by scanning the cases); every count links to the
//! case list that counts it.

use super::{Count, Period, PeriodChoice, Row};
use crate::layout::{error_page, page};
use crate::session::Viewer;
use crate::{data, paths, WebState};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use govflow_model::{CityId, NaiveDate};
use maud::{html, Markup};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
pub struct BoardQuery {
    pub period: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Seconds between the script's refreshes of the board.
    pub refresh: Option<u32>,
}

/// How often the script refreshes the board unless `refresh` says otherwise.
const REFRESH_SECONDS: u32 = 60;
const REFRESH_RANGE: std::ops::RangeInclusive<u32> = 2..=3600;

impl BoardQuery {
    /// The period's part of a URL.
    pub fn url_part(choice: PeriodChoice, period: Period) -> String {
        match choice {
            PeriodChoice::Custom => {
                format!("period=custom&from={}&to={}", period.from, period.to)
            }
            other => format!("period={}", other.id()),
        }
    }
}

pub async fn board(
    State(state): State<WebState>,
    viewer: Viewer,
    query: Result<Query<BoardQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let query = match query {
        Ok(Query(q)) if q.refresh.is_none_or(|r| REFRESH_RANGE.contains(&r)) => q,
        bad => {
            let why = bad.err().map(|e| e.body_text()).unwrap_or_default();
            return (
                StatusCode::BAD_REQUEST,
                error_page(
                    "督办看板",
                    Some(&viewer),
                    &format!(
                        "查询参数有误：`from` 和 `to` 须为 YYYY-MM-DD，`refresh` 须为 {}–{} 的秒数。{why}",
                        REFRESH_RANGE.start(),
                        REFRESH_RANGE.end()
                    ),
                ),
            )
                .into_response();
        }
    };
    let runtime = state.app.runtime.clone();
    let actor = viewer.session.actor.clone();
    let loaded = tokio::task::spawn_blocking(move || {
        let today = govflow_model::local_date(runtime.clock().now());
        let (choice, period) =
            match PeriodChoice::resolve(query.period.as_deref(), query.from, query.to, today) {
                Ok(p) => p,
                Err(message) => return Ok(Err(message)),
            };
        let rows = runtime.board(&actor, period, today)?;
        let names: BTreeMap<CityId, String> = data::packs(&runtime)
            .into_iter()
            .map(|(city, pack)| (city, pack.name.clone()))
            .collect();
        Ok::<_, govflow_runtime::Error>(Ok((today, choice, period, rows, names)))
    })
    .await;
    let (today, choice, period, rows, names) = match loaded {
        Ok(Ok(Ok(v))) => v,
        Ok(Ok(Err(message))) => {
            return (
                StatusCode::BAD_REQUEST,
                error_page("督办看板", Some(&viewer), &message),
            )
                .into_response()
        }
        Ok(Err(e)) => return crate::failure(&viewer, e),
        Err(e) => return crate::panicked(&viewer, &e),
    };
    page(
        "督办看板",
        Some(&viewer),
        render(
            &rows,
            &names,
            choice,
            period,
            today,
            query.refresh.unwrap_or(REFRESH_SECONDS),
        ),
    )
    .into_response()
}

fn render(
    rows: &[Row],
    names: &BTreeMap<CityId, String>,
    choice: PeriodChoice,
    period: Period,
    today: NaiveDate,
    refresh: u32,
) -> Markup {
    let period_part = BoardQuery::url_part(choice, period);
    html! {
        // The script refreshes the board this often (with a pause button); without it,
        // nothing happens.
        div hidden data-refresh=(refresh) {}
        p.notice {
            "统计期间：" strong { (period.from) " 至 " (period.to) } "（" (choice.label()) "）；当前日期 " (today)
            "。在办、红黄绿灯、当前超期、督办中为当前状态；本期受理、办结、超期按本期受理的办件统计。定义见 docs/board.md。"
        }
        form.filters method="get" action=(paths::BOARD) {
            label { "期间"
                select name="period" {
                    @for c in PeriodChoice::ALL {
                        option value=(c.id()) selected[c == choice] { (c.label()) }
                    }
                }
            }
            label { "自" input type="date" name="from" value=(period.from); }
            label { "至" input type="date" name="to" value=(period.to); }
            button type="submit" { "查看" }
        }
        table {
            thead { tr {
                th { "城市" } th { "责任部门" }
                @for c in Count::ALL { th { (c.label()) } }
                th { "办结率" } th { "按时办结率" } th { "超期率" } th { "平均办结（工作日）" }
            } }
            tbody {
                @if rows.is_empty() { tr { td colspan="16" { "本期没有办件。" } } }
                @for row in rows {
                    tr data-department=(row.department) data-city=(row.city) {
                        td { (names.get(&row.city).map_or(row.city.as_str(), String::as_str)) }
                        td { (row.department) }
                        @for (count, n) in &row.counts {
                            td.num {
                                a data-count=(count.id())
                                    class=[light_class(*count)]
                                    href=(format!("{}?city={}&department={}&count={}&{}", paths::CASES, encode(row.city.as_str()), encode(&row.department), count.id(), period_part))
                                    { (n) }
                            }
                        }
                        td.num data-count="closing_rate" { (percent(row.closing_rate())) }
                        td.num data-count="on_time_rate" { (percent(row.on_time_rate())) }
                        td.num data-count="late_rate" { (percent(row.late_rate())) }
                        td.num data-count="average_working_days" {
                            @match row.average_working_days { Some(d) => (format!("{d:.1}")), None => "—" }
                        }
                    }
                }
            }
        }
    }
}

fn light_class(count: Count) -> Option<String> {
    match count {
        Count::Light(l) => Some(format!("light light-{}", l.id())),
        _ => None,
    }
}

pub fn percent(r: Option<f64>) -> String {
    r.map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
