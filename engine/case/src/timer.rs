//! A fired timer is just another command: a warning records that it was given; a lapse
//! marks the deadline missed and the case overdue, and runs what the pack says a lapse does.
//! A notice's date passing marks it elapsed, with no one overdue and no penalty, and may
//! move the case.

use crate::deadlines::arm;
use crate::transition::{Cause, Context, Effect, Handover, OpenCase, Transition};
use govflow_model::{
    Actor, Case, DeadlineKind, DeadlineStatus, EventKind, Reach, RoleId, Timer, TimerKind,
};

/// Fires `timer`, which `case` arms and which is due at `ctx.now` (the caller has checked
/// both). `None` only if the case's pack no longer describes the deadline.
pub(crate) fn fire(ctx: &Context<'_>, case: &Case, timer: &Timer) -> Option<Transition> {
    let deadline = &timer.deadline;
    let d = case.deadline(deadline)?;
    let procedure = ctx.pack.procedure(case.procedure.as_str())?;
    let mut next = case.clone();
    let mut effects = Vec::new();
    let event = |kind: EventKind| {
        Effect::Emit(case.event(ctx.now, Actor::SYSTEM_ID, kind, Some(d.article.clone())))
    };
    match timer.kind {
        TimerKind::Warning => {
            next.deadline_mut(deadline)?.warned = true;
            effects.push(event(EventKind::Warning {
                deadline: deadline.clone(),
                due_date: d.due_date,
                statutory: d.statutory,
            }));
        }
        TimerKind::Lapse if d.kind == DeadlineKind::Notice => {
            let nd = next.deadline_mut(deadline)?;
            nd.status = DeadlineStatus::Elapsed;
            effects.push(event(EventKind::Elapsed {
                deadline: deadline.clone(),
                due_date: d.due_date,
            }));
        }
        TimerKind::Lapse => {
            let rule = procedure.deadline_rule(deadline)?;
            let nd = next.deadline_mut(deadline)?;
            nd.status = DeadlineStatus::Missed;
            nd.pending_extension = None;
            next.overdue = true;
            effects.push(event(EventKind::Lapsed {
                deadline: deadline.clone(),
                due_date: d.due_date,
                responsible: d.responsible.clone(),
                statutory: d.statutory,
            }));
            if let Some(penalty) = &rule.on_lapse.open {
                effects.push(Effect::OpenChild(Handover {
                    cause: Cause::Lapse(deadline.clone()),
                    article: d.article.clone(),
                    request: OpenCase {
                        procedure: penalty.clone(),
                        received_at: Some(ctx.now),
                        provider: answerable_department(ctx, case, &d.responsible),
                        subject: Some(format!(
                            "{} {} lapsed on {} ({})",
                            case.procedure, deadline, d.due_date, d.article
                        )),
                        // The penalty is for the same cycle as the duty that lapsed.
                        period: case.period,
                        // For whoever reads the penalty case; nothing parses it back.
                        data: serde_json::Map::from_iter([
                            ("lapsed_case".to_owned(), case.id.as_str().into()),
                            ("lapsed_deadline".to_owned(), deadline.as_str().into()),
                            ("article".to_owned(), d.article.clone().into()),
                        ]),
                        parent: Some(case.id.clone()),
                        start: rule.on_lapse.start.clone(),
                    },
                }));
            }
        }
    }
    if timer.kind == TimerKind::Lapse {
        let rule = procedure.deadline_rule(deadline)?;
        if let Some(to) = &rule.on_lapse.to {
            let from = next.state.clone();
            next.state = to.clone();
            next.joint.clear();
            next.entered_at = ctx.now;
            effects.push(event(EventKind::Acted {
                action: "lapse".into(),
                from,
                to: to.clone(),
                data: serde_json::Map::new(),
            }));
            if let Some(state) = procedure.state(to) {
                arm(ctx, &mut next, state, &mut effects);
            }
        }
    }
    next.bump(ctx.now);
    Some(Transition {
        case: next,
        effects,
    })
}

/// The department that answers for a lapsed duty: the case's provider where the duty was
/// a department's (its role reaches the department), otherwise the body that holds the
/// responsible role (e.g. the authority).
fn answerable_department(ctx: &Context<'_>, case: &Case, responsible: &RoleId) -> Option<String> {
    match responsible.reach() {
        Some(Reach::Department) => case.provider.clone(),
        _ => ctx
            .pack
            .holder(responsible)
            .map(|r| r.name.clone())
            .or_else(|| case.provider.clone()),
    }
}
