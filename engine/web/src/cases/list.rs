//! `GET /ui/cases` and `GET /ui/cases.csv`: the cases a filter selects, soonest due first;
//! the CSV is the same view, UTF-8 with a BOM so that Excel reads the Chinese.

use super::filter::{Checked, Filter};
use crate::board::{CaseFacts, Light};
use crate::layout::{error_page, page};
use crate::session::Viewer;
use crate::{data, paths, WebState};
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};

/// The cases `filter` selects for `viewer`, or the page saying what is wrong.
async fn select(
    state: &WebState,
    viewer: &Viewer,
    filter: Filter,
) -> Result<(Checked, Vec<CaseFacts>), Response> {
    let runtime = state.app.runtime.clone();
    let actor = viewer.session.actor.clone();
    let loaded = tokio::task::spawn_blocking(move || {
        let today = govflow_model::local_date(runtime.clock().now());
        Ok::<_, govflow_runtime::Error>((today, data::visible_facts(&runtime, &actor)?))
    })
    .await;
    let (today, facts) = match loaded {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => return Err(crate::failure(viewer, e)),
        Err(e) => return Err(crate::panicked(viewer, &e)),
    };
    let checked = filter.check(today).map_err(|message| {
        (
            StatusCode::BAD_REQUEST,
            error_page("办件列表", Some(viewer), &message),
        )
            .into_response()
    })?;
    let selected = checked.select(facts);
    Ok((checked, selected))
}

pub async fn list(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(filter): Query<Filter>,
) -> Response {
    match select(&state, &viewer, filter).await {
        Ok((checked, cases)) => {
            page("办件列表", Some(&viewer), render(&checked, &cases)).into_response()
        }
        Err(response) => response,
    }
}

pub async fn csv(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(filter): Query<Filter>,
) -> Response {
    let (_, cases) = match select(&state, &viewer, filter).await {
        Ok(v) => v,
        Err(response) => return response,
    };
    let mut out = String::from("\u{feff}");
    out.push_str("办件编号,城市,事项,状态,责任部门,灯,剩余工作日,最近期限,受理日期,超期\r\n");
    for f in &cases {
        let c = &f.case;
        let fields = [
            c.id.to_string(),
            c.city.to_string(),
            c.procedure.to_string(),
            c.state.to_string(),
            f.department.clone(),
            f.light
                .map_or("已办结".to_owned(), |l| l.label().to_owned()),
            f.remaining.map_or(String::new(), |r| r.to_string()),
            f.next_due.map_or(String::new(), |d| d.to_string()),
            c.received_date.to_string(),
            if c.overdue { "是" } else { "否" }.to_owned(),
        ];
        let line: Vec<String> = fields.iter().map(|v| quote(v)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"cases.csv\"",
            ),
        ],
        out,
    )
        .into_response()
}

/// A CSV field, quoted when it must be (RFC 4180).
fn quote(v: &str) -> String {
    if v.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_owned()
    }
}

fn render(checked: &Checked, cases: &[CaseFacts]) -> Markup {
    let f = checked.filter();
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    html! {
        form.filters method="get" action=(paths::CASES) {
            label { "城市" input name="city" value=(value(&f.city)); }
            label { "事项" input name="procedure" value=(value(&f.procedure)); }
            label { "状态" input name="state" value=(value(&f.state)); }
            label { "责任部门" input name="department" value=(value(&f.department)); }
            label { "灯"
                select name="light" {
                    option value="" { "全部" }
                    @for l in Light::ALL { option value=(l.id()) selected[f.light.as_deref() == Some(l.id())] { (l.label()) } }
                }
            }
            label { "当前超期"
                select name="overdue" {
                    option value="" { "全部" }
                    option value="true" selected[f.overdue.as_deref() == Some("true")] { "是" }
                    option value="false" selected[f.overdue.as_deref() == Some("false")] { "否" }
                }
            }
            label { "期限早于" input type="date" name="due_before" value=(value(&f.due_before)); }
            label { "受理自" input type="date" name="received_from" value=(value(&f.received_from)); }
            label { "受理至" input type="date" name="received_to" value=(value(&f.received_to)); }
            @for (k, v) in [("count", &f.count), ("period", &f.period), ("from", &f.from), ("to", &f.to)] {
                @if let Some(v) = v { input type="hidden" name=(k) value=(v); }
            }
            button type="submit" { "筛选" }
        }
        p {
            "共 " strong data-count="listed" { (cases.len()) } " 件，按剩余工作日排序。 "
            a href=(format!("{}?{}", paths::CASES_CSV, checked.query_string())) { "导出 CSV" }
        }
        table {
            thead { tr { th { "办件" } th { "城市" } th { "事项" } th { "状态" } th { "责任部门" } th { "灯" } th { "剩余工作日" } th { "最近期限" } th { "受理日期" } } }
            tbody {
                @for f in cases {
                    tr data-case=(f.case.id) {
                        td { a href=(paths::case(f.case.id.as_str())) { (f.case.id) } }
                        td { (f.case.city) }
                        td { (f.case.procedure) }
                        td { (f.case.state) }
                        td { (f.department) }
                        td { @match f.light {
                            Some(l) => span class=(format!("light light-{}", l.id())) { (l.label()) },
                            None => "已办结",
                        } }
                        td.num { @if let Some(r) = f.remaining { (r) } }
                        td { @if let Some(d) = f.next_due { (d) } }
                        td { (f.case.received_date) }
                    }
                }
            }
        }
    }
}
