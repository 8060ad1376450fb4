//! Settling a transition: the penalty cases its effects open are opened too, so what is
//! left is plain data to store (cases, timer changes, events). The scenario world and the
//! durable runtime both store exactly this.

use crate::open::open;
use crate::transition::{Context, Effect, Transition};
use chrono::{DateTime, Utc};
use govflow_model::{Actor, Case, CaseId, DeadlineId, Event, EventKind, TimerKind};
use serde_json::Value;

/// Everything one accepted command changes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settled {
    /// The commanded case first, then every case its effects opened, in order.
    pub cases: Vec<Case>,
    /// Timer arms and cancels, in the order they must be applied.
    pub timers: Vec<TimerChange>,
    pub events: Vec<Event>,
    /// What could not be done (a penalty case refused by its pack's date window); the
    /// rest of the transition still stands.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TimerChange {
    Arm {
        case: CaseId,
        deadline: DeadlineId,
        kind: TimerKind,
        at: DateTime<Utc>,
    },
    Cancel {
        case: CaseId,
        deadline: DeadlineId,
        kind: TimerKind,
    },
}

/// Expands `transition`, opening each case an [`Effect::OpenCase`] asks for as the system
/// with an id from `new_id`. The parent records a `penalty_opened` event for each.
pub fn settle(
    ctx: &Context<'_>,
    transition: Transition,
    new_id: &mut dyn FnMut() -> CaseId,
) -> Settled {
    let mut settled = Settled::default();
    settle_into(ctx, transition, new_id, &mut settled);
    settled
}

fn settle_into(
    ctx: &Context<'_>,
    transition: Transition,
    new_id: &mut dyn FnMut() -> CaseId,
    out: &mut Settled,
) {
    let Transition { case, effects } = transition;
    let parent = case.clone();
    out.cases.push(case);
    for effect in effects {
        match effect {
            Effect::ArmTimer {
                case,
                deadline,
                kind,
                at,
            } => out.timers.push(TimerChange::Arm {
                case,
                deadline,
                kind,
                at,
            }),
            Effect::CancelTimer {
                case,
                deadline,
                kind,
            } => out.timers.push(TimerChange::Cancel {
                case,
                deadline,
                kind,
            }),
            Effect::Emit(event) => out.events.push(event),
            Effect::OpenCase(request) => {
                let child = new_id();
                // The loader has checked that the procedure exists, so a refusal here is
                // the pack's date window.
                match open(ctx, child, &request, &Actor::system()) {
                    Ok(t) => {
                        out.events.push(penalty_opened(&parent, &t.case, ctx.now));
                        settle_into(ctx, t, new_id, out);
                    }
                    Err(refusal) => out.problems.push(format!(
                        "the lapse of `{}` could not open its penalty case: {refusal}",
                        parent.id
                    )),
                }
            }
        }
    }
}

/// The parent's record that its lapse opened `child`.
fn penalty_opened(parent: &Case, child: &Case, at: DateTime<Utc>) -> Event {
    let text = |key: &str| child.data.get(key).and_then(Value::as_str);
    Event {
        case: parent.id.clone(),
        city: parent.city.clone(),
        at,
        actor: "govflow".into(),
        pack_version: parent.pack_version.clone(),
        kind: EventKind::PenaltyOpened {
            deadline: DeadlineId::new(text("lapsed_deadline").unwrap_or_default()),
            child: child.id.clone(),
            procedure: child.procedure.clone(),
        },
        article: text("article").map(str::to_owned),
    }
}
