//! The raw documents as authors write them. Every struct denies unknown keys and is the
//! source of the JSON Schema editors validate against. A field with a closed set of values
//! is an enum, so the schema lists the values and a misspelt one is reported where it is
//! written. References (states, roles, scripts) are plain strings here and are checked
//! when the documents are lowered into the model.

#[macro_use]
mod closed_set;
mod calendar;
mod pack;
mod procedure;
mod scenario;

pub use calendar::CalendarDoc;
pub use pack::{
    BoardDoc, ClassificationDoc, ConditionDoc, FieldDoc, LightEventDoc, PackDoc, PeriodDoc,
    PresenceDoc, ProhibitedActDoc, RecurringDoc, RegulationDoc, RemoveDoc, RoleDoc, RuleDoc,
    ScopeDoc, StatusDoc, VocabularyDoc,
};
pub use procedure::{
    ActionDoc, AnchorDoc, ChildProviderDoc, DeadlineDoc, EntryDoc, ExtensionDoc, GuardDoc,
    ImposedDoc, KindDoc, LapseDoc, NotBeforeDoc, OpensDoc, ProcedureDoc, SpanDoc, StateDoc,
    TargetDoc, YearDoc,
};
pub use scenario::{
    ActDoc, CaseExpectDoc, ChildExpectDoc, DeadlineExpectDoc, ErrorExpectDoc, ScenarioActorDoc,
    ScenarioDoc, StepDoc, SubmitDoc,
};

/// The schema version every document of this release declares.
pub const SCHEMA_VERSION: u32 = 1;
