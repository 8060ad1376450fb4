//! What the service answers without changing anything: listings, the event feed, a case's
//! history and the registered departments.
//! Callers see the runtime's [`Error`], never the store's.

use crate::{Error, Runtime};
use govflow_model::{CaseId, CityId};
use govflow_store::{CaseQuery, Page, Recorded};
use std::collections::BTreeSet;

impl Runtime {
    /// Cases matching `query`, in case-id order, from just after `query.after`.
    pub fn cases(&self, query: &CaseQuery) -> Result<Page, Error> {
        Ok(self.store().cases(query)?)
    }

    /// Up to `limit` events with a sequence number greater than `after`, in order; sequence
    /// numbers start at 1, so `after = 0` reads from the beginning.
    pub fn feed(&self, after: u64, limit: usize) -> Result<Vec<Recorded>, Error> {
        Ok(self.store().events_after(after, limit)?)
    }

    /// Every event of case `id`, in order; none when there is no such case.
    pub fn history(&self, id: &CaseId) -> Result<Vec<Recorded>, Error> {
        Ok(self.store().history(id)?)
    }

    /// The departments registered in `city`, as [`Runtime::set_departments`] left them;
    /// [`Error::UnknownCity`] when no pack is served for it, as there.
    pub fn departments(&self, city: &CityId) -> Result<BTreeSet<String>, Error> {
        self.pack_of_city(city)?;
        Ok(self.store().departments(city)?)
    }
}
