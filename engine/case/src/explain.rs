//! `govflow explain`: for every deadline of a case, how its date was derived — the start
//! basis and day, the rule and its article, each step of the count on the official
//! calendar, the extensions granted and where the deadline stands — in sentences a
//! reviewer can check against the calendar.
//!
//! Nothing here counts: the steps are recorded by the code that armed the deadline
//! (`deadlines::original_due`) and extended it (`deadlines::extended_due`), run again on the
//! case's own pack version and the calendar now loaded.

use crate::deadlines::extended_due;
use crate::deadlines::original_due;
use chrono::{DateTime, Datelike, Utc};
use govflow_model::{
    lapse_instant, local_date, Anchor, Calendar, Case, CaseDeadline, CaseId, CityId, Day,
    DayOfMonth, DeadlineId, DeadlineRule, DeadlineStatus, Event, EventKind, Pack, Period,
    ProcedureId, RoleId, SetPeriod, Span, StateId, Step, YearOf,
};
use serde::{Deserialize, Serialize};

/// How every deadline of a case was derived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub case: CaseId,
    pub city: CityId,
    pub procedure: ProcedureId,
    pub state: StateId,
    /// The pack version whose rules were run again.
    pub pack_version: String,
    /// The years the calendar has a State Council schedule for.
    pub calendar_years: Vec<i32>,
    pub deadlines: Vec<DeadlineExplanation>,
}

/// How one deadline was derived, step by step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadlineExplanation {
    pub name: DeadlineId,
    /// The state whose entry armed it.
    pub state: StateId,
    pub status: DeadlineStatus,
    pub due_date: chrono::NaiveDate,
    pub provisional: bool,
    pub article: String,
    pub quote: String,
    pub steps: Vec<ExplainedStep>,
}

/// One step: a sentence, and the facts it states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplainedStep {
    pub sentence: String,
    #[serde(flatten)]
    pub fact: Fact,
}

/// What a step states, as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fact {
    /// What the count starts from.
    Basis {
        anchor: Anchor,
        day: Day,
        state: StateId,
    },
    /// The rule the pack states, and its article.
    Rule {
        span: Span,
        article: String,
        quote: String,
    },
    /// A step of the count on the calendar.
    Calendar { step: Step },
    /// The rule, run again on the calendar now loaded, gives another date than the one
    /// the deadline was armed with.
    Recounted {
        armed: chrono::NaiveDate,
        now: chrono::NaiveDate,
    },
    /// One extension granted.
    ExtensionGranted {
        at: DateTime<Utc>,
        by: String,
        working_days: u32,
        due_date: chrono::NaiveDate,
    },
    /// All extensions together, counted on from the original due date.
    Extended {
        original_due_date: chrono::NaiveDate,
        working_days: u32,
        cap: u32,
        article: String,
        quote: String,
    },
    /// An extension asked for and not yet decided.
    ExtensionPending {
        working_days: u32,
        requested_by: String,
        requested_at: DateTime<Utc>,
    },
    /// Where the deadline stands.
    Outcome {
        status: DeadlineStatus,
        due_date: chrono::NaiveDate,
        due_at: DateTime<Utc>,
        lapses_at: DateTime<Utc>,
    },
    /// The case's pack version has no rule for this deadline any more.
    NoRule,
    /// The period is not the text's: the pack chose it, or the imposer sets it.
    NotStatutory {
        imposed_by: Option<RoleId>,
        set: Option<SetPeriod>,
    },
}

/// Explains every deadline of `case` under `pack` (the version that governs it) on
/// `calendar`; `history` (the case's events) names the extensions granted.
pub fn explain(pack: &Pack, calendar: &Calendar, case: &Case, history: &[Event]) -> Explanation {
    let procedure = pack.procedure(case.procedure.as_str());
    Explanation {
        case: case.id.clone(),
        city: case.city.clone(),
        procedure: case.procedure.clone(),
        state: case.state.clone(),
        pack_version: case.pack_version.clone(),
        calendar_years: calendar.years().collect(),
        deadlines: case
            .deadlines
            .iter()
            .map(|d| {
                let rule = procedure.and_then(|p| p.deadline_rule(&d.name));
                explain_deadline(calendar, d, rule, history)
            })
            .collect(),
    }
}

fn explain_deadline(
    calendar: &Calendar,
    d: &CaseDeadline,
    rule: Option<&DeadlineRule>,
    history: &[Event],
) -> DeadlineExplanation {
    let mut steps = Vec::new();
    match rule {
        None => steps.push(ExplainedStep {
            sentence: format!(
                "The pack version that governs the case has no deadline rule `{}`: its date cannot be derived again.",
                d.name
            ),
            fact: Fact::NoRule,
        }),
        Some(rule) => {
            steps.push(basis(calendar, rule, d));
            steps.push(rule_step(rule));
            if !d.statutory {
                steps.push(not_statutory(rule, d));
            }
            let mut count = Vec::new();
            let derived = original_due(calendar, rule, d.counted_from, d.period_set, &mut count);
            steps.extend(count.into_iter().map(calendar_step));
            if derived.date != d.original_due_date {
                steps.push(ExplainedStep {
                    sentence: format!(
                        "The deadline was armed with {}; on the calendar loaded now the rule gives {}: the schedule changed since{}.",
                        d.original_due_date,
                        derived.date,
                        if d.provisional {
                            " (the date is provisional and is recounted when the schedule is loaded)"
                        } else {
                            ""
                        }
                    ),
                    fact: Fact::Recounted {
                        armed: d.original_due_date,
                        now: derived.date,
                    },
                });
            }
            extensions(calendar, rule, d, history, &mut steps);
        }
    }
    steps.push(outcome(d));
    DeadlineExplanation {
        name: d.name.clone(),
        state: d.state.clone(),
        status: d.status,
        due_date: d.due_date,
        provisional: d.provisional,
        article: d.article.clone(),
        quote: d.quote.clone(),
        steps,
    }
}

fn basis(calendar: &Calendar, rule: &DeadlineRule, d: &CaseDeadline) -> ExplainedStep {
    let day = calendar.day(d.counted_from);
    let (from, not_counted) = match rule.from {
        Anchor::Received => (
            format!("the receipt on {}", day.describe()),
            "the day of receipt is not counted",
        ),
        Anchor::Event => (
            format!("the event on {}", day.describe()),
            "the event day is not counted and the count starts the next day, whatever kind of day the event day is (民法典 第二百零一条); unlike a receipt, it is not moved off a rest day",
        ),
        Anchor::Entered => (
            format!(
                "{}, the day the case entered state `{}`",
                day.describe(),
                d.state
            ),
            "that day is not counted, as a receipt's (a working-day count starts from the next working day when it is a rest day)",
        ),
        Anchor::EnteredEvent => (
            format!(
                "{}, the day the case entered state `{}`",
                day.describe(),
                d.state
            ),
            "entering the state is the act the text counts from: that day is not counted and the count starts the next day, whatever kind of day it is (民法典 第二百零一条); unlike a receipt, it is not moved off a rest day",
        ),
        Anchor::Period => (
            format!("the reporting period {}", d.counted_from.year()),
            "the date belongs to the period's cycle",
        ),
    };
    let sentence = match rule.span {
        Span::Fixed { .. } if rule.from == Anchor::Period => format!(
            "Anchored on {from}: a date of that cycle, never rolled into another year; a case opened after it is missed at once."
        ),
        Span::Fixed { .. } => format!(
            "Anchored on {from}: a fixed annual date in the year of that day, never rolled into the next."
        ),
        Span::Period(_) => format!("Counted from {from}: {not_counted}."),
    };
    ExplainedStep {
        sentence,
        fact: Fact::Basis {
            anchor: rule.from,
            day,
            state: d.state.clone(),
        },
    }
}

/// Why the period is not the text's, and the period set in place of the rule's.
fn not_statutory(rule: &DeadlineRule, d: &CaseDeadline) -> ExplainedStep {
    let imposed_by = rule.imposed_by.as_ref().map(|i| i.role.clone());
    let whose = match &imposed_by {
        Some(role) => format!(
            "the text leaves it to the order: `{role}` sets it, and the rule's period is only the default"
        ),
        None => "the pack chose it where the text gives none (see the pack's `# gap:` comment)".into(),
    };
    let set = match d.period_set {
        None => String::new(),
        Some(SetPeriod::WorkingDays(n)) => format!("; an act set it to {n} working days"),
        Some(SetPeriod::DueDate(date)) => format!("; an act stated the date {date}"),
    };
    ExplainedStep {
        sentence: format!("Not a statutory period: {whose}{set}."),
        fact: Fact::NotStatutory {
            imposed_by,
            set: d.period_set,
        },
    }
}

fn rule_step(rule: &DeadlineRule) -> ExplainedStep {
    let what = match rule.span {
        Span::Period(Period::WorkingDays(n)) => format!(
            "{n} working days (工作日), on the State Council holiday schedule with its make-up working days (调休)"
        ),
        Span::Period(Period::Days(n)) => format!(
            "{n} days, counted under 民法典 第二百零一条–第二百零三条 (the first day not counted; an end on a rest day moves to the next working day)"
        ),
        Span::Period(Period::Months(n)) => format!(
            "{n} months, counted under 民法典 第二百零一条–第二百零三条 (the corresponding day of the last month, or its last day; an end on a rest day moves to the next working day)"
        ),
        Span::Period(Period::Years(n)) => format!(
            "{n} years, counted under 民法典 第二百零一条–第二百零三条 (the corresponding day, or the month's last day; an end on a rest day moves to the next working day)"
        ),
        Span::Fixed { month, day, year } => {
            let date = match day {
                DayOfMonth::Day(d) => format!("{month:02}-{d:02}"),
                DayOfMonth::Last => format!("the last day of month {month}"),
            };
            let of = match year {
                YearOf::Same => "",
                YearOf::Following => " of the year after the period",
                YearOf::Preceding => " of the year before the period",
            };
            format!("the fixed date {date}{of}, moved to the next working day if it is a rest day")
        }
    };
    ExplainedStep {
        sentence: format!(
            "Rule: {what} — {} 「{}」.",
            rule.basis.article, rule.basis.quote
        ),
        fact: Fact::Rule {
            span: rule.span,
            article: rule.basis.article.clone(),
            quote: rule.basis.quote.clone(),
        },
    }
}

fn calendar_step(step: Step) -> ExplainedStep {
    ExplainedStep {
        sentence: step.sentence(),
        fact: Fact::Calendar { step },
    }
}

fn extensions(
    calendar: &Calendar,
    rule: &DeadlineRule,
    d: &CaseDeadline,
    history: &[Event],
    steps: &mut Vec<ExplainedStep>,
) {
    let Some(extension) = &rule.extension else {
        return;
    };
    for event in history {
        if let EventKind::ExtensionApproved {
            deadline,
            working_days,
            due_date,
        } = &event.kind
        {
            if deadline == &d.name {
                steps.push(ExplainedStep {
                    sentence: format!(
                        "An extension of {working_days} working days was approved on {} by `{}` (the {}), bringing the deadline to {due_date}.",
                        local_date(event.at),
                        event.actor,
                        extension.approver
                    ),
                    fact: Fact::ExtensionGranted {
                        at: event.at,
                        by: event.actor.clone(),
                        working_days: *working_days,
                        due_date: *due_date,
                    },
                });
            }
        }
    }
    if d.extended_working_days > 0 {
        steps.push(ExplainedStep {
            sentence: format!(
                "Extensions: {} working days in all, of at most {} ({} 「{}」), counted on from the original due date {}, which is not counted.",
                d.extended_working_days,
                extension.max_working_days,
                extension.basis.article,
                extension.basis.quote,
                d.original_due_date
            ),
            fact: Fact::Extended {
                original_due_date: d.original_due_date,
                working_days: d.extended_working_days,
                cap: extension.max_working_days,
                article: extension.basis.article.clone(),
                quote: extension.basis.quote.clone(),
            },
        });
        let mut count = Vec::new();
        extended_due(
            calendar,
            d.original_due_date,
            d.extended_working_days,
            &mut count,
        );
        steps.extend(count.into_iter().map(calendar_step));
    }
    if let Some(pending) = &d.pending_extension {
        steps.push(ExplainedStep {
            sentence: format!(
                "An extension of {} working days, asked for on {} by `{}`, awaits the approval of the {}; it must be granted before the original deadline ({}) lapses.",
                pending.working_days,
                local_date(pending.requested_at),
                pending.requested_by,
                extension.approver,
                d.original_due_date
            ),
            fact: Fact::ExtensionPending {
                working_days: pending.working_days,
                requested_by: pending.requested_by.clone(),
                requested_at: pending.requested_at,
            },
        });
    }
}

fn outcome(d: &CaseDeadline) -> ExplainedStep {
    let lapses_at = lapse_instant(d.due_date);
    let end = format!(
        "due {}, ending 23:59:59 that day (Asia/Shanghai)",
        d.due_date
    );
    let sentence = match d.status {
        DeadlineStatus::Open => format!(
            "Open: {end}; unless met, it lapses at {} and the {} is overdue.",
            lapses_at
                .with_timezone(&govflow_model::SHANGHAI)
                .to_rfc3339(),
            d.responsible
        ),
        DeadlineStatus::Met => format!("Met: {end}; the duty was done before it lapsed."),
        DeadlineStatus::Missed => format!(
            "Missed: {end}; it lapsed at {} and the {} is overdue.",
            lapses_at
                .with_timezone(&govflow_model::SHANGHAI)
                .to_rfc3339(),
            d.responsible
        ),
        DeadlineStatus::Cancelled => format!("Cancelled: {end}; the case was withdrawn."),
        DeadlineStatus::Elapsed => {
            format!("Elapsed: {end}; a notice, no one's duty: the date passed with no one overdue.")
        }
    };
    ExplainedStep {
        sentence,
        fact: Fact::Outcome {
            status: d.status,
            due_date: d.due_date,
            due_at: d.due_at,
            lapses_at,
        },
    }
}
