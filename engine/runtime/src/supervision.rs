//! The 督办 queue's index: every open penalty case is a counter
//! `supervising␟<city>␟<received at>␟<case id>` (value 1), kept in the same commit as the
//! case (`case_sets`), so the queue reads its cases, oldest first, without visiting the
//! others. Built once for a store written before it, under [`SUPERVISION_INDEX`].

use crate::case_sets::{CaseSet, Members};
use crate::{Error, Runtime};
use govflow_board::is_supervising;
use govflow_model::{Case, CaseId, CityId};

/// Where the store marks that its index of open penalty cases was built.
pub const SUPERVISION_INDEX: &str = "@supervision-index";

pub(crate) const SET: CaseSet = CaseSet {
    root: "supervising",
    mark: SUPERVISION_INDEX,
    member: |rt, case| {
        let pack = rt.board_pack(case);
        is_supervising(case, pack.as_ref().map(|p| p.pack.as_ref())).then(|| {
            // A fixed width, so that the names sort by the instant.
            let received = case.received_at.format("%Y-%m-%dT%H:%M:%S%.9fZ");
            (format!("{}\u{1f}{received}\u{1f}{}", case.city, case.id), 1)
        })
    },
};

impl Runtime {
    /// The open penalty cases of the cities `covers` accepts, oldest first (by city), read
    /// through the index.
    pub fn supervising_cases(&self, covers: impl Fn(&CityId) -> bool) -> Result<Vec<Case>, Error> {
        let mut cases = Vec::new();
        for (key, _) in SET.stored(self)? {
            let mut parts = key.split('\u{1f}');
            let (Some(city), Some(_), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
                continue;
            };
            if covers(&CityId::new(city)) {
                cases.push(self.case(&CaseId::new(id))?);
            }
        }
        Ok(cases)
    }

    /// The index as stored, and as computed again from every stored case (they must be
    /// equal).
    pub fn supervision_index(&self) -> Result<(Members, Members), Error> {
        Ok((SET.stored(self)?, SET.computed(self)?))
    }
}
