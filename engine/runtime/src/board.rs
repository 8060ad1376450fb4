//! The board's counters (`govflow_board`), kept in the same commit as each transition, and
//! built once from every stored case for a store written before them.
//!
//! A commit adds, for each case it puts, the difference between the case's board
//! contribution after and before (`govflow_board::deltas`). One figure crosses cases: under
//! a `board:` rule naming `supervision_lapse`, a penalty case's lapse changes its parent's
//! light. The store counts each case's lapsed penalty cases (`lapsed_children`); the commit
//! in which a penalty case's `overdue` changes also puts its parent with its revision
//! bumped, so the parent's contribution is counted from what was read and a concurrent
//! transition of the parent is decided again.
//!
//! The case index the case list walks (`govflow_board::listing`, read in `listing`) is kept
//! the same way: each put case adds its entries' difference after and before.
//!
//! Whether the counters were built is a mark in the cron table under [`BOARD_COUNTERS`]
//! (as the shared clock's time is), and whether the index was under [`CASE_INDEX`]. The
//! build (one pass over the cases for both when both are missing) commits a chunk of cases'
//! counters at a time, each batch moving the progress mark [`COUNTERS_BUILD`] on by one,
//! conditional on where it was: two nodes starting together commit each chunk once, and a
//! build cut short goes on from its last chunk. The last batch adds the lapsed penalty
//! cases and sets the marks. (One batch for a 1,000,000-case store, ≈ 5 million counters
//! with the index, took more than 24 GB in sled.)

use crate::{Error, Runtime};
use chrono::{DateTime, Utc};
use govflow_board::{
    audiences_of_viewer, case_facts, contribution, deltas, index_deltas, index_entries, is_penalty,
    lapsed_children, lapsed_penalty, rows_from_counters, Period, Row,
};
use govflow_calendar::Calendar;
use govflow_model::{Actor, Case, CaseId, CityId, LightEvent, NaiveDate, Pack};
use govflow_store::{Batch, CaseQuery, Conflict};
use std::collections::BTreeMap;

/// Where the store marks that its board counters were built, in the cron table (a name no
/// obligation can have: obligation ids never start with `@`).
pub const BOARD_COUNTERS: &str = "@board-counters";
/// Where the store marks that its case index was built, in the cron table.
pub const CASE_INDEX: &str = "@case-index";
/// How far a build of the counters and the index is, in the cron table: the chunks
/// committed, as seconds after the epoch (the epoch itself, or none: no build under way).
pub const COUNTERS_BUILD: &str = "@counters-build";
/// Cases per chunk of the build, each chunk one batch.
const BUILD_CHUNK: usize = 2_000;

/// What a recount from every stored case computes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Recount {
    pub board: bool,
    pub index: bool,
}

impl Runtime {
    /// The board `actor` sees for `period` as of `today`: one row per department of each
    /// city it acts for, read from the counters only.
    pub fn board(
        &self,
        actor: &Actor,
        period: Period,
        today: NaiveDate,
    ) -> Result<Vec<Row>, Error> {
        let rows = rows_from_counters(
            &audiences_of_viewer(actor),
            period,
            today,
            |from, until| self.store().counts(from, until),
            |city| actor.jurisdiction.covers(&CityId::new(city)),
        )?;
        Ok(rows)
    }

    /// Every board counter as stored.
    pub fn board_counters(&self) -> Result<BTreeMap<String, i64>, Error> {
        let mut out = BTreeMap::new();
        for root in ["board", "lapsed"] {
            out.extend(
                self.store()
                    .counts(&format!("{root}\u{1f}"), &format!("{root}\u{20}"))?,
            );
        }
        Ok(out)
    }

    /// The board counters computed again from every stored case: what
    /// [`Runtime::board_counters`] must equal.
    pub fn board_counters_from_scratch(&self) -> Result<BTreeMap<String, i64>, Error> {
        self.recount(Recount {
            board: true,
            index: false,
        })
    }

    /// The board counters, the case index or both, from every stored case in one pass
    /// (and one before it for the lapsed penalty cases the lights read).
    pub(crate) fn recount(&self, what: Recount) -> Result<BTreeMap<String, i64>, Error> {
        let lapsed = self.lapsed_of_every_case()?;
        let mut out = BTreeMap::new();
        self.each_case(|case, pack| self.add_case(what, case, pack, &lapsed, &mut out))?;
        if what.board {
            out.extend(lapsed.iter().map(|(id, n)| (lapsed_children(id), *n)));
        }
        out.retain(|_, n| *n != 0);
        Ok(out)
    }

    /// Per case, how many of its penalty cases have a lapsed duty, from every stored case.
    fn lapsed_of_every_case(&self) -> Result<BTreeMap<CaseId, i64>, Error> {
        let mut lapsed: BTreeMap<CaseId, i64> = BTreeMap::new();
        self.each_case(|case, pack| {
            if let (true, Some(parent)) = (lapsed_penalty(case, pack), &case.parent) {
                *lapsed.entry(parent.clone()).or_insert(0) += 1;
            }
        })?;
        Ok(lapsed)
    }

    /// Adds what `case` counts in the board counters and the index (as `what` asks).
    fn add_case(
        &self,
        what: Recount,
        case: &Case,
        pack: Option<&Pack>,
        lapsed: &BTreeMap<CaseId, i64>,
        out: &mut BTreeMap<String, i64>,
    ) {
        let calendar = self.registry().calendar();
        let supervised = lapsed.contains_key(&case.id);
        let f = case_facts(
            case.clone(),
            pack,
            supervised,
            &calendar,
            case.received_date,
        );
        if what.index {
            for name in index_entries(&f) {
                *out.entry(name).or_insert(0) += 1;
            }
        }
        if what.board {
            for (name, n) in contribution(&f, &calendar) {
                *out.entry(name).or_insert(0) += n;
            }
        }
    }

    /// At start-up: builds the board counters and the case index of a store that has
    /// not got them yet (one written before them, or a new one), once, in chunks of
    /// [`BUILD_CHUNK`] cases. Another node building at the same time commits each chunk
    /// or loses the race for it ([`COUNTERS_BUILD`]), and goes on from where the build is.
    pub(crate) fn build_counters(&self) -> Result<(), Error> {
        loop {
            // The progress first, then the marks: a build finished in between shows both.
            let progress = self.store().last_occurrence(COUNTERS_BUILD)?;
            let missing = |mark| Ok::<_, Error>(self.store().last_occurrence(mark)?.is_none());
            let what = Recount {
                board: missing(BOARD_COUNTERS)?,
                index: missing(CASE_INDEX)?,
            };
            if !what.board && !what.index {
                return Ok(());
            }
            match self.build_from(what, progress) {
                Ok(()) => return Ok(()),
                // Another node committed a chunk first: read where the build is.
                Err(Error::Store(govflow_store::Error::Conflict(Conflict::CronMoved {
                    ..
                }))) => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Commits the chunks after those `progress` says were committed, then the lapsed
    /// penalty cases and the marks.
    fn build_from(&self, what: Recount, progress: Option<DateTime<Utc>>) -> Result<(), Error> {
        let started = self.clock().now();
        let chunk_mark = |n: u64| {
            DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::seconds(i64::try_from(n).unwrap_or(0))
        };
        let done = progress.map_or(0, |p| u64::try_from(p.timestamp()).unwrap_or(0));
        let lapsed = self.lapsed_of_every_case()?;
        let (mut previous, mut chunk, mut written) = (progress, 0u64, 0usize);
        let mut query = CaseQuery {
            limit: BUILD_CHUNK,
            ..CaseQuery::default()
        };
        loop {
            let page = self.store().cases(&query)?;
            if chunk >= done {
                let mut counters = BTreeMap::new();
                for case in &page.cases {
                    let pack = self.board_pack(case);
                    let pack = pack.as_ref().map(|p| p.pack.as_ref());
                    self.add_case(what, case, pack, &lapsed, &mut counters);
                }
                let mut batch = Batch::new();
                written += counters.len();
                for (name, n) in counters.into_iter().filter(|(_, n)| *n != 0) {
                    batch.count(name, n);
                }
                batch.mark_cron(COUNTERS_BUILD, previous, chunk_mark(chunk + 1));
                self.store().commit(batch)?;
                previous = Some(chunk_mark(chunk + 1));
            }
            chunk += 1;
            match page.next {
                Some(next) => query.after = Some(next),
                None => break,
            }
        }
        let mut batch = Batch::new();
        if what.board {
            for (id, n) in &lapsed {
                batch.count(lapsed_children(id), *n);
            }
        }
        for (mark, built) in [(BOARD_COUNTERS, what.board), (CASE_INDEX, what.index)] {
            if built {
                batch.mark_cron(mark, None, started);
            }
        }
        // None under way: a store whose marks are taken away builds again from the start.
        batch.mark_cron(COUNTERS_BUILD, previous, chunk_mark(0));
        self.store().commit(batch)?;
        tracing::info!(
            counters = written,
            board = what.board,
            index = what.index,
            "built the board counters and the case index"
        );
        Ok(())
    }

    /// Calls `visit` with every stored case and the pack that governs it (the city's
    /// current one when its version cannot be read).
    fn each_case(&self, mut visit: impl FnMut(&Case, Option<&Pack>)) -> Result<(), Error> {
        self.each_stored_case(|case| {
            let pack = self.board_pack(case);
            visit(case, pack.as_ref().map(|p| p.pack.as_ref()));
            Ok(())
        })
    }

    /// The pack a case is counted under: the version it is pinned to, else its city's.
    pub fn board_pack(&self, case: &Case) -> Option<govflow_loader::LoadedPack> {
        self.registry()
            .version(&case.pack_version)
            .or_else(|| self.registry().current(&case.city))
    }

    /// How many of `case`'s penalty cases have a lapsed duty, as stored.
    fn lapsed_children(&self, case: &CaseId) -> Result<i64, Error> {
        let name = lapsed_children(case);
        // No case id has U+0001: the range holds this one name.
        let found = self.store().counts(&name, &format!("{name}\u{1}"))?;
        Ok(found.first().map_or(0, |(_, n)| *n))
    }
}

/// Whether a pack's `board:` rule reads its penalty cases' lapses.
pub(crate) fn reads_supervision(pack: Option<&Pack>) -> bool {
    pack.is_some_and(|p| [p.board.yellow, p.board.red].contains(&LightEvent::SupervisionLapse))
}

/// Per parent, how the number of its lapsed penalty cases changes when `changed` are put
/// (each as it was read, if it was, and as it is now).
pub(crate) fn lapsed_deltas<'a>(
    runtime: &Runtime,
    changed: impl Iterator<Item = (Option<&'a Case>, &'a Case)>,
) -> BTreeMap<CaseId, i64> {
    let mut out = BTreeMap::new();
    for (before, after) in changed {
        let Some(parent) = &after.parent else {
            continue;
        };
        let pack = runtime.board_pack(after);
        let pack = pack.as_ref().map(|p| p.pack.as_ref());
        if !is_penalty(after, pack) {
            continue;
        }
        let delta = i64::from(after.overdue) - i64::from(before.is_some_and(|b| b.overdue));
        if delta != 0 {
            *out.entry(parent.clone()).or_insert(0) += delta;
        }
    }
    out.retain(|_, n| *n != 0);
    out
}

/// The counter and case index deltas of putting `changed` (each as read, if it was, and
/// as it is now), with `lapsed` from [`lapsed_deltas`].
pub(crate) fn count<'a>(
    runtime: &Runtime,
    calendar: &Calendar,
    changed: impl Iterator<Item = (Option<&'a Case>, &'a Case)>,
    lapsed: &BTreeMap<CaseId, i64>,
) -> Result<Vec<(String, i64)>, Error> {
    let mut out = Vec::new();
    for (before, after) in changed {
        let pack = runtime.board_pack(after);
        let pack = pack.as_ref().map(|p| p.pack.as_ref());
        let (was, is) = if reads_supervision(pack) {
            let stored = runtime.lapsed_children(&after.id)?;
            let now = stored + lapsed.get(&after.id).copied().unwrap_or(0);
            (stored > 0, now > 0)
        } else {
            (false, false)
        };
        let facts = |c: &Case, supervised| {
            case_facts(c.clone(), pack, supervised, calendar, c.received_date)
        };
        let (before, after) = (before.map(|b| facts(b, was)), facts(after, is));
        out.extend(deltas(before.as_ref(), &after, calendar));
        out.extend(index_deltas(before.as_ref(), &after));
    }
    out.extend(
        lapsed
            .iter()
            .map(|(parent, n)| (lapsed_children(parent), *n)),
    );
    Ok(out)
}
