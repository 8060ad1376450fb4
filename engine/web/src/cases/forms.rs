//! The forms of the case page's actions: one per pack action (built in `detail`), the
//! built-in ones the pack's deadlines allow (extensions, imposed periods), and how a sent
//! form becomes the action's `data`.

use crate::paths;
use crate::session::Viewer;
use govflow_model::{ArticleRef, Case, CaseDeadline, Procedure, RoleId, SET_PERIOD_ACTION};
use maud::{html, Markup};
use serde_json::{Map, Value};

/// One action as a form: the CSRF token, the action and the article it rests on, its
/// fields, the button.
pub fn action(
    viewer: &Viewer,
    case: &Case,
    action: &str,
    basis: &ArticleRef,
    fields: Markup,
) -> Markup {
    html! {
        form.action method="post" action=(format!("{}/actions/{action}", paths::case(case.id.as_str()))) data-action=(action) {
            input type="hidden" name="csrf" value=(viewer.session.csrf);
            p { strong { (action) } "（依据 " (basis.article) "）" blockquote { (basis.quote) } }
            (fields)
            button type="submit" { "办理" }
        }
    }
}

/// The case's open deadlines that belong to the state it is in.
fn open_in_current_state(case: &Case) -> impl Iterator<Item = &CaseDeadline> {
    case.open_deadlines().filter(|d| d.state == case.state)
}

/// For each open deadline of the current state whose rule allows an extension: the
/// request (for whoever owes the deadline) or, once one is pending, its approval and
/// rejection (for the approver), on the extension's article.
pub fn extensions(
    viewer: &Viewer,
    case: &Case,
    procedure: &Procedure,
    may: &dyn Fn(&[RoleId]) -> bool,
) -> Vec<Markup> {
    let mut forms = Vec::new();
    for d in open_in_current_state(case) {
        let Some(rule) = procedure.deadline_rule(&d.name) else {
            continue;
        };
        let Some(extension) = &rule.extension else {
            continue;
        };
        let deadline = html! { input type="hidden" name="data.deadline" value=(d.name); };
        match &d.pending_extension {
            None if may(std::slice::from_ref(&rule.responsible)) => {
                let left = extension
                    .max_working_days
                    .saturating_sub(d.extended_working_days);
                if left == 0 {
                    forms.push(html! {
                        p data-extension-spent=(d.name) { "期限 " (d.name) " 已延长 " (d.extended_working_days) " 个工作日，达到上限（" (extension.basis.article) "），不能再申请延长。" }
                    });
                    continue;
                }
                forms.push(action(viewer, case, "request_extension", &extension.basis, html! {
                    (deadline)
                    p { "申请延长期限 " strong { (d.name) } "（累计不超过 " (extension.max_working_days) " 个工作日，尚可延长 " (left) " 个）" }
                    p { label { "延长工作日数 " input type="number" name="number.working_days" min="1" max=(left) required; } }
                    p { label { "延长理由 " input name="data.reason" required; } }
                }));
            }
            Some(request) if may(std::slice::from_ref(&extension.approver)) => {
                let pending = html! {
                    (deadline)
                    p data-pending-extension=(d.name) {
                        (request.requested_by) " 申请将 " strong { (d.name) } " 延长 " (request.working_days) " 个工作日，理由：" (request.reason)
                    }
                };
                for id in ["approve_extension", "reject_extension"] {
                    forms.push(action(viewer, case, id, &extension.basis, pending.clone()));
                }
            }
            _ => {}
        }
    }
    forms
}

/// For each open deadline of the current state whose period its imposer sets (责令限期
/// 改正): `set_period`, as a number of working days or as a last day, on the imposer's
/// article, for whoever holds the imposing role.
pub fn periods(
    viewer: &Viewer,
    case: &Case,
    procedure: &Procedure,
    may: &dyn Fn(&[RoleId]) -> bool,
) -> Vec<Markup> {
    let mut forms = Vec::new();
    for d in open_in_current_state(case) {
        let Some(imposed) = procedure
            .deadline_rule(&d.name)
            .and_then(|r| r.imposed_by.as_ref())
        else {
            continue;
        };
        if !may(std::slice::from_ref(&imposed.role)) {
            continue;
        }
        let bound = imposed
            .max_working_days
            .map(|n| format!("，不超过 {n} 个工作日"))
            .unwrap_or_default();
        let intro = html! {
            input type="hidden" name="data.deadline" value=(d.name);
            p data-imposed=(d.name) { "责令确定期限 " strong { (d.name) } "（现到期 " (d.due_date) (bound) "），二选一：" }
        };
        forms.push(action(viewer, case, SET_PERIOD_ACTION, &imposed.basis, html! {
            (intro)
            p { label { "期限（工作日） " input type="number" name="number.working_days" min="1" max=[imposed.max_working_days] required; } }
        }));
        forms.push(action(
            viewer,
            case,
            SET_PERIOD_ACTION,
            &imposed.basis,
            html! {
                (intro)
                p { label { "截止日期 " input type="date" name="data.due_date" required; } }
            },
        ));
    }
    forms
}

/// The action's `data` from a form: `data.<field>` as text, `number.<field>` as a whole
/// number (or the field's name when it is not one), `decision` as it is.
pub fn data(form: &[(String, String)]) -> Result<Map<String, Value>, String> {
    let mut data = Map::new();
    for (k, v) in form {
        if let Some(field) = k.strip_prefix("data.") {
            data.insert(field.to_owned(), Value::String(v.clone()));
        } else if let Some(field) = k.strip_prefix("number.") {
            let n: u64 = v.trim().parse().map_err(|_| field.to_owned())?;
            data.insert(field.to_owned(), Value::from(n));
        } else if k == "decision" {
            data.insert("decision".into(), Value::String(v.clone()));
        }
    }
    Ok(data)
}
