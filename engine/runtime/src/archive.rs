//! Pack versions archived in the store, so a case stays on the version it was opened
//! under across restarts: every version served is written once (the validated pack and
//! its guard sources), and a case whose version is no longer in memory is decided on the
//! archived one, its guards compiled again.

use crate::{Error, Runtime};
use govflow_loader::LoadedPack;
use govflow_model::{Case, Pack};
use govflow_script::{Scripts, Source};
use govflow_store::Batch;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Serialize, Deserialize)]
struct Archived {
    pack: Pack,
    scripts: Vec<Source>,
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
            match serde_json::to_value(&archived) {
                Ok(value) => {
                    batch.archive_pack(version.clone(), value);
                }
                Err(e) => tracing::error!(%version, error = %e, "cannot archive a pack version"),
            }
        }
        if !batch.is_empty() {
            self.store().commit(batch)?;
        }
        Ok(())
    }

    /// The pack version that governs `case`: the one it was opened under (from memory or
    /// the archive), else, if that is lost, the city's current pack.
    pub(crate) fn pack_of_case(&self, case: &Case) -> Result<LoadedPack, Error> {
        if let Some(pack) = self.registry().version(&case.pack_version) {
            return Ok(pack);
        }
        if let Some(pack) = self.restore(case)? {
            return Ok(pack);
        }
        tracing::warn!(case = %case.id, version = %case.pack_version,
            "the case's pack version is neither loaded nor archived; using the city's current pack");
        self.registry()
            .current(&case.city)
            .ok_or_else(|| Error::UnknownCity {
                city: case.city.clone(),
                served: self.served_cities(),
            })
    }

    fn restore(&self, case: &Case) -> Result<Option<LoadedPack>, Error> {
        let Some(value) = self.store().archived_pack(&case.pack_version)? else {
            return Ok(None);
        };
        let archived: Archived = match serde_json::from_value(value) {
            Ok(a) => a,
            Err(e) => {
                tracing::error!(version = %case.pack_version, error = %e, "an archived pack version does not decode");
                return Ok(None);
            }
        };
        let scripts = match Scripts::compile(archived.scripts) {
            Ok(s) => s,
            Err(errors) => {
                tracing::error!(version = %case.pack_version, ?errors, "an archived pack's guards do not compile");
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
        tracing::info!(version = %case.pack_version, "restored an archived pack version");
        self.registry().remember(&loaded);
        Ok(Some(loaded))
    }
}
