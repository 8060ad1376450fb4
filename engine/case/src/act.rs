//! Taking an action on a case.

use crate::authorize::{require_city, require_role};
use crate::deadlines::{arm, close_state};
use crate::extension;
use crate::guards::GuardInput;
use crate::period;
use crate::transition::{Context, Effect, Transition};
use crate::Refusal;
use govflow_model::{
    Action, Actor, Case, EventKind, Procedure, StateId, Target, BUILTIN_EXTENSION_ACTIONS,
    SET_PERIOD_ACTION,
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
    check_fields(declared, data)?;
    period::check_not_before(ctx, case, declared)?;
    for guard in &declared.guards {
        let input = GuardInput {
            case,
            action,
            data,
            actor,
        };
        if !ctx.guards.check(guard, &input)? {
            return Err(Refusal::GuardRefused {
                message: guard.message.clone(),
                article: guard.basis.article.clone(),
                quote: guard.basis.quote.clone(),
            });
        }
    }

    let mut next = case.clone();
    let mut effects = Vec::new();
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

fn check_fields(action: &Action, data: &Map<String, Value>) -> Result<(), Refusal> {
    let mut required: Vec<&str> = action.requires.iter().map(String::as_str).collect();
    if action.sets_provider {
        required.push("provider");
    }
    for field in required {
        // A required field is given when it says something: not blank, and not `false`
        // (a requirement such as 安全保障措施 that is answered `false` is not met).
        let given = match data.get(field) {
            Some(Value::String(s)) => !s.trim().is_empty(),
            Some(Value::Bool(b)) => *b,
            Some(Value::Null) | None => false,
            Some(_) => true,
        };
        if !given {
            return Err(Refusal::MissingField {
                field: format!("data.{field}"),
                help: format!(
                    "`{}` must carry `{field}` ({})",
                    action.id, action.basis.article
                ),
            });
        }
    }
    Ok(())
}
