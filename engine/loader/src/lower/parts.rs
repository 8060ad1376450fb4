//! A pack as a set of parts, each remembering the file and document path it came from, so
//! that a pack assembled from a parent and a child still reports every problem where the
//! author wrote it.

use crate::diagnostic::Diagnostic;
use crate::docs::{
    BoardDoc, PackDoc, ProcedureDoc, ProhibitedActDoc, RecurringDoc, RegulationDoc, RoleDoc,
    RuleDoc, VocabularyDoc,
};
use crate::source::SourceFile;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub(crate) struct Item<T> {
    pub file: Arc<SourceFile>,
    /// Where in the file: `roles.provider`, `states.review.deadlines[0]`, …
    pub path: String,
    pub doc: T,
}

impl<T> Item<T> {
    pub fn new(file: &Arc<SourceFile>, path: impl Into<String>, doc: T) -> Self {
        Item {
            file: Arc::clone(file),
            path: path.into(),
            doc,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Parts {
    pub city: String,
    pub pack_file: Arc<SourceFile>,
    pub extends: Option<String>,
    pub name: Option<Item<String>>,
    pub regulation: Option<Item<RegulationDoc>>,
    /// The text `regulation.text` names, [squeezed](squeeze), or why it could not be
    /// read; `None` when the regulation names no text.
    pub regulation_text: Option<Result<String, Diagnostic>>,
    pub roles: BTreeMap<String, Item<RoleDoc>>,
    pub bodies: BTreeMap<String, Item<RoleDoc>>,
    pub sharing: Option<Item<VocabularyDoc>>,
    pub opening: Option<Item<VocabularyDoc>>,
    pub base_databases: Option<Item<VocabularyDoc>>,
    pub uses: Option<Item<VocabularyDoc>>,
    pub legal_bases: Option<Item<VocabularyDoc>>,
    pub rules: Vec<Item<RuleDoc>>,
    pub prohibited_acts: Vec<Item<ProhibitedActDoc>>,
    pub recurring: Vec<Item<RecurringDoc>>,
    pub board: Option<Item<BoardDoc>>,
    pub procedures: BTreeMap<String, Item<ProcedureDoc>>,
    /// Script name → its file (`scripts/<name>.rhai`) and text.
    pub scripts: BTreeMap<String, Item<String>>,
    /// Every file's bytes, for the pack version hash.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Parts {
    pub fn from_pack(file: &Arc<SourceFile>, doc: PackDoc) -> Parts {
        let classification = doc.classification.unwrap_or_default();
        Parts {
            city: doc.city,
            pack_file: Arc::clone(file),
            extends: doc.extends,
            name: doc.name.map(|d| Item::new(file, "name", d)),
            regulation: doc.regulation.map(|d| Item::new(file, "regulation", d)),
            regulation_text: None,
            roles: doc
                .roles
                .into_iter()
                .map(|(id, r)| (id.clone(), Item::new(file, format!("roles.{id}"), r)))
                .collect(),
            bodies: doc
                .bodies
                .into_iter()
                .map(|(id, b)| (id.clone(), Item::new(file, format!("bodies.{id}"), b)))
                .collect(),
            sharing: classification
                .sharing
                .map(|d| Item::new(file, "classification.sharing", d)),
            opening: classification
                .opening
                .map(|d| Item::new(file, "classification.opening", d)),
            base_databases: classification
                .base_databases
                .map(|d| Item::new(file, "classification.base_databases", d)),
            uses: classification
                .uses
                .map(|d| Item::new(file, "classification.uses", d)),
            legal_bases: classification
                .legal_bases
                .map(|d| Item::new(file, "classification.legal_bases", d)),
            rules: indexed(file, "classification.rules", classification.rules),
            prohibited_acts: indexed(file, "prohibited_acts", doc.prohibited_acts),
            recurring: indexed(file, "recurring", doc.recurring),
            board: doc.board.map(|d| Item::new(file, "board", d)),
            procedures: BTreeMap::new(),
            scripts: BTreeMap::new(),
            files: BTreeMap::from([(file.path.clone(), file.text.as_bytes().to_vec())]),
        }
    }

    /// Applies `self` (a child) over `parent`: what the child leaves out is the parent's,
    /// lists merge by id, and `removed` drops what does not apply.
    pub fn over(self, parent: Parts, removed: &crate::docs::RemoveDoc) -> Parts {
        let drop = |ids: &[String], id: &str| ids.iter().any(|r| r == id);
        let mut roles = parent.roles;
        roles.retain(|id, _| !drop(&removed.roles, id));
        roles.extend(self.roles);
        let mut bodies = parent.bodies;
        bodies.extend(self.bodies);
        let mut procedures = parent.procedures;
        procedures.retain(|id, _| !drop(&removed.procedures, id));
        procedures.extend(self.procedures);
        let mut scripts = parent.scripts;
        scripts.extend(self.scripts);
        let mut files = parent.files;
        files.extend(self.files);
        let (regulation, regulation_text) = match self.regulation {
            Some(r) => (Some(r), self.regulation_text),
            None => (parent.regulation, parent.regulation_text),
        };
        Parts {
            city: self.city,
            pack_file: self.pack_file,
            extends: self.extends,
            name: self.name.or(parent.name),
            regulation,
            regulation_text,
            roles,
            bodies,
            sharing: self.sharing.or(parent.sharing),
            opening: self.opening.or(parent.opening),
            base_databases: self.base_databases.or(parent.base_databases),
            uses: self.uses.or(parent.uses),
            legal_bases: self.legal_bases.or(parent.legal_bases),
            rules: merge_by_id(
                parent.rules,
                self.rules,
                &removed.classification_rules,
                |r| &r.id,
            ),
            prohibited_acts: merge_by_id(
                parent.prohibited_acts,
                self.prohibited_acts,
                &removed.prohibited_acts,
                |a| &a.id,
            ),
            recurring: merge_by_id(parent.recurring, self.recurring, &removed.recurring, |r| {
                &r.id
            }),
            board: self.board.or(parent.board),
            procedures,
            scripts,
            files,
        }
    }
}

fn indexed<T>(file: &Arc<SourceFile>, path: &str, docs: Vec<T>) -> Vec<Item<T>> {
    docs.into_iter()
        .enumerate()
        .map(|(i, d)| Item::new(file, format!("{path}[{i}]"), d))
        .collect()
}

fn merge_by_id<T>(
    parent: Vec<Item<T>>,
    child: Vec<Item<T>>,
    removed: &[String],
    id: impl Fn(&T) -> &String,
) -> Vec<Item<T>> {
    let mut merged: Vec<Item<T>> = parent
        .into_iter()
        .filter(|p| !removed.contains(id(&p.doc)))
        .collect();
    for c in child {
        match merged.iter_mut().find(|p| id(&p.doc) == id(&c.doc)) {
            Some(slot) => *slot = c,
            None => merged.push(c),
        }
    }
    merged
}

/// `s` without its white space: the texts break sentences across lines and pad numbers
/// with spaces, so quotes are compared squeezed on both sides.
pub(crate) fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}
