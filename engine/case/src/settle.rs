//! Settling a transition: the child cases its effects open (penalty cases, cases opened
//! by an action) are opened too, so what is left is plain data to store (cases, timer
//! changes, events).

use crate::open::open;
use crate::transition::{Cause, Context, Effect, Handover, Transition};
use govflow_model::{Actor, Case, CaseId, Event, EventKind, TimerOp};

/// Everything one accepted command changes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settled {
    /// The commanded case first (when it changed), then every case its effects opened, in
    /// order. Empty when the command changed no case (a stale timer, nothing to recount).
    pub cases: Vec<Case>,
    /// Timer changes, in the order they must be applied.
    pub timers: Vec<TimerOp>,
    pub events: Vec<Event>,
    /// What could not be done (a penalty case refused by its pack's date window); the
    /// rest of the transition still stands.
    pub problems: Vec<String>,
}

pub(crate) fn settle(
    ctx: &Context<'_>,
    transition: Transition,
    new_id: &mut dyn FnMut() -> CaseId,
) -> Settled {
    let mut settled = Settled::default();
    settle_into(ctx, transition, new_id, &mut settled);
    settled
}

/// Opens each case an [`Effect::OpenChild`] asks for as the system, with an id from
/// `new_id`, under the parent's pack version (the context's); the parent records a
/// `penalty_opened` (a lapse) or `child_opened` (an action) event for each.
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
            Effect::Timer(op) => out.timers.push(op),
            Effect::Emit(event) => out.events.push(event),
            Effect::OpenChild(Handover {
                cause,
                article,
                request,
            }) => {
                // The loader has checked the procedure and its start, so a refusal here
                // is the pack's date window, or a child without a department to address.
                match open(ctx, new_id, &request, &Actor::system()) {
                    Ok(t) => {
                        let child = t.case.id.clone();
                        let procedure = t.case.procedure.clone();
                        let kind = match cause {
                            Cause::Lapse(deadline) => EventKind::PenaltyOpened {
                                deadline,
                                child,
                                procedure,
                            },
                            Cause::Action(action) => EventKind::ChildOpened {
                                action,
                                child,
                                procedure,
                            },
                        };
                        out.events.push(parent.event(
                            ctx.now,
                            Actor::SYSTEM_ID,
                            kind,
                            Some(article),
                        ));
                        settle_into(ctx, t, new_id, out);
                    }
                    Err(refusal) => out.problems.push(format!(
                        "`{}` could not open its {} case: {refusal}",
                        parent.id,
                        match cause {
                            Cause::Lapse(_) => "penalty",
                            Cause::Action(_) => "child",
                        }
                    )),
                }
            }
        }
    }
}
