//! Which file-system events are worth a reload.
//!
//! Editors save in several ways: by writing a temporary file and renaming it over the
//! original, by truncating and writing in place, or by deleting and creating. Every one of
//! them ends in a create, modify, remove or rename event on the file that matters, so all of
//! those count; reads (open, close after reading) do not, which also keeps the reload's own
//! reads from triggering another reload.

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind};
use std::path::Path;

/// Whether `event` may have changed a pack or the shared policies.
pub(crate) fn relevant(event: &Event) -> bool {
    if event.need_rescan() {
        // The kernel dropped events: anything may have changed.
        return true;
    }
    let changes = match event.kind {
        // Closing a file opened for writing: the end of a save.
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Any
        | EventKind::Create(_)
        | EventKind::Modify(_)
        | EventKind::Remove(_)
        | EventKind::Other => true,
    };
    changes && (event.paths.is_empty() || event.paths.iter().any(|p| !is_scratch(p)))
}

/// An editor's swap, backup or lock file, or vim's write-permission probe (`4913`).
fn is_scratch(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name == "4913"
        || name.ends_with('~')
        || name.starts_with(".#")
        || [".swp", ".swo", ".swx"].iter().any(|s| name.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, ModifyKind, RemoveKind, RenameMode};

    fn event(kind: EventKind, paths: &[&str]) -> Event {
        paths
            .iter()
            .fold(Event::new(kind), |e, p| e.add_path(p.into()))
    }

    #[test]
    fn saves_count() {
        let file = "cities/wanzhou/pack.yaml";
        for kind in [
            EventKind::Create(CreateKind::File),
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            EventKind::Remove(RemoveKind::File),
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
        ] {
            assert!(relevant(&event(kind, &[file])), "{kind:?}");
        }
    }

    #[test]
    fn reads_do_not_count() {
        let file = "cities/wanzhou/pack.yaml";
        for kind in [
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
        ] {
            assert!(!relevant(&event(kind, &[file])), "{kind:?}");
        }
    }

    #[test]
    fn editor_scratch_files_do_not_count() {
        let modify = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        for file in [
            "cities/wanzhou/.pack.yaml.swp",
            "cities/wanzhou/pack.yaml~",
            "cities/wanzhou/.#pack.yaml",
            "cities/wanzhou/4913",
        ] {
            assert!(!relevant(&event(modify, &[file])), "{file}");
        }
        // A rename from a scratch file onto a real one is a save.
        let rename = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        let paths = ["cities/wanzhou/pack.yaml~", "cities/wanzhou/pack.yaml"];
        assert!(relevant(&event(rename, &paths)));
    }

    #[test]
    fn a_rescan_counts() {
        let overflow = Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        assert!(relevant(&overflow));
    }
}
