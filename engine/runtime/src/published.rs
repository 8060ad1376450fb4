//! The packs and the calendar served, shared by every node on one store: a reload on one
//! node reaches all.
//!
//! What a node serves after loading its files (at start-up, on a reload) is published in
//! the store: each city's pack version (the pack itself is archived, see `versions`), its
//! warnings and last load error, and the calendar's schedules with theirs. A publication
//! is an archived record under `@served@<instant>`; the cron mark [`SERVED`] names the
//! latest instant and moves conditionally, as the shared clock does, so two nodes
//! publishing at once both land, one after the other. Every node looks at the mark every
//! [`FOLLOW_EVERY`] and serves a newer publication as it is, each version from memory or
//! restored from the archive, its guards compiled again; a new calendar is followed by the
//! provisional recount, as after a reload.
//!
//! At start-up a node first serves the latest publication, then loads its own files over
//! it as a reload would (a city whose files do not load keeps the published version and
//! shows why), and publishes the result if it serves anything else: the files a node
//! starts with, or reloads, are a deployment, and the last one published is what every
//! node serves (`docs/deploy.md`).

use crate::registry::{CalendarState, CityPack, LoadFailure};
use crate::{Error, Registry, ReloadReport, Runtime};
use chrono::{DateTime, Utc};
use govflow_calendar::{Calendar, YearSchedule};
use govflow_loader::Diagnostic;
use govflow_model::CityId;
use govflow_store::{Batch, Conflict};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Where the store marks the latest publication, in the cron table (a name no obligation
/// can have: obligation ids never start with `@`).
pub const SERVED: &str = "@served";

/// How often a node looks whether another node published other packs.
pub(crate) const FOLLOW_EVERY: Duration = Duration::from_secs(1);

/// What one node served, as every node reads it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Publication {
    cities: BTreeMap<CityId, PublishedCity>,
    calendar: PublishedCalendar,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PublishedCity {
    /// The archived version served; `None` when none ever loaded.
    version: Option<String>,
    loaded_at: Option<DateTime<Utc>>,
    warnings: Vec<Diagnostic>,
    last_error: Option<LoadFailure>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PublishedCalendar {
    schedules: Vec<YearSchedule>,
    loaded_at: DateTime<Utc>,
    last_error: Option<LoadFailure>,
}

impl Publication {
    fn of(registry: &Registry) -> Publication {
        let cities = registry
            .cities()
            .iter()
            .map(|(city, served)| {
                let published = PublishedCity {
                    version: served.pack.as_ref().map(|p| p.pack.version.clone()),
                    loaded_at: served.loaded_at,
                    warnings: served.warnings.clone(),
                    last_error: served.last_error.clone(),
                };
                (city.clone(), published)
            })
            .collect();
        let calendar = registry.calendar_state();
        let schedules = calendar
            .calendar
            .years()
            .filter_map(|y| calendar.calendar.schedule(y).cloned())
            .collect();
        Publication {
            cities,
            calendar: PublishedCalendar {
                schedules,
                loaded_at: calendar.loaded_at,
                last_error: calendar.last_error.clone(),
            },
        }
    }

    /// Whether `other` serves the same versions, warnings, errors and schedules, whenever
    /// each was loaded.
    fn serves_the_same(&self, other: &Publication) -> bool {
        let diagnostics = |f: &Option<LoadFailure>| f.as_ref().map(|f| f.diagnostics.clone());
        let cities = |p: &Publication| {
            p.cities
                .iter()
                .map(|(city, c)| {
                    let what = (c.version.clone(), c.warnings.clone());
                    (city.clone(), what, diagnostics(&c.last_error))
                })
                .collect::<Vec<_>>()
        };
        cities(self) == cities(other)
            && self.calendar.schedules == other.calendar.schedules
            && diagnostics(&self.calendar.last_error) == diagnostics(&other.calendar.last_error)
    }
}

/// The archive key of the publication marked at `at`.
fn key(at: DateTime<Utc>) -> String {
    format!(
        "{SERVED}@{}",
        at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
    )
}

impl Runtime {
    /// The latest publication and its instant, if any node published.
    fn published(&self) -> Result<Option<(DateTime<Utc>, Publication)>, Error> {
        let Some(at) = self.store().last_occurrence(SERVED)? else {
            return Ok(None);
        };
        let Some(value) = self.store().archived_pack(&key(at))? else {
            return Ok(None);
        };
        let publication = serde_json::from_value(value)
            .map_err(|e| Error::Store(govflow_store::Error::Encode(e)))?;
        Ok(Some((at, publication)))
    }

    /// At start-up: serves the latest publication, loads this node's files over it, and
    /// publishes what is served if it differs. Called before anything is decided.
    pub(crate) fn join_published(&self) -> Result<(), Error> {
        if let Some((at, publication)) = self.published()? {
            self.serve_publication(&publication)?;
            self.registry().reload(self.clock().now());
            self.archive_served()?;
            self.saw_publication(at);
        }
        self.publish()
    }

    /// Publishes what this node serves, unless the latest publication serves the same.
    pub(crate) fn publish(&self) -> Result<(), Error> {
        let ours = Publication::of(self.registry());
        let value = serde_json::to_value(&ours)
            .map_err(|e| Error::Store(govflow_store::Error::Encode(e)))?;
        for _ in 0..crate::transact::ATTEMPTS {
            let latest = self.published()?;
            if let Some((at, theirs)) = &latest {
                if theirs.serves_the_same(&ours) {
                    self.saw_publication(*at);
                    return Ok(());
                }
            }
            let previous = latest.map(|(at, _)| at);
            // Instants only increase, so every publication has its own key.
            let at = previous.map_or_else(Utc::now, |p| {
                Utc::now().max(p + chrono::Duration::microseconds(1))
            });
            let mut batch = Batch::new();
            batch.mark_cron(SERVED, previous, at);
            batch.archive_pack(key(at), value.clone());
            match self.store().commit(batch) {
                Ok(_) => {
                    tracing::info!(%at, "published the packs and calendar this node serves, for every node");
                    self.saw_publication(at);
                    return Ok(());
                }
                Err(govflow_store::Error::Conflict(Conflict::CronMoved { .. })) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Error::Busy(govflow_model::CaseId::new(SERVED)))
    }

    /// Serves a publication newer than the last one this node saw, if there is one; then
    /// settles what the change calls for, as a reload does.
    pub(crate) fn follow_published(&self) -> Result<(), Error> {
        let marked = self.store().last_occurrence(SERVED)?;
        if marked.is_none() || marked == self.seen_publication() {
            return Ok(());
        }
        let _no_firing = self.firing_lock();
        let Some((at, publication)) = self.published()? else {
            return Ok(());
        };
        if !publication.serves_the_same(&Publication::of(self.registry())) {
            let report = self.serve_publication(&publication)?;
            tracing::info!(
                swapped = ?report.swapped,
                calendar_swapped = report.calendar_swapped,
                "serving the packs and calendar another node published"
            );
            self.settle(&report)?;
        }
        self.saw_publication(at);
        Ok(())
    }

    fn seen_publication(&self) -> Option<DateTime<Utc>> {
        *self
            .inner
            .seen_publication
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    fn saw_publication(&self, at: DateTime<Utc>) {
        *self
            .inner
            .seen_publication
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(at);
    }

    /// Serves `publication`: each city's version from memory or the archive. A version
    /// that can be read from neither leaves the city as this node serves it, logged.
    fn serve_publication(&self, publication: &Publication) -> Result<ReloadReport, Error> {
        let mut cities: BTreeMap<CityId, Arc<CityPack>> = BTreeMap::new();
        let current = self.registry().cities();
        for (city, published) in &publication.cities {
            let pack = match &published.version {
                None => None,
                Some(version) => match self.registry().version(version) {
                    Some(pack) => Some(pack),
                    None => self.restore(version)?,
                },
            };
            if published.version.is_some() && pack.is_none() {
                tracing::error!(%city, version = ?published.version,
                    "a published pack version is not archived; this node keeps serving its own");
                if let Some(own) = current.get(city) {
                    cities.insert(city.clone(), own.clone());
                }
                continue;
            }
            let served = CityPack {
                pack,
                loaded_at: published.loaded_at,
                warnings: published.warnings.clone(),
                last_error: published.last_error.clone(),
            };
            cities.insert(city.clone(), Arc::new(served));
        }
        let calendar = match Calendar::new(publication.calendar.schedules.clone()) {
            Ok(calendar) => CalendarState {
                calendar: Arc::new(calendar),
                loaded_at: publication.calendar.loaded_at,
                last_error: publication.calendar.last_error.clone(),
            },
            Err(e) => {
                tracing::error!(error = %e, "the published calendar does not build; this node keeps its own");
                (*self.registry().calendar_state()).clone()
            }
        };
        Ok(self.registry().serve(cities, calendar))
    }
}

/// The thread that follows publications, every [`FOLLOW_EVERY`] until stopped.
pub(crate) struct Follower {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Follower {
    pub fn start(runtime: Runtime) -> Follower {
        let stop: Arc<(Mutex<bool>, Condvar)> = Arc::default();
        let stopping = stop.clone();
        let thread = std::thread::Builder::new()
            .name("govflow-follow".into())
            .spawn(move || {
                while !stopped_within(&stopping, FOLLOW_EVERY) {
                    if let Err(e) = runtime.follow_published() {
                        tracing::error!(error = %e, "cannot follow the packs other nodes publish; trying again");
                    }
                }
            })
            .expect("spawning the follower thread");
        Follower {
            stop,
            thread: Some(thread),
        }
    }
}

/// Waits up to `timeout` for `stop` to be set; whether it is.
fn stopped_within(stop: &(Mutex<bool>, Condvar), timeout: Duration) -> bool {
    let (flag, bell) = stop;
    let flag = flag.lock().unwrap_or_else(|p| p.into_inner());
    let (flag, _) = bell
        .wait_timeout_while(flag, timeout, |stopped| !*stopped)
        .unwrap_or_else(|p| p.into_inner());
    *flag
}

impl Drop for Follower {
    fn drop(&mut self) {
        let (flag, bell) = &*self.stop;
        *flag.lock().unwrap_or_else(|p| p.into_inner()) = true;
        bell.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
