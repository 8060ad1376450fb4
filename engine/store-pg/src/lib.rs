//! A PostgreSQL store for govflow: [`PgStore`] implements `govflow_store::Store` and
//! every read trait, so the runtime runs on it unchanged.
//!
//! * **Tables** (`schema`): real tables with indexed columns for what the API filters on;
//!   stored values in the sled store's encoding; versioned migrations applied at open,
//!   refusing a database written by a newer build.
//! * **Commits** (`committer`): one committer thread per store groups concurrent commits
//!   into one transaction, checks them with the same code as the sled and memory stores
//!   (`govflow_store::kit::Group`) against rows it locks, numbers events gapless in
//!   commit order under the feed head's row lock, and answers only after `COMMIT` with
//!   `synchronous_commit` on: an `Ok` is durable.
//! * **Reads** go to a small pool of connections and see only committed (durable) data.
//!
//! Why the synchronous `postgres` crate on a thread and not `tokio-postgres` on a private
//! runtime: the store's traits are synchronous and every caller is a blocking thread (the
//! API calls the runtime in `spawn_blocking`, the scheduler has its own thread), group
//! commit is a thread draining a channel exactly as in the sled store, and there is no
//! second async runtime to size and shut down. What it gives up is pipelining inside a
//! transaction; a group's statements are set-based (`UNNEST`), a dozen round trips for
//! the whole group whatever its size, so that costs little.
//!
//! * **Several nodes** on one database: the feed head's lock, taken first and held until
//!   `COMMIT`, orders the groups of all nodes (the feed stays gapless and in commit
//!   order); due timers are handed out by leases (`claims`); a role done once for the
//!   cluster is held by one node at a time (`leases`).

mod armed;
mod claims;
mod committer;
mod conn;
mod leases;
mod records;
mod schema;
mod snapshot;
mod store;
mod writes;

pub use schema::SCHEMA_VERSION;
pub use store::{Features, PgStore};
