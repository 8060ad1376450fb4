//! Where the loader reads from: the disk, or files held in memory. Every read of a pack,
//! a calendar or a scenario goes through [`Files`], before lowering; lowering itself reads
//! nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Where packs, calendars and scenarios are read from: the disk, or files held in memory.
pub trait Files: Send + Sync {
    /// The text of the file at `path`.
    fn read(&self, path: &Path) -> io::Result<String>;
    /// The paths directly inside `dir` (files and directories), sorted.
    fn entries(&self, dir: &Path) -> io::Result<Vec<PathBuf>>;
    fn is_file(&self, path: &Path) -> bool;
}

/// The file system, through `std::fs`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

impl Files for Disk {
    fn read(&self, path: &Path) -> io::Result<String> {
        std::fs::read_to_string(path)
    }

    fn entries(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let mut paths = std::fs::read_dir(dir)?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<io::Result<Vec<_>>>()?;
        paths.sort();
        Ok(paths)
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
}

/// Files held in memory, keyed by their lexically normalised path (`a/./b/../c` is
/// `a/c`). A directory is any prefix of a stored file's path. Shared behind an `Arc`, it
/// can be edited while a registry reads from it.
#[derive(Debug, Default)]
pub struct InMemory {
    files: RwLock<BTreeMap<PathBuf, String>>,
}

impl InMemory {
    pub fn new() -> InMemory {
        InMemory::default()
    }

    /// Copies every file under each of `roots` from the disk (paths kept as given:
    /// `cities` gives `cities/wanzhou/pack.yaml`).
    pub fn from_disk(roots: &[&Path]) -> io::Result<InMemory> {
        let files = InMemory::new();
        for root in roots {
            files.copy_tree(root)?;
        }
        Ok(files)
    }

    fn copy_tree(&self, dir: &Path) -> io::Result<()> {
        for path in Disk.entries(dir)? {
            if path.is_dir() {
                self.copy_tree(&path)?;
            } else {
                self.insert(&path, std::fs::read_to_string(&path)?);
            }
        }
        Ok(())
    }

    /// Adds the file at `path`, or replaces its text.
    pub fn insert(&self, path: impl Into<PathBuf>, text: impl Into<String>) {
        self.write_lock()
            .insert(normalise(&path.into()), text.into());
    }

    /// Removes the file at `path`; whether there was one.
    pub fn remove(&self, path: &Path) -> bool {
        self.write_lock().remove(&normalise(path)).is_some()
    }

    /// Replaces the text of `path`; Err names the file when it does not exist.
    pub fn write(&self, path: &Path, text: String) -> io::Result<()> {
        match self.write_lock().get_mut(&normalise(path)) {
            Some(slot) => {
                *slot = text;
                Ok(())
            }
            None => Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("there is no file `{}` to write", path.display()),
            )),
        }
    }

    fn read_lock(&self) -> RwLockReadGuard<'_, BTreeMap<PathBuf, String>> {
        self.files.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write_lock(&self) -> RwLockWriteGuard<'_, BTreeMap<PathBuf, String>> {
        self.files.write().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Files for InMemory {
    fn read(&self, path: &Path) -> io::Result<String> {
        let key = normalise(path);
        let files = self.read_lock();
        match files.get(&key) {
            Some(text) => Ok(text.clone()),
            None if is_dir(&files, &key) => Err(io::ErrorKind::IsADirectory.into()),
            None => Err(io::ErrorKind::NotFound.into()),
        }
    }

    fn entries(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let key = normalise(dir);
        let files = self.read_lock();
        let names: BTreeSet<&Path> = files
            .keys()
            .filter_map(|path| path.strip_prefix(&key).ok())
            .filter_map(|rest| rest.components().next())
            .map(|first| Path::new(first.as_os_str()))
            .collect();
        if names.is_empty() {
            return Err(if files.contains_key(&key) {
                io::ErrorKind::NotADirectory.into()
            } else {
                io::ErrorKind::NotFound.into()
            });
        }
        Ok(names.into_iter().map(|name| dir.join(name)).collect())
    }

    fn is_file(&self, path: &Path) -> bool {
        self.read_lock().contains_key(&normalise(path))
    }
}

fn is_dir(files: &BTreeMap<PathBuf, String>, key: &Path) -> bool {
    files
        .keys()
        .any(|path| path != key && path.starts_with(key))
}

/// `path` with `.` dropped and each `..` taking away the directory before it, without
/// asking the file system (so a `..` after a symbolic link means its parent here too).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                Some(Component::ParentDir | Component::CurDir) | None => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

/// Why `e` happened, in the same words whichever source produced it (the disk's own
/// words carry an OS error number that memory has no counterpart for).
pub(crate) fn reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        kind @ (io::ErrorKind::NotADirectory | io::ErrorKind::IsADirectory) => kind.to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_the_same_file_however_they_are_spelt() {
        let files = InMemory::new();
        files.insert("cities/jiaozuo/pack.yaml", "a");
        let spellings = [
            "cities/macun/../jiaozuo/pack.yaml",
            "cities/./jiaozuo/pack.yaml",
            "./cities/jiaozuo//pack.yaml",
        ];
        for spelling in spellings {
            assert!(files.is_file(Path::new(spelling)), "{spelling}");
            assert_eq!(files.read(Path::new(spelling)).unwrap(), "a");
        }
        assert_eq!(
            normalise(Path::new("cities/wanzhou/../../policies/a.txt")),
            Path::new("policies/a.txt")
        );
        assert_eq!(normalise(Path::new("../a/../../b")), Path::new("../../b"));
        assert_eq!(normalise(Path::new("/a/../../b")), Path::new("/b"));
    }

    #[test]
    fn directories_are_the_prefixes_of_files() {
        let files = InMemory::new();
        files.insert("cities/wanzhou/pack.yaml", "");
        files.insert("cities/wanzhou/procedures/b.yaml", "");
        files.insert("cities/wanzhou/procedures/a.yaml", "");
        files.insert("cities/macun/pack.yaml", "");
        assert_eq!(
            files.entries(Path::new("cities")).unwrap(),
            [Path::new("cities/macun"), Path::new("cities/wanzhou")]
        );
        assert_eq!(
            files
                .entries(Path::new("cities/wanzhou/./procedures"))
                .unwrap(),
            [
                Path::new("cities/wanzhou/./procedures/a.yaml"),
                Path::new("cities/wanzhou/./procedures/b.yaml")
            ],
            "entries keep the directory as the caller spelt it"
        );
        assert!(!files.is_file(Path::new("cities/wanzhou")));
        let kind = |r: io::Result<_>| r.map(|_: Vec<PathBuf>| ()).unwrap_err().kind();
        assert_eq!(
            kind(files.entries(Path::new("cities/chongqing"))),
            io::ErrorKind::NotFound
        );
        assert_eq!(
            kind(files.entries(Path::new("cities/macun/pack.yaml"))),
            io::ErrorKind::NotADirectory
        );
        assert_eq!(
            files.read(Path::new("cities/wanzhou")).unwrap_err().kind(),
            io::ErrorKind::IsADirectory
        );
    }

    #[test]
    fn only_an_existing_file_can_be_written_and_a_removed_one_is_gone() {
        let files = InMemory::new();
        let path = Path::new("cities/wanzhou/pack.yaml");
        let error = files.write(path, "b".into()).unwrap_err();
        assert!(
            error.to_string().contains("cities/wanzhou/pack.yaml"),
            "{error}"
        );
        files.insert(path, "a");
        files
            .write(Path::new("cities/./wanzhou/pack.yaml"), "b".into())
            .unwrap();
        assert_eq!(files.read(path).unwrap(), "b");
        assert!(files.remove(path));
        assert!(!files.remove(path));
        assert_eq!(
            files.read(path).unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
    }

    #[test]
    fn a_missing_file_is_described_alike_on_disk_and_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("pack.yaml");
        let on_disk = Disk.read(&missing).unwrap_err();
        let in_memory = InMemory::new().read(&missing).unwrap_err();
        assert_eq!(reason(&on_disk), reason(&in_memory));
        let on_disk = Disk.entries(&missing).unwrap_err();
        let in_memory = InMemory::new().entries(&missing).unwrap_err();
        assert_eq!(reason(&on_disk), reason(&in_memory));
    }

    #[test]
    fn a_tree_copied_from_disk_keeps_its_paths_as_given() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::write(dir.path().join("a/b/c.yaml"), "c").unwrap();
        std::fs::write(dir.path().join("a/d.txt"), "d").unwrap();
        let root = dir.path().join("a");
        let files = InMemory::from_disk(&[&root]).unwrap();
        drop(dir);
        assert_eq!(files.read(&root.join("b/c.yaml")).unwrap(), "c");
        assert_eq!(
            files.entries(&root).unwrap(),
            [root.join("b"), root.join("d.txt")]
        );
    }
}
