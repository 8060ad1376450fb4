//! `GET /ui/supervision`: the 督办 queue, open penalty cases by ladder step (责令整改 →
//! 通报批评 → …, the penalty procedure's states), oldest first.

use crate::board::CaseFacts;
use crate::layout::page;
use crate::session::Viewer;
use crate::{data, paths, WebState};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;
use std::collections::BTreeMap;

pub async fn queue(State(state): State<WebState>, viewer: Viewer) -> Response {
    let runtime = state.app.runtime.clone();
    let actor = viewer.session.actor.clone();
    let loaded = tokio::task::spawn_blocking(move || {
        let packs = data::packs(&runtime);
        let cases = data::supervising_cases(&runtime, &actor)?;
        Ok::<_, govflow_runtime::Error>((data::facts_of(&runtime, cases), packs))
    })
    .await;
    let (facts, packs) = match loaded {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => return crate::failure(&viewer, e),
        Err(e) => return crate::panicked(&viewer, &e),
    };
    let mut steps: BTreeMap<(String, String), Vec<&CaseFacts>> = BTreeMap::new();
    for f in facts.iter().filter(|f| f.supervising) {
        let title = packs
            .get(&f.case.city)
            .and_then(|p| p.procedure(f.case.procedure.as_str()))
            .and_then(|p| p.state(&f.case.state))
            .map_or(f.case.state.to_string(), |s| s.title.clone());
        steps
            .entry((f.case.procedure.to_string(), title))
            .or_default()
            .push(f);
    }
    for cases in steps.values_mut() {
        cases.sort_by_key(|f| (f.case.received_at, f.case.id.clone()));
    }
    let body = html! {
        @if steps.is_empty() { p { "目前没有督办中的办件。" } }
        @for ((procedure, title), cases) in &steps {
            h2 data-step=(title) { (title) "（" (procedure) "，" (cases.len()) " 件）" }
            table {
                thead { tr { th { "办件" } th { "责任部门" } th { "启动日期" } th { "上级办件" } th { "灯" } th { "剩余工作日" } } }
                tbody { @for f in cases {
                    tr data-case=(f.case.id) {
                        td { a href=(paths::case(f.case.id.as_str())) { (f.case.id) } }
                        td { (f.department) }
                        td { (f.case.received_date) }
                        td { @if let Some(p) = &f.case.parent { a href=(paths::case(p.as_str())) { (p) } } }
                        td { @if let Some(l) = f.light { span class=(format!("light light-{}", l.id())) { (l.label()) } } }
                        td.num { @if let Some(r) = f.remaining { (r) } }
                    }
                } }
            }
        }
    };
    page("督办队列", Some(&viewer), body).into_response()
}
