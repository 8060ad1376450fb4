//! The packs and the calendar being served, swapped atomically on reload.
//!
//! Each city's current pack sits behind one [`ArcSwap`]: a reload builds a new map in
//! which only the cities whose files changed (and validated) get a new pack, and a city
//! whose edit is broken keeps its last good pack plus the diagnostics of the failed
//! attempt. Every version loaded since start-up stays available, so a running case keeps
//! the version it was opened under while new cases use the new one.

use arc_swap::ArcSwap;
use chrono::{DateTime, Utc};
use govflow_calendar::Calendar;
use govflow_loader::{
    has_errors, load_calendar, load_pack, pack_dirs, Diagnostic, Files, LoadedPack,
};
use govflow_model::CityId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Where packs and policies are read from.
#[derive(Clone)]
pub struct Sources {
    /// What the directories are read from: the disk, or files held in memory.
    pub files: Arc<dyn Files>,
    /// One directory per city (`cities/`).
    pub cities: PathBuf,
    /// Shared data (`policies/`): the holiday calendars live in `calendars/`.
    pub policies: PathBuf,
}

impl std::fmt::Debug for Sources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sources")
            .field("cities", &self.cities)
            .field("policies", &self.policies)
            .finish_non_exhaustive()
    }
}

impl Sources {
    pub fn calendars(&self) -> PathBuf {
        self.policies.join("calendars")
    }
}

/// One city as served.
#[derive(Debug, Clone)]
pub struct CityPack {
    /// The last pack that loaded without errors; `None` if none ever did.
    pub pack: Option<LoadedPack>,
    pub loaded_at: Option<DateTime<Utc>>,
    /// Warnings of the pack being served.
    pub warnings: Vec<Diagnostic>,
    /// Why the latest attempt to load this city failed, if it did.
    pub last_error: Option<LoadFailure>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadFailure {
    pub at: DateTime<Utc>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The calendar as served.
#[derive(Debug, Clone)]
pub struct CalendarState {
    pub calendar: Arc<Calendar>,
    pub loaded_at: DateTime<Utc>,
    pub last_error: Option<LoadFailure>,
}

/// What one reload did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReloadReport {
    /// Cities now serving a new version.
    pub swapped: Vec<CityId>,
    /// Cities whose files failed to load; each keeps its last good pack.
    pub failed: Vec<CityId>,
    /// Whether a new holiday calendar is being served.
    pub calendar_swapped: bool,
    pub calendar_failed: bool,
}

pub struct Registry {
    sources: Sources,
    cities: ArcSwap<BTreeMap<CityId, Arc<CityPack>>>,
    calendar: ArcSwap<CalendarState>,
    /// Every pack version loaded since start-up, by version string.
    versions: Mutex<HashMap<String, LoadedPack>>,
    /// Serialises reloads; readers never wait for it.
    reloading: Mutex<()>,
}

#[derive(Debug, thiserror::Error)]
#[error("the holiday calendar in `{}` does not load:\n{}", dir.display(), list(diagnostics))]
pub struct StartError {
    pub dir: PathBuf,
    pub diagnostics: Vec<Diagnostic>,
}

fn list(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| format!("  {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Registry {
    /// Loads every pack and the calendar. A pack with errors is reported, not served; a
    /// calendar with errors stops the start, since no deadline could be counted.
    pub fn load(sources: Sources, now: DateTime<Utc>) -> Result<Registry, StartError> {
        let dir = sources.calendars();
        let calendar = load_calendar(&*sources.files, &dir)
            .map_err(|diagnostics| StartError { dir, diagnostics })?;
        let registry = Registry {
            sources,
            cities: ArcSwap::from_pointee(BTreeMap::new()),
            calendar: ArcSwap::from_pointee(CalendarState {
                calendar: Arc::new(calendar),
                loaded_at: now,
                last_error: None,
            }),
            versions: Mutex::new(HashMap::new()),
            reloading: Mutex::new(()),
        };
        registry.reload_cities(now);
        Ok(registry)
    }

    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// The pack new cases of `city` are opened under.
    pub fn current(&self, city: &CityId) -> Option<LoadedPack> {
        self.cities.load().get(city).and_then(|c| c.pack.clone())
    }

    /// A pack version loaded (or restored from the archive) since start-up.
    pub fn version(&self, version: &str) -> Option<LoadedPack> {
        self.versions().get(version).cloned()
    }

    pub fn cities(&self) -> Arc<BTreeMap<CityId, Arc<CityPack>>> {
        self.cities.load_full()
    }

    pub fn calendar(&self) -> Arc<Calendar> {
        self.calendar.load().calendar.clone()
    }

    pub fn calendar_state(&self) -> Arc<CalendarState> {
        self.calendar.load_full()
    }

    /// Re-reads every pack and the calendar; see the module docs for what is swapped.
    pub fn reload(&self, now: DateTime<Utc>) -> ReloadReport {
        let _one_at_a_time = self.reloading.lock().unwrap_or_else(|p| p.into_inner());
        let mut report = self.reload_cities(now);
        match load_calendar(&*self.sources.files, &self.sources.calendars()) {
            Ok(calendar) => {
                let old = self.calendar.load();
                report.calendar_swapped = !same_schedules(&old.calendar, &calendar);
                let calendar = if report.calendar_swapped {
                    Arc::new(calendar)
                } else {
                    old.calendar.clone()
                };
                let loaded_at = if report.calendar_swapped {
                    now
                } else {
                    old.loaded_at
                };
                self.calendar.store(Arc::new(CalendarState {
                    calendar,
                    loaded_at,
                    last_error: None,
                }));
            }
            Err(diagnostics) => {
                report.calendar_failed = true;
                let old = self.calendar.load();
                for d in &diagnostics {
                    tracing::error!(diagnostic = %d, "calendar reload failed; keeping the last good calendar");
                }
                self.calendar.store(Arc::new(CalendarState {
                    calendar: old.calendar.clone(),
                    loaded_at: old.loaded_at,
                    last_error: Some(LoadFailure {
                        at: now,
                        diagnostics,
                    }),
                }));
            }
        }
        report
    }

    /// Serves `cities` and `calendar` as they are (what another node published, see
    /// `published`), reporting what changed as a reload does.
    pub(crate) fn serve(
        &self,
        cities: BTreeMap<CityId, Arc<CityPack>>,
        calendar: CalendarState,
    ) -> ReloadReport {
        let _one_at_a_time = self.reloading.lock().unwrap_or_else(|p| p.into_inner());
        let old = self.cities.load_full();
        let version = |c: Option<&Arc<CityPack>>| {
            c.and_then(|c| c.pack.as_ref())
                .map(|p| p.pack.version.clone())
        };
        let mut report = ReloadReport::default();
        for (city, entry) in &cities {
            if let Some(pack) = &entry.pack {
                self.remember(pack);
            }
            if version(Some(entry)) != version(old.get(city)) {
                report.swapped.push(city.clone());
            }
            if entry.last_error.is_some() {
                report.failed.push(city.clone());
            }
        }
        report.calendar_swapped =
            !same_schedules(&self.calendar.load().calendar, &calendar.calendar);
        report.calendar_failed = calendar.last_error.is_some();
        self.cities.store(Arc::new(cities));
        self.calendar.store(Arc::new(calendar));
        report
    }

    fn reload_cities(&self, now: DateTime<Utc>) -> ReloadReport {
        let mut report = ReloadReport::default();
        let old = self.cities.load_full();
        let mut next: BTreeMap<CityId, Arc<CityPack>> = (*old).clone();
        let dirs = match pack_dirs(&*self.sources.files, &self.sources.cities) {
            Ok(dirs) => dirs,
            Err(d) => {
                tracing::error!(diagnostic = %d, "cannot list the pack directories; keeping every pack");
                return report;
            }
        };
        let mut seen = BTreeSet::new();
        for dir in dirs {
            let (loaded, diagnostics) = load_pack(&*self.sources.files, &dir);
            let city = loaded
                .as_ref()
                .map(|p| p.pack.city.clone())
                .unwrap_or_else(|| city_of(&dir));
            seen.insert(city.clone());
            let previous = old.get(&city);
            let entry = match loaded {
                Some(pack) => {
                    let same = previous
                        .and_then(|p| p.pack.as_ref())
                        .is_some_and(|p| p.pack.version == pack.pack.version);
                    if same && previous.is_some_and(|p| p.last_error.is_none()) {
                        continue;
                    }
                    if !same {
                        tracing::info!(%city, version = %pack.pack.version, "serving a new pack version");
                        report.swapped.push(city.clone());
                        self.remember(&pack);
                    }
                    CityPack {
                        loaded_at: if same {
                            previous.and_then(|p| p.loaded_at)
                        } else {
                            Some(now)
                        },
                        pack: Some(pack),
                        warnings: diagnostics,
                        last_error: None,
                    }
                }
                None => {
                    debug_assert!(has_errors(&diagnostics));
                    for d in &diagnostics {
                        tracing::error!(%city, diagnostic = %d, "pack failed to load; keeping the last good pack");
                    }
                    report.failed.push(city.clone());
                    CityPack {
                        pack: previous.and_then(|p| p.pack.clone()),
                        loaded_at: previous.and_then(|p| p.loaded_at),
                        warnings: previous.map(|p| p.warnings.clone()).unwrap_or_default(),
                        last_error: Some(LoadFailure {
                            at: now,
                            diagnostics,
                        }),
                    }
                }
            };
            next.insert(city, Arc::new(entry));
        }
        // A city whose pack file or directory is gone keeps its last pack (its cases
        // still need it) and says why the files no longer load.
        for (city, entry) in old.iter() {
            if seen.contains(city) || entry.pack.is_none() {
                continue;
            }
            let file = self.sources.cities.join(city.as_str()).join("pack.yaml");
            tracing::error!(%city, "the pack's files are gone; keeping the last good pack");
            report.failed.push(city.clone());
            let mut kept = (**entry).clone();
            kept.last_error = Some(LoadFailure {
                at: now,
                diagnostics: vec![Diagnostic::error(
                    govflow_loader::code::FILE,
                    file.display().to_string(),
                    "the pack file is missing; the last good pack stays in service",
                )],
            });
            next.insert(city.clone(), Arc::new(kept));
        }
        self.cities.store(Arc::new(next));
        report
    }

    pub(crate) fn remember(&self, pack: &LoadedPack) {
        self.versions()
            .insert(pack.pack.version.clone(), pack.clone());
    }

    fn versions(&self) -> std::sync::MutexGuard<'_, HashMap<String, LoadedPack>> {
        self.versions.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The city a pack directory that failed to load is reported under: its directory name
/// (every pack in `cities/` lives in a directory named after its city).
fn city_of(dir: &Path) -> CityId {
    CityId::from(
        dir.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
            .as_str(),
    )
}

fn same_schedules(a: &Calendar, b: &Calendar) -> bool {
    a.years().eq(b.years()) && a.years().all(|y| a.schedule(y) == b.schedule(y))
}
