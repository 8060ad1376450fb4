use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

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
    #[serde(default)]
    pub classification: Option<ClassificationDoc>,
    #[serde(default)]
    pub prohibited_acts: Vec<ProhibitedActDoc>,
    #[serde(default)]
    pub recurring: Vec<RecurringDoc>,
    /// With `extends`: what of the parent does not apply here.
    #[serde(default)]
    pub remove: RemoveDoc,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegulationDoc {
    pub title: String,
    /// The document number (`万州府发〔2020〕10号`); empty for a draft that has none.
    pub document: String,
    pub issuer: String,
    /// `in_force`, `draft` (a draft for comment: every case says so) or `expired`.
    pub status: String,
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
    /// Field (`sharing`, `opening`, `base_database`, `legal_basis`, `filing`, `use`) → condition.
    #[serde(default)]
    pub when: BTreeMap<String, ConditionDoc>,
    pub require: BTreeMap<String, ConditionDoc>,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
}

/// `present`, `absent`, or a list of allowed values.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ConditionDoc {
    Keyword(String),
    OneOf(Vec<String>),
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
    /// `departments` (one case per registered department) or `authority`.
    pub scope: String,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
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
