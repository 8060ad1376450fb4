//! The pages: the list of cities with the calendar, and one city's procedures.

use super::{procedure, text};
use crate::layout::{error_page, page};
use crate::session::Viewer;
use crate::visibility::may_see;
use crate::{paths, WebState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use govflow_model::{Actor, CityId, Pack, Reach, SHANGHAI};
use govflow_runtime::{CalendarState, CityPack, LoadFailure, MissingVersion, Runtime};
use maud::{html, Markup};
use std::collections::BTreeMap;
use std::sync::Arc;

struct Loaded {
    /// The cities the person acts for.
    cities: BTreeMap<CityId, Arc<CityPack>>,
    calendar: Arc<CalendarState>,
    /// Open deadlines counted provisionally (past the calendar's last year), per city,
    /// among the cases the person may see.
    provisional: BTreeMap<CityId, usize>,
    missing: Vec<MissingVersion>,
}

fn load(runtime: &Runtime, actor: &Actor) -> Result<Loaded, govflow_runtime::Error> {
    let registry = runtime.registry();
    let cities = registry
        .cities()
        .iter()
        .filter(|(city, _)| actor.jurisdiction.covers(city))
        .map(|(city, served)| (city.clone(), served.clone()))
        .collect();
    // From the index of provisional deadlines; a person who does not see every case of
    // the city counts only those it sees.
    let whole_city = actor.reaches(Reach::Everything) || actor.reaches(Reach::City);
    let mut provisional = BTreeMap::new();
    for waiting in runtime.provisional_waiting()? {
        if !actor.jurisdiction.covers(&waiting.city) {
            continue;
        }
        if !whole_city && !may_see(actor, &runtime.case(&waiting.case)?) {
            continue;
        }
        let n = usize::try_from(waiting.deadlines).unwrap_or(0);
        *provisional.entry(waiting.city).or_default() += n;
    }
    Ok(Loaded {
        cities,
        calendar: registry.calendar_state(),
        provisional,
        missing: runtime
            .missing_versions()
            .into_iter()
            .filter(|m| actor.jurisdiction.covers(&m.city))
            .collect(),
    })
}

async fn loaded(state: &WebState, viewer: &Viewer) -> Result<Loaded, Response> {
    let runtime = state.app.runtime.clone();
    let actor = viewer.session.actor.clone();
    match tokio::task::spawn_blocking(move || load(&runtime, &actor)).await {
        Ok(Ok(l)) => Ok(l),
        Ok(Err(e)) => Err(crate::failure(viewer, e)),
        Err(e) => Err(crate::panicked(viewer, &e)),
    }
}

/// `GET /ui/packs`.
pub async fn index(State(state): State<WebState>, viewer: Viewer) -> Response {
    match loaded(&state, &viewer).await {
        Ok(l) => page("规则包与日历", Some(&viewer), render_index(&l)).into_response(),
        Err(r) => r,
    }
}

/// `GET /ui/packs/{city}`.
pub async fn city(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(city): Path<String>,
) -> Response {
    let l = match loaded(&state, &viewer).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let city = CityId::from(city.as_str());
    let Some(served) = l.cities.get(&city) else {
        return (
            StatusCode::NOT_FOUND,
            error_page(
                "规则包",
                Some(&viewer),
                &format!("没有城市 `{city}` 的规则包，或者它不在您可查看的范围内。"),
            ),
        )
            .into_response();
    };
    let title = match &served.pack {
        Some(p) => format!("规则包 · {}", p.pack.name),
        None => format!("规则包 · {city}"),
    };
    let body = render_city(&city, served, l.provisional.get(&city).copied());
    page(&title, Some(&viewer), body).into_response()
}

fn local(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&SHANGHAI)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Where a diagnostic is: `file:line:column`, or the file alone when it is about the
/// whole file.
fn place(d: &govflow_runtime::Diagnostic) -> String {
    if d.line > 0 {
        format!("{}:{}:{}", d.file, d.line, d.column)
    } else {
        d.file.clone()
    }
}

/// A failed load: each diagnostic at its file:line:column.
fn failure(f: &LoadFailure) -> Markup {
    html! {
        div.error role="alert" data-last-error {
            strong { (local(f.at)) " 重新加载失败，仍在使用上一个可用版本：" }
            ul { @for d in &f.diagnostics {
                li data-diagnostic=(d.code) {
                    code { (place(d)) }
                    " " (d.code) "：" (d.message)
                    @if let Some(help) = &d.help { "（" (help) "）" }
                }
            } }
        }
    }
}

fn render_index(l: &Loaded) -> Markup {
    let calendar = &l.calendar;
    let years: Vec<i32> = calendar.calendar.years().collect();
    let waiting: usize = l.provisional.values().sum();
    html! {
        h2 { "各城市规则包" }
        table {
            thead { tr {
                th { "城市" } th { "规则包版本" } th { "法规" } th { "法规状态" } th { "有效期" }
                th { "事项" } th { "加载时间" } th { "最近一次加载错误" } th { "暂定期限" }
            } }
            tbody { @for (city, served) in &l.cities {
                @let pack = served.pack.as_ref().map(|p| p.pack.as_ref());
                tr data-city=(city) {
                    td { a href=(paths::pack(city.as_str())) { (pack.map_or(city.to_string(), |p| p.name.clone())) } " (" (city) ")" }
                    td data-field="version" { @if let Some(p) = pack { code { (p.version) } } @else { "（未加载）" } }
                    td { @if let Some(p) = pack { (p.regulation.title) } }
                    td data-field="status" { @if let Some(p) = pack {
                        span data-status=(p.regulation.status.as_str()) { (text::regulation_status(p.regulation.status)) }
                    } }
                    td { @if let Some(p) = pack { (validity(p)) } }
                    td.num data-field="procedures" { (pack.map_or(0, |p| p.procedures.len())) }
                    td { @if let Some(at) = served.loaded_at { (local(at)) } }
                    td data-field="last_error" { @match &served.last_error {
                        Some(f) => { @for d in f.diagnostics.iter().take(1) {
                            code { (place(d)) } " " (d.code)
                        } @if f.diagnostics.len() > 1 { "（共 " (f.diagnostics.len()) " 条）" } },
                        None => { "无" },
                    } }
                    td.num data-field="provisional" { (l.provisional.get(city).copied().unwrap_or(0)) }
                }
            } }
        }
        h2 { "工作日日历" }
        table {
            tr { th { "已发布节假日安排的年份" } td data-field="calendar_years" {
                @if years.is_empty() { "无" }
                @else { (years.iter().map(ToString::to_string).collect::<Vec<_>>().join("、")) }
            } }
            tr { th { "加载时间" } td { (local(calendar.loaded_at)) } }
            tr { th { "等待下一年安排的暂定期限" } td.num data-field="provisional_total" { (waiting) } }
        }
        p.notice {
            "落在已发布年份之后的期限，先只扣除周末暂定计算（标记为“暂定”）；"
            "国务院办公厅公布下一年节假日安排、日历重新加载后，自动重新计算。"
            "暂定期限的件数只统计您可查看的办件。"
        }
        @if let Some(f) = &calendar.last_error { (failure(f)) }
        @if !l.missing.is_empty() {
            h2 { "无法读取的规则包版本" }
            p { "以下版本有办件固定在其上，但服务读不到：这些办件的操作和计时暂停，直到该版本重新可用。" }
            table {
                thead { tr { th { "城市" } th { "版本" } th { "首次拒绝" } th { "已拒绝次数" } } }
                tbody { @for m in &l.missing {
                    tr data-missing=(m.version) { td { (m.city) } td { code { (m.version) } } td { (local(m.since)) } td.num { (m.refused) } }
                } }
            }
        }
    }
}

fn validity(p: &Pack) -> String {
    match p.regulation.effective_until {
        Some(until) => format!("{} 至 {until}", p.regulation.effective_from),
        None => format!("{} 起", p.regulation.effective_from),
    }
}

fn render_city(city: &CityId, served: &CityPack, provisional: Option<usize>) -> Markup {
    let pack = served.pack.as_ref().map(|p| p.pack.as_ref());
    html! {
        @if let Some(f) = &served.last_error { (failure(f)) }
        @match pack {
            None => { p { "城市 " (city) " 还没有成功加载过规则包。" } },
            Some(p) => {
                table {
                    tr { th { "规则包版本" } td data-field="version" { code { (p.version) } } }
                    tr { th { "法规" } td { (p.regulation.title) "（" (p.regulation.document) "，" (p.regulation.issuer) "）" } }
                    tr { th { "法规状态" } td data-field="status" {
                        span data-status=(p.regulation.status.as_str()) { (text::regulation_status(p.regulation.status)) }
                        "，有效期 " (validity(p)) "（依据 " (p.regulation.basis.article) "）"
                    } }
                    @if let Some(parent) = &p.extends {
                        tr { th { "继承自" } td { a href=(paths::pack(parent.as_str())) { (parent) } } }
                    }
                    tr { th { "看板规则" } td data-field="board" {
                        "黄灯·预警：" (text::light_event(p.board.yellow)) "；红灯·超期：" (text::light_event(p.board.red))
                    } }
                    tr { th { "暂定期限" } td data-field="provisional" { (provisional.unwrap_or(0)) " 个（您可查看的办件中）" } }
                }
                nav.toc { "事项：" @for (id, procedure) in &p.procedures {
                    a href=(format!("#{id}")) { (procedure.title) } " "
                } }
                @for procedure in p.procedures.values() { (procedure::render(p, procedure)) }
            },
        }
    }
}
