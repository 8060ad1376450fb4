//! What the board and the case list know of one case: its department, whether it is open,
//! its light, when it closed. Pure: the cases and packs come in, nothing is read.

use crate::light::{light, Happened, Light};
use govflow_model::{Calendar, Case, CaseId, DeadlineKind, DeadlineStatus, NaiveDate, Pack};
use std::collections::HashSet;

/// Shown for a case addressed to no department whose duty falls on no named role.
pub const NO_DEPARTMENT: &str = "（未指定部门）";

#[derive(Debug, Clone)]
pub struct CaseFacts {
    pub case: Case,
    /// The department that answers for the case: the one it is addressed to (数据提供部门),
    /// else the pack's name for the role its deadline falls on.
    pub department: String,
    pub open: bool,
    /// The local date the case entered a terminal state.
    pub closed_on: Option<NaiveDate>,
    /// The light of an open case; none once closed.
    pub light: Option<Light>,
    /// A penalty case (督办): opened by a lapse of another case. It counts only as 督办中
    /// while open, never as a 办件 received, open or closed.
    pub penalty: bool,
    /// An open penalty case (督办中).
    pub supervising: bool,
    /// The earliest due date of the case's open duties.
    pub next_due: Option<NaiveDate>,
    /// Working days from today to `next_due` (negative once past).
    pub remaining: Option<i64>,
}

/// The facts of every case, with the lights of each case's own pack rule and the
/// penalty cases' lapses carried to their parents.
pub fn facts<'a>(
    cases: Vec<Case>,
    pack_of: impl Fn(&Case) -> Option<&'a Pack>,
    calendar: &Calendar,
    today: NaiveDate,
) -> Vec<CaseFacts> {
    let supervision_lapsed: HashSet<CaseId> = cases
        .iter()
        .filter(|c| lapsed_penalty(c, pack_of(c)))
        .filter_map(|c| c.parent.clone())
        .collect();
    cases
        .into_iter()
        .map(|case| {
            let (pack, lapsed) = (pack_of(&case), supervision_lapsed.contains(&case.id));
            case_facts(case, pack, lapsed, calendar, today)
        })
        .collect()
}

/// Whether `case` is a penalty case (督办): it has a parent and its procedure is what a
/// deadline's lapse opens in its pack.
pub fn is_penalty(case: &Case, pack: Option<&Pack>) -> bool {
    case.parent.is_some()
        && pack.is_some_and(|pack| {
            pack.procedures.values().any(|p| {
                p.deadline_rules()
                    .any(|(_, d)| d.on_lapse.open.as_ref() == Some(&case.procedure))
            })
        })
}

/// Whether `case` is in a state that is not terminal under its pack (open when the pack
/// cannot say).
pub fn is_open(case: &Case, pack: Option<&Pack>) -> bool {
    pack.and_then(|p| p.procedure(case.procedure.as_str()))
        .and_then(|p| p.state(&case.state))
        .is_none_or(|s| !s.terminal)
}

/// An open penalty case: one the 督办 queue lists and the board counts as 督办中.
pub fn is_supervising(case: &Case, pack: Option<&Pack>) -> bool {
    is_open(case, pack) && is_penalty(case, pack)
}

/// A penalty case with a lapsed duty: its parent's `supervision_lapse` happened.
pub fn lapsed_penalty(case: &Case, pack: Option<&Pack>) -> bool {
    case.overdue && is_penalty(case, pack)
}

/// The facts of one case under its pack; `supervision_lapsed`: a penalty case it opened
/// has a lapsed duty.
pub fn case_facts(
    case: Case,
    pack: Option<&Pack>,
    supervision_lapsed: bool,
    calendar: &Calendar,
    today: NaiveDate,
) -> CaseFacts {
    let open = is_open(&case, pack);
    let mut happened = Happened::of(&case);
    happened.supervision_lapse = supervision_lapsed;
    let rule = pack.map(|p| p.board).unwrap_or_default();
    let next_due = case
        .deadlines
        .iter()
        .filter(|d| d.status == DeadlineStatus::Open && d.kind == DeadlineKind::Duty)
        .map(|d| d.due_date)
        .min();
    let is_penalty = is_penalty(&case, pack);
    CaseFacts {
        department: department(pack, &case),
        open,
        closed_on: (!open).then(|| govflow_model::local_date(case.entered_at)),
        light: open.then(|| light(&rule, happened)),
        penalty: is_penalty,
        supervising: open && is_penalty,
        remaining: next_due
            .filter(|_| open)
            .map(|d| working_days(calendar, today, d)),
        next_due: next_due.filter(|_| open),
        case,
    }
}

fn department(pack: Option<&Pack>, case: &Case) -> String {
    if let Some(p) = case.provider.as_deref().filter(|p| !p.is_empty()) {
        return p.to_owned();
    }
    let responsible = case
        .deadlines
        .iter()
        .rev()
        .find(|d| d.status == DeadlineStatus::Open)
        .or(case.deadlines.last())
        .map(|d| &d.responsible);
    responsible
        .and_then(|r| pack.and_then(|p| p.holder(r)))
        .map(|r| r.name.clone())
        .unwrap_or_else(|| NO_DEPARTMENT.to_owned())
}

/// Working days after `from` up to and including `to`; negative, counted back, when `to`
/// is earlier.
pub fn working_days(calendar: &Calendar, from: NaiveDate, to: NaiveDate) -> i64 {
    let (start, end, sign) = if to >= from {
        (from, to, 1)
    } else {
        (to, from, -1)
    };
    let count = start
        .iter_days()
        .skip(1)
        .take_while(|d| *d <= end)
        .filter(|d| calendar.is_workday(*d))
        .count();
    sign * i64::try_from(count).unwrap_or(i64::MAX)
}
