//! The one entry to the case machine: a [`Command`] decided against a [`Context`], settled
//! into plain data to store.

use crate::act::act;
use crate::deadlines::recompute_provisional;
use crate::open::open;
use crate::settle::{settle, Settled};
use crate::timer::fire;
use crate::transition::{Context, OpenCase};
use crate::Refusal;
use govflow_model::{Actor, Case, CaseId, Timer, TimerOp};
use serde_json::{Map, Value};

/// Everything the case machine decides.
#[derive(Debug, Clone, Copy)]
pub enum Command<'a> {
    /// Open a case under the context's pack; once accepted, its id is the first one
    /// `new_id` gives.
    Open {
        request: &'a OpenCase,
        actor: &'a Actor,
    },
    /// Take an action on a case.
    Act {
        case: &'a Case,
        action: &'a str,
        data: &'a Map<String, Value>,
        actor: &'a Actor,
    },
    /// A timer the store listed as due. It is decided at its own instant (or the case's
    /// opening, if that is later: a request filed late), not at the moment it runs, so a
    /// lapse caught up after a restart opens its penalty on the day the duty lapsed.
    Fire { case: &'a Case, timer: &'a Timer },
    /// Recount the case's provisional deadlines on the context's calendar.
    Recount { case: &'a Case },
}

/// Decides `command` and settles the outcome: the cases it changes or opens (penalty cases
/// included, each with an id from `new_id`), the timer changes and the events. A refusal
/// names the article that forbids the command and changes nothing.
pub fn apply(
    ctx: &Context<'_>,
    command: Command<'_>,
    new_id: &mut dyn FnMut() -> CaseId,
) -> Result<Settled, Refusal> {
    match command {
        Command::Open { request, actor } => {
            Ok(settle(ctx, open(ctx, new_id, request, actor)?, new_id))
        }
        Command::Act {
            case,
            action,
            data,
            actor,
        } => Ok(settle(ctx, act(ctx, case, action, data, actor)?, new_id)),
        Command::Fire { case, timer } => Ok(fire_timer(ctx, case, timer, new_id)),
        Command::Recount { case } => Ok(recompute_provisional(ctx, case)
            .map(|t| settle(ctx, t, new_id))
            .unwrap_or_default()),
    }
}

fn fire_timer(
    ctx: &Context<'_>,
    case: &Case,
    timer: &Timer,
    new_id: &mut dyn FnMut() -> CaseId,
) -> Settled {
    if !timer.is_due(ctx.now) {
        return Settled::default();
    }
    if !case.arms(timer) {
        // Stale: the deadline was met, cancelled or moved since the timer was listed. A key
        // the case still arms (at another instant) is the store's to keep; one it no longer
        // arms at all is tidied away.
        let armed_elsewhere = case.armed_timers().any(|t| t.key() == timer.key());
        return Settled {
            timers: if armed_elsewhere {
                Vec::new()
            } else {
                vec![TimerOp::Cancel(timer.key())]
            },
            ..Settled::default()
        };
    }
    let legal = Context {
        now: timer.at.max(case.created_at),
        ..*ctx
    };
    let mut settled = fire(&legal, case, timer)
        .map(|t| settle(&legal, t, new_id))
        .unwrap_or_default();
    settled.timers.insert(0, TimerOp::Fire(timer.clone()));
    settled
}
