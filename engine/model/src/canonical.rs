//! The canonical ids of `policies/vocabulary.yaml`, built into the binary so that every
//! pack is judged by the same contract wherever it runs, and the reach of each canonical
//! role: which cases a holder of the role may act on.

use crate::RoleId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The ids integrating systems rely on: a pack may use no other.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CanonicalIds {
    pub cities: Vec<String>,
    pub procedures: Vec<String>,
    pub roles: BTreeMap<RoleId, CanonicalRole>,
    /// Bodies the texts name beyond the fixed roles (财政局, 审计局, …). A pack declares the
    /// ones its text names under `bodies:`; a token or an action names them as it names a
    /// role, and each reaches the cases its `reach` gives.
    #[serde(default)]
    pub bodies: BTreeMap<RoleId, CanonicalRole>,
    pub actions: Vec<String>,
}

/// What the vocabulary says of a canonical role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CanonicalRole {
    pub reach: Reach,
}

/// Which cases a holder of a role may act on, within the cities its
/// [`Jurisdiction`](crate::Jurisdiction) covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// The cases addressed to the holder's department (the case's provider).
    Department,
    /// The cases the holder opened, or its department opened.
    Opener,
    /// Every case of the city.
    City,
    /// Every case of the city; it may also open any procedure and operate the service
    /// (the admin endpoints), and a city need not declare it.
    Everything,
}

const TEXT: &str = include_str!("../../../policies/vocabulary.yaml");

impl CanonicalIds {
    /// The vocabulary compiled into this binary.
    pub fn builtin() -> &'static CanonicalIds {
        static BUILTIN: OnceLock<CanonicalIds> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            CanonicalIds::parse(TEXT).unwrap_or_else(|e| {
                panic!("policies/vocabulary.yaml (checked by a unit test of govflow-model): {e}")
            })
        })
    }

    /// Reads a vocabulary; an error names the key and its line and column.
    fn parse(text: &str) -> Result<CanonicalIds, serde_yaml::Error> {
        serde_yaml::from_str(text)
    }

    /// How far `role` (a role or a body) reaches; `None` for one outside the vocabulary.
    pub fn reach(&self, role: &RoleId) -> Option<Reach> {
        self.roles
            .get(role)
            .or_else(|| self.bodies.get(role))
            .map(|r| r.reach)
    }

    /// Whether `id` is a canonical body rather than a fixed role.
    pub fn is_body(&self, id: &RoleId) -> bool {
        self.bodies.contains_key(id)
    }

    /// The canonical body ids, for messages.
    pub fn body_list(&self) -> String {
        self.bodies
            .keys()
            .map(RoleId::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The roles that reach exactly `reach`.
    pub fn roles_reaching(&self, reach: Reach) -> impl Iterator<Item = &RoleId> {
        self.roles
            .iter()
            .filter(move |(_, r)| r.reach == reach)
            .map(|(id, _)| id)
    }

    /// The canonical role ids, for messages (`applicant, provider, …`).
    pub fn role_list(&self) -> String {
        self.roles
            .keys()
            .map(RoleId::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl RoleId {
    /// How far this role reaches, by the built-in vocabulary; `None` outside it.
    pub fn reach(&self) -> Option<Reach> {
        CanonicalIds::builtin().reach(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vocabulary_parses_and_names_the_brief_ids() {
        let v = CanonicalIds::builtin();
        assert!(v.procedures.iter().any(|p| p == "rectification"));
        assert!(v.actions.iter().any(|a| a == "approve_extension"));
        assert_eq!(v.cities.len(), 6);
        assert_eq!(v.roles.len(), 7);
    }

    #[test]
    fn every_role_declares_its_reach_once() {
        let v = CanonicalIds::builtin();
        let reach = |role: &str| v.reach(&RoleId::from(role));
        assert_eq!(reach("provider"), Some(Reach::Department));
        assert_eq!(reach("principal"), Some(Reach::Department));
        assert_eq!(reach("applicant"), Some(Reach::Opener));
        assert_eq!(reach("user"), Some(Reach::Opener));
        assert_eq!(reach("authority"), Some(Reach::City));
        assert_eq!(reach("government"), Some(Reach::City));
        assert_eq!(reach("admin"), Some(Reach::Everything));
        assert_eq!(reach("mayor"), None);
        let everything: Vec<&RoleId> = v.roles_reaching(Reach::Everything).collect();
        assert_eq!(everything, [&RoleId::from("admin")]);
    }

    #[test]
    fn a_body_reaches_the_city_and_is_not_a_fixed_role() {
        let v = CanonicalIds::builtin();
        let finance = RoleId::from("finance_bureau");
        assert!(v.is_body(&finance));
        assert!(!v.roles.contains_key(&finance));
        assert_eq!(v.reach(&finance), Some(Reach::City));
        assert!(!v.is_body(&RoleId::from("authority")));
    }

    const HEAD: &str = "cities: [wanzhou]\nprocedures: [objection]\nactions: [reply]\n";

    #[test]
    fn a_role_without_a_reach_is_refused_at_its_line() {
        let text = format!("{HEAD}roles:\n  provider: {{reach: department}}\n  admin: {{}}\n");
        let e = CanonicalIds::parse(&text).unwrap_err().to_string();
        assert!(e.contains("roles.admin"), "{e}");
        assert!(e.contains("missing field `reach`"), "{e}");
        assert!(e.contains("line 6 column"), "{e}");
    }

    #[test]
    fn an_unknown_reach_is_refused_at_its_line_with_the_reaches_allowed() {
        let text = format!("{HEAD}roles:\n  provider: {{reach: departments}}\n");
        let e = CanonicalIds::parse(&text).unwrap_err().to_string();
        assert!(e.contains("roles.provider.reach"), "{e}");
        assert!(e.contains("unknown variant `departments`"), "{e}");
        assert!(
            e.contains("`department`, `opener`, `city`, `everything`"),
            "{e}"
        );
        assert!(e.contains("line 5 column"), "{e}");
    }

    #[test]
    fn a_role_given_as_a_bare_name_is_refused() {
        let text = format!("{HEAD}roles: [provider]\n");
        let e = CanonicalIds::parse(&text).unwrap_err().to_string();
        assert!(e.contains("roles"), "{e}");
        assert!(e.contains("line 4 column"), "{e}");
    }
}
