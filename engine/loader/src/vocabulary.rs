//! The canonical ids of `policies/vocabulary.yaml`, built into the binary so that
//! `govflow check` judges every pack by the same contract wherever it runs.

use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    pub cities: Vec<String>,
    pub procedures: Vec<String>,
    pub roles: Vec<String>,
    pub actions: Vec<String>,
}

const TEXT: &str = include_str!("../../../policies/vocabulary.yaml");

pub fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        serde_yaml::from_str(TEXT).expect("policies/vocabulary.yaml is checked by a unit test")
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_vocabulary_parses_and_names_the_brief_ids() {
        let v = super::vocabulary();
        assert!(v.procedures.iter().any(|p| p == "rectification"));
        assert!(v.roles.iter().any(|r| r == "principal"));
        assert!(v.actions.iter().any(|a| a == "approve_extension"));
        assert_eq!(v.cities.len(), 6);
    }
}
