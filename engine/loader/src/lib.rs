//! Reads policy packs, calendars and scenarios, validates them, and reports every problem
//! as a located [`Diagnostic`].
//!
//! Every file is read through a [`Files`] source ([`Disk`], or [`InMemory`] for tests and
//! the runtime) before lowering, which reads nothing.
//!
//! YAML is deserialized into raw `*Doc` types (unknown keys denied, all of them reported),
//! then lowered into `govflow_model` types with every reference resolved. Positions of
//! semantic problems come from a span index built over the same text (see `spans`).

mod diagnostic;
pub mod docs;
mod files;
mod load;
mod lower;
mod schema;
mod source;
mod spans;

pub use diagnostic::{code, did_you_mean, has_errors, Diagnostic, Severity};
pub use files::{Disk, Files, InMemory};
pub use load::{
    load_calendar, load_cities, load_pack, load_scenario, pack_dirs, scenario_files, LoadedPack,
};
pub use schema::schemas;
pub use source::SourceFile;
