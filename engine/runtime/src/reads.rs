//! What the service answers without changing anything: a case, listings, the event feed, a case's
//! history, the registered departments, one city's pack and the classification check.
//! Callers see the runtime's [`Error`], never the store's.

use crate::{CityPack, Error, Runtime};
use govflow_model::{Case, CaseId, CityId, DataResource, DepartmentRegistry, Violation};
use govflow_store::{CaseQuery, Page, Recorded};
use std::sync::Arc;

/// Cases read per page when a pass visits every stored case.
const PAGE: usize = 500;

impl Runtime {
    /// Calls `visit` with every stored case, in case-id order, a page at a time; stops at
    /// the first error `visit` returns.
    pub(crate) fn each_stored_case(
        &self,
        mut visit: impl FnMut(&Case) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut query = CaseQuery {
            limit: PAGE,
            ..CaseQuery::default()
        };
        loop {
            let page = self.store().cases(&query)?;
            for case in &page.cases {
                visit(case)?;
            }
            match page.next {
                Some(next) => query.after = Some(next),
                None => return Ok(()),
            }
        }
    }

    /// Case `id` as stored.
    pub fn case(&self, id: &CaseId) -> Result<Case, Error> {
        self.store()
            .case(id)?
            .ok_or_else(|| Error::CaseNotFound(id.clone()))
    }

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

    /// The department registry of `city`, as [`Runtime::set_departments`] left it;
    /// [`Error::UnknownCity`] when no pack is served for it, as there.
    pub fn departments(&self, city: &CityId) -> Result<DepartmentRegistry, Error> {
        self.pack_of_city(city)?;
        Ok(self.store().departments(city)?)
    }

    /// `city` as the registry holds it: the pack served (if one ever loaded) and the last
    /// load error; [`Error::UnknownCity`] when the registry has no such city.
    pub fn city_pack(&self, city: &CityId) -> Result<Arc<CityPack>, Error> {
        self.registry()
            .cities()
            .get(city)
            .cloned()
            .ok_or_else(|| Error::UnknownCity {
                city: city.clone(),
                served: self.served_cities(),
            })
    }

    /// Every classification rule of `city`'s current pack that `resource` breaks, in the
    /// pack's order.
    pub fn classify(
        &self,
        city: &CityId,
        resource: &DataResource,
    ) -> Result<Vec<Violation>, Error> {
        Ok(self.pack_of_city(city)?.pack.classification.check(resource))
    }
}
