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
//! The index is a set of cases in the counters (`case_sets`), built once for a store
//! written before it under the cron mark [`PROVISIONAL_INDEX`].

use crate::case_sets::CaseSet;
use crate::{Error, Runtime};
use govflow_model::{Case, CaseId, CityId};

/// Where the store marks that its index of provisional deadlines was built.
pub const PROVISIONAL_INDEX: &str = "@provisional-index";

/// A case with open provisional deadlines, under `<city>␟<case id>`, with how many.
pub(crate) const SET: CaseSet = CaseSet {
    root: "provisional",
    mark: PROVISIONAL_INDEX,
    member: |_, case| {
        let n = waiting(case);
        (n > 0).then(|| (format!("{}\u{1f}{}", case.city, case.id), n))
    },
};

/// How many open deadlines of `case` are provisional.
fn waiting(case: &Case) -> i64 {
    case.open_deadlines().filter(|d| d.provisional).count() as i64
}

/// One entry of the index: a case and how many of its open deadlines are provisional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub city: CityId,
    pub case: CaseId,
    pub deadlines: i64,
}

fn entries(members: Vec<(String, i64)>) -> Vec<Waiting> {
    members
        .into_iter()
        .filter_map(|(key, deadlines)| {
            let (city, case) = key.split_once('\u{1f}')?;
            Some(Waiting {
                city: CityId::new(city),
                case: CaseId::new(case),
                deadlines,
            })
        })
        .collect()
}

impl Runtime {
    /// Every case with open provisional deadlines, from the index, by city and case id.
    pub fn provisional_waiting(&self) -> Result<Vec<Waiting>, Error> {
        Ok(entries(SET.stored(self)?))
    }

    /// The index computed again from every stored case: what
    /// [`Runtime::provisional_waiting`] must equal.
    pub fn provisional_waiting_from_scratch(&self) -> Result<Vec<Waiting>, Error> {
        Ok(entries(SET.computed(self)?))
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
