//! Scenario tests: steps on a simulated clock against an in-memory world, with
//! expectations after each step. `govflow test` and `cargo test` run this same driver.

mod expect;
mod run;
mod world;

pub use run::{run_file, run_paths, Failure, Outcome, Summary};
pub use world::World;
