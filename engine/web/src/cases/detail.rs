//! `GET /ui/cases/{id}` and `POST /ui/cases/{id}/actions/{action}`: a case with its
//! procedure, article, pinned pack version, deadlines and why each falls on its day (the
//! runtime's explanation, as `govflow explain` prints it), its history, its parent and
//! children, its procedure drawn with the case's state marked, and the actions this
//! person may take as forms. A refusal shows the API's problem: the same code and
//! message, naming the article.

use super::forms;
use crate::board::working_days;
use crate::layout::{error_page, page};
use crate::packs::diagram::{svg, Graph};
use crate::session::Viewer;
use crate::visibility::may_see;
use crate::{paths, WebState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use govflow_api::{ExplanationView, Problem};
use govflow_model::{Actor, Case, CaseId, Pack, Reach, Target};
use govflow_runtime::{CaseQuery, Recorded, Runtime};
use maud::{html, Markup};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

struct Loaded {
    case: Case,
    pack: Option<Arc<Pack>>,
    explanation: Option<ExplanationView>,
    history: Vec<Recorded>,
    children: Vec<Case>,
    today: govflow_model::NaiveDate,
    calendar: Arc<govflow_model::Calendar>,
}

fn load(
    runtime: &Runtime,
    actor: &Actor,
    id: &CaseId,
) -> Result<Option<Loaded>, govflow_runtime::Error> {
    let case = match runtime.case(id) {
        Ok(c) => c,
        Err(govflow_runtime::Error::CaseNotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    // A case the person may not see is answered as one that does not exist.
    if !may_see(actor, &case) {
        return Ok(None);
    }
    let pack = runtime
        .registry()
        .version(&case.pack_version)
        .map(|p| p.pack);
    let explanation = runtime.explain(id).ok().map(|e| ExplanationView::from(&e));
    let history = runtime.history(id)?;
    let children = runtime
        .cases(&CaseQuery {
            city: None,
            procedure: None,
            state: None,
            overdue: None,
            parent: Some(id.clone()),
            after: None,
            limit: 1000,
        })?
        .cases;
    Ok(Some(Loaded {
        case,
        pack,
        explanation,
        history,
        children,
        today: govflow_model::local_date(runtime.clock().now()),
        calendar: runtime.registry().calendar(),
    }))
}

pub async fn show(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    render_case(&state, &viewer, id, None).await
}

async fn render_case(
    state: &WebState,
    viewer: &Viewer,
    id: String,
    refusal: Option<Problem>,
) -> Response {
    let runtime = state.app.runtime.clone();
    let actor = viewer.session.actor.clone();
    let loaded =
        tokio::task::spawn_blocking(move || load(&runtime, &actor, &CaseId::new(id))).await;
    match loaded {
        Ok(Ok(Some(l))) => {
            let status = if refusal.is_some() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            let title = format!("办件 {}", l.case.id);
            (
                status,
                page(&title, Some(viewer), render(viewer, &l, refusal.as_ref())),
            )
                .into_response()
        }
        Ok(Ok(None)) => (
            StatusCode::NOT_FOUND,
            error_page(
                "办件",
                Some(viewer),
                "没有这个办件，或者它不在您可查看的范围内。",
            ),
        )
            .into_response(),
        Ok(Err(e)) => crate::failure(viewer, e),
        Err(e) => crate::panicked(viewer, &e),
    }
}

fn render(viewer: &Viewer, l: &Loaded, refusal: Option<&Problem>) -> Markup {
    let c = &l.case;
    let procedure = l
        .pack
        .as_ref()
        .and_then(|p| p.procedure(c.procedure.as_str()));
    let holder = |role: &govflow_model::RoleId| {
        l.pack
            .as_ref()
            .and_then(|p| p.holder(role))
            .map_or(role.to_string(), |r| r.name.clone())
    };
    let explained: BTreeMap<String, &govflow_api::DeadlineExplanationView> = l
        .explanation
        .iter()
        .flat_map(|e| {
            e.deadlines
                .iter()
                .map(|d| (format!("{}@{}", d.name, d.state), d))
        })
        .collect();
    html! {
        @if let Some(p) = refusal {
            div.error role="alert" data-refusal=(p.code) {
                strong { "操作被拒绝（" (p.code) "）：" } (p.detail)
            }
        }
        table {
            tr { th { "事项" } td { (c.procedure) @if let Some(p) = procedure { " · " (p.title) } } }
            @if let Some(p) = procedure {
                tr { th { "依据" } td { (p.basis.article) blockquote { (p.basis.quote) } } }
            }
            tr { th { "城市" } td { (c.city) } }
            tr { th { "状态" } td data-state=(c.state) { (c.state)
                @if let Some(s) = procedure.and_then(|p| p.state(&c.state)) { " · " (s.title) @if s.terminal { "（已办结）" } } } }
            tr { th { "责任部门" } td { (c.provider.clone().unwrap_or_else(|| "—".into())) } }
            tr { th { "受理日期" } td { (c.received_date) } }
            tr { th { "规则包版本" } td { code { (c.pack_version) } } }
            @if let Some(parent) = &c.parent {
                tr { th { "上级办件" } td { a href=(paths::case(parent.as_str())) { (parent) } } }
            }
            @if !l.children.is_empty() {
                tr { th { "下级办件（督办、派生）" } td { @for child in &l.children {
                    a href=(paths::case(child.id.as_str())) { (child.id) } " (" (child.procedure) " · " (child.state) ") "
                } } }
            }
        }
        h2 { "期限" }
        @if c.deadlines.is_empty() { p { "本办件没有期限。" } }
        @for d in &c.deadlines {
            div.action data-deadline=(d.name) {
                p {
                    strong { (d.name) } "（" (holder(&d.responsible)) "）：到期 " (d.due_date)
                    @if d.provisional { "（暂定：日历尚未覆盖该年）" }
                    @if d.status == govflow_model::DeadlineStatus::Open {
                        "，剩余 " (working_days(&l.calendar, l.today, d.due_date)) " 个工作日"
                    }
                    @if let Some(w) = d.warn_at { "，预警日 " (govflow_model::local_date(w)) }
                    "，状态 " span data-status=(d.status.as_str()) { (status_label(d.status)) }
                }
                p { (d.article) blockquote { (d.quote) } }
                @if let Some(e) = explained.get(&format!("{}@{}", d.name, d.state)) {
                    details open {
                        summary { "为什么是这一天（与 govflow explain 相同）" }
                        ol.steps { @for s in &e.steps { li { (s.sentence) } } }
                    }
                }
            }
        }
        h2 { "可办理的操作" }
        (actions(viewer, l, procedure))
        @if let Some(p) = procedure {
            h2 { "流程" }
            div.diagram-frame data-diagram=(p.id) {
                (svg(p.id.as_str(), &format!("{}：本件当前在“{}”", p.title, p.state(&c.state).map_or(c.state.as_str(), |s| s.title.as_str())), &Graph::of(p), Some(c.state.as_str())))
            }
            p.legend { "标“当前”（黄色）的是本件所处的环节；各环节的期限与依据见 " a href=(format!("{}#{}", paths::pack(c.city.as_str()), p.id)) { "规则包页" } "。" }
        }
        h2 { "办理记录" }
        table {
            thead { tr { th { "时间" } th { "办理人" } th { "事件" } th { "依据" } } }
            tbody { @for r in &l.history {
                tr {
                    td { (r.event.at.with_timezone(&govflow_model::SHANGHAI).format("%Y-%m-%d %H:%M")) }
                    td { (r.event.actor) }
                    td { (event_text(&r.event.kind)) }
                    td { (r.event.article.clone().unwrap_or_default()) }
                }
            } }
        }
    }
}

fn status_label(s: govflow_model::DeadlineStatus) -> &'static str {
    use govflow_model::DeadlineStatus::*;
    match s {
        Open => "进行中",
        Met => "已按时完成",
        Missed => "已超期",
        Cancelled => "已取消",
        Elapsed => "已届满（告知）",
    }
}

fn event_text(kind: &govflow_model::EventKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .map(|m| {
            m.iter()
                .map(|(k, v)| match v {
                    Value::String(s) => format!("{k}: {s}"),
                    other => format!("{k}: {other}"),
                })
                .collect::<Vec<_>>()
                .join("；")
        })
        .unwrap_or_default()
}

/// The pack's actions from the case's state that the person holds a role for, and the
/// extensions its open deadlines allow; the core decides the rest when the form is sent.
fn actions(viewer: &Viewer, l: &Loaded, procedure: Option<&govflow_model::Procedure>) -> Markup {
    let actor = &viewer.session.actor;
    let may = |roles: &[govflow_model::RoleId]| {
        actor.reaches(Reach::Everything) || roles.iter().any(|r| actor.has_role(r))
    };
    let offered: Vec<&govflow_model::Action> = procedure
        .map(|p| {
            p.actions
                .iter()
                .filter(|a| a.from.contains(&l.case.state))
                .filter(|a| may(&a.roles))
                .collect()
        })
        .unwrap_or_default();
    let extensions = procedure
        .map(|p| {
            let mut forms = forms::extensions(viewer, &l.case, p, &may);
            forms.extend(forms::periods(viewer, &l.case, p, &may));
            forms
        })
        .unwrap_or_default();
    html! {
        @if offered.is_empty() && extensions.is_empty() { p { "当前状态下您没有可办理的操作。" } }
        @for a in offered {
            @let terminal = a.to.states().iter().any(|s| procedure.and_then(|p| p.state(s)).is_some_and(|s| s.terminal));
            (forms::action(viewer, &l.case, a.id.as_str(), &a.basis, html! {
                @if let Target::ByDecision(choices) = &a.to {
                    label { "决定 " select name="decision" { @for d in choices.keys() { option value=(d) { (d) } } } }
                }
                @for field in &a.requires {
                    p { label { (field) " " input name=(format!("data.{field}")) ; } }
                }
                @if a.sets_provider { p { label { "provider（转交部门） " input name="data.provider"; } } }
                @if terminal {
                    p { label { input type="checkbox" name="confirm" value="yes" required; " 我确认：此操作将办结本件，不可撤销" } }
                }
            }))
        }
        @for form in extensions { (form) }
    }
}

pub async fn act(
    State(state): State<WebState>,
    viewer: Viewer,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let csrf = form
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    if !viewer.csrf_ok(csrf) {
        return (
            StatusCode::FORBIDDEN,
            error_page(
                "办件",
                Some(&viewer),
                "表单已过期（CSRF 校验失败），请刷新页面后重试。",
            ),
        )
            .into_response();
    }
    let data = match forms::data(&form) {
        Ok(data) => data,
        Err(field) => {
            return (
                StatusCode::BAD_REQUEST,
                error_page("办件", Some(&viewer), &format!("`data.{field}` 须为整数。")),
            )
                .into_response()
        }
    };
    let runtime = state.app.runtime.clone();
    let actor = viewer.session.actor.clone();
    let case_id = CaseId::new(id.as_str());
    let done = tokio::task::spawn_blocking(move || {
        let case = runtime.case(&case_id)?;
        if !may_see(&actor, &case) {
            return Err(govflow_runtime::Error::CaseNotFound(case_id));
        }
        runtime.act(&actor, &case_id, &action, &data)
    })
    .await;
    match done {
        Ok(Ok(_)) => Redirect::to(&paths::case(&id)).into_response(),
        Ok(Err(govflow_runtime::Error::CaseNotFound(_))) => (
            StatusCode::NOT_FOUND,
            error_page(
                "办件",
                Some(&viewer),
                "没有这个办件，或者它不在您可查看的范围内。",
            ),
        )
            .into_response(),
        Ok(Err(e)) => render_case(&state, &viewer, id, Some(Problem::from(e))).await,
        Err(e) => crate::panicked(&viewer, &e),
    }
}
