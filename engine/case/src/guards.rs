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
