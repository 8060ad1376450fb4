//! Bearer tokens from the `--auth` file (BRIEF.md):
//! `tokens: [{token, actor, city ("*" for all), department, roles: [...]}]`; `city` is the
//! actor's [`Jurisdiction`]. `roles` lists canonical roles and the canonical bodies
//! (policies/vocabulary.yaml, `bodies`) the actor acts as (`finance_bureau`).

use crate::problem::Problem;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use govflow_model::{Actor, CanonicalIds, Case, CityId, Jurisdiction, Reach, RoleId};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokensDoc {
    tokens: Vec<TokenDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenDoc {
    token: String,
    actor: String,
    city: Jurisdiction,
    #[serde(default)]
    department: String,
    roles: Vec<RoleId>,
}

/// Who each token speaks for.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    by_token: HashMap<String, Actor>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read the tokens file `{path}`: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// Whom the token of [`Tokens::generated_admin`] speaks for (an actor id, not a role).
const GENERATED_ACTOR: &str = "admin";

/// Tokens shorter than this are refused: they could be guessed.
const MIN_TOKEN_LEN: usize = 16;

impl Tokens {
    /// Reads and checks a tokens file; every problem names the file and the entry.
    pub fn load(path: &Path) -> Result<Tokens, Error> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: shown.clone(),
            source,
        })?;
        let invalid = |message: String| Error::Invalid {
            path: shown.clone(),
            message,
        };
        let doc: TokensDoc = serde_yaml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        let mut tokens = Tokens::default();
        for (i, t) in doc.tokens.into_iter().enumerate() {
            let at = format!("tokens[{i}] (actor `{}`)", t.actor);
            if t.token.len() < MIN_TOKEN_LEN {
                return Err(invalid(format!(
                    "{at}: the token is shorter than {MIN_TOKEN_LEN} characters"
                )));
            }
            if t.roles.is_empty() {
                return Err(invalid(format!("{at}: `roles` is empty")));
            }
            let canonical = CanonicalIds::builtin();
            for role in &t.roles {
                if canonical.reach(role).is_none() {
                    return Err(invalid(format!(
                        "{at}: unknown role `{role}`; use a role ({}) or a body ({})",
                        canonical.role_list(),
                        canonical.body_list()
                    )));
                }
            }
            if t.city == Jurisdiction::City(CityId::from("")) {
                return Err(invalid(format!(
                    "{at}: `city` is empty; write a city id, or `{}` for every city",
                    Jurisdiction::ALL
                )));
            }
            let actor = Actor {
                id: t.actor,
                jurisdiction: t.city,
                department: t.department,
                roles: t.roles,
            };
            if tokens.by_token.insert(t.token, actor).is_some() {
                return Err(invalid(format!("{at}: the same token appears twice")));
            }
        }
        Ok(tokens)
    }

    /// A single admin token, random, for a service started without `--auth`: it acts in
    /// every city, in the roles that reach everything.
    pub fn generated_admin() -> (Tokens, String) {
        use rand::Rng;
        let token: String = rand::rng()
            .sample_iter(rand::distr::Alphanumeric)
            .take(40)
            .map(char::from)
            .collect();
        let roles: Vec<RoleId> = CanonicalIds::builtin()
            .roles_reaching(Reach::Everything)
            .cloned()
            .collect();
        let actor = Actor {
            id: GENERATED_ACTOR.into(),
            jurisdiction: Jurisdiction::All,
            department: String::new(),
            roles,
        };
        let tokens = Tokens {
            by_token: HashMap::from([(token.clone(), actor)]),
        };
        (tokens, token)
    }

    pub fn actor(&self, token: &str) -> Option<&Actor> {
        self.by_token.get(token)
    }
}

/// The authenticated caller of a request; extracting it answers 401 without a valid token.
pub struct Caller(pub Actor);

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let Some(header) = header else {
            return Err(Problem::unauthorized(
                "this request carries no `Authorization: Bearer <token>` header",
            ));
        };
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim);
        match token.and_then(|t| state.tokens.actor(t)) {
            Some(actor) => Ok(Caller(actor.clone())),
            None => Err(Problem::unauthorized(
                "the bearer token is not one the service knows; check the `--auth` tokens file",
            )),
        }
    }
}

impl Caller {
    /// The caller may operate the service: one of its roles reaches everything.
    pub fn require_admin(&self) -> Result<(), Problem> {
        if self.0.reaches(Reach::Everything) {
            Ok(())
        } else {
            let operators: Vec<String> = CanonicalIds::builtin()
                .roles_reaching(Reach::Everything)
                .map(|r| format!("`{r}`"))
                .collect();
            Err(Problem::forbidden(
                "admin_only",
                format!(
                    "`{}` may not operate the service; only the {} role may do this",
                    self.0.id,
                    operators.join(" or ")
                ),
            ))
        }
    }

    /// Whether the actor may see `case`: its city ([`Caller::require_city`]); within it, an
    /// actor whose roles reach only their department's cases (the vocabulary's
    /// `Reach::Department`, as for acting) or their own (`Reach::Opener`) sees only those,
    /// while a role reaching the city (监管部门) sees all of the city's. The web pages use
    /// the same rule.
    pub fn sees(&self, case: &Case) -> bool {
        let actor = &self.0;
        if !actor.jurisdiction.covers(&case.city) {
            return false;
        }
        if actor.reaches(Reach::Everything) || actor.reaches(Reach::City) {
            return true;
        }
        let own_department = !actor.department.is_empty()
            && (case.provider.as_deref() == Some(actor.department.as_str())
                || case.opened_by.department == actor.department);
        own_department || case.opened_by.actor == actor.id
    }

    /// [`Caller::sees`], or `out_of_scope` naming why not.
    pub fn require_sees(&self, case: &Case) -> Result<(), Problem> {
        self.require_city(&case.city)?;
        if self.sees(case) {
            return Ok(());
        }
        Err(Problem::forbidden(
            "out_of_scope",
            format!(
                "`{}` sees the cases of its department (`{}`) and its own, not `{}`",
                self.0.id, self.0.department, case.id
            ),
        ))
    }

    /// The actor may see and act in `city`: the core's rule ([`Jurisdiction::covers`]) and
    /// its code, `out_of_scope`, for what the API checks before the core is asked.
    pub fn require_city(&self, city: &CityId) -> Result<(), Problem> {
        if self.0.jurisdiction.covers(city) {
            Ok(())
        } else {
            Err(Problem::forbidden(
                "out_of_scope",
                format!(
                    "`{}` acts for `{}`, not for `{city}`",
                    self.0.id, self.0.jurisdiction
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Tokens, Error> {
        let dir = std::env::temp_dir().join(format!("govflow-tokens-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{:x}.yaml", text.len()));
        std::fs::write(&path, text).unwrap();
        Tokens::load(&path)
    }

    #[test]
    fn the_demo_tokens_file_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/tokens.yaml");
        let tokens = Tokens::load(&path).unwrap();
        let police = tokens.actor("demo-police-token-00001").unwrap();
        assert_eq!(police.jurisdiction, Jurisdiction::City("wanzhou".into()));
        assert_eq!(police.department, "区公安局");
        let admin = tokens.actor("demo-admin-token-000001").unwrap();
        assert_eq!(admin.jurisdiction, Jurisdiction::All);
        assert_eq!(police.roles, vec![RoleId::from("provider")]);
    }

    #[test]
    fn bad_entries_are_named() {
        let short = load("tokens: [{token: abc, actor: a, city: wanzhou, roles: [provider]}]");
        assert!(short
            .unwrap_err()
            .to_string()
            .contains("tokens[0] (actor `a`)"));
        let role =
            load("tokens: [{token: abcdefghijklmnopq, actor: b, city: wanzhou, roles: [provder]}]");
        assert!(role
            .unwrap_err()
            .to_string()
            .contains("unknown role `provder`"));
        let key = load(
            "tokens: [{token: abcdefghijklmnopq, actor: c, city: x, roles: [admin], rolez: []}]",
        );
        assert!(key.unwrap_err().to_string().contains("rolez"));
        let city = load("tokens: [{token: abcdefghijklmnopq, actor: d, city: '', roles: [admin]}]");
        assert!(city.unwrap_err().to_string().contains("`city` is empty"));
    }
}
