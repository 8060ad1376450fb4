//! A fired timer is just another command: a warning records that it was given; a lapse
//! marks the deadline missed and the case overdue, and runs what the pack says a lapse does.

use crate::deadlines::{arm, lapse_instant};
use crate::open::OpenCase;
use crate::transition::{Context, Effect, Transition};
use govflow_model::{Case, DeadlineId, DeadlineStatus, Event, EventKind, RoleId, TimerKind};

/// Fires `kind` of `deadline`. `None` when the timer is stale (the deadline was met,
/// cancelled or moved since it was armed, or it is not yet due), so a timer that fires
/// twice, or late after a restart, changes nothing the second time.
pub fn fire(
    ctx: &Context<'_>,
    case: &Case,
    deadline: &DeadlineId,
    kind: TimerKind,
) -> Option<Transition> {
    let d = case.deadline(deadline)?;
    if d.status != DeadlineStatus::Open {
        return None;
    }
    let procedure = ctx.pack.procedure(case.procedure.as_str())?;
    let mut next = case.clone();
    let mut effects = Vec::new();
    let event = |kind: EventKind, article: &str| {
        Effect::Emit(Event {
            case: case.id.clone(),
            city: case.city.clone(),
            at: ctx.now,
            actor: "govflow".into(),
            pack_version: case.pack_version.clone(),
            kind,
            article: Some(article.to_owned()),
        })
    };
    match kind {
        TimerKind::Warning => {
            if d.warned || d.warn_at.is_none_or(|at| ctx.now < at) {
                return None;
            }
            next.deadline_mut(deadline)?.warned = true;
            effects.push(event(
                EventKind::Warning {
                    deadline: deadline.clone(),
                    due_date: d.due_date,
                },
                &d.article,
            ));
        }
        TimerKind::Lapse => {
            if ctx.now < lapse_instant(d.due_date) {
                return None;
            }
            let rule = procedure.deadline_rule(deadline)?;
            let nd = next.deadline_mut(deadline)?;
            nd.status = DeadlineStatus::Missed;
            nd.pending_extension = None;
            next.overdue = true;
            effects.push(event(
                EventKind::Lapsed {
                    deadline: deadline.clone(),
                    due_date: d.due_date,
                    responsible: d.responsible.clone(),
                },
                &d.article,
            ));
            if let Some(penalty) = &rule.on_lapse.open {
                effects.push(Effect::OpenCase(OpenCase {
                    procedure: penalty.clone(),
                    received_at: Some(ctx.now),
                    provider: answerable_department(ctx, case, &d.responsible),
                    subject: Some(format!(
                        "{} {} lapsed on {} ({})",
                        case.procedure, deadline, d.due_date, d.article
                    )),
                    data: serde_json::Map::from_iter([
                        ("lapsed_case".to_owned(), case.id.as_str().into()),
                        ("lapsed_deadline".to_owned(), deadline.as_str().into()),
                        ("article".to_owned(), d.article.clone().into()),
                    ]),
                    parent: Some(case.id.clone()),
                }));
            }
            if let Some(to) = &rule.on_lapse.to {
                let from = next.state.clone();
                next.state = to.clone();
                next.entered_at = ctx.now;
                effects.push(event(
                    EventKind::Acted {
                        action: "lapse".into(),
                        from,
                        to: to.clone(),
                        data: serde_json::Map::new(),
                    },
                    &d.article,
                ));
                if let Some(state) = procedure.state(to) {
                    arm(ctx, &mut next, state, &mut effects);
                }
            }
        }
    }
    next.revision += 1;
    next.updated_at = ctx.now;
    Some(Transition {
        case: next,
        effects,
    })
}

/// The department that answers for a lapsed duty: the case's provider where the duty was
/// a department's, otherwise the body that holds the responsible role (e.g. the authority).
fn answerable_department(ctx: &Context<'_>, case: &Case, responsible: &RoleId) -> Option<String> {
    match responsible.as_str() {
        "provider" | "principal" => case.provider.clone(),
        _ => ctx
            .pack
            .roles
            .get(responsible)
            .map(|r| r.name.clone())
            .or_else(|| case.provider.clone()),
    }
}
