//! The raw documents as authors write them. Every struct denies unknown keys and is the
//! source of the JSON Schema editors validate against; nothing outside the loader sees
//! these types. References (states, roles, scripts) are plain strings here and are checked
//! when the documents are lowered into the model.

mod calendar;
mod pack;
mod procedure;
mod scenario;

pub use calendar::CalendarDoc;
pub use pack::{
    ClassificationDoc, ConditionDoc, PackDoc, ProhibitedActDoc, RecurringDoc, RegulationDoc,
    RemoveDoc, RoleDoc, RuleDoc, VocabularyDoc,
};
pub use procedure::{
    ActionDoc, DeadlineDoc, ExtensionDoc, GuardDoc, LapseDoc, ProcedureDoc, SpanDoc, StateDoc,
    TargetDoc,
};
pub use scenario::{
    ActDoc, CaseExpectDoc, ChildExpectDoc, DeadlineExpectDoc, ErrorExpectDoc, ScenarioActorDoc,
    ScenarioDoc, StepDoc, SubmitDoc,
};

/// The schema version every document of this release declares.
pub const SCHEMA_VERSION: u32 = 1;
