use govflow_case::{GuardError, GuardInput, Guards};
use govflow_model::GuardRef;
use rhai::packages::{
    BasicArrayPackage, BasicMapPackage, BasicMathPackage, CorePackage, LogicPackage,
    MoreStringPackage, Package,
};
use rhai::{Dynamic, Engine, EvalAltResult, Position, Scope, AST};
use std::collections::BTreeMap;

/// A guard stops after this many operations: ample for a rule check, fatal for a loop
/// that runs away.
pub const MAX_OPERATIONS: u64 = 50_000;

/// The names a guard script sees.
const INPUTS: [&str; 4] = ["this_case", "action", "data", "actor"];

/// One guard script to compile.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Source {
    /// The name packs refer to (`reasons_given`).
    pub name: String,
    /// Where it came from, for messages (`cities/wanzhou/scripts/reasons_given.rhai`).
    pub path: String,
    pub text: String,
}

/// A script that does not compile, located in its file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}")]
pub struct CompileError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A pack's compiled guards.
pub struct Scripts {
    engine: Engine,
    compiled: BTreeMap<String, (AST, String)>,
    /// What was compiled, so a pack version can be archived and compiled again.
    sources: Vec<Source>,
}

impl std::fmt::Debug for Scripts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scripts")
            .field("scripts", &self.compiled.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Scripts {
    /// Compiles every source; returns all compile errors at once.
    pub fn compile(sources: Vec<Source>) -> Result<Scripts, Vec<CompileError>> {
        let engine = sandbox();
        // Strict variables: a misspelt name is a compile error, so the compiler must know
        // the names a guard is given.
        let mut known = Scope::new();
        for name in INPUTS {
            known.push(name, ());
        }
        let mut compiled = BTreeMap::new();
        let mut errors = Vec::new();
        for source in sources.iter().cloned() {
            match engine.compile_with_scope(&known, &source.text) {
                Ok(ast) => {
                    compiled.insert(source.name, (ast, source.path));
                }
                Err(e) => {
                    let (line, column) = line_column(e.1);
                    errors.push(CompileError {
                        path: source.path,
                        line,
                        column,
                        message: e.0.to_string(),
                    });
                }
            }
        }
        if errors.is_empty() {
            Ok(Scripts {
                engine,
                compiled,
                sources,
            })
        } else {
            Err(errors)
        }
    }

    /// The sources these scripts were compiled from.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    pub fn contains(&self, name: &str) -> bool {
        self.compiled.contains_key(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.compiled.keys().map(String::as_str)
    }
}

impl Guards for Scripts {
    fn check(&self, guard: &GuardRef, input: &GuardInput<'_>) -> Result<bool, GuardError> {
        let (ast, path) = self.compiled.get(&guard.script).ok_or_else(|| GuardError {
            script: guard.script.clone(),
            location: guard.script.clone(),
            message: "the script is not part of the pack".into(),
        })?;
        let fail = |message: String, position: Position| {
            let (line, column) = line_column(position);
            GuardError {
                script: guard.script.clone(),
                location: if line == 0 {
                    path.clone()
                } else {
                    format!("{path}:{line}:{column}")
                },
                message,
            }
        };
        let to_dynamic = |value: serde_json::Value| {
            rhai::serde::to_dynamic(value).map_err(|e| fail(e.to_string(), Position::NONE))
        };
        let mut scope = Scope::new();
        let case =
            serde_json::to_value(input.case).map_err(|e| fail(e.to_string(), Position::NONE))?;
        scope.push_constant("this_case", to_dynamic(case)?);
        scope.push_constant("action", input.action.to_owned());
        scope.push_constant(
            "data",
            to_dynamic(serde_json::Value::Object(input.data.clone()))?,
        );
        let actor =
            serde_json::to_value(input.actor).map_err(|e| fail(e.to_string(), Position::NONE))?;
        scope.push_constant("actor", to_dynamic(actor)?);
        let result: Dynamic = self
            .engine
            .eval_ast_with_scope(&mut scope, ast)
            .map_err(|e| describe(&e, &fail))?;
        result.as_bool().map_err(|type_name| {
            fail(
                format!("a guard must evaluate to true or false, not {type_name}"),
                Position::NONE,
            )
        })
    }
}

fn describe(e: &EvalAltResult, fail: &impl Fn(String, Position) -> GuardError) -> GuardError {
    let message = match e {
        EvalAltResult::ErrorTooManyOperations(_) => {
            format!("the script ran away and was stopped after {MAX_OPERATIONS} operations")
        }
        other => other.to_string(),
    };
    fail(message, e.position())
}

fn line_column(p: Position) -> (usize, usize) {
    (p.line().unwrap_or(0), p.position().unwrap_or(0))
}

/// The sandboxed engine: pure packages only, bounded, quiet.
fn sandbox() -> Engine {
    let mut engine = Engine::new_raw();
    for module in [
        CorePackage::new().as_shared_module(),
        LogicPackage::new().as_shared_module(),
        BasicArrayPackage::new().as_shared_module(),
        BasicMapPackage::new().as_shared_module(),
        BasicMathPackage::new().as_shared_module(),
        MoreStringPackage::new().as_shared_module(),
    ] {
        engine.register_global_module(module);
    }
    engine
        .set_max_operations(MAX_OPERATIONS)
        .set_max_call_levels(16)
        .set_max_expr_depths(64, 32)
        .set_max_string_size(64 * 1024)
        .set_max_array_size(1_000)
        .set_max_map_size(1_000)
        .set_max_variables(100)
        .set_max_functions(50)
        .set_strict_variables(true);
    // `blank(x)`: true for a missing value, an empty or white-space-only string, an empty
    // array or map ("a refusal must give its reasons").
    engine.register_fn("blank", |value: Dynamic| -> bool {
        if value.is_unit() {
            return true;
        }
        if let Some(s) = value.read_lock::<rhai::ImmutableString>() {
            return s.trim().is_empty();
        }
        if let Some(a) = value.read_lock::<rhai::Array>() {
            return a.is_empty();
        }
        if let Some(m) = value.read_lock::<rhai::Map>() {
            return m.is_empty();
        }
        false
    });
    engine.disable_symbol("eval");
    engine.on_print(|text| tracing::info!(target: "govflow::script", "{text}"));
    engine.on_debug(
        |text, source, pos| tracing::debug!(target: "govflow::script", ?source, %pos, "{text}"),
    );
    engine
}

#[cfg(test)]
mod tests {
    use super::*;
    use govflow_model::{Actor, ArticleRef, Case};

    fn scripts(text: &str) -> Scripts {
        Scripts::compile(vec![Source {
            name: "g".into(),
            path: "cities/x/scripts/g.rhai".into(),
            text: text.into(),
        }])
        .unwrap()
    }

    fn guard() -> GuardRef {
        GuardRef {
            script: "g".into(),
            message: "m".into(),
            basis: ArticleRef {
                article: "第一条".into(),
                quote: "q".into(),
            },
        }
    }

    fn case() -> Case {
        serde_json::from_value(serde_json::json!({
            "id": "c1", "city": "x", "procedure": "p", "state": "s", "overdue": false,
            "parent": null, "pack_version": "x@1", "regulation_status": "in_force",
            "received_at": "2021-01-04T02:00:00Z", "received_date": "2021-01-04",
            "opened_by": {"actor": "a", "department": ""}, "provider": "dept",
            "subject": null, "data": {}, "decision": null, "deadlines": [],
            "entered_at": "2021-01-04T02:00:00Z", "created_at": "2021-01-04T02:00:00Z",
            "updated_at": "2021-01-04T02:00:00Z", "revision": 1
        }))
        .unwrap()
    }

    fn run(s: &Scripts, data: serde_json::Value) -> Result<bool, GuardError> {
        let case = case();
        let actor = Actor::system();
        let data = data.as_object().cloned().unwrap();
        s.check(
            &guard(),
            &GuardInput {
                case: &case,
                action: "reply",
                data: &data,
                actor: &actor,
            },
        )
    }

    #[test]
    fn a_guard_reads_the_action_data() {
        let s = scripts(r#"data.decision == "approve" || !blank(data.reasons)"#);
        assert!(run(&s, serde_json::json!({"decision": "approve"})).unwrap());
        assert!(!run(
            &s,
            serde_json::json!({"decision": "reject", "reasons": "  "})
        )
        .unwrap());
        assert!(!run(&s, serde_json::json!({"decision": "reject"})).unwrap());
        assert!(run(
            &s,
            serde_json::json!({"decision": "reject", "reasons": "r"})
        )
        .unwrap());
    }

    #[test]
    fn a_guard_reads_the_stored_case() {
        let s = scripts(
            r#"this_case.data.purpose == "research" && this_case.provider == "dept"
               && this_case.opened_by.actor == "a" && this_case.deadlines.len() == 0
               && blank(this_case.subject) && this_case.state == "s""#,
        );
        let mut case = case();
        let actor = Actor::system();
        let empty = serde_json::Map::new();
        let input = |case: &Case| {
            s.check(
                &guard(),
                &GuardInput {
                    case,
                    action: "reply",
                    data: &empty,
                    actor: &actor,
                },
            )
        };
        assert!(!input(&case).unwrap());
        case.data
            .insert("purpose".into(), serde_json::json!("research"));
        assert!(input(&case).unwrap());
        case.provider = Some("other".into());
        assert!(!input(&case).unwrap());
    }

    #[test]
    fn a_runaway_script_is_stopped_with_its_location() {
        let s = scripts("let x = 0;\nloop { x += 1; }\ntrue");
        let e = run(&s, serde_json::json!({})).unwrap_err();
        assert!(e.message.contains("ran away"), "{e}");
        assert!(e.location.starts_with("cities/x/scripts/g.rhai:2:"), "{e}");
    }

    #[test]
    fn eval_and_clock_are_not_available() {
        let e = Scripts::compile(vec![Source {
            name: "g".into(),
            path: "g.rhai".into(),
            text: "eval(\"1\")".into(),
        }]);
        assert!(e.is_err());
        let s = scripts("timestamp(); true");
        assert!(run(&s, serde_json::json!({})).is_err());
    }

    #[test]
    fn a_syntax_error_is_located() {
        let e = Scripts::compile(vec![Source {
            name: "g".into(),
            path: "g.rhai".into(),
            text: "let x = ;".into(),
        }])
        .unwrap_err();
        assert_eq!((e[0].line, e[0].column), (1, 9));
    }

    #[test]
    fn a_guard_must_answer_true_or_false() {
        let s = scripts("42");
        assert!(run(&s, serde_json::json!({}))
            .unwrap_err()
            .message
            .contains("true or false"));
    }
}
