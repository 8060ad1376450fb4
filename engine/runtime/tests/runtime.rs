//! The runtime's one integration test binary: every test that keeps data runs on each
//! store (`name::memory`, `name::sled` in a temp directory, `name::postgres` on a fresh
//! database of a real PostgreSQL server; see `support::on_every_store!`), with the real
//! packs from `cities/`, the real calendar from `policies/calendars/`, and a simulated
//! clock moved with `Runtime::advance`. Modules per concern live in `tests/runtime/`.
//!
//! Every expected date is counted by hand from `policies/calendars/*.yaml` in a comment
//! next to it, the way the scenario files do.

mod runtime {
    mod support;

    mod actions;
    mod board;
    mod concurrency;
    mod idempotency;
    mod obligations;
    mod provisional;
    mod reload;
    mod restart;
    mod timers;
    mod versions;
}
