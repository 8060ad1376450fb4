//! Integration tests for govflow-calendar: the real schedules in `policies/calendars/`
//! checked against an independent source, the counting rules at their boundaries and as
//! properties over eleven years, and the validation of malformed schedules.

mod boundaries;
mod fixture;
mod properties;
mod provisional;
mod support;
mod trace;
mod validation;
