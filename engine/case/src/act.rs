//! Taking an action on a case.

use crate::authorize::{require_city, require_role};
use crate::deadlines::{arm, close_state};
use crate::extension;
use crate::guards::{require_fields, require_guards, GuardInput};
use crate::period;
use crate::transition::{Cause, Context, Effect, Handover, OpenCase, Transition};
use crate::Refusal;
use govflow_model::{
    Action, Actor, Case, ChildProvider, EventKind, JointTake, Opens, Procedure, RoleId, StateId,
    Target, BUILTIN_EXTENSION_ACTIONS, SET_PERIOD_ACTION,
};
use serde_json::{Map, Value};

/// Applies `action` with `data`, taken by `actor`, to `case`.
pub(crate) fn act(
    ctx: &Context<'_>,
    case: &Case,
    action: &str,
    data: &Map<String, Value>,
    actor: &Actor,
) -> Result<Transition, Refusal> {
    let procedure =
        ctx.pack
            .procedure(case.procedure.as_str())
            .ok_or_else(|| Refusal::UnknownProcedure {
                city: case.city.to_string(),
                procedure: case.procedure.to_string(),
                offered: String::new(),
            })?;
    // Before the state, the action or its fields: an actor of another city learns nothing
    // of the case.
    require_city(actor, &case.city, &procedure.basis)?;
    let state = procedure
        .state(&case.state)
        .ok_or_else(|| Refusal::Closed {
            state: case.state.to_string(),
        })?;
    if state.terminal {
        return Err(Refusal::Closed {
            state: case.state.to_string(),
        });
    }
    if BUILTIN_EXTENSION_ACTIONS.contains(&action) {
        return extension::handle(ctx, procedure, case, action, data, actor);
    }
    if action == SET_PERIOD_ACTION {
        return period::handle(ctx, procedure, case, data, actor);
    }
    let declared = find_action(procedure, &case.state, action)?;
    let role = require_role(
        ctx.pack,
        case,
        action,
        &declared.roles,
        &declared.basis,
        actor,
    )?;
    let to = target_state(declared, data)?;
    let mut required: Vec<&str> = declared.requires.iter().map(String::as_str).collect();
    if declared.sets_provider {
        required.push("provider");
    }
    require_fields(
        required,
        data,
        &format!("`{}`", declared.id),
        &declared.basis.article,
    )?;
    period::check_not_before(ctx, case, declared)?;
    let input = GuardInput {
        case,
        action,
        data,
        actor,
    };
    require_guards(ctx.guards, &declared.guards, &input)?;

    let decision = data.get("decision").and_then(Value::as_str);
    if declared.jointly {
        if let Some(waiting) = record_joint(ctx, case, declared, &role, decision, data, actor)? {
            return Ok(waiting);
        }
    }

    let mut next = case.clone();
    let mut effects = Vec::new();
    next.joint.clear();
    close_state(&mut next, declared.cancels_deadlines, &mut effects);
    if declared.sets_provider {
        next.provider = data
            .get("provider")
            .and_then(Value::as_str)
            .map(|p| p.trim().to_owned());
    }
    if let Some(decision) = data.get("decision").and_then(Value::as_str) {
        next.decision = Some(decision.to_owned());
    }
    next.state = to.clone();
    next.entered_at = ctx.now;
    next.bump(ctx.now);
    effects.push(Effect::Emit(next.event(
        ctx.now,
        format!("{} ({})", actor.id, role),
        EventKind::Acted {
            action: declared.id.clone(),
            from: case.state.clone(),
            to: to.clone(),
            data: data.clone(),
        },
        Some(declared.basis.article.clone()),
    )));
    if let Some(entered) = procedure.state(&to) {
        arm(ctx, &mut next, entered, &mut effects);
    }
    if let Some(opens) = declared.opens_on(decision) {
        effects.push(Effect::OpenChild(child_request(
            ctx, case, declared, opens, data,
        )));
    }
    if let Some(deadline) = &declared.sets_period {
        period::set_by_action(
            ctx,
            procedure,
            &mut next,
            deadline,
            data,
            actor,
            &mut effects,
        )?;
    }
    Ok(Transition {
        case: next,
        effects,
    })
}

/// The handover to the child case `opens` asks for: addressed to the acting case's
/// department or to the one the action names, carrying the action's data.
fn child_request(
    ctx: &Context<'_>,
    case: &Case,
    action: &Action,
    opens: &Opens,
    data: &Map<String, Value>,
) -> Handover {
    let provider = match opens.provider {
        ChildProvider::Case => case.provider.clone(),
        ChildProvider::Data => data
            .get("provider")
            .and_then(Value::as_str)
            .map(|p| p.trim().to_owned()),
    };
    let mut carried = data.clone();
    carried.insert("parent_case".to_owned(), case.id.as_str().into());
    carried.insert("parent_action".to_owned(), action.id.as_str().into());
    Handover {
        cause: Cause::Action(action.id.clone()),
        article: action.basis.article.clone(),
        request: OpenCase {
            procedure: opens.procedure.clone(),
            received_at: Some(ctx.now),
            provider,
            subject: Some(format!(
                "{} {} `{}` ({})",
                case.procedure, case.id, action.id, action.basis.article
            )),
            data: carried,
            parent: Some(case.id.clone()),
            start: opens.start.clone(),
            // A child case is not for a reporting period of its own.
            period: None,
        },
    }
}

/// Records one body's taking of a joint act. `Some` (the case waiting for the others)
/// while a body named in `roles` has yet to take it; `None` when this taking completes
/// it. Every taking must carry the same decision; a body may take it again to change its
/// own.
fn record_joint(
    ctx: &Context<'_>,
    case: &Case,
    action: &Action,
    role: &RoleId,
    decision: Option<&str>,
    data: &Map<String, Value>,
    actor: &Actor,
) -> Result<Option<Transition>, Refusal> {
    let mut takes: Vec<JointTake> = case
        .joint
        .iter()
        .filter(|t| t.action == action.id && &t.role != role)
        .cloned()
        .collect();
    if let Some(other) = takes.iter().find(|t| t.decision.as_deref() != decision) {
        return Err(Refusal::JointDisagreement {
            action: action.id.to_string(),
            taken: format!(
                "`{}` took it with decision `{}`",
                other.role,
                other.decision.as_deref().unwrap_or("none")
            ),
            article: action.basis.article.clone(),
        });
    }
    takes.push(JointTake {
        action: action.id.clone(),
        role: role.clone(),
        actor: actor.id.clone(),
        decision: decision.map(str::to_owned),
        at: ctx.now,
    });
    let awaiting: Vec<RoleId> = action
        .roles
        .iter()
        .filter(|r| !takes.iter().any(|t| &t.role == *r))
        .cloned()
        .collect();
    if awaiting.is_empty() {
        return Ok(None);
    }
    let mut next = case.clone();
    next.joint = takes;
    next.bump(ctx.now);
    let event = next.event(
        ctx.now,
        format!("{} ({})", actor.id, role),
        EventKind::JointActRecorded {
            action: action.id.clone(),
            role: role.clone(),
            awaiting,
            data: data.clone(),
        },
        Some(action.basis.article.clone()),
    );
    Ok(Some(Transition {
        case: next,
        effects: vec![Effect::Emit(event)],
    }))
}

fn find_action<'p>(
    procedure: &'p Procedure,
    state: &StateId,
    action: &str,
) -> Result<&'p Action, Refusal> {
    let mut named = procedure
        .actions
        .iter()
        .filter(|a| a.id.as_str() == action)
        .peekable();
    if named.peek().is_none() {
        let mut offered: Vec<&str> = procedure.actions.iter().map(|a| a.id.as_str()).collect();
        if procedure
            .deadline_rules()
            .any(|(_, d)| d.extension.is_some())
        {
            offered.extend(BUILTIN_EXTENSION_ACTIONS);
        }
        if procedure
            .deadline_rules()
            .any(|(_, d)| d.imposed_by.is_some())
        {
            offered.push(SET_PERIOD_ACTION);
        }
        offered.dedup();
        return Err(Refusal::UnknownAction {
            procedure: procedure.id.to_string(),
            action: action.to_owned(),
            offered: offered.join(", "),
        });
    }
    let mut allowed = Vec::new();
    for candidate in named {
        if candidate.from.contains(state) {
            return Ok(candidate);
        }
        allowed.extend(candidate.from.iter().map(|s| s.as_str()));
    }
    Err(Refusal::NotInThisState {
        action: action.to_owned(),
        state: state.to_string(),
        allowed: allowed.join(", "),
    })
}

fn target_state(action: &Action, data: &Map<String, Value>) -> Result<StateId, Refusal> {
    match &action.to {
        Target::State(s) => Ok(s.clone()),
        Target::ByDecision(choices) => {
            let options = choices.keys().cloned().collect::<Vec<_>>().join(" or ");
            let decision = match data.get("decision") {
                None | Some(Value::Null) => {
                    return Err(Refusal::MissingField {
                        field: "data.decision".into(),
                        help: format!("`{}` needs a decision: {options}", action.id),
                    })
                }
                Some(Value::String(d)) => d,
                Some(_) => {
                    return Err(Refusal::InvalidField {
                        field: "data.decision".into(),
                        help: format!("must be a string: {options}"),
                    })
                }
            };
            choices
                .get(decision)
                .cloned()
                .ok_or_else(|| Refusal::InvalidField {
                    field: "data.decision".into(),
                    help: format!("`{decision}` is not a decision here; use {options}"),
                })
        }
    }
}
