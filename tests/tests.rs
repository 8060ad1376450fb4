//! The one integration test binary: real packs from `cities/`, the real calendar, the real
//! `govflow` binary. Modules per concern.

mod support;

mod api;
mod calendar_cli;
mod check;
mod durability;
mod inheritance;
mod matrix;
mod postgres;
mod scenarios;
mod schema;
mod serve;
mod structure;
mod walkthrough;
mod web;
mod webhooks;
