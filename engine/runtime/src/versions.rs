//! Which pack version governs a case: the one it was received under, never another.
//!
//! Every version served is archived in the store once (the validated pack and its guard
//! sources), so a case stays on its version across restarts: a version no longer in memory
//! is restored from the archive, its guards compiled again. A case whose version can be
//! read from neither is not decided at all: its commands are refused with
//! [`Error::PackVersionMissing`], its due timers stay armed (and are passed over until a
//! reload serves the version again), the version is listed by [`Runtime::missing_versions`]
//! (`GET /v1/packs`) and counted in `/metrics`.

use crate::{Error, Runtime};
use chrono::{DateTime, Utc};
use govflow_loader::LoadedPack;
use govflow_model::{Case, CaseId, CityId, Pack};
use govflow_script::{Scripts, Source};
use govflow_store::Batch;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Serialize, Deserialize)]
struct Archived {
    pack: Pack,
    scripts: Vec<Source>,
}

/// A pack version that cases are pinned to but that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingVersion {
    pub city: CityId,
    pub version: String,
    /// When a command on one of its cases was first refused for it.
    pub since: DateTime<Utc>,
    /// Commands refused since.
    pub refused: u64,
}

/// What the runtime knows of unreadable versions.
#[derive(Default)]
pub(crate) struct Missing {
    versions: Mutex<BTreeMap<String, MissingVersion>>,
    /// Cases whose due timers are left armed because the case's version is missing.
    blocked: Mutex<BTreeSet<CaseId>>,
}

impl Missing {
    fn versions(&self) -> MutexGuard<'_, BTreeMap<String, MissingVersion>> {
        self.versions.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn blocked(&self) -> MutexGuard<'_, BTreeSet<CaseId>> {
        self.blocked.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// After a reload, every version may be readable again: try them all anew.
    pub fn forget(&self) {
        self.versions().clear();
        self.blocked().clear();
    }
}

impl Runtime {
    /// Archives every version being served that the store does not hold yet.
    pub(crate) fn archive_served(&self) -> Result<(), Error> {
        let mut batch = Batch::new();
        for entry in self.registry().cities().values() {
            let Some(loaded) = &entry.pack else { continue };
            let version = &loaded.pack.version;
            if self.store().archived_pack(version)?.is_some() {
                continue;
            }
            let archived = Archived {
                pack: (*loaded.pack).clone(),
                scripts: loaded.scripts.sources().to_vec(),
            };
            let value = serde_json::to_value(&archived)
                .map_err(|e| Error::Store(govflow_store::Error::Encode(e)))?;
            batch.archive_pack(version.clone(), value);
        }
        if !batch.is_empty() {
            self.store().commit(batch)?;
        }
        Ok(())
    }

    /// The pack new cases of `city` are opened under.
    pub(crate) fn pack_of_city(&self, city: &CityId) -> Result<LoadedPack, Error> {
        self.registry()
            .current(city)
            .ok_or_else(|| Error::UnknownCity {
                city: city.clone(),
                served: self.served_cities(),
            })
    }

    pub(crate) fn served_cities(&self) -> String {
        let cities = self.registry().cities();
        let served: Vec<&str> = cities
            .iter()
            .filter(|(_, c)| c.pack.is_some())
            .map(|(id, _)| id.as_str())
            .collect();
        served.join(", ")
    }

    /// The pack version that governs `case`: the one it was opened under, from memory or
    /// the archive.
    pub(crate) fn pack_of_case(&self, case: &Case) -> Result<LoadedPack, Error> {
        if let Some(pack) = self.registry().version(&case.pack_version) {
            return Ok(pack);
        }
        if let Some(pack) = self.restore(&case.pack_version)? {
            return Ok(pack);
        }
        let mut versions = self.inner.missing.versions();
        let now = self.clock().now();
        let entry = versions
            .entry(case.pack_version.clone())
            .or_insert_with(|| {
                tracing::error!(case = %case.id, version = %case.pack_version,
                    "the case's pack version is neither loaded nor archived; it is not decided under another");
                MissingVersion {
                    city: case.city.clone(),
                    version: case.pack_version.clone(),
                    since: now,
                    refused: 0,
                }
            });
        entry.refused += 1;
        self.metrics()
            .pack_version_missing
            .fetch_add(1, Ordering::Relaxed);
        Err(Error::PackVersionMissing {
            case: case.id.clone(),
            city: case.city.clone(),
            version: case.pack_version.clone(),
        })
    }

    /// The pack versions cases are pinned to that cannot be read, as last seen.
    pub fn missing_versions(&self) -> Vec<MissingVersion> {
        self.inner.missing.versions().values().cloned().collect()
    }

    /// The archived pack `version`, its guards compiled again, kept in the registry from
    /// now on; `None` when it is not archived or does not read back.
    pub(crate) fn restore(&self, version: &str) -> Result<Option<LoadedPack>, Error> {
        let Some(value) = self.store().archived_pack(version)? else {
            return Ok(None);
        };
        let archived: Archived = match serde_json::from_value(value) {
            Ok(a) => a,
            Err(e) => {
                tracing::error!(%version, error = %e, "an archived pack version does not decode");
                return Ok(None);
            }
        };
        let scripts = match Scripts::compile(archived.scripts) {
            Ok(s) => s,
            Err(errors) => {
                tracing::error!(%version, ?errors, "an archived pack's guards do not compile");
                return Ok(None);
            }
        };
        let loaded = LoadedPack {
            dir: self
                .registry()
                .sources()
                .cities
                .join(archived.pack.city.as_str()),
            pack: Arc::new(archived.pack),
            scripts: Arc::new(scripts),
        };
        tracing::info!(%version, "restored an archived pack version");
        self.registry().remember(&loaded);
        Ok(Some(loaded))
    }
}
