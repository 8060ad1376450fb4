//! Opening the store a command names: a `postgres://` URL, or a sled directory.

use anyhow::Context as _;
use govflow_store::{SledStore, Store};
use govflow_store_pg::PgStore;
use std::path::Path;
use std::sync::Arc;

/// Whether `location` names a PostgreSQL database rather than a directory.
pub fn is_postgres(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// The PostgreSQL store at `url`, with a description of it that never holds a password.
pub fn postgres(url: &str, named_by: &str) -> anyhow::Result<(Arc<dyn Store>, String)> {
    let store =
        PgStore::open(url).with_context(|| format!("opening the PostgreSQL store {named_by}"))?;
    let location = store.location().to_owned();
    Ok((Arc::new(store), location))
}

/// The sled store in `dir` (created if missing).
pub fn sled(dir: &Path) -> anyhow::Result<(Arc<dyn Store>, String)> {
    let store = SledStore::open(dir)
        .with_context(|| format!("opening the store in `{}`", dir.display()))?;
    Ok((Arc::new(store), format!("sled in {}", dir.display())))
}

/// A `postgres://` URL or a sled directory.
pub fn open(location: &str, named_by: &str) -> anyhow::Result<(Arc<dyn Store>, String)> {
    if is_postgres(location) {
        postgres(location, named_by)
    } else {
        sled(Path::new(location))
    }
}
