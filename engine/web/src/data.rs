//! What the pages read from the runtime, on a blocking thread: the cases a person may see
//! and their facts. The 督办 queue and the packs page scan every case (docs/board.md,
//! "Scale"); the board reads counters ([`govflow_runtime::Runtime::board`]) and the case
//! list the case index ([`govflow_runtime::Runtime::walk_cases`]).

use crate::board::CaseFacts;
use crate::visibility::may_see;
use govflow_board::facts;
use govflow_model::{Actor, Calendar, Case, CityId, Pack};
use govflow_runtime::{CaseQuery, Error, Runtime};
use std::collections::{BTreeMap, HashMap};
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

/// The facts of every case `actor` may see, as of the runtime's clock, each under the pack
/// the board counts it under ([`Runtime::board_pack`]).
pub fn visible_facts(runtime: &Runtime, actor: &Actor) -> Result<Vec<CaseFacts>, Error> {
    let cases = visible_cases(runtime, actor)?;
    let mut packs: HashMap<String, Option<Arc<Pack>>> = HashMap::new();
    for case in &cases {
        if !packs.contains_key(&case.pack_version) {
            let pack = runtime.board_pack(case).map(|p| p.pack);
            packs.insert(case.pack_version.clone(), pack);
        }
    }
    let calendar: Arc<Calendar> = runtime.registry().calendar();
    let today = govflow_model::local_date(runtime.clock().now());
    let pack_of = |c: &Case| {
        packs
            .get(c.pack_version.as_str())
            .and_then(|p| p.as_deref())
    };
    Ok(facts(cases, pack_of, &calendar, today))
}
