//! Explaining a case's deadlines: the case as stored, its own pack version, the calendar
//! served and the case's history, handed to the core's `explain`. Nothing is written.

use crate::{Error, Runtime};
use govflow_case::Explanation;
use govflow_model::CaseId;

impl Runtime {
    /// How every deadline of case `id` was derived (see [`govflow_case::explain`]), under
    /// the pack version that governs it; [`Error::PackVersionMissing`] when that version
    /// cannot be read, as for any other decision on the case.
    pub fn explain(&self, id: &CaseId) -> Result<Explanation, Error> {
        let case = self.case(id)?;
        let pack = self.pack_of_case(&case)?;
        let history: Vec<_> = self.history(id)?.into_iter().map(|r| r.event).collect();
        let calendar = self.registry().calendar();
        Ok(govflow_case::explain(
            &pack.pack, &calendar, &case, &history,
        ))
    }
}
