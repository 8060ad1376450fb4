//! Extensions (延长): requested by whoever owes the deadline, approved by the role the pack
//! names (the provider's 主要负责人), capped in working days (all extensions together), and
//! asked for and granted only before the *original* deadline lapses. An extension counts on
//! from the original due date.

use crate::authorize::require_role;
use crate::deadlines::reschedule;
use crate::transition::{Context, Effect, Transition};
use crate::Refusal;
use govflow_model::{
    lapse_instant, Actor, Case, CaseDeadline, DeadlineRule, DeadlineStatus, Due, EventKind,
    ExtensionRequest, ExtensionRule, Procedure,
};
use serde_json::{Map, Value};

pub(crate) fn handle(
    ctx: &Context<'_>,
    procedure: &Procedure,
    case: &Case,
    action: &str,
    data: &Map<String, Value>,
    actor: &Actor,
) -> Result<Transition, Refusal> {
    let (deadline, rule, extension) = extensible(procedure, case, data)?;
    let mut next = case.clone();
    let mut effects = Vec::new();
    let kind = match action {
        "request_extension" => {
            require_role(
                ctx.pack,
                case,
                action,
                std::slice::from_ref(&rule.responsible),
                &extension.basis,
                actor,
            )?;
            not_lapsed(ctx, deadline, extension)?;
            if deadline.pending_extension.is_some() {
                return Err(Refusal::ExtensionPending {
                    deadline: deadline.name.to_string(),
                });
            }
            let working_days = working_days(data, "how many working days the extension asks for")?;
            within_cap(deadline, extension, working_days)?;
            let reason = data
                .get("reason")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .ok_or_else(|| Refusal::MissingField {
                    field: "data.reason".into(),
                    help: "say why the deadline cannot be met".into(),
                })?;
            let d = next.deadline_mut(&deadline.name).expect("found above");
            d.pending_extension = Some(ExtensionRequest {
                working_days,
                reason: reason.to_owned(),
                requested_by: actor.id.clone(),
                requested_at: ctx.now,
            });
            EventKind::ExtensionRequested {
                deadline: deadline.name.clone(),
                working_days,
            }
        }
        "approve_extension" => {
            approver(ctx, case, action, extension, actor)?;
            let request = deadline
                .pending_extension
                .as_ref()
                .ok_or(Refusal::NoPendingExtension)?;
            not_lapsed(ctx, deadline, extension)?;
            within_cap(deadline, extension, request.working_days)?;
            let d = next.deadline_mut(&deadline.name).expect("found above");
            d.extended_working_days += request.working_days;
            d.pending_extension = None;
            // The original date stands; the extensions in all count on from it.
            let original = Due {
                date: deadline.original_due_date,
                provisional: deadline.provisional,
            };
            reschedule(
                ctx.calendar,
                rule,
                &mut next,
                &deadline.name,
                original,
                &mut effects,
            );
            EventKind::ExtensionApproved {
                deadline: deadline.name.clone(),
                working_days: request.working_days,
                due_date: next.deadline(&deadline.name).expect("found above").due_date,
            }
        }
        _ => {
            approver(ctx, case, action, extension, actor)?;
            if deadline.pending_extension.is_none() {
                return Err(Refusal::NoPendingExtension);
            }
            next.deadline_mut(&deadline.name)
                .expect("found above")
                .pending_extension = None;
            EventKind::ExtensionRejected {
                deadline: deadline.name.clone(),
            }
        }
    };
    next.bump(ctx.now);
    effects.push(Effect::Emit(next.event(
        ctx.now,
        actor.id.clone(),
        kind,
        Some(extension.basis.article.clone()),
    )));
    Ok(Transition {
        case: next,
        effects,
    })
}

/// The deadline of the current state that may be extended: the one named by
/// `data.deadline`, or the only one.
fn extensible<'a>(
    procedure: &'a Procedure,
    case: &'a Case,
    data: &Map<String, Value>,
) -> Result<(&'a CaseDeadline, &'a DeadlineRule, &'a ExtensionRule), Refusal> {
    let wanted = data.get("deadline").and_then(Value::as_str);
    let nothing = || Refusal::NothingToExtend {
        state: case.state.to_string(),
    };
    case.deadlines
        .iter()
        .filter(|d| d.state == case.state && d.status != DeadlineStatus::Cancelled)
        .filter(|d| wanted.is_none_or(|w| d.name.as_str() == w))
        .find_map(|d| {
            let rule = procedure.deadline_rule(&d.name)?;
            let extension = rule.extension.as_ref()?;
            Some((d, rule, extension))
        })
        .ok_or_else(nothing)
}

fn approver(
    ctx: &Context<'_>,
    case: &Case,
    action: &str,
    extension: &ExtensionRule,
    actor: &Actor,
) -> Result<(), Refusal> {
    require_role(
        ctx.pack,
        case,
        action,
        std::slice::from_ref(&extension.approver),
        &extension.basis,
        actor,
    )
    .map(drop)
}

fn not_lapsed(
    ctx: &Context<'_>,
    deadline: &CaseDeadline,
    extension: &ExtensionRule,
) -> Result<(), Refusal> {
    // An extension is granted before the *original* deadline lapses (BRIEF, 延长): once the
    // original date has passed, the deadline may run on an extension already granted, but
    // no further one is asked for or granted.
    let original = deadline.original_due_date;
    if deadline.status == DeadlineStatus::Missed || ctx.now >= lapse_instant(original) {
        return Err(Refusal::ExtensionAfterLapse {
            deadline: deadline.name.to_string(),
            due: original,
            article: extension.basis.article.clone(),
        });
    }
    if deadline.status != DeadlineStatus::Open {
        return Err(Refusal::NothingToExtend {
            state: deadline.state.to_string(),
        });
    }
    Ok(())
}

fn within_cap(
    deadline: &CaseDeadline,
    extension: &ExtensionRule,
    requested: u32,
) -> Result<(), Refusal> {
    let total = deadline.extended_working_days + requested;
    if total > extension.max_working_days {
        return Err(Refusal::ExtensionOverCap {
            deadline: deadline.name.to_string(),
            requested,
            total,
            cap: extension.max_working_days,
            article: extension.basis.article.clone(),
        });
    }
    Ok(())
}

/// `data.working_days`: a whole number of working days from 1; `missing` says what it is.
pub(crate) fn working_days(data: &Map<String, Value>, missing: &str) -> Result<u32, Refusal> {
    match data.get("working_days") {
        None | Some(Value::Null) => Err(Refusal::MissingField {
            field: "data.working_days".into(),
            help: missing.into(),
        }),
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=366).contains(n))
            .map(|n| n as u32)
            .ok_or_else(|| Refusal::InvalidField {
                field: "data.working_days".into(),
                help: format!("must be a whole number of working days from 1, got {v}"),
            }),
    }
}
