//! What the pages read from the runtime, on a blocking thread, none of it by visiting
//! every case (docs/board.md, "Scale"): the board reads counters
//! ([`govflow_runtime::Runtime::board`]), the case list the case index
//! ([`govflow_runtime::Runtime::walk_cases`]), the 督办 queue the index of open penalty
//! cases, and the packs page the index of provisional deadlines.

use crate::board::CaseFacts;
use crate::visibility::may_see;
use govflow_board::facts;
use govflow_model::{Actor, Calendar, Case, CityId, Pack};
use govflow_runtime::{Error, Runtime};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Each served city's current pack.
pub fn packs(runtime: &Runtime) -> BTreeMap<CityId, Arc<Pack>> {
    runtime
        .registry()
        .cities()
        .iter()
        .filter_map(|(city, served)| served.pack.as_ref().map(|p| (city.clone(), p.pack.clone())))
        .collect()
}

/// The open penalty cases `actor` may see (the 督办 queue), read through their index.
pub fn supervising_cases(runtime: &Runtime, actor: &Actor) -> Result<Vec<Case>, Error> {
    let cases = runtime.supervising_cases(|city| actor.jurisdiction.covers(city))?;
    Ok(cases.into_iter().filter(|c| may_see(actor, c)).collect())
}

/// The facts of `cases`, as of the runtime's clock, each under the pack the board counts
/// it under ([`Runtime::board_pack`]).
pub fn facts_of(runtime: &Runtime, cases: Vec<Case>) -> Vec<CaseFacts> {
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
    facts(cases, pack_of, &calendar, today)
}
