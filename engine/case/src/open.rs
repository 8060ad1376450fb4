//! Opening a case: the procedure must exist in the city, the regulation must govern the
//! receipt date, the opener must hold a role the procedure allows, and the submission must
//! carry what the procedure requires and pass its guards.

use crate::authorize::require_role_to_open;
use crate::deadlines::arm;
use crate::guards::{require_fields, require_guards, GuardInput};
use crate::transition::{Context, Effect, OpenCase, Transition};
use crate::Refusal;
use govflow_model::RegulationStatus;
use govflow_model::{
    local_date, Actor, Anchor, Case, CaseId, DataResource, EventKind, Opener, Procedure, StateId,
};
use serde_json::{Map, Value};

/// What a guard on the submission sees as `action`.
const OPENING_ACTION: &str = "open";

pub(crate) fn open(
    ctx: &Context<'_>,
    new_id: &mut dyn FnMut() -> CaseId,
    request: &OpenCase,
    actor: &Actor,
) -> Result<Transition, Refusal> {
    let pack = ctx.pack;
    let procedure =
        pack.procedure(request.procedure.as_str())
            .ok_or_else(|| Refusal::UnknownProcedure {
                city: pack.city.to_string(),
                procedure: request.procedure.to_string(),
                offered: pack
                    .procedures
                    .keys()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
    let received_at = request.received_at.unwrap_or(ctx.now);
    let received_date = local_date(received_at);
    let regulation = &pack.regulation;
    // A penalty case carries on a duty received while the regulation was in force (聊城
    // 第四十条: such a case runs to completion under it), so only a new request is held
    // to the window.
    if request.parent.is_none() && !regulation.in_force_on(received_date) {
        let window = match regulation.effective_until {
            Some(until) => format!("from {} to {until}", regulation.effective_from),
            None => format!("from {}", regulation.effective_from),
        };
        return Err(Refusal::NotInForce {
            document: if regulation.document.is_empty() {
                regulation.title.clone()
            } else {
                format!("{}, {}", regulation.title, regulation.document)
            },
            received: received_date,
            window,
            article: regulation.basis.article.clone(),
        });
    }
    if received_at > ctx.now {
        return Err(Refusal::InvalidField {
            field: "received_at".into(),
            help: format!(
                "`{}` is later than now ({}); a request cannot be received in the future",
                received_at.to_rfc3339(),
                ctx.now.to_rfc3339()
            ),
        });
    }
    let state = start_state(procedure, request, actor)?;
    if request.parent.is_none() {
        match procedure.state(&state).and_then(|s| s.entry.as_ref()) {
            // A case opened by hand in an entry state: the entry says who may.
            Some(entry) if state != procedure.initial && actor.id != Actor::SYSTEM_ID => {
                require_role_to_open(pack, procedure, &entry.opened_by, &entry.basis, actor)?
            }
            _ => require_role_to_open(
                pack,
                procedure,
                &procedure.opened_by,
                &procedure.basis,
                actor,
            )?,
        }
    }
    let provider = request
        .provider
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned);
    if procedure.requires_provider && provider.is_none() {
        return Err(Refusal::MissingField {
            field: "provider".into(),
            help: format!(
                "a `{}` case is addressed to the department that must act ({})",
                procedure.id, procedure.basis.article
            ),
        });
    }
    check_resource(pack, &request.data)?;
    let period = check_period(procedure, request.period)?;
    let mut case = Case {
        // Drawn only once the request is accepted (below): a refusal uses up no id.
        id: CaseId::new(""),
        city: pack.city.clone(),
        procedure: procedure.id.clone(),
        state,
        overdue: false,
        parent: request.parent.clone(),
        pack_version: pack.version.clone(),
        // A case received inside the window is governed by a regulation then in force,
        // even if it has lapsed since (聊城 第四十条); a draft stays a draft.
        regulation_status: match regulation.status {
            RegulationStatus::Draft => RegulationStatus::Draft,
            _ => RegulationStatus::InForce,
        },
        received_at,
        received_date,
        opened_by: Opener {
            actor: actor.id.clone(),
            department: actor.department.clone(),
        },
        provider,
        subject: request.subject.clone(),
        period,
        data: request.data.clone(),
        decision: None,
        deadlines: Vec::new(),
        joint: Vec::new(),
        entered_at: ctx.now,
        created_at: ctx.now,
        updated_at: ctx.now,
        revision: 1,
    };
    // A penalty case is opened by a lapse, not submitted: the submission's checks are for
    // a request, as the opener's role is.
    if request.parent.is_none() {
        check_submission(ctx, procedure, &case, actor)?;
    }
    case.id = new_id();
    let mut effects = vec![opened_event(ctx, &case, procedure, actor)];
    if let Some(state) = procedure.state(&case.state) {
        // A case received in the past counts its initial deadlines from receipt.
        let entry = Context {
            now: received_at.min(ctx.now),
            ..*ctx
        };
        arm(&entry, &mut case, state, &mut effects);
    }
    Ok(Transition { case, effects })
}

/// The earliest and latest reporting period a case may be for: years, not typos.
const PERIODS: std::ops::RangeInclusive<i32> = 1949..=2999;

/// A procedure that counts a deadline `from: period` needs the period the case is for;
/// one that does not takes a period as a label of the cycle.
fn check_period(procedure: &Procedure, period: Option<i32>) -> Result<Option<i32>, Refusal> {
    let counted = procedure
        .deadline_rules()
        .find(|(_, rule)| rule.from == Anchor::Period);
    match (period, counted) {
        (Some(year), _) if !PERIODS.contains(&year) => Err(Refusal::InvalidField {
            field: "period".into(),
            help: format!(
                "`{year}` is not a reporting year; give the year the case is for, from {} to {}",
                PERIODS.start(),
                PERIODS.end()
            ),
        }),
        (None, Some((_, rule))) => Err(Refusal::MissingField {
            field: "period".into(),
            help: format!(
                "a `{}` case is for a reporting period: its deadline `{}` is a date of that cycle ({}); give the year, e.g. `\"period\": 2024`",
                procedure.id, rule.id, rule.basis.article
            ),
        }),
        (period, _) => Ok(period),
    }
}

/// The procedure's `requires:` and `guards:` on the submission. The guards see the
/// submission's `data`, the actor, and the case as it would open (no id, no deadlines yet).
fn check_submission(
    ctx: &Context<'_>,
    procedure: &Procedure,
    case: &Case,
    actor: &Actor,
) -> Result<(), Refusal> {
    require_fields(
        procedure.requires.iter().map(String::as_str),
        &case.data,
        &format!("a `{}` submission", procedure.id),
        &procedure.basis.article,
    )?;
    let input = GuardInput {
        case,
        action: OPENING_ACTION,
        data: &case.data,
        actor,
    };
    require_guards(ctx.guards, &procedure.guards, &input)
}

/// The state the case starts in. The system (a recurring obligation, a lapse, an action
/// of another case) may start a case in any state the loader has checked; whoever opens
/// by hand only in `initial` or a state the procedure declares an `entry`.
fn start_state(
    procedure: &Procedure,
    request: &OpenCase,
    actor: &Actor,
) -> Result<StateId, Refusal> {
    let Some(start) = &request.start else {
        return Ok(procedure.initial.clone());
    };
    let by_hand = request.parent.is_none() && actor.id != Actor::SYSTEM_ID;
    match procedure.state(start) {
        Some(s) if !by_hand || s.entry.is_some() || *start == procedure.initial => {
            Ok(start.clone())
        }
        found => {
            let entries: Vec<&str> = procedure.entries().map(|(s, _)| s.id.as_str()).collect();
            Err(Refusal::InvalidField {
                field: "start".into(),
                help: format!(
                    "`{start}` is {} of `{}`; a case may be opened in `{}`{}",
                    if found.is_some() {
                        "not an entry"
                    } else {
                        "not a state"
                    },
                    procedure.id,
                    procedure.initial,
                    if entries.is_empty() {
                        String::new()
                    } else {
                        format!(" or in an entry: {}", entries.join(", "))
                    }
                ),
            })
        }
    }
}

fn opened_event(ctx: &Context<'_>, case: &Case, procedure: &Procedure, actor: &Actor) -> Effect {
    Effect::Emit(case.event(
        ctx.now,
        actor.id.clone(),
        EventKind::Opened {
            procedure: procedure.id.clone(),
            state: case.state.clone(),
            parent: case.parent.clone(),
        },
        Some(procedure.basis.article.clone()),
    ))
}

/// A case that carries a catalog entry (`data.resource`) must classify it lawfully.
fn check_resource(pack: &govflow_model::Pack, data: &Map<String, Value>) -> Result<(), Refusal> {
    let Some(resource) = data.get("resource") else {
        return Ok(());
    };
    let resource: DataResource =
        serde_json::from_value(resource.clone()).map_err(|e| Refusal::InvalidField {
            field: "data.resource".into(),
            help: format!(
                "a data resource has `sharing`, `opening`, `base_database`, `legal_basis`, `legal_basis_kind`, `filing` and `use`: {e}"
            ),
        })?;
    let violations = pack.classification.check(&resource);
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Refusal::Classification(violations))
    }
}
