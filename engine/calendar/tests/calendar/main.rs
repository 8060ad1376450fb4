//! Integration tests for govflow-calendar: the real schedules in `policies/calendars/`
//! checked against an independent source, the counting rules at their boundaries, and
//! the validation of malformed schedules.

mod boundaries;
mod fixture;
mod provisional;
mod support;
mod validation;
