//! Durability of the real `govflow serve` binary on a temp data directory: timers that
//! came due while it was down, SIGKILL under load and during a clock move, hot reload
//! through the real file watcher, recurring obligations across restarts, and graceful
//! shutdown. Each test starts its own server(s) (tests/support/server.rs).

mod batch;
mod clock_kill;
mod crash;
mod kit;
mod long_moves;
mod obligations;
mod race;
mod reload;
mod replay;
mod restart;
mod shutdown;
