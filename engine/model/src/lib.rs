//! The validated model of a policy pack and of a case.
//!
//! No pack is parsed from YAML here: the loader turns raw `*Doc` values into these types
//! after checking every reference, so the runtime never meets a dangling state or an
//! unknown role. The one document read here is `policies/vocabulary.yaml`, compiled in
//! ([`CanonicalIds`]), so that every crate asks the same vocabulary what a role reaches.
//! Everything is plain data; behaviour lives in `govflow-case`.

mod article;
mod board;
mod canonical;
mod case;
mod classification;
mod ids;
mod pack;
mod procedure;
mod time;
mod timer;

pub use article::ArticleRef;
pub use board::{BoardRule, LightEvent};
pub use canonical::{CanonicalIds, CanonicalRole, Reach};
pub use case::{
    Actor, Case, CaseDeadline, DeadlineStatus, Event, EventKind, ExtensionRequest, JointTake,
    Jurisdiction, Opener, SetPeriod,
};
pub use classification::{
    ClassificationRule, ClassificationScheme, Condition, DataResource, Violation, Vocabulary,
};
pub use govflow_calendar::{Calendar, DayOfMonth, Due, NaiveDate, Period};
pub use govflow_calendar::{Day, DayKind, Step, Trace};
pub use ids::{ActionId, CaseId, CityId, DeadlineId, ProcedureId, RoleId, StateId};
pub use pack::{
    DepartmentRegistry, Pack, PeriodOf, ProhibitedAct, Recurring, RecurringScope, Regulation,
    RegulationStatus, Role,
};
pub use procedure::{
    Action, Anchor, ChildProvider, DeadlineKind, DeadlineRule, Entry, ExtensionRule, GuardRef,
    ImposedRule, Lapse, NotBefore, Opens, Procedure, Span, State, Target, YearOf,
    BUILTIN_EXTENSION_ACTIONS, SET_PERIOD_ACTION,
};
pub use time::{deadline_end, local_date, local_midnight, DEADLINE_END, SHANGHAI};
pub use timer::{lapse_instant, Timer, TimerKey, TimerKind, TimerOp};
