use crate::Refusal;
use govflow_model::{Actor, Case, GuardRef};
use serde_json::{Map, Value};

/// What a guard script sees.
pub struct GuardInput<'a> {
    pub case: &'a Case,
    pub action: &'a str,
    pub data: &'a Map<String, Value>,
    pub actor: &'a Actor,
}

/// Evaluates a pack's guards. The rhai implementation lives in `govflow-script`; the
/// scripts are compiled when the pack loads, so here they only run.
pub trait Guards: Send + Sync {
    fn check(&self, guard: &GuardRef, input: &GuardInput<'_>) -> Result<bool, GuardError>;
}

/// Runs `guards` in order; the first that answers false refuses with its message and
/// article.
pub(crate) fn require_guards(
    guards: &dyn Guards,
    declared: &[GuardRef],
    input: &GuardInput<'_>,
) -> Result<(), Refusal> {
    for guard in declared {
        if !guards.check(guard, input)? {
            return Err(Refusal::GuardRefused {
                message: guard.message.clone(),
                article: guard.basis.article.clone(),
                quote: guard.basis.quote.clone(),
            });
        }
    }
    Ok(())
}

/// Every `required` field of `data` says something: present, not blank, and not `false`
/// (a requirement such as 安全保障措施 answered `false` is not met). `what` names the
/// action or the submission, `article` the rule that requires them.
pub(crate) fn require_fields<'a>(
    required: impl IntoIterator<Item = &'a str>,
    data: &Map<String, Value>,
    what: &str,
    article: &str,
) -> Result<(), Refusal> {
    for field in required {
        let given = match data.get(field) {
            Some(Value::String(s)) => !s.trim().is_empty(),
            Some(Value::Bool(b)) => *b,
            Some(Value::Null) | None => false,
            Some(_) => true,
        };
        if !given {
            return Err(Refusal::MissingField {
                field: format!("data.{field}"),
                help: format!("{what} must carry `{field}` ({article})"),
            });
        }
    }
    Ok(())
}

/// A guard that could not give an answer (ran away, raised an error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("guard `{script}` failed at {location}: {message}")]
pub struct GuardError {
    pub script: String,
    /// `cities/wanzhou/scripts/reasons_given.rhai:3:5`, or the file alone.
    pub location: String,
    pub message: String,
}

/// For packs without scripts, and for tests: any guard named is an error.
pub struct NoGuards;

impl Guards for NoGuards {
    fn check(&self, guard: &GuardRef, _: &GuardInput<'_>) -> Result<bool, GuardError> {
        Err(GuardError {
            script: guard.script.clone(),
            location: guard.script.clone(),
            message: "no guard scripts are loaded".into(),
        })
    }
}
