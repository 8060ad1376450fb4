//! The index of cases waiting for next year's schedule, and their recount.
//!
//! A deadline that runs into a year the calendar does not cover yet is counted on weekends
//! only and marked provisional. Each case with such open deadlines is a counter
//! `provisional␟<city>␟<case id>` holding how many it has, kept in the same commit as the
//! case (the difference between the case before and after, as for the board's counters).
//! When a new calendar is served, and once at start-up, the recount visits the cases of
//! the index only, so a restart costs what waits for a schedule, not what is stored; the
//! packs page reads its figures from the same index.
//!
//! A store written before the index builds it once from every stored case, under the
//! cron mark [`PROVISIONAL_INDEX`], in one batch conditional on the mark being absent.

use crate::{Error, Runtime};
use govflow_model::{Case, CaseId, CityId};
use govflow_store::{Batch, Conflict};

/// Where the store marks that its index of provisional deadlines was built, in the cron
/// table (a name no obligation can have: obligation ids never start with `@`).
pub const PROVISIONAL_INDEX: &str = "@provisional-index";

const ROOT: &str = "provisional\u{1f}";
/// Just after every name under [`ROOT`] (U+0020 follows U+001F).
const ROOT_END: &str = "provisional\u{20}";

/// How many open deadlines of `case` are provisional.
fn waiting(case: &Case) -> i64 {
    case.open_deadlines().filter(|d| d.provisional).count() as i64
}

fn name(case: &Case) -> String {
    format!("{ROOT}{}\u{1f}{}", case.city, case.id)
}

/// The index's change when `after` is put in place of `before` (absent for a new case).
pub(crate) fn delta(before: Option<&Case>, after: &Case) -> Option<(String, i64)> {
    let n = waiting(after) - before.map_or(0, waiting);
    (n != 0).then(|| (name(after), n))
}

/// One entry of the index: a case and how many of its open deadlines are provisional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub city: CityId,
    pub case: CaseId,
    pub deadlines: i64,
}

impl Runtime {
    /// Every case with open provisional deadlines, from the index, by city and case id.
    pub fn provisional_waiting(&self) -> Result<Vec<Waiting>, Error> {
        let counted = self.store().counts(ROOT, ROOT_END)?;
        Ok(counted
            .into_iter()
            .filter_map(|(name, deadlines)| {
                let (city, case) = name.strip_prefix(ROOT)?.split_once('\u{1f}')?;
                Some(Waiting {
                    city: CityId::new(city),
                    case: CaseId::new(case),
                    deadlines,
                })
            })
            .collect())
    }

    /// The index computed again from every stored case: what
    /// [`Runtime::provisional_waiting`] must equal.
    pub fn provisional_waiting_from_scratch(&self) -> Result<Vec<Waiting>, Error> {
        let mut out = Vec::new();
        self.each_stored_case(|case| {
            let deadlines = waiting(case);
            if deadlines > 0 {
                out.push(Waiting {
                    city: case.city.clone(),
                    case: case.id.clone(),
                    deadlines,
                });
            }
            Ok(())
        })?;
        out.sort_by(|a, b| (&a.city, &a.case).cmp(&(&b.city, &b.case)));
        Ok(out)
    }

    /// At start-up: builds the index of a store that has none yet, once.
    pub(crate) fn build_provisional_index(&self) -> Result<(), Error> {
        let started = self.clock().now();
        if self.store().last_occurrence(PROVISIONAL_INDEX)?.is_some() {
            return Ok(());
        }
        let waiting = self.provisional_waiting_from_scratch()?;
        let mut batch = Batch::new();
        for w in &waiting {
            batch.count(format!("{ROOT}{}\u{1f}{}", w.city, w.case), w.deadlines);
        }
        batch.mark_cron(PROVISIONAL_INDEX, None, started);
        match self.store().commit(batch) {
            Ok(_) => {
                tracing::info!(
                    cases = waiting.len(),
                    "built the index of provisional deadlines"
                );
                Ok(())
            }
            // Another node built it first.
            Err(govflow_store::Error::Conflict(Conflict::CronMoved { .. })) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Recounts every case of the index on the current calendar; returns the number of
    /// cases whose deadlines moved or became final.
    pub(crate) fn recompute_provisional(&self) -> Result<usize, Error> {
        let mut changed = 0;
        for w in self.provisional_waiting()? {
            self.check_stopping()?;
            let now = self.clock().now();
            match self.transact(|tx| tx.recount(&w.case, now)) {
                Ok(true) => changed += 1,
                Ok(false) => {}
                // Counted and reported by `pack_of_case`; the others still recount.
                Err(Error::PackVersionMissing { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(changed)
    }
}
