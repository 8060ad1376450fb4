use chrono::NaiveDate;
use govflow_model::{Condition, PeriodOf, RecurringScope, RegulationStatus, RoleId};
use schemars::JsonSchema;
use serde::de::{self, IntoDeserializer};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;

/// `cities/<id>/pack.yaml`: a jurisdiction, its regulation, roles, classification rules,
/// prohibited acts and recurring obligations. Procedures live in `procedures/*.yaml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackDoc {
    /// Always 1 for this release.
    pub schema_version: u32,
    /// The canonical city id; must match the directory name.
    pub city: String,
    /// A pack this one applies and adjusts (`macun` extends `jiaozuo`).
    #[serde(default)]
    pub extends: Option<String>,
    /// The jurisdiction's name (`万州区`).
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub regulation: Option<RegulationDoc>,
    /// Canonical role id → the city's own name for it.
    #[serde(default)]
    pub roles: BTreeMap<String, RoleDoc>,
    /// Canonical body id (policies/vocabulary.yaml `bodies`) → the text's name for a body
    /// it names beyond the fixed roles (`finance_bureau: {name: 市财政局（国资委）, …}`).
    #[serde(default)]
    pub bodies: BTreeMap<String, RoleDoc>,
    #[serde(default)]
    pub classification: Option<ClassificationDoc>,
    #[serde(default)]
    pub prohibited_acts: Vec<ProhibitedActDoc>,
    #[serde(default)]
    pub recurring: Vec<RecurringDoc>,
    /// What turns a case yellow or red on the supervision board (docs/board.md); without
    /// it, `{yellow: warning, red: lapse}`. A pack that `extends` another keeps the
    /// parent's unless it has its own.
    #[serde(default)]
    pub board: Option<BoardDoc>,
    /// With `extends`: what of the parent does not apply here.
    #[serde(default)]
    pub remove: RemoveDoc,
}

/// The events that turn an open case's light on the board; red must come later than
/// yellow (`warning` → `lapse` → `supervision_lapse`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BoardDoc {
    pub yellow: LightEventDoc,
    pub red: LightEventDoc,
}

closed_set! {
    /// `warning` (a deadline's warning fired), `lapse` (a deadline lapsed) or
    /// `supervision_lapse` (a deadline of the penalty case its lapse opened lapsed too).
    pub enum LightEventDoc {
        Warning = "warning",
        Lapse = "lapse",
        SupervisionLapse = "supervision_lapse",
    }
}

impl From<LightEventDoc> for govflow_model::LightEvent {
    fn from(doc: LightEventDoc) -> Self {
        match doc {
            LightEventDoc::Warning => govflow_model::LightEvent::Warning,
            LightEventDoc::Lapse => govflow_model::LightEvent::Lapse,
            LightEventDoc::SupervisionLapse => govflow_model::LightEvent::SupervisionLapse,
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegulationDoc {
    pub title: String,
    /// The document number (`万州府发〔2020〕10号`); empty for a draft that has none.
    pub document: String,
    pub issuer: String,
    pub status: StatusDoc,
    pub issued: NaiveDate,
    pub effective_from: NaiveDate,
    /// The last day it governs, inclusive, where the text limits its validity.
    #[serde(default)]
    pub effective_until: Option<NaiveDate>,
    /// The original text, relative to the pack directory
    /// (`../../policies/regulations/000_61a89b42ec8d31af.txt`). Every `quote:` of the pack
    /// must appear in it word for word (white space aside).
    #[serde(default)]
    pub text: Option<String>,
    /// The article that sets the effective dates.
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
}

closed_set! {
    /// `in_force`, `draft` (a draft for comment: every case says so) or `expired`.
    pub enum StatusDoc {
        InForce = "in_force",
        Draft = "draft",
        Expired = "expired",
    }
}

impl From<StatusDoc> for RegulationStatus {
    fn from(doc: StatusDoc) -> Self {
        match doc {
            StatusDoc::InForce => RegulationStatus::InForce,
            StatusDoc::Draft => RegulationStatus::Draft,
            StatusDoc::Expired => RegulationStatus::Expired,
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleDoc {
    /// The text's name for whoever holds this role (`区大数据发展局`).
    pub name: String,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassificationDoc {
    #[serde(default)]
    pub sharing: Option<VocabularyDoc>,
    #[serde(default)]
    pub opening: Option<VocabularyDoc>,
    #[serde(default)]
    pub base_databases: Option<VocabularyDoc>,
    #[serde(default)]
    pub uses: Option<VocabularyDoc>,
    /// Kinds of legal basis the text names (`law: 法律`), for rules on `legal_basis_kind`.
    #[serde(default)]
    pub legal_bases: Option<VocabularyDoc>,
    #[serde(default)]
    pub rules: Vec<RuleDoc>,
}

/// Canonical term id → the text's own name for it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VocabularyDoc {
    pub terms: BTreeMap<String, String>,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
}

/// When every `when` condition holds, every `require` condition must hold too.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleDoc {
    pub id: String,
    pub description: String,
    /// Field of the data resource → condition.
    #[serde(default)]
    pub when: BTreeMap<FieldDoc, ConditionDoc>,
    pub require: BTreeMap<FieldDoc, ConditionDoc>,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
}

closed_set! {
    /// A field of a data resource that rules test (`govflow_model::DataResource::FIELDS`).
    pub enum FieldDoc {
        Sharing = "sharing",
        Opening = "opening",
        BaseDatabase = "base_database",
        LegalBasis = "legal_basis",
        LegalBasisKind = "legal_basis_kind",
        Filing = "filing",
        Use = "use",
    }
}

/// `present`, `absent`, or a list of allowed values.
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)] // for the schema: either shape; `Deserialize` is written below
pub enum ConditionDoc {
    Presence(PresenceDoc),
    OneOf(Vec<String>),
}

closed_set! {
    /// `present` (the field is given and not blank) or `absent` (it is not given).
    pub enum PresenceDoc {
        Present = "present",
        Absent = "absent",
    }
}

impl From<PresenceDoc> for Condition {
    fn from(doc: PresenceDoc) -> Self {
        match doc {
            PresenceDoc::Present => Condition::Present,
            PresenceDoc::Absent => Condition::Absent,
        }
    }
}

/// By hand rather than `untagged`, so that a misspelt keyword is reported as the unknown
/// variant it is (with the allowed ones) instead of "did not match any variant".
impl<'de> Deserialize<'de> for ConditionDoc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = ConditionDoc;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`present`, `absent`, or a list of allowed values")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<ConditionDoc, E> {
                PresenceDoc::deserialize(v.into_deserializer()).map(ConditionDoc::Presence)
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<ConditionDoc, A::Error> {
                Vec::deserialize(de::value::SeqAccessDeserializer::new(seq))
                    .map(ConditionDoc::OneOf)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProhibitedActDoc {
    pub id: String,
    pub description: String,
    /// The procedure that punishes it (normally `rectification`).
    #[serde(default)]
    pub penalty: Option<String>,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecurringDoc {
    pub id: String,
    pub procedure: String,
    /// Six fields, Asia/Shanghai: `sec min hour day-of-month month day-of-week`.
    pub cron: String,
    pub scope: ScopeDoc,
    /// The reporting period its cases are for, relative to the occurrence's local year;
    /// required when the procedure counts a deadline `from: period`.
    #[serde(default)]
    pub period: Option<PeriodDoc>,
    /// The state its cases start in (the procedure's `initial` when absent): the
    /// authority's own report starts at its own step.
    #[serde(default)]
    pub initial: Option<String>,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
}

closed_set! {
    /// `departments` (one case per registered department, which is its provider),
    /// `registered` (one case per department an admin registered for this obligation) or
    /// `authority` (one case for the city's competent data authority).
    pub enum ScopeDoc {
        Departments = "departments",
        Registered = "registered",
        Authority = "authority",
    }
}

closed_set! {
    /// The period of an occurrence's cases: the year before the occurrence's local year,
    /// that year, or the year after.
    pub enum PeriodDoc {
        PreviousYear = "previous_year",
        CurrentYear = "current_year",
        NextYear = "next_year",
    }
}

impl From<PeriodDoc> for PeriodOf {
    fn from(doc: PeriodDoc) -> Self {
        match doc {
            PeriodDoc::PreviousYear => PeriodOf::PreviousYear,
            PeriodDoc::CurrentYear => PeriodOf::CurrentYear,
            PeriodDoc::NextYear => PeriodOf::NextYear,
        }
    }
}

impl From<ScopeDoc> for RecurringScope {
    fn from(doc: ScopeDoc) -> Self {
        match doc {
            ScopeDoc::Departments => RecurringScope::Departments,
            ScopeDoc::Registered => RecurringScope::Registered,
            // The obligation falls on the body that holds the canonical role of this name.
            ScopeDoc::Authority => RecurringScope::Role(RoleId::new(doc.as_str())),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveDoc {
    #[serde(default)]
    pub procedures: Vec<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub classification_rules: Vec<String>,
    #[serde(default)]
    pub prohibited_acts: Vec<String>,
    #[serde(default)]
    pub recurring: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::FieldDoc;
    use govflow_model::DataResource;

    #[test]
    fn the_fields_rules_may_test_are_the_data_resource_fields() {
        assert_eq!(FieldDoc::NAMES, DataResource::FIELDS);
    }
}
