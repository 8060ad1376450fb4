//! One procedure of a city's pack: its article, who opens it, its diagram, its deadlines
//! per state and its actions.

use super::diagram::{svg, Graph};
use super::text;
use govflow_model::{Pack, Procedure};
use maud::{html, Markup};

pub fn render(pack: &Pack, procedure: &Procedure) -> Markup {
    let holder = |role: &govflow_model::RoleId| {
        pack.holder(role)
            .map_or(role.to_string(), |r| r.name.clone())
    };
    let state_title = |id: &govflow_model::StateId| {
        procedure
            .state(id)
            .map_or(id.to_string(), |s| s.title.clone())
    };
    let graph = Graph::of(procedure);
    let title = format!("{}（{}）的环节与期限", procedure.title, procedure.id);
    html! {
        section.procedure id=(procedure.id) data-procedure=(procedure.id) {
            h2 { (procedure.title) " " code { (procedure.id) } }
            p { "依据 " (procedure.basis.article) blockquote { (procedure.basis.quote) } }
            p { "由 " (procedure.opened_by.iter().map(&holder).collect::<Vec<_>>().join("、")) " 启动。" }
            div.diagram-frame { (svg(procedure.id.as_str(), &title, &graph, None)) }
            p.legend { "粗框：起始环节；双框：终结环节；实线：办理操作（标注操作与依据条款）；红色虚线：逾期后自动转入。" }
            h3 { "各环节期限" }
            @if procedure.deadline_rules().next().is_none() { p { "本事项没有期限。" } }
            @else {
                table {
                    thead { tr { th { "环节" } th { "期限" } th { "时长" } th { "责任方" } th { "类型" } th { "预警" } th { "延长" } th { "逾期后" } th { "依据" } } }
                    tbody { @for (state, rule) in procedure.deadline_rules() {
                        tr data-deadline=(rule.id) {
                            td { (state.title) }
                            td { code { (rule.id) } }
                            td { (text::anchor(rule.from)) " " (text::span(rule.span))
                                @if let Some(imposed) = &rule.imposed_by {
                                    "；由" (holder(&imposed.role)) "责令确定"
                                    @if let Some(max) = imposed.max_working_days { "，不超过 " (max) " 个工作日" }
                                    "（" (imposed.basis.article) "）"
                                }
                            }
                            td { (holder(&rule.responsible)) }
                            td { (text::kind(rule.kind)) }
                            td { @if let Some(n) = rule.warn_before_working_days { "到期前 " (n) " 个工作日" } @else { "—" } }
                            td { @if let Some(e) = &rule.extension {
                                "累计不超过 " (e.max_working_days) " 个工作日，由" (holder(&e.approver)) "批准（" (e.basis.article) "）"
                            } @else { "不可延长" } }
                            td {
                                @if let Some(to) = &rule.on_lapse.to { "转入“" (state_title(to)) "”" }
                                @if let Some(open) = &rule.on_lapse.open {
                                    @if rule.on_lapse.to.is_some() { "；" }
                                    "启动督办 "
                                    (pack.procedure(open.as_str()).map_or(open.to_string(), |p| p.title.clone()))
                                }
                                @if rule.on_lapse.to.is_none() && rule.on_lapse.open.is_none() { "记为超期" }
                            }
                            td { (rule.basis.article) blockquote { (rule.basis.quote) } }
                        }
                    } }
                }
            }
            h3 { "办理操作" }
            table {
                thead { tr { th { "操作" } th { "从" } th { "到" } th { "办理角色" } th { "依据" } } }
                tbody { @for action in &procedure.actions {
                    tr data-action=(action.id) {
                        td { code { (action.id) } }
                        td { (action.from.iter().map(&state_title).collect::<Vec<_>>().join("、")) }
                        td { @match &action.to {
                            govflow_model::Target::State(s) => { (state_title(s)) },
                            govflow_model::Target::ByDecision(choices) => {
                                (choices.iter().map(|(d, s)| format!("{d} → {}", state_title(s))).collect::<Vec<_>>().join("；"))
                            },
                        } }
                        td { (action.roles.iter().map(&holder).collect::<Vec<_>>().join("、")) }
                        td { (action.basis.article) }
                    }
                } }
            }
        }
    }
}
