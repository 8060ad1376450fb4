//! The case list read from the case index the commits keep (`board`), never from the
//! cases: a walk over the entries a viewer's audiences see, in the list's order.

use crate::board::Recount;
use crate::{Error, Runtime};
use govflow_board::{audiences_of_viewer, walk, Cursor, Listed, Malformed, Scope, Step, INDEX};
use govflow_model::{Actor, CityId};
use std::collections::BTreeMap;

impl From<Malformed> for Error {
    fn from(Malformed(name): Malformed) -> Error {
        Error::Store(govflow_store::Error::Corrupt {
            key: format!("cnt/{name}"),
            source: serde::de::Error::custom("not a case index entry this build writes"),
        })
    }
}

impl Runtime {
    /// Visits the cases `actor` sees in `city` (else every city it acts for) and, when
    /// given, of `department`, soonest due first, from just after `after`, until `visit`
    /// says stop: read from the case index only (a department sees the range of its own
    /// department's audience, as on the board).
    pub fn walk_cases(
        &self,
        actor: &Actor,
        city: Option<&str>,
        department: Option<&str>,
        after: Option<&Cursor>,
        visit: impl FnMut(Listed) -> Result<Step, Error>,
    ) -> Result<(), Error> {
        let scope = Scope {
            audiences: audiences_of_viewer(actor),
            city,
            department,
        };
        walk(
            &scope,
            |city| actor.jurisdiction.covers(&CityId::new(city)),
            after,
            |from, until, limit| Ok(self.store().counts_page(from, until, limit)?),
            visit,
        )
    }

    /// Every case index entry as stored.
    pub fn case_index(&self) -> Result<BTreeMap<String, i64>, Error> {
        let (from, until) = (format!("{INDEX}\u{1f}"), format!("{INDEX}\u{20}"));
        Ok(self.store().counts(&from, &until)?.into_iter().collect())
    }

    /// The case index computed again from every stored case: what
    /// [`Runtime::case_index`] must equal.
    pub fn case_index_from_scratch(&self) -> Result<BTreeMap<String, i64>, Error> {
        self.recount(Recount {
            board: false,
            index: true,
        })
    }
}
