use crate::diagnostic::{code, did_you_mean};
use crate::docs::{
    ActionDoc, DeadlineDoc, GuardDoc, ImposedDoc, NotBeforeDoc, OpensDoc, ProcedureDoc, SpanDoc,
    TargetDoc,
};
use crate::lower::parts::Item;
use crate::lower::Sink;
use crate::source::SourceFile;
use govflow_model::{
    Action, ActionId, Anchor, CanonicalIds, ChildProvider, DayOfMonth, DeadlineId, DeadlineKind,
    DeadlineRule, Entry, ExtensionRule, GuardRef, ImposedRule, Lapse, NotBefore, Opens, Period,
    Procedure, ProcedureId, Reach, RoleId, Span, State, StateId, Target, YearOf,
    BUILTIN_EXTENSION_ACTIONS, SET_PERIOD_ACTION,
};
use std::collections::{BTreeMap, BTreeSet};

/// What a procedure may refer to.
pub(crate) struct Names<'a> {
    pub roles: BTreeSet<&'a str>,
    pub bodies: BTreeSet<&'a str>,
    /// Every procedure of the pack, so that a child case's `start` is checked against the
    /// procedure it opens.
    pub procedures: &'a BTreeMap<String, Item<ProcedureDoc>>,
    pub scripts: BTreeSet<&'a str>,
    /// Procedure id → the states recurring obligations start its cases in, besides its
    /// `initial`.
    pub entries: BTreeMap<&'a str, BTreeSet<&'a str>>,
}

/// The canonical action by which the addressee of a recurring duty declares it has
/// nothing to report for the period.
const NOTHING_TO_REPORT: &str = "nothing_to_report";

impl Names<'_> {
    fn procedure_list(&self) -> String {
        self.procedures
            .keys()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Warnings longer than this many working days ahead are a typo, not a policy.
const MAX_WARNING_WORKING_DAYS: u32 = 30;

pub(crate) fn lower_procedure(
    item: &Item<ProcedureDoc>,
    names: &Names<'_>,
    sink: &mut Sink,
) -> Procedure {
    let doc = &item.doc;
    let f: &SourceFile = &item.file;
    if !CanonicalIds::builtin().procedures.contains(&doc.id) {
        let suggestion = did_you_mean(
            &doc.id,
            CanonicalIds::builtin()
                .procedures
                .iter()
                .map(String::as_str),
        );
        let d = sink.at(
            f,
            code::NOT_CANONICAL,
            "id",
            format!("`{}` is not a canonical procedure id", doc.id),
        );
        d.help = Some(match suggestion {
            Some(s) => format!("did you mean `{s}`? (policies/vocabulary.yaml)"),
            None => "use an id from policies/vocabulary.yaml".into(),
        });
    }
    let basis = sink.basis(
        f,
        "",
        &format!("procedure `{}`", doc.id),
        &doc.article,
        &doc.quote,
    );
    for (i, role) in doc.opened_by.iter().enumerate() {
        check_role(f, &format!("opened_by[{i}]"), role, names, sink);
    }
    check_opening_requires(f, &doc.requires, sink);
    let opening_guards = lower_guards(f, "", &doc.guards, names, sink);
    let state_names: Vec<&str> = doc.states.keys().map(String::as_str).collect();
    let check_state = |sink: &mut Sink, path: &str, s: &str| {
        if !doc.states.contains_key(s) {
            let d = sink.at(
                f,
                code::UNKNOWN_REFERENCE,
                path,
                format!("unknown state `{s}`"),
            );
            d.help = Some(match did_you_mean(s, state_names.iter().copied()) {
                Some(m) => format!("did you mean `{m}`?"),
                None => format!("the states are: {}", state_names.join(", ")),
            });
        }
    };
    check_state(sink, "initial", &doc.initial);

    let mut states = BTreeMap::new();
    let mut deadline_ids = BTreeSet::new();
    for (id, s) in &doc.states {
        let mut deadlines = Vec::new();
        for (i, d) in s.deadlines.iter().enumerate() {
            let path = format!("states.{id}.deadlines[{i}]");
            if !deadline_ids.insert(d.id.clone()) {
                sink.at(
                    f,
                    code::DUPLICATE,
                    &format!("{path}.id"),
                    format!("deadline `{}` is declared twice in this procedure", d.id),
                );
            }
            if let Some(rule) = lower_deadline(f, &path, d, names, &check_state, sink) {
                deadlines.push(rule);
            }
        }
        if s.terminal && !s.deadlines.is_empty() {
            sink.at(
                f,
                code::INVALID_VALUE,
                &format!("states.{id}"),
                format!("terminal state `{id}` arms deadlines that nothing could ever meet"),
            );
        }
        let entry = s.entry.as_ref().map(|e| {
            let path = format!("states.{id}.entry");
            if id == &doc.initial || s.terminal {
                sink.at(
                    f,
                    code::ENTRY,
                    &path,
                    if s.terminal {
                        format!("`{id}` is terminal: a case started there could do nothing")
                    } else {
                        format!("`{id}` is the initial state: every case may start there already")
                    },
                )
                .help = Some(
                    "declare `entry` on the state another ladder or a child case starts in".into(),
                );
            }
            for (i, role) in e.opened_by.iter().enumerate() {
                check_role(f, &format!("{path}.opened_by[{i}]"), role, names, sink);
            }
            Entry {
                opened_by: e.opened_by.iter().map(RoleId::new).collect(),
                basis: sink.basis(
                    f,
                    &path,
                    &format!("the entry into `{id}`"),
                    &e.article,
                    &e.quote,
                ),
            }
        });
        states.insert(
            StateId::new(id),
            State {
                id: StateId::new(id),
                title: s.title.clone(),
                terminal: s.terminal,
                deadlines,
                entry,
            },
        );
    }

    let actions: Vec<Action> = doc
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            lower_action(
                f,
                &format!("actions[{i}]"),
                a,
                doc,
                names,
                &check_state,
                sink,
            )
        })
        .collect();
    let entries = names.entries.get(doc.id.as_str());
    check_reachable(item, entries, &actions, &states, sink);

    Procedure {
        id: ProcedureId::new(&doc.id),
        title: doc.title.clone(),
        basis,
        opened_by: doc.opened_by.iter().map(RoleId::new).collect(),
        requires_provider: doc.requires_provider,
        requires: doc.requires.iter().map(|r| r.trim().to_owned()).collect(),
        guards: opening_guards,
        initial: StateId::new(&doc.initial),
        states,
        actions,
    }
}

fn check_role(f: &SourceFile, path: &str, role: &str, names: &Names<'_>, sink: &mut Sink) {
    if CanonicalIds::builtin().is_body(&RoleId::from(role)) {
        if !names.bodies.contains(role) {
            sink.at(
                f,
                code::BODY,
                path,
                format!("body `{role}` is not declared in this pack's `bodies`"),
            )
            .help = Some(
                "declare it in pack.yaml under `bodies:` with the text's name for it and its article"
                    .into(),
            );
        }
        return;
    }
    let Some(reach) = canonical_reach(f, path, role, sink) else {
        return;
    };
    // A role that reaches everything is the service's operator, not a body of the city.
    if !names.roles.contains(role) && reach != Reach::Everything {
        let d = sink.at(
            f,
            code::UNKNOWN_REFERENCE,
            path,
            format!("role `{role}` is not declared in this pack's `roles`"),
        );
        d.help =
            Some("declare it in pack.yaml with the city's own name for it and its article".into());
    }
}

/// The reach of `role` in policies/vocabulary.yaml, or a diagnostic that it is not there.
pub(crate) fn canonical_reach(
    f: &SourceFile,
    path: &str,
    role: &str,
    sink: &mut Sink,
) -> Option<Reach> {
    let canonical = CanonicalIds::builtin();
    let reach = canonical.reach(&RoleId::from(role));
    if reach.is_none() {
        let d = sink.at(
            f,
            code::NOT_CANONICAL,
            path,
            format!("`{role}` is not a canonical role"),
        );
        d.help = Some(
            match did_you_mean(role, canonical.roles.keys().map(RoleId::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the roles are: {}", canonical.role_list()),
            },
        );
    }
    reach
}

fn lower_deadline(
    f: &SourceFile,
    path: &str,
    d: &DeadlineDoc,
    names: &Names<'_>,
    check_state: &dyn Fn(&mut Sink, &str, &str),
    sink: &mut Sink,
) -> Option<DeadlineRule> {
    let basis = sink.basis(
        f,
        path,
        &format!("deadline `{}`", d.id),
        &d.article,
        &d.quote,
    );
    check_role(
        f,
        &format!("{path}.responsible"),
        &d.responsible,
        names,
        sink,
    );
    let span = lower_span(f, &format!("{path}.within"), &d.within, sink);
    let from = d.from.map_or(Anchor::Received, Anchor::from);
    check_period_anchor(f, path, d, from, sink);
    if let Some(n) = d.warn_before_working_days {
        if n == 0 || n > MAX_WARNING_WORKING_DAYS {
            sink.at(
                f,
                code::INVALID_VALUE,
                &format!("{path}.warn_before_working_days"),
                format!("a warning {n} working days ahead is out of range"),
            )
            .help = Some(format!("use 1 to {MAX_WARNING_WORKING_DAYS}"));
        }
    }
    let extension = d.extension.as_ref().map(|e| {
        let epath = format!("{path}.extension");
        let ebasis = sink.basis(f, &epath, "the extension rule", &e.article, &e.quote);
        check_role(f, &format!("{epath}.approver"), &e.approver, names, sink);
        let cap = match e.max_working_days {
            Some(n) if n > 0 => n,
            Some(_) => {
                sink.at(f, code::EXTENSION_CAP, &format!("{epath}.max_working_days"), "an extension cap of 0 allows no extension")
                    .help = Some("remove the `extension` block, or give the cap the text sets".into());
                0
            }
            None => {
                sink.at(f, code::EXTENSION_CAP, &epath, format!("the extension of `{}` has no cap", d.id))
                    .help = Some("add `max_working_days:` with the cap the text sets (e.g. 延长…不超过10个工作日)".into());
                0
            }
        };
        ExtensionRule {
            max_working_days: cap,
            approver: RoleId::new(&e.approver),
            basis: ebasis,
        }
    });
    let lapse = d.on_lapse.clone().unwrap_or_default();
    if let Some(to) = &lapse.to {
        check_state(sink, &format!("{path}.on_lapse.to"), to);
    }
    match (&lapse.open, &lapse.start) {
        (Some(open), start) => {
            if !names.procedures.contains_key(open) {
                sink.at(
                    f,
                    code::UNKNOWN_REFERENCE,
                    &format!("{path}.on_lapse.open"),
                    format!("unknown procedure `{open}`"),
                )
                .help = Some(format!(
                    "this pack's procedures are: {}",
                    names.procedure_list()
                ));
            } else if let Some(start) = start {
                check_start(
                    f,
                    &format!("{path}.on_lapse.start"),
                    open,
                    start,
                    names,
                    sink,
                );
            }
        }
        (None, Some(_)) => {
            sink.at(
                f,
                code::ENTRY,
                &format!("{path}.on_lapse.start"),
                "`start` names where the opened case starts, but the lapse opens no case",
            )
            .help = Some("add `open: <procedure>`, or remove `start`".into());
        }
        (None, None) => {}
    }
    let kind = d.kind.map_or(DeadlineKind::Duty, DeadlineKind::from);
    if kind == DeadlineKind::Notice {
        check_notice(f, path, d, sink);
    }
    let imposed_by = d
        .imposed_by
        .as_ref()
        .map(|i| lower_imposed(f, path, d, i, span, names, sink));
    Some(DeadlineRule {
        id: DeadlineId::new(&d.id),
        responsible: RoleId::new(&d.responsible),
        span: span?,
        from,
        kind,
        // True unless stated: a pack marks the periods it chose; an imposed one never is.
        statutory: d.statutory.unwrap_or(imposed_by.is_none()),
        imposed_by,
        warn_before_working_days: d.warn_before_working_days,
        extension,
        on_lapse: Lapse {
            to: lapse.to.map(StateId::new),
            open: lapse.open.map(ProcedureId::new),
            start: lapse.start.map(StateId::new),
        },
        basis,
    })
}

/// A year relative to a period needs the period, and a period anchors only a fixed date:
/// a count of days from "the year 2024" has no first day the text names.
fn check_period_anchor(f: &SourceFile, path: &str, d: &DeadlineDoc, from: Anchor, sink: &mut Sink) {
    if d.within.year.is_some() && from != Anchor::Period {
        sink.at(
            f,
            code::PERIOD_ANCHOR,
            &format!("{path}.within.year"),
            format!("deadline `{}` states the year of its fixed date but is not counted `from: period`", d.id),
        )
        .help = Some("add `from: period` (the case's reporting period), or remove `year:`: a fixed date counted from receipt or entry is in that day's year".into());
    }
    if from == Anchor::Period && d.within.fixed_date.is_none() {
        sink.at(
            f,
            code::PERIOD_ANCHOR,
            &format!("{path}.from"),
            format!("deadline `{}` is counted `from: period` but is not a fixed date", d.id),
        )
        .help = Some("a period anchors a date of the cycle (`fixed_date: \"01-10\"`, with `year:`); count a period of days from `received`, `event` or `entered`".into());
    }
}

/// A notice is no one's duty: nothing may extend it, and its passing opens no penalty.
fn check_notice(f: &SourceFile, path: &str, d: &DeadlineDoc, sink: &mut Sink) {
    let help = "a notice only marks a date; declare a duty (`kind: duty`) if someone can be late";
    if d.extension.is_some() {
        sink.at(
            f,
            code::NOTICE,
            &format!("{path}.extension"),
            format!("notice `{}` cannot be extended: no one owes it", d.id),
        )
        .help = Some(help.into());
    }
    if d.imposed_by.is_some() {
        sink.at(
            f,
            code::NOTICE,
            &format!("{path}.imposed_by"),
            format!("notice `{}` has no period to impose: no one owes it", d.id),
        )
        .help = Some(help.into());
    }
    if d.on_lapse.as_ref().is_some_and(|l| l.open.is_some()) {
        sink.at(
            f,
            code::NOTICE,
            &format!("{path}.on_lapse.open"),
            format!(
                "notice `{}` cannot open a penalty case: its passing is no one's breach",
                d.id
            ),
        )
        .help = Some(format!(
            "{help}; a notice may move the case (`on_lapse: {{to: …}}`)"
        ));
    }
}

/// The imposer of a period the text leaves to the order, and the bounds it sets within.
fn lower_imposed(
    f: &SourceFile,
    path: &str,
    d: &DeadlineDoc,
    imposed: &ImposedDoc,
    default: Option<Span>,
    names: &Names<'_>,
    sink: &mut Sink,
) -> ImposedRule {
    let ipath = format!("{path}.imposed_by");
    let basis = sink.basis(
        f,
        &ipath,
        "the imposed period",
        &imposed.article,
        &imposed.quote,
    );
    check_role(f, &format!("{ipath}.role"), &imposed.role, names, sink);
    if d.statutory == Some(true) {
        sink.at(
            f,
            code::IMPOSED_PERIOD,
            &format!("{path}.statutory"),
            format!(
                "`{}` is imposed by `{}`, so its period is not the text's",
                d.id, imposed.role
            ),
        )
        .help = Some("remove `statutory: true`: an imposed period is never statutory".into());
    }
    match (imposed.max_working_days, default) {
        (Some(0), _) => {
            sink.at(
                f,
                code::IMPOSED_PERIOD,
                &format!("{ipath}.max_working_days"),
                "a bound of 0 working days allows no period",
            )
            .help = Some("give the longest period the text allows, or leave the bound out".into());
        }
        (Some(max), Some(Span::Period(Period::WorkingDays(n)))) if n > max => {
            sink.at(
                f,
                code::IMPOSED_PERIOD,
                &format!("{path}.within"),
                format!("the default of {n} working days is over the imposer's bound of {max}"),
            )
            .help = Some("the default must be a period the imposer could set".into());
        }
        (Some(_), Some(Span::Period(Period::WorkingDays(_))) | None) | (None, _) => {}
        (Some(_), Some(_)) => {
            sink.at(
                f,
                code::IMPOSED_PERIOD,
                &format!("{path}.within"),
                "a bound in working days needs a default in working days",
            )
            .help =
                Some("give `within: {working_days: N}`, or leave `max_working_days` out".into());
        }
    }
    ImposedRule {
        role: RoleId::new(&imposed.role),
        max_working_days: imposed.max_working_days,
        basis,
    }
}

/// An earliest day for an action: a counted period (no fixed date) from an anchor.
fn lower_not_before(
    f: &SourceFile,
    path: &str,
    gate: &NotBeforeDoc,
    sink: &mut Sink,
) -> Option<NotBefore> {
    let npath = format!("{path}.not_before");
    let basis = sink.basis(f, &npath, "the not-before gate", &gate.article, &gate.quote);
    if gate.after.fixed_date.is_some() {
        sink.at(
            f,
            code::NOT_BEFORE,
            &format!("{npath}.after.fixed_date"),
            "a not-before gate counts a period, not a fixed date",
        )
        .help = Some(
            "give one of `working_days`, `days`, `months`, `years` (满一年后 → `years: 1`)".into(),
        );
        return None;
    }
    let period = match lower_span(f, &format!("{npath}.after"), &gate.after, sink)? {
        Span::Period(p) => p,
        Span::Fixed { .. } => return None,
    };
    let zero = matches!(
        period,
        Period::WorkingDays(0) | Period::Days(0) | Period::Months(0) | Period::Years(0)
    );
    if zero {
        sink.at(
            f,
            code::NOT_BEFORE,
            &format!("{npath}.after"),
            "a not-before gate of 0 holds nothing back",
        )
        .help = Some("give the period that must pass, or remove the gate".into());
    }
    Some(NotBefore {
        period,
        from: gate.from.map_or(Anchor::Received, Anchor::from),
        basis,
    })
}

fn lower_span(f: &SourceFile, path: &str, s: &SpanDoc, sink: &mut Sink) -> Option<Span> {
    let mut given = Vec::new();
    if let Some(n) = s.working_days {
        given.push(Span::Period(Period::WorkingDays(n)));
    }
    if let Some(n) = s.days {
        given.push(Span::Period(Period::Days(n)));
    }
    if let Some(n) = s.months {
        given.push(Span::Period(Period::Months(n)));
    }
    if let Some(n) = s.years {
        given.push(Span::Period(Period::Years(n)));
    }
    if let Some(text) = &s.fixed_date {
        match parse_fixed_date(text) {
            Some(Span::Fixed { month, day, .. }) => given.push(Span::Fixed {
                month,
                day,
                year: s.year.map_or(YearOf::Same, YearOf::from),
            }),
            Some(span) => given.push(span),
            None => {
                sink.at(
                    f,
                    code::DEADLINE_SPAN,
                    &format!("{path}.fixed_date"),
                    format!("`{text}` is not a date of the year"),
                )
                .help = Some(
                    "write `MM-DD` (`01-10` for 1月上旬) or `MM-last` (`01-last` for 1月底)".into(),
                );
                return None;
            }
        }
    }
    match given.len() {
        1 => Some(given[0]),
        0 => {
            sink.at(f, code::DEADLINE_SPAN, path, "the deadline has no period")
                .help = Some(
                "give exactly one of `working_days`, `days`, `months`, `years`, `fixed_date`"
                    .into(),
            );
            None
        }
        _ => {
            sink.at(
                f,
                code::DEADLINE_SPAN,
                path,
                "the deadline gives more than one period",
            )
            .help = Some(
                "give exactly one of `working_days`, `days`, `months`, `years`, `fixed_date`"
                    .into(),
            );
            None
        }
    }
}

/// `01-10` → January 10; `02-last` → the last day of February.
pub(crate) fn parse_fixed_date(text: &str) -> Option<Span> {
    let (m, d) = text.split_once('-')?;
    let month: u32 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
    let day = if d == "last" {
        DayOfMonth::Last
    } else {
        let day: u32 = d.parse().ok()?;
        // Only a date every year has: 2001 is not a leap year, so `02-29` is refused and
        // the author writes `02-last` (2月底) instead.
        chrono::NaiveDate::from_ymd_opt(2001, month, day)?;
        DayOfMonth::Day(day)
    };
    Some(Span::Fixed {
        month,
        day,
        year: YearOf::Same,
    })
}

fn lower_action(
    f: &SourceFile,
    path: &str,
    a: &ActionDoc,
    doc: &ProcedureDoc,
    names: &Names<'_>,
    check_state: &dyn Fn(&mut Sink, &str, &str),
    sink: &mut Sink,
) -> Action {
    let basis = sink.basis(f, path, &format!("action `{}`", a.id), &a.article, &a.quote);
    let actions = &CanonicalIds::builtin().actions;
    if BUILTIN_EXTENSION_ACTIONS.contains(&a.id.as_str()) {
        sink.at(f, code::INVALID_VALUE, &format!("{path}.id"), format!("`{}` is built in", a.id))
            .help = Some("declare an `extension` block on the deadline instead; the engine offers the extension actions".into());
    } else if a.id == SET_PERIOD_ACTION {
        sink.at(f, code::INVALID_VALUE, &format!("{path}.id"), format!("`{}` is built in", a.id))
            .help = Some("declare `imposed_by` on the deadline instead; the engine offers `set_period` to the imposer".into());
    } else if !actions.contains(&a.id) {
        let d = sink.at(
            f,
            code::NOT_CANONICAL,
            &format!("{path}.id"),
            format!("`{}` is not a canonical action", a.id),
        );
        d.help = Some(
            match did_you_mean(&a.id, actions.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the actions are: {}", actions.join(", ")),
            },
        );
    }
    for (i, s) in a.from.iter().enumerate() {
        check_state(sink, &format!("{path}.from[{i}]"), s);
        if doc.states.get(s).is_some_and(|s| s.terminal) {
            sink.at(
                f,
                code::INVALID_VALUE,
                &format!("{path}.from[{i}]"),
                format!("`{s}` is terminal; no action may leave it"),
            );
        }
    }
    if a.from.is_empty() {
        sink.at(
            f,
            code::INVALID_VALUE,
            &format!("{path}.from"),
            format!("action `{}` can be taken in no state", a.id),
        );
    }
    for (i, r) in a.roles.iter().enumerate() {
        check_role(f, &format!("{path}.roles[{i}]"), r, names, sink);
    }
    if a.id == NOTHING_TO_REPORT {
        check_nothing_to_report(f, path, a, doc, sink);
    }
    if a.roles.is_empty() {
        sink.at(
            f,
            code::INVALID_VALUE,
            &format!("{path}.roles"),
            format!("action `{}` names no role that may take it", a.id),
        );
    }
    let to = match &a.to {
        TargetDoc::State(s) => {
            check_state(sink, &format!("{path}.to"), s);
            Target::State(StateId::new(s))
        }
        TargetDoc::ByDecision(choices) => {
            for (decision, s) in choices {
                check_state(sink, &format!("{path}.to.{decision}"), s);
            }
            Target::ByDecision(
                choices
                    .iter()
                    .map(|(d, s)| (d.clone(), StateId::new(s)))
                    .collect(),
            )
        }
    };
    let guards = lower_guards(f, path, &a.guards, names, sink);
    if a.jointly {
        check_joint(f, path, a, sink);
    }
    let opens = a
        .opens
        .as_ref()
        .and_then(|o| lower_opens(f, &format!("{path}.opens"), o, a, names, sink));
    if let Some(deadline) = &a.sets_period {
        check_sets_period(f, path, deadline, &to, doc, sink);
    }
    let not_before = a
        .not_before
        .as_ref()
        .and_then(|g| lower_not_before(f, path, g, sink));
    Action {
        id: ActionId::new(&a.id),
        from: a.from.iter().map(StateId::new).collect(),
        to,
        roles: a.roles.iter().map(RoleId::new).collect(),
        requires: a.requires.clone(),
        sets_provider: a.sets_provider,
        cancels_deadlines: a.cancels_deadlines,
        not_before,
        sets_period: a.sets_period.as_deref().map(DeadlineId::new),
        guards,
        jointly: a.jointly,
        opens,
        basis,
    }
}

fn lower_guards(
    f: &SourceFile,
    path: &str,
    guards: &[GuardDoc],
    names: &Names<'_>,
    sink: &mut Sink,
) -> Vec<GuardRef> {
    let prefix = if path.is_empty() {
        String::new()
    } else {
        format!("{path}.")
    };
    guards
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let gpath = format!("{prefix}guards[{i}]");
            if !names.scripts.contains(g.script.as_str()) {
                sink.at(
                    f,
                    code::UNKNOWN_REFERENCE,
                    &format!("{gpath}.script"),
                    format!("no script `scripts/{}.rhai` in this pack", g.script),
                )
                .help = Some(
                    match did_you_mean(&g.script, names.scripts.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "add the script, or fix its name".into(),
                    },
                );
            }
            GuardRef {
                script: g.script.clone(),
                message: g.message.clone(),
                basis: sink.basis(
                    f,
                    &gpath,
                    &format!("guard `{}`", g.script),
                    &g.article,
                    &g.quote,
                ),
            }
        })
        .collect()
}

/// The fields of a submission that are not in its `data`: an opening `requires` never
/// sees them (GF0028).
const SUBMISSION_FIELDS: [&str; 6] = [
    "city",
    "procedure",
    "provider",
    "subject",
    "received_at",
    "data",
];

fn check_opening_requires(f: &SourceFile, requires: &[String], sink: &mut Sink) {
    for (i, field) in requires.iter().enumerate() {
        let path = format!("requires[{i}]");
        let name = field.trim();
        if name.is_empty() {
            sink.at(
                f,
                code::OPENING_FIELD,
                &path,
                "a required field has no name",
            )
            .help =
                Some("name the field of the submission's `data` (`application_scenario`)".into());
        } else if let Some(top) = SUBMISSION_FIELDS.iter().find(|t| **t == name) {
            sink.at(
                f,
                code::OPENING_FIELD,
                &path,
                format!("`{top}` is a field of the submission, not of its `data`"),
            )
            .help = Some(if *top == "provider" {
                "use `requires_provider: true`".into()
            } else {
                format!("`requires:` names fields of `data`; `{top}` cannot be required here")
            });
        } else if requires[..i].iter().any(|r| r.trim() == name) {
            sink.at(
                f,
                code::DUPLICATE,
                &path,
                format!("`{name}` is required twice"),
            );
        }
    }
}

/// `nothing_to_report` closes the case with nothing owed: it leaves only states that arm
/// a deadline, leads only to terminal states and cancels (does not meet) the deadlines.
fn check_nothing_to_report(
    f: &SourceFile,
    path: &str,
    a: &ActionDoc,
    doc: &ProcedureDoc,
    sink: &mut Sink,
) {
    let targets: Vec<&String> = match &a.to {
        TargetDoc::State(s) => vec![s],
        TargetDoc::ByDecision(choices) => choices.values().collect(),
    };
    for s in targets {
        if doc.states.get(s).is_some_and(|s| !s.terminal) {
            sink.at(
                f,
                code::NOTHING_TO_REPORT,
                &format!("{path}.to"),
                format!("`{NOTHING_TO_REPORT}` leads to `{s}`, which is not terminal"),
            )
            .help = Some(
                "nothing is owed for the period: the case ends; lead to a terminal state".into(),
            );
        }
    }
    for (i, s) in a.from.iter().enumerate() {
        if doc.states.get(s).is_some_and(|s| s.deadlines.is_empty()) {
            sink.at(
                f,
                code::NOTHING_TO_REPORT,
                &format!("{path}.from[{i}]"),
                format!("`{s}` arms no deadline: there is no duty to declare nothing for"),
            )
            .help = Some("take it from the state whose deadline the recurring duty sets".into());
        }
    }
    if !a.cancels_deadlines {
        sink.at(f, code::NOTHING_TO_REPORT, path, format!("`{NOTHING_TO_REPORT}` must cancel the deadlines it ends"))
            .help = Some("add `cancels_deadlines: true`: a duty with nothing to report is not met, it was never owed".into());
    }
}

/// A joint act needs at least two distinct holders, each of a role that reaches the case
/// on its own (a department or the city), so that every one of them can take it.
fn check_joint(f: &SourceFile, path: &str, a: &ActionDoc, sink: &mut Sink) {
    let distinct: BTreeSet<&str> = a.roles.iter().map(String::as_str).collect();
    if distinct.len() < 2 {
        sink.at(
            f,
            code::JOINT_ACT,
            &format!("{path}.jointly"),
            format!(
                "joint act `{}` names {} role; a joint act is taken by every role or body in `roles`",
                a.id,
                distinct.len()
            ),
        )
        .help = Some(
            "list every body the text names (会同, 联合) in `roles`, or remove `jointly`".into(),
        );
    }
    if distinct.len() != a.roles.len() {
        sink.at(
            f,
            code::JOINT_ACT,
            &format!("{path}.roles"),
            format!("joint act `{}` names a role twice", a.id),
        );
    }
    for (i, role) in a.roles.iter().enumerate() {
        if RoleId::from(role.as_str()).reach() == Some(Reach::Everything) {
            sink.at(
                f,
                code::JOINT_ACT,
                &format!("{path}.roles[{i}]"),
                format!("`{role}` operates the service; it is not a body that takes part in a joint act"),
            )
            .help = Some("name the bodies the text names".into());
        }
    }
}

fn lower_opens(
    f: &SourceFile,
    path: &str,
    o: &OpensDoc,
    a: &ActionDoc,
    names: &Names<'_>,
    sink: &mut Sink,
) -> Option<Opens> {
    if !names.procedures.contains_key(&o.procedure) {
        sink.at(
            f,
            code::CHILD_CASE,
            &format!("{path}.procedure"),
            format!(
                "the child case's procedure `{}` is not in this pack",
                o.procedure
            ),
        )
        .help = Some(format!(
            "this pack's procedures are: {}",
            names.procedure_list()
        ));
        return None;
    }
    if let Some(start) = &o.start {
        check_start(
            f,
            &format!("{path}.start"),
            &o.procedure,
            start,
            names,
            sink,
        );
    }
    if let Some(decision) = &o.on_decision {
        let decisions: Vec<&str> = match &a.to {
            TargetDoc::ByDecision(choices) => choices.keys().map(String::as_str).collect(),
            TargetDoc::State(_) => Vec::new(),
        };
        if !decisions.contains(&decision.as_str()) {
            sink.at(
                f,
                code::CHILD_CASE,
                &format!("{path}.on_decision"),
                format!("`{decision}` is not a decision of `{}`", a.id),
            )
            .help = Some(if decisions.is_empty() {
                "the action leads to one state; remove `on_decision`".into()
            } else {
                format!("the decisions are: {}", decisions.join(", "))
            });
        }
    }
    let provider = o.provider.map_or(ChildProvider::Case, ChildProvider::from);
    if provider == ChildProvider::Data && !a.requires.iter().any(|r| r == "provider") {
        sink.at(
            f,
            code::CHILD_CASE,
            &format!("{path}.provider"),
            format!(
                "the child is addressed to `data.provider`, which `{}` does not require",
                a.id
            ),
        )
        .help = Some("add `provider` to the action's `requires`".into());
    }
    Some(Opens {
        procedure: ProcedureId::new(&o.procedure),
        start: o.start.as_deref().map(StateId::new),
        provider,
        on_decision: o.on_decision.clone(),
    })
}

/// A case opened by another case starts in `initial` or in a state declared `entry`.
fn check_start(
    f: &SourceFile,
    path: &str,
    procedure: &str,
    start: &str,
    names: &Names<'_>,
    sink: &mut Sink,
) {
    let Some(target) = names.procedures.get(procedure) else {
        return;
    };
    let entries: Vec<&str> = target
        .doc
        .states
        .iter()
        .filter(|(_, s)| s.entry.is_some())
        .map(|(id, _)| id.as_str())
        .collect();
    let problem = match target.doc.states.get(start) {
        None => format!("`{start}` is not a state of `{procedure}`"),
        Some(s) if s.entry.is_none() && start != target.doc.initial => {
            format!("`{start}` is not an entry of `{procedure}`")
        }
        Some(_) => return,
    };
    sink.at(f, code::ENTRY, path, problem).help = Some(if entries.is_empty() {
        format!(
            "declare `entry:` (article, quote) on the state of `{procedure}` the case starts in"
        )
    } else {
        format!(
            "the entries of `{procedure}` are: {}; or declare `entry:` on the state",
            entries.join(", ")
        )
    });
}

/// `sets_period` names a duty every state the action leads to arms: the period is set on
/// the deadline the action has just armed.
fn check_sets_period(
    f: &SourceFile,
    path: &str,
    deadline: &str,
    to: &Target,
    doc: &ProcedureDoc,
    sink: &mut Sink,
) {
    let spath = format!("{path}.sets_period");
    for state in to.states() {
        let Some(s) = doc.states.get(state.as_str()) else {
            continue;
        };
        match s.deadlines.iter().find(|d| d.id == deadline) {
            None => {
                let armed: Vec<&str> = s.deadlines.iter().map(|d| d.id.as_str()).collect();
                sink.at(
                    f,
                    code::SETS_PERIOD,
                    &spath,
                    format!(
                        "state `{state}`, where the action leads, arms no deadline `{deadline}`"
                    ),
                )
                .help = Some(if armed.is_empty() {
                    format!("`{state}` arms no deadline; name one the action's target state arms")
                } else {
                    format!("`{state}` arms: {}", armed.join(", "))
                });
            }
            Some(d) if d.kind == Some(crate::docs::KindDoc::Notice) => {
                sink.at(
                    f,
                    code::SETS_PERIOD,
                    &spath,
                    format!("`{deadline}` is a notice; no one's period is set by an act"),
                );
            }
            Some(_) => {}
        }
    }
}

/// Every state must be reachable from the initial one (or a state a recurring obligation
/// starts in) by actions or lapses.
fn check_reachable(
    item: &Item<ProcedureDoc>,
    entries: Option<&BTreeSet<&str>>,
    actions: &[Action],
    states: &BTreeMap<StateId, State>,
    sink: &mut Sink,
) {
    let doc = &item.doc;
    let roots: BTreeSet<StateId> = std::iter::once(doc.initial.as_str())
        .chain(entries.into_iter().flatten().copied())
        .map(StateId::new)
        .chain(
            states
                .values()
                .filter(|s| s.entry.is_some())
                .map(|s| s.id.clone()),
        )
        .collect();
    let mut seen = roots.clone();
    let mut todo: Vec<StateId> = roots.into_iter().collect();
    while let Some(s) = todo.pop() {
        let by_action = actions
            .iter()
            .filter(|a| a.from.contains(&s))
            .flat_map(|a| a.to.states().into_iter().cloned());
        let by_lapse = states
            .get(&s)
            .into_iter()
            .flat_map(|st| st.deadlines.iter().filter_map(|d| d.on_lapse.to.clone()));
        for next in by_action.chain(by_lapse).collect::<Vec<_>>() {
            if seen.insert(next.clone()) {
                todo.push(next);
            }
        }
    }
    for id in doc.states.keys() {
        if !seen.contains(&StateId::new(id)) {
            sink.at(
                &item.file,
                code::UNREACHABLE_STATE,
                &format!("states.{id}"),
                format!(
                    "state `{id}` cannot be reached from `{}` or from an entry",
                    doc.initial
                ),
            )
            .help = Some(
                "add an action or a lapse that leads to it, declare it an `entry`, or remove it"
                    .into(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_fixed_date;
    use govflow_model::{DayOfMonth, Span, YearOf};

    #[test]
    fn fixed_dates_must_exist_every_year() {
        assert_eq!(
            parse_fixed_date("01-10"),
            Some(Span::Fixed {
                month: 1,
                day: DayOfMonth::Day(10),
                year: YearOf::Same,
            })
        );
        assert_eq!(
            parse_fixed_date("02-last"),
            Some(Span::Fixed {
                month: 2,
                day: DayOfMonth::Last,
                year: YearOf::Same,
            })
        );
        assert_eq!(parse_fixed_date("02-29"), None);
        assert_eq!(parse_fixed_date("04-31"), None);
        assert_eq!(parse_fixed_date("13-01"), None);
    }
}
