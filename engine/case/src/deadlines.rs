//! Arming deadlines on entry into a state, and the instants their timers fire.

use crate::transition::{Context, Effect, Transition};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use govflow_model::{
    deadline_end, local_date, local_midnight, Actor, Anchor, Calendar, Case, CaseDeadline,
    DeadlineId, DeadlineKind, DeadlineRule, DeadlineStatus, Due, EventKind, Period, SetPeriod,
    Span, State, TimerKey, TimerKind, TimerOp, Trace,
};

/// The last day of `period` counted from `from`, a day of the kind `anchor` says: an
/// event's day is not moved off a rest day first, a receipt's is.
pub(crate) fn count_period(
    calendar: &Calendar,
    period: Period,
    anchor: Anchor,
    from: NaiveDate,
    trace: &mut impl Trace,
) -> Due {
    // The loader admits `from: period` only on fixed dates (GF0019), so it is never
    // counted here as a period of days.
    if anchor.is_event() {
        calendar.add_from_event_traced(from, period, trace)
    } else {
        calendar.add_traced(from, period, trace)
    }
}

/// The day a count anchored on `anchor` starts from, for a case that entered its current
/// state on `entered` (for `from: period`, the first day of the case's period).
pub(crate) fn anchor_date(case: &Case, anchor: Anchor, entered: NaiveDate) -> NaiveDate {
    match anchor {
        Anchor::Received | Anchor::Event => case.received_date,
        Anchor::Entered | Anchor::EnteredEvent => entered,
        // `open` refuses a case without a period when its procedure counts from one.
        Anchor::Period => case
            .period
            .and_then(|year| NaiveDate::from_ymd_opt(year, 1, 1))
            .unwrap_or(case.received_date),
    }
}

/// The due date before any extension of a deadline of `rule` counted from `from`: the
/// period an act set, or else the rule's; `trace` records how (`()` records nothing;
/// `govflow explain` passes a `Vec<Step>`).
pub(crate) fn original_due(
    calendar: &Calendar,
    rule: &DeadlineRule,
    from: NaiveDate,
    set: Option<SetPeriod>,
    trace: &mut impl Trace,
) -> Due {
    match set {
        Some(SetPeriod::WorkingDays(n)) => {
            count_period(calendar, Period::WorkingDays(n), rule.from, from, trace)
        }
        // A stated last day on a rest day moves to the next working day, as every
        // period's last day does (民法典 第二百零三条).
        Some(SetPeriod::DueDate(date)) => calendar.next_workday_on_or_after(date),
        None => due(calendar, rule, from, trace),
    }
}

/// The due date of `rule` counted from `from` (for `from: period`, the first day of the
/// case's period). A fixed date is the date of one year, the anchor's shifted by the
/// rule's `year`, even when that date is already past: a duty of a cycle is never rolled
/// into the next one. `trace` records how.
pub(crate) fn due(
    calendar: &Calendar,
    rule: &DeadlineRule,
    from: NaiveDate,
    trace: &mut impl Trace,
) -> Due {
    match rule.span {
        Span::Period(period) => count_period(calendar, period, rule.from, from, trace),
        // The loader admits only dates every year has (`02-29` is refused in favour of
        // `02-last`) and `open` only periods the calendar can count, so the lookup cannot
        // fail for a loaded pack and an accepted case.
        Span::Fixed { month, day, year } => calendar
            .fixed_date_traced(from.year() + year.offset(), month, day, trace)
            .unwrap_or(Due {
                date: from,
                provisional: true,
            }),
    }
}

/// The start of the working day `n` working days before `due`.
fn warning_instant(calendar: &Calendar, due: NaiveDate, n: u32) -> DateTime<Utc> {
    let mut day = due;
    let mut left = n;
    // Bounded by the pack's warning period (a handful of working days); the loader caps it.
    while left > 0 {
        day = day.pred_opt().unwrap_or(day);
        if calendar.is_workday(day) {
            left -= 1;
        }
    }
    local_midnight(day)
}

/// When the warning before a deadline due on `due` fires, if the rule asks for one and
/// that moment is still ahead.
pub(crate) fn warning_for(
    ctx: &Context<'_>,
    rule: &DeadlineRule,
    due: NaiveDate,
) -> Option<DateTime<Utc>> {
    rule.warn_before_working_days
        .map(|n| warning_instant(ctx.calendar, due, n))
        .filter(|at| *at > ctx.now)
}

/// After `deadline` moved to a new due date: its warning moves with it, and one already
/// given is given again before the new date (at once, if that moment has passed).
pub(crate) fn move_warning(calendar: &Calendar, rule: &DeadlineRule, deadline: &mut CaseDeadline) {
    let Some(n) = rule.warn_before_working_days else {
        return;
    };
    let at = warning_instant(calendar, deadline.due_date, n);
    if deadline.warn_at != Some(at) {
        deadline.warn_at = Some(at);
        deadline.warned = false;
    }
}

/// Arms every deadline of `state` on `case`, which has just entered it at `ctx.now`.
pub(crate) fn arm(ctx: &Context<'_>, case: &mut Case, state: &State, effects: &mut Vec<Effect>) {
    for rule in &state.deadlines {
        let from = anchor_date(case, rule.from, local_date(ctx.now));
        let due = due(ctx.calendar, rule, from, &mut ());
        let warn_at = warning_for(ctx, rule, due.date);
        let deadline = CaseDeadline {
            name: rule.id.clone(),
            state: state.id.clone(),
            responsible: rule.responsible.clone(),
            due_date: due.date,
            due_at: deadline_end(due.date),
            counted_from: from,
            original_due_date: due.date,
            status: DeadlineStatus::Open,
            provisional: due.provisional,
            article: rule.basis.article.clone(),
            quote: rule.basis.quote.clone(),
            extended_working_days: 0,
            pending_extension: None,
            warn_at,
            warned: false,
            kind: rule.kind,
            statutory: rule.statutory,
            period_set: None,
        };
        arm_timers(case, &deadline, effects);
        case.deadlines.retain(|d| d.name != rule.id);
        case.deadlines.push(deadline);
    }
}

pub(crate) fn arm_timers(case: &Case, deadline: &CaseDeadline, effects: &mut Vec<Effect>) {
    effects.extend(
        deadline
            .timers(&case.id)
            .map(|t| Effect::Timer(TimerOp::Arm(t))),
    );
}

pub(crate) fn cancel_timers(case: &Case, deadline: &CaseDeadline, effects: &mut Vec<Effect>) {
    for kind in [TimerKind::Warning, TimerKind::Lapse] {
        effects.push(Effect::Timer(TimerOp::Cancel(TimerKey {
            case: case.id.clone(),
            deadline: deadline.name.clone(),
            kind,
        })));
    }
}

/// Closes the open deadlines of the state the case is leaving: met, or cancelled when the
/// action withdraws the case. A notice is never met (nothing was owed): leaving before
/// its date cancels it.
pub(crate) fn close_state(case: &mut Case, cancelled: bool, effects: &mut Vec<Effect>) {
    let state = case.state.clone();
    let mut closed = Vec::new();
    for d in case.deadlines.iter_mut() {
        if d.state == state && d.status == DeadlineStatus::Open {
            d.status = if cancelled || d.kind == DeadlineKind::Notice {
                DeadlineStatus::Cancelled
            } else {
                DeadlineStatus::Met
            };
            d.pending_extension = None;
            closed.push(d.clone());
        }
    }
    for d in &closed {
        cancel_timers(case, d, effects);
    }
}

/// Recounts the open provisional deadlines of `case` on the current calendar (after a new
/// year's schedule was loaded) and re-arms the timers of those that moved.
pub(crate) fn recompute_provisional(ctx: &Context<'_>, case: &Case) -> Option<Transition> {
    let procedure = ctx.pack.procedure(case.procedure.as_str())?;
    let mut next = case.clone();
    let mut effects = Vec::new();
    let provisional: Vec<(DeadlineId, &DeadlineRule)> = case
        .open_deadlines()
        .filter(|d| d.provisional)
        .filter_map(|d| Some((d.name.clone(), procedure.deadline_rule(&d.name)?)))
        .collect();
    for (name, rule) in provisional {
        let Some(d) = case.deadline(&name) else {
            continue;
        };
        let original = original_due(ctx.calendar, rule, d.counted_from, d.period_set, &mut ());
        let mut rearmed = Vec::new();
        if let Some(due_date) =
            reschedule(ctx.calendar, rule, &mut next, &name, original, &mut rearmed)
        {
            effects.extend(rearmed);
            effects.push(Effect::Emit(next.event(
                ctx.now,
                Actor::SYSTEM_ID,
                EventKind::Recomputed {
                    deadline: name.clone(),
                    due_date,
                },
                Some(d.article.clone()),
            )));
        }
    }
    if next == *case {
        return None;
    }
    next.bump(ctx.now);
    Some(Transition {
        case: next,
        effects,
    })
}

/// Gives the deadline `name` of `case` the due date `original` (before extensions) plus the
/// working days its extensions granted: the date, its end, whether it is provisional and
/// its warning move together, and its timers are re-armed. `Some(new due date)` if the
/// date moved, `None` if it stayed.
pub(crate) fn reschedule(
    calendar: &Calendar,
    rule: &DeadlineRule,
    case: &mut Case,
    name: &DeadlineId,
    original: Due,
    effects: &mut Vec<Effect>,
) -> Option<NaiveDate> {
    let d = case.deadline_mut(name)?;
    let extended = extended_due(calendar, original.date, d.extended_working_days, &mut ());
    let moved = extended.date != d.due_date;
    d.original_due_date = original.date;
    d.due_date = extended.date;
    d.due_at = deadline_end(extended.date);
    d.provisional = original.provisional || extended.provisional;
    move_warning(calendar, rule, d);
    let d = d.clone();
    cancel_timers(case, &d, effects);
    arm_timers(case, &d, effects);
    moved.then_some(d.due_date)
}

/// The due date after extensions of `total` working days in all: counted on from the
/// original due date, which is not counted (`total = 0` leaves it); `trace` records how.
pub(crate) fn extended_due(
    calendar: &Calendar,
    original: NaiveDate,
    total: u32,
    trace: &mut impl Trace,
) -> Due {
    calendar.extend_traced(original, total, trace)
}
