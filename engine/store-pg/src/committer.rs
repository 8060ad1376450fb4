//! Group commit: one thread owns the writing connection. `PgStore::commit` sends its
//! batch over a channel and waits; the committer takes one request, drains what else is
//! queued (up to [`MAX_GROUP`]), and commits all of them in one transaction:
//!
//! 1. lock the feed head (`SELECT seq … FOR UPDATE`): the next sequence number;
//! 2. check the batches with the shared `kit::Group`, against the rows they read
//!    (`kit::reads`), fetched and locked in bulk first (see `snapshot`); a batch that
//!    fails a check is answered with its conflict and leaves no write;
//! 3. write the survivors with set-based statements (see `writes`), move the feed head,
//!    `COMMIT` (with `synchronous_commit` on: the WAL is flushed) and only then answer.
//!
//! Taking the feed head's lock first also puts the groups of several nodes one after
//! another: each is checked against everything committed before it, so two nodes cannot
//! both insert the same new case id or idempotency key (row locks could not cover a row
//! that does not exist yet).
//!
//! While a group commits the next one queues, so the number of WAL flushes follows the
//! disk, not the number of writers. If the database fails, every caller of that group
//! gets the error and nothing of the group is stored (the transaction rolls back); the
//! committer reconnects for the next group. An error while `COMMIT` itself is in flight
//! leaves the outcome unknown to the caller, as with any database; idempotency keys make
//! the retry safe.

use govflow_store::kit::{self, Group, Request};
use govflow_store::{Batch, Error, Receipt};
use postgres::Config;
use std::sync::mpsc::Receiver;

use crate::conn::{db, prepared, Conn};
use crate::snapshot::Fetched;
use crate::writes::Rows;

/// The most batches one transaction carries; bounds the latency a group adds.
pub const MAX_GROUP: usize = 1024;

/// `notifying`: the store's name, when it tells the other nodes of timers it arms.
pub fn run(
    config: Config,
    mut conn: Option<Conn>,
    requests: Receiver<Request>,
    notifying: Option<String>,
) {
    while let Ok(first) = requests.recv() {
        let mut group = vec![first];
        group.extend(requests.try_iter().take(MAX_GROUP - 1));
        let (batches, replies): (Vec<Batch>, Vec<_>) =
            group.into_iter().map(|r| (r.batch, r.reply)).unzip();
        let outcome = match conn.as_mut() {
            Some(c) => commit(c, batches, notifying.as_deref()),
            None => Conn::open(&config).and_then(|mut c| {
                let outcome = commit(&mut c, batches, notifying.as_deref());
                conn = Some(c);
                outcome
            }),
        };
        match outcome {
            Ok(answers) => {
                for (reply, answer) in replies.into_iter().zip(answers) {
                    // A caller that stopped waiting needs no answer; its batch is stored.
                    let _ = reply.send(answer);
                }
            }
            Err(e) => {
                // The connection may be broken; the next group opens a new one.
                conn = None;
                for reply in replies {
                    let _ = reply.send(Err(share(&e)));
                }
            }
        }
    }
}

fn share(e: &Error) -> Error {
    match e {
        Error::Database(inner) => Error::Database(inner.clone()),
        other => Error::Database(std::sync::Arc::new(std::io::Error::other(
            other.to_string(),
        ))),
    }
}

/// Commits the batches that pass their checks; the answer of each, in order.
fn commit(
    conn: &mut Conn,
    batches: Vec<Batch>,
    notifying: Option<&str>,
) -> Result<Vec<Result<Receipt, Error>>, Error> {
    let (client, statements) = conn.split();
    let mut tx = client.transaction().map_err(db)?;
    let head = prepared(
        &mut tx,
        statements,
        "SELECT seq FROM feed_head WHERE id = 1 FOR UPDATE",
    )
    .map_err(db)?;
    let head: i64 = tx.query_one(&head, &[]).map_err(db)?.get(0);
    let first = head as u64 + 1;
    let mut fetched = Fetched::default();
    let mut wanted = std::collections::BTreeSet::new();
    // A batch whose keys cannot even be formed fails its own check below, alone.
    for batch in &batches {
        wanted.extend(kit::reads(batch).unwrap_or_default());
    }
    fetched.fetch(&mut tx, statements, wanted).map_err(db)?;
    loop {
        let mut group = Group::new(first);
        let answers: Vec<_> = batches
            .iter()
            .map(|b| group.stage(&fetched, b.clone()))
            .collect();
        let misses = fetched.take_misses();
        if !misses.is_empty() {
            fetched.fetch(&mut tx, statements, misses).map_err(db)?;
            continue;
        }
        let next = group.next_seq();
        let rows = Rows::from_writes(group.into_writes())?;
        if let (Some(holder), Some(at)) = (notifying, rows.earliest_timer()) {
            crate::armed::notify(&mut tx, holder, at).map_err(db)?;
        }
        rows.write(&mut tx, statements)?;
        if next != first {
            let move_head = prepared(
                &mut tx,
                statements,
                "UPDATE feed_head SET seq = $1 WHERE id = 1",
            )
            .map_err(db)?;
            tx.execute(&move_head, &[&((next - 1) as i64)])
                .map_err(db)?;
        }
        tx.commit().map_err(db)?;
        return Ok(answers);
    }
}
