//! Classification rules: which sharing and opening classes a data resource may carry, and
//! what each class demands (a legal basis, a filing, unconditional sharing of base
//! databases, a permitted use).

use crate::ArticleRef;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A city's classification vocabularies and the rules on them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClassificationScheme {
    /// Sharing classes: canonical id → the text's name (`unconditional` → `无条件共享`).
    pub sharing: Vocabulary,
    /// Opening classes (`unconditional` → `无条件开放`).
    pub opening: Vocabulary,
    /// Base databases the text names (`natural_person` → `自然人基础数据库`).
    pub base_databases: Vocabulary,
    /// Uses of conditionally open data (`research`, `commercial`).
    pub uses: Vocabulary,
    /// Kinds of legal basis the text names (`law` → `法律`, `central_policy` →
    /// `党中央、国务院政策`), tested through a resource's `legal_basis_kind`.
    #[serde(default)]
    pub legal_bases: Vocabulary,
    pub rules: Vec<ClassificationRule>,
}

/// Canonical id → the text's own name, with the article that defines the vocabulary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Vocabulary {
    pub terms: BTreeMap<String, String>,
    pub basis: Option<ArticleRef>,
}

impl Vocabulary {
    pub fn contains(&self, id: &str) -> bool {
        self.terms.contains_key(id)
    }
}

/// `when` every condition holds, `require` every condition to hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassificationRule {
    pub id: String,
    pub description: String,
    pub when: BTreeMap<String, Condition>,
    pub require: BTreeMap<String, Condition>,
    pub basis: ArticleRef,
}

/// A test on one field of a data resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The field is given (and not blank).
    Present,
    /// The field is not given.
    Absent,
    /// The field is one of these values.
    OneOf(Vec<String>),
}

impl Condition {
    pub fn holds(&self, value: Option<&str>) -> bool {
        let value = value.map(str::trim).filter(|v| !v.is_empty());
        match self {
            Condition::Present => value.is_some(),
            Condition::Absent => value.is_none(),
            Condition::OneOf(allowed) => value.is_some_and(|v| allowed.iter().any(|a| a == v)),
        }
    }
}

/// The fields of a data resource that classification rules test. Field names are the
/// keys rules use: `sharing`, `opening`, `base_database`, `legal_basis`,
/// `legal_basis_kind`, `filing`, `use`.
///
/// `legal_basis` is the v1 field: the basis cited, as free text (《中华人民共和国统计法》
/// 第二十五条). `legal_basis_kind` says what kind of instrument it is, a term of the
/// pack's `legal_bases` vocabulary, where the text requires a basis of a given kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataResource {
    #[serde(default)]
    pub sharing: Option<String>,
    #[serde(default)]
    pub opening: Option<String>,
    #[serde(default)]
    pub base_database: Option<String>,
    #[serde(default)]
    pub legal_basis: Option<String>,
    #[serde(default)]
    pub legal_basis_kind: Option<String>,
    #[serde(default)]
    pub filing: Option<String>,
    #[serde(default, rename = "use")]
    pub intended_use: Option<String>,
}

impl DataResource {
    /// The field names rules may test.
    pub const FIELDS: [&'static str; 7] = [
        "sharing",
        "opening",
        "base_database",
        "legal_basis",
        "legal_basis_kind",
        "filing",
        "use",
    ];

    pub fn field(&self, name: &str) -> Option<&str> {
        match name {
            "sharing" => self.sharing.as_deref(),
            "opening" => self.opening.as_deref(),
            "base_database" => self.base_database.as_deref(),
            "legal_basis" => self.legal_basis.as_deref(),
            "legal_basis_kind" => self.legal_basis_kind.as_deref(),
            "filing" => self.filing.as_deref(),
            "use" => self.intended_use.as_deref(),
            _ => None,
        }
    }
}

/// A rule a data resource breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub rule: String,
    pub description: String,
    /// The `require` fields that do not hold.
    pub fields: Vec<String>,
    pub article: String,
    pub quote: String,
}

impl ClassificationScheme {
    /// Every rule the resource breaks, in the pack's order. Pure.
    pub fn check(&self, resource: &DataResource) -> Vec<Violation> {
        self.rules
            .iter()
            .filter(|rule| {
                rule.when
                    .iter()
                    .all(|(field, c)| c.holds(resource.field(field)))
            })
            .filter_map(|rule| {
                let failing: Vec<String> = rule
                    .require
                    .iter()
                    .filter(|(field, c)| !c.holds(resource.field(field)))
                    .map(|(field, _)| field.clone())
                    .collect();
                (!failing.is_empty()).then(|| Violation {
                    rule: rule.id.clone(),
                    description: rule.description.clone(),
                    fields: failing,
                    article: rule.basis.article.clone(),
                    quote: rule.basis.quote.clone(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(when: (&str, Condition), require: (&str, Condition)) -> ClassificationRule {
        ClassificationRule {
            id: "r".into(),
            description: "d".into(),
            when: BTreeMap::from([(when.0.to_owned(), when.1)]),
            require: BTreeMap::from([(require.0.to_owned(), require.1)]),
            basis: ArticleRef {
                article: "第二十三条".into(),
                quote: "q".into(),
            },
        }
    }

    #[test]
    fn restricted_class_without_basis_is_a_violation() {
        let scheme = ClassificationScheme {
            rules: vec![rule(
                ("sharing", Condition::OneOf(vec!["conditional".into()])),
                ("legal_basis", Condition::Present),
            )],
            ..Default::default()
        };
        let mut resource = DataResource {
            sharing: Some("conditional".into()),
            legal_basis: Some("  ".into()),
            ..Default::default()
        };
        let found = scheme.check(&resource);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].fields, vec!["legal_basis".to_owned()]);
        resource.legal_basis = Some("《中华人民共和国统计法》".into());
        assert!(scheme.check(&resource).is_empty());
        resource.sharing = Some("unconditional".into());
        resource.legal_basis = None;
        assert!(scheme.check(&resource).is_empty());
    }
}
