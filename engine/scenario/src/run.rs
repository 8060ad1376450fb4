//! The scenario driver.

use crate::expect::compare;
use crate::world::World;
use chrono::{DateTime, Utc};
use govflow_calendar::Calendar;
use govflow_case::OpenCase;
use govflow_loader::docs::{ScenarioDoc, StepDoc};
use govflow_loader::{
    load_pack, load_scenario, scenario_files, Diagnostic, LoadedPack, SourceFile,
};
use govflow_model::{Actor, CaseId, ProcedureId, RoleId};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How one scenario went.
#[derive(Debug)]
pub struct Outcome {
    pub file: String,
    pub name: String,
    pub failure: Option<Failure>,
}

/// The first step that did not do what the scenario expects.
#[derive(Debug)]
pub struct Failure {
    /// 1-based step number, 0 for a problem with the file itself.
    pub step: usize,
    pub line: usize,
    pub lines: Vec<String>,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.failure {
            None => write!(f, "ok   {}: {}", self.file, self.name),
            Some(failure) => {
                write!(f, "FAIL {}:{}: {}", self.file, failure.line, self.name)?;
                if failure.step > 0 {
                    write!(f, " (step {})", failure.step)?;
                }
                for line in &failure.lines {
                    write!(f, "\n     {line}")?;
                }
                Ok(())
            }
        }
    }
}

/// Every outcome of a run.
#[derive(Debug, Default)]
pub struct Summary {
    pub outcomes: Vec<Outcome>,
}

impl Summary {
    pub fn passed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.failure.is_none()).count()
    }

    pub fn failed(&self) -> usize {
        self.outcomes.len() - self.passed()
    }

    /// The failed outcomes, each as `govflow test` prints it.
    pub fn failures(&self) -> Vec<String> {
        self.outcomes
            .iter()
            .filter(|o| o.failure.is_some())
            .map(|o| o.to_string())
            .collect()
    }
}

/// Runs the scenarios a list of paths names: scenario files, pack directories, or
/// directories of packs.
pub fn run_paths(paths: &[PathBuf], calendar: &Calendar) -> Summary {
    let mut summary = Summary::default();
    let mut packs: BTreeMap<PathBuf, Result<LoadedPack, Vec<Diagnostic>>> = BTreeMap::new();
    let mut jobs: Vec<(PathBuf, PathBuf)> = Vec::new();
    for path in paths {
        if path.is_file() {
            let pack_dir = path
                .parent()
                .and_then(Path::parent)
                .map(Path::to_path_buf)
                .unwrap_or_default();
            jobs.push((pack_dir, path.clone()));
        } else if path.join("pack.yaml").is_file() {
            jobs.extend(scenario_files(path).into_iter().map(|f| (path.clone(), f)));
        } else {
            for dir in govflow_loader::pack_dirs(path).unwrap_or_default() {
                jobs.extend(scenario_files(&dir).into_iter().map(|f| (dir.clone(), f)));
            }
        }
    }
    for (dir, file) in jobs {
        let pack = packs.entry(dir.clone()).or_insert_with(|| {
            let (pack, diagnostics) = load_pack(&dir);
            pack.ok_or(diagnostics)
        });
        summary.outcomes.push(match pack {
            Ok(pack) => run_file(pack, calendar, &file),
            Err(diagnostics) => Outcome {
                file: file.display().to_string(),
                name: String::new(),
                failure: Some(Failure {
                    step: 0,
                    line: 0,
                    lines: std::iter::once(format!("the pack in {} does not load:", dir.display()))
                        .chain(diagnostics.iter().map(|d| d.to_string()))
                        .collect(),
                }),
            },
        });
    }
    summary
}

/// Runs one scenario file against its pack.
pub fn run_file(pack: &LoadedPack, calendar: &Calendar, path: &Path) -> Outcome {
    let file_name = path.display().to_string();
    match load_scenario(path) {
        Err(diagnostics) => Outcome {
            file: file_name,
            name: String::new(),
            failure: Some(Failure {
                step: 0,
                line: diagnostics.first().map(|d| d.line).unwrap_or(0),
                lines: diagnostics.iter().map(|d| d.to_string()).collect(),
            }),
        },
        Ok((file, doc)) => Outcome {
            file: file_name,
            name: doc.name.clone(),
            failure: Runner::new(pack, calendar, &file, &doc).run().err(),
        },
    }
}

struct Runner<'a> {
    world: World<'a>,
    file: &'a SourceFile,
    doc: &'a ScenarioDoc,
    names: BTreeMap<String, CaseId>,
}

impl<'a> Runner<'a> {
    fn new(
        pack: &'a LoadedPack,
        calendar: &'a Calendar,
        file: &'a SourceFile,
        doc: &'a ScenarioDoc,
    ) -> Self {
        Runner {
            world: World::new(pack, calendar, doc.start.with_timezone(&Utc)),
            file,
            doc,
            names: BTreeMap::new(),
        }
    }

    fn run(mut self) -> Result<(), Failure> {
        for (i, step) in self.doc.steps.iter().enumerate() {
            let fail = |lines: Vec<String>| Failure {
                step: i + 1,
                line: self.file.spans.locate(&format!("steps[{i}]")).0,
                lines,
            };
            let lines = self.step(step);
            if !lines.is_empty() {
                return Err(fail(lines));
            }
            if !self.world.problems.is_empty() {
                return Err(fail(std::mem::take(&mut self.world.problems)));
            }
        }
        Ok(())
    }

    fn actor(&self, name: &str) -> Result<Actor, String> {
        let a = self.doc.actors.get(name).ok_or_else(|| {
            format!(
                "no actor `{name}`; the scenario declares: {}",
                self.doc
                    .actors
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        Ok(Actor {
            id: name.to_owned(),
            jurisdiction: govflow_model::Jurisdiction::All,
            department: a.department.clone(),
            roles: a.roles.iter().map(RoleId::new).collect(),
        })
    }

    /// `main`, a submitted name, or `<name>/penalty[/penalty…]`.
    fn resolve(&self, reference: &str) -> Result<CaseId, String> {
        let mut parts = reference.split('/');
        let name = parts.next().unwrap_or("main");
        let mut id = self
            .names
            .get(name)
            .cloned()
            .ok_or_else(|| format!("no case named `{name}` has been submitted"))?;
        for part in parts {
            if part != "penalty" {
                return Err(format!(
                    "`{part}` in `{reference}`: only `penalty` follows a case name"
                ));
            }
            id = self
                .world
                .children(&id)
                .last()
                .cloned()
                .ok_or_else(|| format!("`{reference}`: the case has opened no penalty case"))?;
        }
        Ok(id)
    }

    /// Runs one step; returns the mismatches (empty when the step did what it expects).
    fn step(&mut self, step: &StepDoc) -> Vec<String> {
        if let Some(at) = step.at {
            self.world.advance(at.with_timezone(&Utc));
        }
        let kinds = [
            step.submit.is_some(),
            step.act.is_some(),
            step.clock.is_some(),
        ];
        if kinds.iter().filter(|k| **k).count() != 1 {
            return vec!["a step does exactly one of `submit`, `act` or `clock`".into()];
        }
        let outcome: Result<Option<CaseId>, String> = if let Some(s) = &step.submit {
            (|| {
                let actor = self.actor(&s.actor)?;
                let request = OpenCase {
                    procedure: ProcedureId::new(&s.procedure),
                    received_at: s.received_at.map(|t| t.with_timezone(&Utc)),
                    provider: s.provider.clone(),
                    subject: s.subject.clone(),
                    data: s.data.clone(),
                    parent: None,
                };
                match self.world.submit(&request, &actor) {
                    Ok(id) => {
                        let name = s.name.clone().unwrap_or_else(|| "main".into());
                        self.names.insert(name, id.clone());
                        Ok(Some(id))
                    }
                    Err(refusal) => Err(refusal_line(&refusal)),
                }
            })()
        } else if let Some(a) = &step.act {
            (|| {
                let actor = self.actor(&a.actor)?;
                let id = self.resolve(a.case.as_deref().unwrap_or("main"))?;
                self.world
                    .act(&id, &a.action, &a.data, &actor)
                    .map(|()| Some(id))
                    .map_err(|r| refusal_line(&r))
            })()
        } else {
            let to: DateTime<Utc> = step.clock.expect("checked above").with_timezone(&Utc);
            self.world.advance(to);
            match step.case.as_deref() {
                None if !self.names.contains_key("main") => Ok(None),
                reference => self.resolve(reference.unwrap_or("main")).map(Some),
            }
        };
        match (&step.expect_error, outcome) {
            (Some(want), Err(got)) => {
                let code_ok = got.starts_with(&format!("[{}]", want.code));
                let text_ok = want
                    .contains
                    .as_ref()
                    .is_none_or(|c| got.contains(c.as_str()));
                if code_ok && text_ok {
                    Vec::new()
                } else {
                    vec![format!(
                        "expected refusal `{}`{}, got {got}",
                        want.code,
                        want.contains
                            .as_ref()
                            .map(|c| format!(" containing `{c}`"))
                            .unwrap_or_default()
                    )]
                }
            }
            (Some(want), Ok(_)) => vec![format!(
                "expected refusal `{}`, but the step was accepted",
                want.code
            )],
            (None, Err(got)) => vec![format!("the step was refused: {got}")],
            (None, Ok(id)) => match (&step.expect, id) {
                (Some(expect), Some(id)) => compare(&self.world, &id, expect),
                (Some(_), None) => {
                    vec!["`expect` needs a case: submit one first or name it with `case`".into()]
                }
                (None, _) => Vec::new(),
            },
        }
    }
}

fn refusal_line(r: &govflow_case::Refusal) -> String {
    format!("[{}] {r}", r.code())
}
