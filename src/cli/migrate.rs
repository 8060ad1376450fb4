//! `govflow migrate --from ./data --to postgres://…`: copies every record of one store
//! into an empty other (cases, history, timers, idempotency keys, departments, cron marks,
//! archived pack versions, webhook subscriptions, the board's counters), then reads both
//! back and compares them table by table.
//!
//! Records are copied verbatim ([`Batch::restore`]), so each event keeps its sequence
//! number and a feed consumer's cursor stays valid on the new store. Stop the service
//! first: sled's lock refuses a directory in use, a database cannot tell.

use super::store;
use anyhow::{bail, Context as _};
use govflow_store::{table_of, Batch, Store, TABLES};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    /// The store to copy: a sled directory or a `postgres://` URL.
    #[arg(long)]
    from: String,
    /// The empty store to copy into: a `postgres://` URL or a sled directory.
    #[arg(long)]
    to: String,
    /// Records per committed batch.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    batch: u32,
}

pub fn run(args: MigrateArgs) -> anyhow::Result<ExitCode> {
    let (from, from_name) = store::open(&args.from, "`--from`")?;
    let (to, to_name) = store::open(&args.to, "`--to`")?;
    if let Some(first) = to.records(None, 1)?.first() {
        bail!(
            "{to_name} already holds data (its first record is `{}`); migrate copies into an empty store",
            String::from_utf8_lossy(&first.key)
        );
    }
    println!("copying {from_name} into {to_name}");
    let copied = copy(&*from, &*to, args.batch as usize)?;
    println!("copied {copied} records; comparing both stores");
    let (source, copy) = (Tally::of(&*from)?, Tally::of(&*to)?);
    let mut same = true;
    for (table, _) in TABLES {
        let (s, c) = (source.get(table), copy.get(table));
        let verdict = if s == c { "same" } else { "DIFFERENT" };
        same &= s == c;
        println!("  {table:<12} {:>10} → {:>10}  {verdict}", s.0, c.0);
    }
    if !same {
        bail!("the copy in {to_name} differs from {from_name}; see the tables marked DIFFERENT");
    }
    println!("verified: every record of every table is the same in both stores");
    Ok(ExitCode::SUCCESS)
}

/// Pages through `from`'s records and restores each page into `to` in one batch.
fn copy(from: &dyn Store, to: &dyn Store, per_batch: usize) -> anyhow::Result<u64> {
    let mut after: Option<Vec<u8>> = None;
    let mut copied = 0u64;
    loop {
        let page = from.records(after.as_deref(), per_batch)?;
        let Some(last) = page.last() else {
            return Ok(copied);
        };
        after = Some(last.key.clone());
        copied += page.len() as u64;
        let mut batch = Batch::new();
        for record in page {
            batch.restore(record);
        }
        to.commit(batch).with_context(|| {
            format!(
                "restoring the records up to `{}`",
                String::from_utf8_lossy(after.as_deref().unwrap_or_default())
            )
        })?;
    }
}

/// Per table: how many records, and a digest of their keys and values in key order.
struct Tally(BTreeMap<&'static str, (u64, [u8; 32])>);

impl Tally {
    fn of(store: &dyn Store) -> anyhow::Result<Tally> {
        let mut tables: BTreeMap<&'static str, (u64, Sha256)> = BTreeMap::new();
        let mut after: Option<Vec<u8>> = None;
        loop {
            let page = store.records(after.as_deref(), 1000)?;
            let Some(last) = page.last() else { break };
            after = Some(last.key.clone());
            for record in &page {
                let (count, hasher) = tables
                    .entry(table_of(&record.key).unwrap_or("?"))
                    .or_insert_with(|| (0, Sha256::new()));
                *count += 1;
                for part in [&record.key, &record.value] {
                    hasher.update((part.len() as u64).to_be_bytes());
                    hasher.update(part);
                }
            }
        }
        Ok(Tally(
            tables
                .into_iter()
                .map(|(table, (count, hasher))| (table, (count, hasher.finalize().into())))
                .collect(),
        ))
    }

    /// A table's count and digest; zero for a table with no record.
    fn get(&self, table: &str) -> (u64, [u8; 32]) {
        self.0.get(table).copied().unwrap_or_default()
    }
}
