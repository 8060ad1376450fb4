//! The conformance suite on [`MemoryStore`] and [`SledStore`], then what only a durable
//! store can show (reopen, format version).

use crate::{MemoryStore, SledStore};
use std::ops::Deref;

/// A sled store with the temp directory it lives in.
struct InTempDir {
    store: SledStore,
    _dir: tempfile::TempDir,
}

impl Deref for InTempDir {
    type Target = SledStore;
    fn deref(&self) -> &SledStore {
        &self.store
    }
}

fn sled_in_temp_dir() -> InTempDir {
    let dir = tempfile::tempdir().unwrap();
    InTempDir {
        store: SledStore::open(dir.path()).unwrap(),
        _dir: dir,
    }
}

mod memory {
    crate::conformance_suite!(|| Box::new(super::MemoryStore::new()));
}

mod sled {
    crate::conformance_suite!(super::sled_in_temp_dir);
}

mod durable;
