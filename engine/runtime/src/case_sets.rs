//! Sets of cases kept in the counters, in the same commit as each case: the cases waiting
//! for next year's schedule (`provisional`) and the open penalty cases of the 督办 queue
//! (`supervision`). A reader reads a range of counters, never the cases.
//!
//! A [`CaseSet`] says, for one case, under which key it belongs (`<root>␟<key>`) and with
//! what value, or that it does not; a commit adds the difference between the case before
//! and after. A store written before a set builds it once from every stored case, under
//! the set's cron mark, in one batch conditional on the mark being absent (two nodes
//! starting together build it once).

use crate::{Error, Runtime};
use govflow_model::Case;
use govflow_store::{Batch, Conflict};
use std::collections::BTreeMap;

/// Members of a set: the key after the root, and the value.
pub type Members = Vec<(String, i64)>;

/// One set: its counter root, its build mark, and who belongs.
pub(crate) struct CaseSet {
    pub root: &'static str,
    /// In the cron table (a name no obligation can have: obligation ids start with no `@`).
    pub mark: &'static str,
    /// The key (after the root) and value `case` belongs under, if it belongs.
    pub member: fn(&Runtime, &Case) -> Option<(String, i64)>,
}

impl CaseSet {
    fn name(&self, key: &str) -> String {
        format!("{}\u{1f}{key}", self.root)
    }

    /// The set's changes when `after` is put in place of `before` (absent for a new case).
    pub fn deltas(&self, rt: &Runtime, before: Option<&Case>, after: &Case) -> Vec<(String, i64)> {
        let was = before.and_then(|b| (self.member)(rt, b));
        let is = (self.member)(rt, after);
        let mut out: BTreeMap<String, i64> = BTreeMap::new();
        if let Some((key, n)) = was {
            *out.entry(self.name(&key)).or_insert(0) -= n;
        }
        if let Some((key, n)) = is {
            *out.entry(self.name(&key)).or_insert(0) += n;
        }
        out.into_iter().filter(|(_, n)| *n != 0).collect()
    }

    /// Every member as stored: its key (after the root) and value, in key order.
    pub fn stored(&self, rt: &Runtime) -> Result<Members, Error> {
        let (from, until) = (
            format!("{}\u{1f}", self.root),
            format!("{}\u{20}", self.root),
        );
        let prefix = from.clone();
        Ok(rt
            .store()
            .counts(&from, &until)?
            .into_iter()
            .filter_map(|(name, n)| Some((name.strip_prefix(&prefix)?.to_owned(), n)))
            .collect())
    }

    /// Every member computed again from every stored case, in key order: what
    /// [`CaseSet::stored`] must equal.
    pub fn computed(&self, rt: &Runtime) -> Result<Members, Error> {
        let mut out = BTreeMap::new();
        rt.each_stored_case(|case| {
            if let Some((key, n)) = (self.member)(rt, case) {
                out.insert(key, n);
            }
            Ok(())
        })?;
        Ok(out.into_iter().collect())
    }

    /// At start-up: builds the set of a store that has none yet, once.
    pub fn build_once(&self, rt: &Runtime) -> Result<(), Error> {
        let started = rt.clock().now();
        if rt.store().last_occurrence(self.mark)?.is_some() {
            return Ok(());
        }
        let members = self.computed(rt)?;
        let mut batch = Batch::new();
        for (key, n) in &members {
            batch.count(self.name(key), *n);
        }
        batch.mark_cron(self.mark, None, started);
        match rt.store().commit(batch) {
            Ok(_) => {
                tracing::info!(
                    set = self.root,
                    cases = members.len(),
                    "built a set of cases"
                );
                Ok(())
            }
            // Another node built it first.
            Err(govflow_store::Error::Conflict(Conflict::CronMoved { .. })) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// Every set, for the commit to keep and the start-up to build.
pub(crate) const SETS: [&CaseSet; 2] = [&crate::provisional::SET, &crate::supervision::SET];

impl Runtime {
    /// At start-up: builds each set a store lacks.
    pub(crate) fn build_case_sets(&self) -> Result<(), Error> {
        SETS.iter().try_for_each(|set| set.build_once(self))
    }
}
