//! Settling a transition: the penalty cases its effects open are opened too, so what is
//! left is plain data to store (cases, timer changes, events).

use crate::open::open;
use crate::transition::{Context, Effect, Penalty, Transition};
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

/// Opens each case an [`Effect::OpenPenalty`] asks for as the system, with an id from
/// `new_id`; the parent records a `penalty_opened` event for each.
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
            Effect::OpenPenalty(Penalty {
                lapsed,
                article,
                request,
            }) => {
                // The loader has checked that the procedure exists, so a refusal here is
                // the pack's date window.
                match open(ctx, new_id, &request, &Actor::system()) {
                    Ok(t) => {
                        out.events.push(parent.event(
                            ctx.now,
                            Actor::SYSTEM_ID,
                            EventKind::PenaltyOpened {
                                deadline: lapsed,
                                child: t.case.id.clone(),
                                procedure: t.case.procedure.clone(),
                            },
                            Some(article),
                        ));
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
