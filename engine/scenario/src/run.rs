//! Finding scenario files and running them, each on a service of its own.

use crate::coverage::{citations, CityCoverage};
use crate::service::Service;
use crate::steps::Runner;
use chrono::Utc;
use govflow_loader::{load_pack, load_scenario, pack_dirs, scenario_files, Diagnostic, Disk};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// How one scenario went.
#[derive(Debug)]
pub struct Outcome {
    pub file: String,
    pub name: String,
    pub failure: Option<Failure>,
    /// The articles the scenario's steps hit (see [`crate::coverage`]).
    pub exercised: BTreeSet<String>,
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
    /// Each pack that loaded, by its directory: the articles it cites, with where, and the
    /// outcomes (indices into `outcomes`) of its scenarios.
    pub packs: BTreeMap<PathBuf, PackRun>,
}

/// One pack's part of a run.
#[derive(Debug, Default)]
pub struct PackRun {
    pub cited: BTreeMap<String, BTreeSet<String>>,
    pub outcomes: Vec<usize>,
}

impl Summary {
    pub fn passed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.failure.is_none()).count()
    }

    pub fn failed(&self) -> usize {
        self.outcomes.len() - self.passed()
    }

    /// Per pack directory, which articles its scenarios exercise and which it cites that
    /// none does.
    pub fn coverage(&self) -> Vec<(PathBuf, CityCoverage)> {
        self.packs
            .iter()
            .map(|(dir, run)| {
                let exercised: BTreeMap<String, BTreeSet<String>> = run
                    .outcomes
                    .iter()
                    .filter_map(|i| self.outcomes.get(*i))
                    .map(|o| {
                        let file = Path::new(&o.file)
                            .file_name()
                            .map_or_else(|| o.file.clone(), |f| f.to_string_lossy().into_owned());
                        (file, o.exercised.clone())
                    })
                    .collect();
                let city = dir
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                (
                    dir.clone(),
                    CityCoverage::new(&city, &run.cited, &exercised),
                )
            })
            .collect()
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
/// directories of packs. `policies` holds the calendars and the regulation texts.
pub fn run_paths(paths: &[PathBuf], policies: &Path) -> Summary {
    let mut summary = Summary::default();
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
            jobs.extend(
                scenario_files(&Disk, path)
                    .into_iter()
                    .map(|f| (path.clone(), f)),
            );
        } else {
            match pack_dirs(&Disk, path) {
                Ok(dirs) => {
                    for dir in dirs {
                        jobs.extend(
                            scenario_files(&Disk, &dir)
                                .into_iter()
                                .map(|f| (dir.clone(), f)),
                        );
                    }
                }
                // A path that names nothing to run is a failure, not zero scenarios.
                Err(diagnostic) => summary.outcomes.push(Outcome {
                    file: path.display().to_string(),
                    name: String::new(),
                    failure: Some(Failure {
                        step: 0,
                        line: 0,
                        lines: vec![diagnostic.to_string()],
                    }),
                    exercised: BTreeSet::new(),
                }),
            }
        }
    }
    let mut packs: BTreeMap<PathBuf, Result<Vec<PathBuf>, Vec<String>>> = BTreeMap::new();
    for (dir, file) in jobs {
        let pack = packs.entry(dir.clone()).or_insert_with(|| lineage(&dir));
        let outcome = match pack {
            Ok(lineage) => {
                let run = summary.packs.entry(dir.clone()).or_insert_with(|| PackRun {
                    cited: cited_by(&dir),
                    outcomes: Vec::new(),
                });
                run.outcomes.push(summary.outcomes.len());
                run_with(lineage, policies, &file)
            }
            Err(lines) => Outcome {
                file: file.display().to_string(),
                name: String::new(),
                failure: Some(Failure {
                    step: 0,
                    line: 0,
                    lines: lines.clone(),
                }),
                exercised: BTreeSet::new(),
            },
        };
        summary.outcomes.push(outcome);
    }
    summary
}

/// The articles the pack in `dir` cites, with where (empty if it does not load, which
/// its scenarios then report).
fn cited_by(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    load_pack(&Disk, dir)
        .0
        .and_then(|loaded| serde_json::to_value(&*loaded.pack).ok())
        .map(|pack| citations(&pack))
        .unwrap_or_default()
}

/// Runs one scenario file against the pack in `pack_dir`.
pub fn run_file(pack_dir: &Path, policies: &Path, scenario: &Path) -> Outcome {
    match lineage(pack_dir) {
        Ok(lineage) => run_with(&lineage, policies, scenario),
        Err(lines) => Outcome {
            file: scenario.display().to_string(),
            name: String::new(),
            failure: Some(Failure {
                step: 0,
                line: 0,
                lines,
            }),
            exercised: BTreeSet::new(),
        },
    }
}

/// The pack in `dir` and the directories of the packs it extends, all as absolute paths
/// (so that the copy held in memory resolves `../` the way the disk does); or why the pack
/// does not load.
fn lineage(dir: &Path) -> Result<Vec<PathBuf>, Vec<String>> {
    let mut lineage = Vec::new();
    let mut next = Some(std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()));
    while let Some(dir) = next.take() {
        let (pack, diagnostics) = load_pack(&Disk, &dir);
        let Some(pack) = pack else {
            return Err(
                std::iter::once(format!("the pack in {} does not load:", dir.display()))
                    .chain(diagnostics.iter().map(Diagnostic::to_string))
                    .collect(),
            );
        };
        next = pack
            .pack
            .extends
            .as_ref()
            .and_then(|parent| Some(dir.parent()?.join(parent.as_str())));
        lineage.push(dir);
    }
    Ok(lineage)
}

fn run_with(lineage: &[PathBuf], policies: &Path, path: &Path) -> Outcome {
    let file_name = path.display().to_string();
    let (file, doc) = match load_scenario(&Disk, path) {
        Ok(loaded) => loaded,
        Err(diagnostics) => {
            return Outcome {
                file: file_name,
                name: String::new(),
                failure: Some(Failure {
                    step: 0,
                    line: diagnostics.first().map(|d| d.line).unwrap_or(0),
                    lines: diagnostics.iter().map(|d| d.to_string()).collect(),
                }),
                exercised: BTreeSet::new(),
            }
        }
    };
    let policies = std::path::absolute(policies).unwrap_or_else(|_| policies.to_path_buf());
    let city = lineage
        .first()
        .and_then(|d| d.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut exercised = BTreeSet::new();
    let failure = match Service::start(
        city.as_str().into(),
        lineage,
        &policies,
        doc.start.with_timezone(&Utc),
        &doc.departments,
        &doc.obligations,
    ) {
        Err(e) => Some(Failure {
            step: 0,
            line: 0,
            lines: vec![e],
        }),
        Ok(service) => {
            let mut runner = Runner::new(service, &doc);
            let failure = doc.steps.iter().enumerate().find_map(|(i, step)| {
                let lines = runner.step(step);
                (!lines.is_empty()).then(|| Failure {
                    step: i + 1,
                    line: file.spans.locate(&format!("steps[{i}]")).0,
                    lines,
                })
            });
            exercised.append(&mut runner.refused_under);
            match runner.service.articles_hit() {
                Ok(mut hit) => {
                    exercised.append(&mut hit);
                    failure
                }
                Err(e) => failure.or(Some(Failure {
                    step: 0,
                    line: 0,
                    lines: vec![e],
                })),
            }
        }
    };
    Outcome {
        file: file_name,
        name: doc.name.clone(),
        failure,
        exercised,
    }
}
