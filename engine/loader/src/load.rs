//! Reading packs, calendars and scenarios from a [`Files`] source. Everything a pack
//! needs (its documents, scripts and the regulation's text) is read here, before lowering.

use crate::diagnostic::{code, has_errors, Diagnostic};
use crate::docs::{CalendarDoc, PackDoc, ProcedureDoc, ScenarioDoc, SCHEMA_VERSION};
use crate::files::{reason, Files};
use crate::lower::parts::{squeeze, Item, Parts};
use crate::lower::{lower_pack, Sink};
use crate::source::SourceFile;
use govflow_calendar::{Calendar, YearSchedule};
use govflow_model::{CityId, Pack};
use govflow_script::Scripts;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A validated pack with its compiled guards.
#[derive(Debug, Clone)]
pub struct LoadedPack {
    pub pack: Arc<Pack>,
    pub scripts: Arc<Scripts>,
    pub dir: PathBuf,
}

/// Loads the pack in `dir` (and the packs it extends, from sibling directories).
pub fn load_pack(files: &dyn Files, dir: &Path) -> (Option<LoadedPack>, Vec<Diagnostic>) {
    let mut sink = Sink::default();
    let parts = read_parts(files, dir, &mut Vec::new(), &mut sink);
    let loaded = parts.and_then(|parts| {
        let (pack, scripts) = lower_pack(&parts, &mut sink)?;
        Some(LoadedPack {
            pack: Arc::new(pack),
            scripts: Arc::new(scripts),
            dir: dir.to_path_buf(),
        })
    });
    let mut diagnostics = sink.diagnostics;
    diagnostics.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    diagnostics.dedup();
    let loaded = if has_errors(&diagnostics) {
        None
    } else {
        loaded
    };
    (loaded, diagnostics)
}

/// The pack directories under `dir`: every subdirectory with a `pack.yaml`.
pub fn pack_dirs(files: &dyn Files, dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let entries = files.entries(dir).map_err(|e| unreadable_dir(dir, &e))?;
    Ok(entries
        .into_iter()
        .filter(|p| files.is_file(&p.join("pack.yaml")))
        .collect())
}

fn unreadable_dir(dir: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        code::FILE,
        dir.display().to_string(),
        format!("cannot read the directory: {}", reason(e)),
    )
}

/// Loads every pack under `dir`. A pack with errors is left out and its diagnostics kept.
pub fn load_cities(
    files: &dyn Files,
    dir: &Path,
) -> (BTreeMap<CityId, LoadedPack>, Vec<Diagnostic>) {
    let mut packs = BTreeMap::new();
    let mut diagnostics = Vec::new();
    match pack_dirs(files, dir) {
        Err(d) => diagnostics.push(d),
        Ok(dirs) => {
            for d in dirs {
                let (pack, mut found) = load_pack(files, &d);
                diagnostics.append(&mut found);
                if let Some(p) = pack {
                    packs.insert(p.pack.city.clone(), p);
                }
            }
        }
    }
    diagnostics.dedup();
    (packs, diagnostics)
}

fn read_parts(
    files: &dyn Files,
    dir: &Path,
    chain: &mut Vec<String>,
    sink: &mut Sink,
) -> Option<Parts> {
    let dir_name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let pack_path = dir.join("pack.yaml");
    let pack = read_doc::<PackDoc>(files, &pack_path, sink);
    let procedures = read_procedures(files, dir, sink);
    let scripts = read_scripts(files, dir, sink);
    let (file, doc) = pack?;
    if doc.city != dir_name {
        sink.at(
            &file,
            code::INVALID_VALUE,
            "city",
            format!(
                "the pack declares `{}` but lives in `{dir_name}/`",
                doc.city
            ),
        )
        .help = Some("a pack's directory is named for its city id".into());
    }
    let removed = doc.remove.clone();
    let extends = doc.extends.clone();
    let mut parts = Parts::from_pack(&file, doc);
    parts.regulation_text = read_regulation_text(files, dir, &parts);
    for (file, p) in procedures {
        if let Some(other) = parts.procedures.get(&p.id) {
            sink.at(
                &file,
                code::DUPLICATE,
                "id",
                format!(
                    "procedure `{}` is also declared in {}",
                    p.id, other.file.path
                ),
            );
            continue;
        }
        parts
            .files
            .insert(file.path.clone(), file.text.as_bytes().to_vec());
        parts
            .procedures
            .insert(p.id.clone(), Item::new(&file, "", p));
    }
    for (name, file) in scripts {
        parts
            .files
            .insert(file.path.clone(), file.text.as_bytes().to_vec());
        let text = file.text.clone();
        parts.scripts.insert(name, Item::new(&file, "", text));
    }
    let Some(parent) = extends else {
        if !removed.procedures.is_empty() || !removed.roles.is_empty() {
            sink.at(
                &file,
                code::EXTENDS,
                "remove",
                "`remove` applies only to a pack that `extends` another",
            );
        }
        return Some(parts);
    };
    chain.push(dir_name.clone());
    if chain.contains(&parent) {
        sink.at(
            &file,
            code::EXTENDS,
            "extends",
            format!(
                "`extends: {parent}` makes a cycle: {} → {parent}",
                chain.join(" → ")
            ),
        );
        return None;
    }
    let parent_dir = dir.parent().unwrap_or(dir).join(&parent);
    if !files.is_file(&parent_dir.join("pack.yaml")) {
        sink.at(
            &file,
            code::EXTENDS,
            "extends",
            format!("there is no pack `{parent}` beside this one"),
        )
        .help = Some(format!(
            "expected {}",
            parent_dir.join("pack.yaml").display()
        ));
        return None;
    }
    let parent_parts = read_parts(files, &parent_dir, chain, sink)?;
    for (list, what, known) in [
        (
            &removed.procedures,
            "procedure",
            parent_parts.procedures.keys().cloned().collect::<Vec<_>>(),
        ),
        (
            &removed.roles,
            "role",
            parent_parts.roles.keys().cloned().collect(),
        ),
    ] {
        for (i, id) in list.iter().enumerate() {
            if !known.contains(id) {
                let key = if what == "procedure" {
                    "procedures"
                } else {
                    "roles"
                };
                sink.at(
                    &file,
                    code::EXTENDS,
                    &format!("remove.{key}[{i}]"),
                    format!("`{parent}` has no {what} `{id}` to remove"),
                );
            }
        }
    }
    Some(parts.over(parent_parts, &removed))
}

/// The regulation's text, squeezed of white space, which the quotes are held against;
/// `None` when the pack names none. Its path is relative to the pack directory.
fn read_regulation_text(
    files: &dyn Files,
    dir: &Path,
    parts: &Parts,
) -> Option<Result<String, Diagnostic>> {
    let item = parts.regulation.as_ref()?;
    let text_path = item.doc.text.as_ref()?;
    Some(
        files
            .read(&dir.join(text_path))
            .map(|text| squeeze(&text))
            .map_err(|e| {
                item.file.diag(
                    code::FILE,
                    &format!("{}.text", item.path),
                    format!("cannot read `{text_path}`: {}", reason(&e)),
                )
            }),
    )
}

/// Reads and deserializes one document; checks its schema version.
pub(crate) fn read_doc<T: serde::de::DeserializeOwned + HasSchemaVersion>(
    files: &dyn Files,
    path: &Path,
    sink: &mut Sink,
) -> Option<(Arc<SourceFile>, T)> {
    let file = match SourceFile::read(files, path) {
        Ok(f) => Arc::new(f),
        Err(d) => {
            sink.push(d);
            return None;
        }
    };
    match file.parse::<T>() {
        Ok((doc, _)) => {
            if doc.schema_version() != SCHEMA_VERSION {
                sink.at(
                    &file,
                    code::SCHEMA_VERSION,
                    "schema_version",
                    format!("schema version {} is not supported", doc.schema_version()),
                )
                .help = Some(format!(
                    "this release reads schema version {SCHEMA_VERSION}"
                ));
                return None;
            }
            Some((file, doc))
        }
        Err(mut errors) => {
            sink.diagnostics.append(&mut errors);
            None
        }
    }
}

pub(crate) trait HasSchemaVersion {
    fn schema_version(&self) -> u32;
}

macro_rules! has_schema_version {
    ($($t:ty),*) => {$(
        impl HasSchemaVersion for $t {
            fn schema_version(&self) -> u32 {
                self.schema_version
            }
        }
    )*};
}
has_schema_version!(PackDoc, ProcedureDoc, ScenarioDoc, CalendarDoc);

/// The files in `dir` whose name ends in `.extension`, sorted.
fn files_with_extension(
    files: &dyn Files,
    dir: &Path,
    extension: &str,
) -> std::io::Result<Vec<PathBuf>> {
    Ok(files
        .entries(dir)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == extension) && files.is_file(p))
        .collect())
}

/// The files of an optional subdirectory of a pack (`procedures/`, `scripts/`): none when
/// it does not exist, a diagnostic when it cannot be read.
fn pack_files(files: &dyn Files, dir: &Path, extension: &str, sink: &mut Sink) -> Vec<PathBuf> {
    match files_with_extension(files, dir, extension) {
        Ok(paths) => paths,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            sink.push(unreadable_dir(dir, &e));
            Vec::new()
        }
    }
}

fn read_procedures(
    files: &dyn Files,
    dir: &Path,
    sink: &mut Sink,
) -> Vec<(Arc<SourceFile>, ProcedureDoc)> {
    pack_files(files, &dir.join("procedures"), "yaml", sink)
        .iter()
        .filter_map(|p| read_doc::<ProcedureDoc>(files, p, sink))
        .collect()
}

fn read_scripts(files: &dyn Files, dir: &Path, sink: &mut Sink) -> Vec<(String, Arc<SourceFile>)> {
    pack_files(files, &dir.join("scripts"), "rhai", sink)
        .iter()
        .filter_map(|p| {
            let name = p.file_stem()?.to_string_lossy().into_owned();
            match SourceFile::read(files, p) {
                Ok(f) => Some((name, Arc::new(f))),
                Err(d) => {
                    sink.push(d);
                    None
                }
            }
        })
        .collect()
}

/// The scenario files of a pack directory (`scenarios/*.yaml`); none when it has no
/// readable `scenarios/` directory.
pub fn scenario_files(files: &dyn Files, pack_dir: &Path) -> Vec<PathBuf> {
    files_with_extension(files, &pack_dir.join("scenarios"), "yaml").unwrap_or_default()
}

/// Reads one scenario file.
pub fn load_scenario(
    files: &dyn Files,
    path: &Path,
) -> Result<(Arc<SourceFile>, ScenarioDoc), Vec<Diagnostic>> {
    let mut sink = Sink::default();
    read_doc::<ScenarioDoc>(files, path, &mut sink).ok_or(sink.diagnostics)
}

/// Loads every `<year>.yaml` under `dir` (`policies/calendars`) into one calendar.
pub fn load_calendar(files: &dyn Files, dir: &Path) -> Result<Calendar, Vec<Diagnostic>> {
    let mut sink = Sink::default();
    let mut years = Vec::new();
    let paths =
        files_with_extension(files, dir, "yaml").map_err(|e| vec![unreadable_dir(dir, &e)])?;
    for path in paths {
        if let Some((file, doc)) = read_doc::<CalendarDoc>(files, &path, &mut sink) {
            let schedule = YearSchedule::from(doc);
            let problems = schedule.problems();
            for p in &problems {
                sink.at(&file, code::CALENDAR, "", p.to_string());
            }
            if problems.is_empty() {
                years.push(schedule);
            }
        }
    }
    if has_errors(&sink.diagnostics) {
        return Err(sink.diagnostics);
    }
    Calendar::new(years).map_err(|e| {
        vec![Diagnostic::error(
            code::CALENDAR,
            dir.display().to_string(),
            e.to_string(),
        )]
    })
}

#[cfg(test)]
mod tests;
