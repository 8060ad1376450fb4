//! Scenario tests: steps on a simulated clock, with expectations after each step, run on
//! the real [`govflow_runtime::Runtime`] over an in-memory store, so a scenario exercises
//! the same code as `govflow serve`: the executor, the scheduler's passes, recurring
//! obligations, restarts, reloads and idempotency. `govflow test` and `cargo test` run
//! this same driver.
//!
//! | module | what it holds |
//! |---|---|
//! | `run` | finding scenario files, running them, the outcome of each |
//! | `service` | the service under test: store, pack files in memory, runtime, restarts |
//! | `steps` | what each kind of step does, and naming cases |
//! | `expect` | comparing a case with what a step expects |
//! | `coverage` | which articles the scenarios exercise, and the README section |

pub mod coverage;
mod expect;
mod run;
mod service;
mod steps;

pub use run::{run_file, run_paths, Failure, Outcome, PackRun, Summary};
