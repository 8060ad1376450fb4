//! Who may act on a case: the actor must hold one of the roles the pack allows, and each
//! role only reaches the cases its [`Reach`] in the vocabulary gives it (a provider its
//! department's, an applicant its own).

use crate::Refusal;
use govflow_model::{Actor, ArticleRef, Case, CityId, Pack, Procedure, Reach, RoleId};

/// An actor acts only in the city (or cities) it acts for; nothing else about a case of
/// another city is told to it.
pub(crate) fn require_city(
    actor: &Actor,
    city: &CityId,
    basis: &ArticleRef,
) -> Result<(), Refusal> {
    if actor.jurisdiction.covers(city) {
        return Ok(());
    }
    Err(Refusal::OutOfScope {
        reason: format!(
            "the actor acts for `{}`, not for `{city}`",
            actor.jurisdiction
        ),
        article: basis.article.clone(),
    })
}

/// The role the actor acts in, or why it may not act.
pub(crate) fn require_role(
    pack: &Pack,
    case: &Case,
    action: &str,
    allowed: &[RoleId],
    basis: &ArticleRef,
    actor: &Actor,
) -> Result<RoleId, Refusal> {
    require_city(actor, &case.city, basis)?;
    let held: Vec<&RoleId> = actor.roles.iter().filter(|r| allowed.contains(r)).collect();
    if held.is_empty() {
        return Err(Refusal::WrongRole {
            action: action.to_owned(),
            allowed: role_names(pack, allowed),
            held: if actor.roles.is_empty() {
                "no role".into()
            } else {
                role_names(pack, &actor.roles)
            },
            article: basis.article.clone(),
        });
    }
    let mut last_refusal = None;
    for role in held {
        match in_scope(pack, case, role, actor) {
            Ok(()) => return Ok(role.clone()),
            Err(reason) => last_refusal = Some(reason),
        }
    }
    Err(Refusal::OutOfScope {
        reason: last_refusal.unwrap_or_default(),
        article: basis.article.clone(),
    })
}

fn in_scope(pack: &Pack, case: &Case, role: &RoleId, actor: &Actor) -> Result<(), String> {
    match role.reach() {
        Some(Reach::Department) => {
            let addressed = case.provider.as_deref().unwrap_or_default();
            if !addressed.is_empty() && addressed == actor.department {
                Ok(())
            } else if addressed.is_empty() {
                Err(format!(
                    "the case is not yet addressed to a department, so no {} may act on it",
                    role_name(pack, role)
                ))
            } else {
                Err(format!(
                    "the case is addressed to `{addressed}`; a {} of `{}` may act only on its own department's cases",
                    role_name(pack, role),
                    actor.department
                ))
            }
        }
        Some(Reach::Opener) => {
            let opener = &case.opened_by;
            let same_department =
                !opener.department.is_empty() && opener.department == actor.department;
            if opener.actor == actor.id || same_department {
                Ok(())
            } else {
                Err(format!(
                    "only whoever opened the case (`{}`) may act on it as {}",
                    opener.actor,
                    role_name(pack, role)
                ))
            }
        }
        // Every case of the city the actor acts for, which `require_role` has checked.
        Some(Reach::City | Reach::Everything) => Ok(()),
        None => Err(format!(
            "{} is not a role of policies/vocabulary.yaml, so it reaches no case",
            role_name(pack, role)
        )),
    }
}

/// The actor may open a case of `procedure` if it holds one of `opened_by` (the
/// procedure's, or those of the entry state it opens in).
pub(crate) fn require_role_to_open(
    pack: &Pack,
    procedure: &Procedure,
    opened_by: &[RoleId],
    basis: &ArticleRef,
    actor: &Actor,
) -> Result<(), Refusal> {
    require_city(actor, &pack.city, basis)?;
    if actor.reaches(Reach::Everything) || opened_by.iter().any(|r| actor.has_role(r)) {
        return Ok(());
    }
    Err(Refusal::WrongRole {
        action: format!("opening a `{}` case", procedure.id),
        allowed: if opened_by.is_empty() {
            "system alone (another case opens it)".into()
        } else {
            role_names(pack, opened_by)
        },
        held: if actor.roles.is_empty() {
            "no role".into()
        } else {
            role_names(pack, &actor.roles)
        },
        article: basis.article.clone(),
    })
}

fn role_name(pack: &Pack, role: &RoleId) -> String {
    match pack.holder(role) {
        Some(r) => format!("`{}` ({})", role, r.name),
        None => format!("`{role}`"),
    }
}

fn role_names(pack: &Pack, roles: &[RoleId]) -> String {
    roles
        .iter()
        .map(|r| role_name(pack, r))
        .collect::<Vec<_>>()
        .join(" or ")
}
