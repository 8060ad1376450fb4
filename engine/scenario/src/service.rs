//! The service under test: the real runtime over an in-memory store, on a simulated clock,
//! serving the scenario's pack from files held in memory (so a `reload` step can edit them
//! without touching the disk). Case ids are sequential (`c-000001`, …) so a scenario can
//! name the cases it expects.

use chrono::{DateTime, Utc};
use govflow_loader::{Files, InMemory};
use govflow_model::{Case, CaseId, CityId, DepartmentRegistry, Event};
use govflow_runtime::{Registry, Runtime, SequentialIds, SimulatedClock, Sources};
use govflow_store::{CaseQuery, Cases, Events, MemoryStore};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(crate) struct Service {
    store: Arc<MemoryStore>,
    files: Arc<InMemory>,
    sources: Sources,
    ids: Arc<SequentialIds>,
    city: CityId,
    pack_dir: PathBuf,
    pub runtime: Runtime,
}

/// A reload the pack did not survive: `[GF0004] file:line:column: …` per diagnostic.
pub(crate) type Rejected = Vec<String>;

impl Service {
    /// Starts the service at `start` on a copy of `packs` (the scenario's pack directory
    /// and those it extends) and `policies`, registers `departments` for `city` (and
    /// the departments `obligations` names for each `scope: registered` obligation), and runs
    /// the first scheduler pass (which marks each recurring obligation as seen from now).
    pub fn start(
        city: CityId,
        packs: &[PathBuf],
        policies: &Path,
        start: DateTime<Utc>,
        departments: &[String],
        obligations: &BTreeMap<String, Vec<String>>,
    ) -> Result<Service, String> {
        let pack_dir = packs.first().cloned().unwrap_or_default();
        let cities = pack_dir.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut roots: Vec<&Path> = packs.iter().map(PathBuf::as_path).collect();
        roots.push(policies);
        let files = Arc::new(
            InMemory::from_disk(&roots)
                .map_err(|e| format!("cannot read the pack's files into memory: {e}"))?,
        );
        let sources = Sources {
            files: files.clone(),
            cities,
            policies: policies.to_path_buf(),
        };
        let store = Arc::new(MemoryStore::new());
        let ids = Arc::new(SequentialIds::starting_at(1));
        let runtime = boot(&store, &sources, &ids, start)?;
        if !departments.is_empty() || !obligations.is_empty() {
            let registry = DepartmentRegistry {
                departments: departments.iter().cloned().collect(),
                obligations: obligations
                    .iter()
                    .map(|(id, names)| (id.clone(), names.iter().cloned().collect()))
                    .collect(),
            };
            runtime
                .set_departments(&city, registry)
                .map_err(|e| format!("registering the departments: {e}"))?;
        }
        let service = Service {
            store,
            files,
            sources,
            ids,
            city,
            pack_dir,
            runtime,
        };
        service.settle()?;
        Ok(service)
    }

    /// Fires what is due at the clock's time, as the service's scheduler does promptly
    /// after every commit.
    pub fn settle(&self) -> Result<(), String> {
        self.runtime
            .run_due()
            .map(drop)
            .map_err(|e| format!("the scheduler's pass failed: {e}"))
    }

    /// Stops the service and starts a new one at `at` on the same store and files.
    pub fn restart(&mut self, at: DateTime<Utc>) -> Result<(), String> {
        let now = self.runtime.clock().now();
        if at < now {
            return Err(format!(
                "`restart` at {} is before the clock ({}); time only moves forward",
                at.to_rfc3339(),
                now.to_rfc3339()
            ));
        }
        self.runtime = boot(&self.store, &self.sources, &self.ids, at)?;
        self.settle()
    }

    /// Applies `edits` (file relative to the pack directory, text to replace, replacement)
    /// to the pack's files and reloads them.
    pub fn reload(&self, edits: &[(String, String, String)]) -> Result<(), Rejected> {
        for (file, replace, with) in edits {
            let path = self.pack_dir.join(file);
            let text = self
                .files
                .read(&path)
                .map_err(|e| vec![format!("cannot edit `{file}`: {e}")])?;
            let found = text.matches(replace.as_str()).count();
            if found != 1 {
                return Err(vec![format!(
                    "`{replace}` occurs {found} times in `{file}`; an edit replaces text that occurs exactly once"
                )]);
            }
            self.files
                .insert(path, text.replacen(replace.as_str(), with, 1));
        }
        let report = self
            .runtime
            .reload()
            .map_err(|e| vec![format!("the reload failed: {e}")])?;
        if report.failed.contains(&self.city) {
            let cities = self.runtime.registry().cities();
            let diagnostics = cities
                .get(&self.city)
                .and_then(|c| c.last_error.as_ref())
                .map(|f| f.diagnostics.clone())
                .unwrap_or_default();
            return Err(diagnostics
                .iter()
                .map(|d| format!("[{}] {d}", d.code))
                .collect());
        }
        self.settle().map_err(|e| vec![e])
    }

    pub fn city(&self) -> &CityId {
        &self.city
    }

    pub fn case(&self, id: &CaseId) -> Result<Option<Case>, String> {
        self.store.case(id).map_err(unreadable)
    }

    /// The cases `id`'s lapses opened, oldest first.
    pub fn children(&self, id: &CaseId) -> Result<Vec<Case>, String> {
        self.all(CaseQuery {
            parent: Some(id.clone()),
            ..CaseQuery::default()
        })
    }

    /// The newest case `obligation` opened for `department`.
    pub fn opened_by_obligation(
        &self,
        obligation: &str,
        department: &str,
    ) -> Result<Option<Case>, String> {
        let cases = self.all(CaseQuery {
            city: Some(self.city.clone()),
            ..CaseQuery::default()
        })?;
        Ok(cases.into_iter().rev().find(|c| {
            c.data.get("obligation").and_then(|o| o.as_str()) == Some(obligation)
                && c.provider.as_deref() == Some(department)
        }))
    }

    pub fn history(&self, id: &CaseId) -> Result<Vec<Event>, String> {
        let recorded = self.store.history(id).map_err(unreadable)?;
        Ok(recorded.into_iter().map(|r| r.event).collect())
    }

    /// The articles the service's cases rest on: every deadline armed and every event
    /// recorded that names one (for `govflow test --coverage`).
    pub fn articles_hit(&self) -> Result<BTreeSet<String>, String> {
        let mut hit = BTreeSet::new();
        for case in self.all(CaseQuery::default())? {
            hit.extend(case.deadlines.iter().map(|d| d.article.clone()));
            hit.extend(
                self.history(&case.id)?
                    .into_iter()
                    .filter_map(|e| e.article),
            );
        }
        Ok(hit)
    }

    fn all(&self, mut query: CaseQuery) -> Result<Vec<Case>, String> {
        query.limit = 1000;
        let mut all = Vec::new();
        loop {
            let page = self.store.cases(&query).map_err(unreadable)?;
            all.extend(page.cases);
            match page.next {
                Some(next) => query.after = Some(next),
                None => return Ok(all),
            }
        }
    }
}

fn unreadable(e: govflow_store::Error) -> String {
    format!("the store could not be read: {e}")
}

/// A runtime over `store` as `govflow serve` builds one at start-up.
fn boot(
    store: &Arc<MemoryStore>,
    sources: &Sources,
    ids: &Arc<SequentialIds>,
    at: DateTime<Utc>,
) -> Result<Runtime, String> {
    let registry = Registry::load(sources.clone(), at).map_err(|e| e.to_string())?;
    Runtime::new(
        store.clone(),
        registry,
        Arc::new(SimulatedClock::new(at)),
        ids.clone(),
    )
    .map_err(|e| format!("the runtime does not start: {e}"))
}
