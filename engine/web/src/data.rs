//! What the pages read from the runtime, on a blocking thread: the cases a person may see
//! and their facts. Every case is scanned (docs/board.md, "Scale").

use crate::board::{facts, CaseFacts};
use crate::visibility::may_see;
use govflow_model::{Actor, Calendar, Case, CityId, Pack};
use govflow_runtime::{CaseQuery, Error, Runtime};
use std::collections::BTreeMap;
use std::sync::Arc;

const PAGE: usize = 1000;

/// Each served city's current pack.
pub fn packs(runtime: &Runtime) -> BTreeMap<CityId, Arc<Pack>> {
    runtime
        .registry()
        .cities()
        .iter()
        .filter_map(|(city, served)| served.pack.as_ref().map(|p| (city.clone(), p.pack.clone())))
        .collect()
}

/// Every case `actor` may see.
pub fn visible_cases(runtime: &Runtime, actor: &Actor) -> Result<Vec<Case>, Error> {
    let mut cases = Vec::new();
    let mut query = CaseQuery {
        city: None,
        procedure: None,
        state: None,
        overdue: None,
        parent: None,
        after: None,
        limit: PAGE,
    };
    loop {
        let page = runtime.cases(&query)?;
        cases.extend(page.cases.into_iter().filter(|c| may_see(actor, c)));
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    Ok(cases)
}

/// The facts of every case `actor` may see, as of the runtime's clock.
pub fn visible_facts(runtime: &Runtime, actor: &Actor) -> Result<Vec<CaseFacts>, Error> {
    let cases = visible_cases(runtime, actor)?;
    let packs = packs(runtime);
    let calendar: Arc<Calendar> = runtime.registry().calendar();
    let today = govflow_model::local_date(runtime.clock().now());
    Ok(facts(
        cases,
        |c| packs.get(&c.city).map(|p| p.as_ref()),
        &calendar,
        today,
    ))
}
