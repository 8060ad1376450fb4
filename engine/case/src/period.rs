//! Periods the text leaves to whoever imposes them (责令限期改正, 明确验收时间): the imposer
//! sets them with the built-in `set_period`, or an action that `sets_period` carries them
//! in its data; and the gates that hold an action back until a period has passed
//! (项目 第二十三条 投入运行满一年后).

use crate::authorize::require_role;
use crate::deadlines::{anchor_date, count_period, original_due, reschedule};
use crate::extension::working_days;
use crate::transition::{Context, Effect, Transition};
use crate::Refusal;
use govflow_model::{
    lapse_instant, local_date, Action, Actor, Case, DeadlineId, DeadlineRule, DeadlineStatus,
    EventKind, Period, Procedure, SetPeriod, SET_PERIOD_ACTION,
};
use serde_json::{Map, Value};

/// The built-in `set_period`: the imposer of a deadline of the current state sets its
/// period (`{deadline?, working_days | due_date}`).
pub(crate) fn handle(
    ctx: &Context<'_>,
    procedure: &Procedure,
    case: &Case,
    data: &Map<String, Value>,
    actor: &Actor,
) -> Result<Transition, Refusal> {
    let (name, rule) = imposed(procedure, case, data)?;
    let imposed = rule.imposed_by.as_ref().expect("imposed() found one");
    require_role(
        ctx.pack,
        case,
        SET_PERIOD_ACTION,
        std::slice::from_ref(&imposed.role),
        &imposed.basis,
        actor,
    )?;
    let stated = stated(data)?.ok_or_else(|| Refusal::MissingField {
        field: "data.working_days".into(),
        help: "give the period the order sets (`working_days`) or its last day (`due_date`)".into(),
    })?;
    let mut next = case.clone();
    let mut effects = Vec::new();
    set(ctx, rule, &mut next, &name, stated, &actor.id, &mut effects)?;
    next.bump(ctx.now);
    Ok(Transition {
        case: next,
        effects,
    })
}

/// After an action that `sets_period` armed its target state on `next`: the period its
/// data states, if it states one (otherwise the pack's default stands).
pub(crate) fn set_by_action(
    ctx: &Context<'_>,
    procedure: &Procedure,
    next: &mut Case,
    deadline: &DeadlineId,
    data: &Map<String, Value>,
    actor: &Actor,
    effects: &mut Vec<Effect>,
) -> Result<(), Refusal> {
    let (Some(stated), Some(rule)) = (stated(data)?, procedure.deadline_rule(deadline)) else {
        return Ok(());
    };
    set(ctx, rule, next, deadline, stated, &actor.id, effects)
}

/// Refuses `action` on `case` before its not-before gate opens: the day after the last
/// day of the gate's period, counted as a deadline's would be.
pub(crate) fn check_not_before(
    ctx: &Context<'_>,
    case: &Case,
    action: &Action,
) -> Result<(), Refusal> {
    let Some(gate) = &action.not_before else {
        return Ok(());
    };
    let from = anchor_date(case, gate.from, local_date(case.entered_at));
    let last = count_period(ctx.calendar, gate.period, gate.from, from, &mut ()).date;
    let earliest = last.succ_opt().unwrap_or(last);
    if local_date(ctx.now) < earliest {
        return Err(Refusal::TooEarly {
            action: action.id.to_string(),
            earliest,
            article: gate.basis.article.clone(),
            quote: gate.basis.quote.clone(),
        });
    }
    Ok(())
}

/// The imposed deadline of the current state `set_period` is for: the one `data.deadline`
/// names, or the only one.
fn imposed<'p>(
    procedure: &'p Procedure,
    case: &Case,
    data: &Map<String, Value>,
) -> Result<(DeadlineId, &'p DeadlineRule), Refusal> {
    let wanted = data.get("deadline").and_then(Value::as_str);
    procedure
        .state(&case.state)
        .into_iter()
        .flat_map(|s| s.deadlines.iter())
        .filter(|r| r.imposed_by.is_some())
        .find(|r| wanted.is_none_or(|w| r.id.as_str() == w))
        .map(|r| (r.id.clone(), r))
        .ok_or_else(|| Refusal::NothingToSet {
            state: case.state.to_string(),
        })
}

/// What the imposer (or a delay report) states: a period, or the date itself.
fn stated(data: &Map<String, Value>) -> Result<Option<SetPeriod>, Refusal> {
    let days = data.get("working_days").filter(|v| !v.is_null());
    let date = data.get("due_date").filter(|v| !v.is_null());
    match (days, date) {
        (None, None) => Ok(None),
        (Some(_), Some(_)) => Err(Refusal::InvalidField {
            field: "data.due_date".into(),
            help: "give either `working_days` or `due_date`, not both".into(),
        }),
        (Some(_), None) => Ok(Some(SetPeriod::WorkingDays(working_days(
            data,
            "the period the order sets",
        )?))),
        (None, Some(v)) => v
            .as_str()
            .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .map(|d| Some(SetPeriod::DueDate(d)))
            .ok_or_else(|| Refusal::InvalidField {
                field: "data.due_date".into(),
                help: format!("must be a date `YYYY-MM-DD`, got {v}"),
            }),
    }
}

/// Sets the period of `name` on `case` as stated, within the imposer's bounds: counted
/// from the deadline's own start, ending no earlier than today. The timers are re-armed and
/// the warning moves; the deadline is no longer the text's period.
fn set(
    ctx: &Context<'_>,
    rule: &DeadlineRule,
    case: &mut Case,
    name: &DeadlineId,
    stated: SetPeriod,
    actor: &str,
    effects: &mut Vec<Effect>,
) -> Result<(), Refusal> {
    let article = rule
        .imposed_by
        .as_ref()
        .map_or(&rule.basis, |i| &i.basis)
        .article
        .clone();
    let d = case.deadline(name).ok_or_else(|| Refusal::NothingToSet {
        state: case.state.to_string(),
    })?;
    if d.status != DeadlineStatus::Open || ctx.now >= lapse_instant(d.due_date) {
        return Err(Refusal::PeriodClosed {
            deadline: name.to_string(),
            status: if d.status == DeadlineStatus::Open {
                "past its due date".into()
            } else {
                d.status.as_str().into()
            },
            article,
        });
    }
    let out_of_bounds = |reason: String| Refusal::PeriodOutOfBounds {
        deadline: name.to_string(),
        reason,
        article: article.clone(),
    };
    let bound = rule.imposed_by.as_ref().and_then(|i| i.max_working_days);
    let due = original_due(ctx.calendar, rule, d.counted_from, Some(stated), &mut ());
    let working_days = match stated {
        SetPeriod::WorkingDays(n) => {
            if let Some(max) = bound.filter(|max| n > *max) {
                return Err(out_of_bounds(format!(
                    "{n} working days is over the bound of {max}"
                )));
            }
            Some(n)
        }
        SetPeriod::DueDate(date) => {
            if date <= d.counted_from {
                return Err(out_of_bounds(format!(
                    "{date} is not after {}, the day the period counts from",
                    d.counted_from
                )));
            }
            if let Some(max) = bound {
                let latest = count_period(
                    ctx.calendar,
                    Period::WorkingDays(max),
                    rule.from,
                    d.counted_from,
                    &mut (),
                )
                .date;
                if due.date > latest {
                    return Err(out_of_bounds(format!(
                        "{date} is later than {latest}, {max} working days from {}",
                        d.counted_from
                    )));
                }
            }
            None
        }
    };
    // A stated date that moves the text's own period (a delay report, 不能按期验收) moves
    // it later; only an imposer's order may also shorten its default.
    if rule.imposed_by.is_none() && due.date <= d.original_due_date {
        return Err(out_of_bounds(format!(
            "a delay moves the date later than {}",
            d.original_due_date
        )));
    }
    if due.date < local_date(ctx.now) {
        return Err(out_of_bounds(format!(
            "it would have ended on {}, which has passed",
            due.date
        )));
    }
    let d = case.deadline_mut(name).expect("found above");
    d.statutory = false;
    d.period_set = Some(stated);
    reschedule(ctx.calendar, rule, case, name, due, effects);
    let due_date = case.deadline(name).expect("found above").due_date;
    effects.push(Effect::Emit(case.event(
        ctx.now,
        actor,
        EventKind::PeriodSet {
            deadline: name.clone(),
            due_date,
            working_days,
        },
        Some(article),
    )));
    Ok(())
}
