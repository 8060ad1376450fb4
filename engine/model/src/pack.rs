use crate::{
    ArticleRef, BoardRule, CityId, ClassificationScheme, Procedure, ProcedureId, RoleId, StateId,
};
use govflow_calendar::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// One city's validated policy pack: everything the engine knows about that city.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pack {
    pub city: CityId,
    /// The jurisdiction's name (`万州区`).
    pub name: String,
    /// `<city>@<hash of every file>`: what a case is pinned to.
    pub version: String,
    pub extends: Option<CityId>,
    pub regulation: Regulation,
    pub roles: BTreeMap<RoleId, Role>,
    /// The bodies the text names beyond the fixed roles (市财政局, 审计局, …), by their
    /// canonical body id, with the city's own name for each.
    #[serde(default)]
    pub bodies: BTreeMap<RoleId, Role>,
    pub procedures: BTreeMap<ProcedureId, Procedure>,
    pub classification: ClassificationScheme,
    pub prohibited_acts: Vec<ProhibitedAct>,
    pub recurring: Vec<Recurring>,
    /// What turns a case yellow or red on the supervision board; packs archived before
    /// the field read as having the default.
    #[serde(default)]
    pub board: BoardRule,
}

impl Pack {
    pub fn procedure(&self, id: &str) -> Option<&Procedure> {
        self.procedures.get(&ProcedureId::from(id))
    }

    /// The city's name for a role or a body.
    pub fn holder(&self, id: &RoleId) -> Option<&Role> {
        self.roles.get(id).or_else(|| self.bodies.get(id))
    }

    /// Whether the regulation governs a case received on `date`.
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.regulation.in_force_on(date)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Regulation {
    pub title: String,
    pub document: String,
    pub issuer: String,
    pub status: RegulationStatus,
    pub issued: NaiveDate,
    pub effective_from: NaiveDate,
    /// The last day it governs, inclusive, where the text limits its validity.
    pub effective_until: Option<NaiveDate>,
    /// The article that sets the effective dates.
    pub basis: ArticleRef,
}

impl Regulation {
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        date >= self.effective_from && self.effective_until.is_none_or(|until| date <= until)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegulationStatus {
    InForce,
    /// A draft for comment: cases run, and every one of them says so.
    Draft,
    Expired,
}

impl RegulationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RegulationStatus::InForce => "in_force",
            RegulationStatus::Draft => "draft",
            RegulationStatus::Expired => "expired",
        }
    }
}

impl fmt::Display for RegulationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A canonical role and the city's own name for whoever holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub id: RoleId,
    /// `区大数据发展局`, `政务数据提供部门`, …
    pub name: String,
    pub basis: ArticleRef,
}

/// An act the text forbids, and the procedure that punishes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProhibitedAct {
    pub id: String,
    pub description: String,
    pub penalty: Option<ProcedureId>,
    pub basis: ArticleRef,
}

/// A recurring obligation: at each occurrence of `cron` (Asia/Shanghai) the service opens
/// one case of `procedure` for each body of `scope`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recurring {
    pub id: String,
    pub procedure: ProcedureId,
    /// Six fields: second minute hour day-of-month month day-of-week.
    pub cron: String,
    pub scope: RecurringScope,
    /// The period its cases are for, relative to the occurrence's local year.
    #[serde(default)]
    pub period: Option<PeriodOf>,
    /// The state its cases start in; the procedure's `initial` when absent.
    #[serde(default)]
    pub initial: Option<StateId>,
    pub basis: ArticleRef,
}

/// The period (a year) a recurring obligation's case is for, relative to the local year
/// of the occurrence that opens it: the 1 January occurrence of 2025 opens the report on
/// `previous_year` 2024, or the plan for `next_year` 2026.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodOf {
    PreviousYear,
    CurrentYear,
    NextYear,
}

impl PeriodOf {
    /// The period of an occurrence in local year `year`.
    pub fn of(self, year: i32) -> i32 {
        match self {
            PeriodOf::PreviousYear => year - 1,
            PeriodOf::CurrentYear => year,
            PeriodOf::NextYear => year + 1,
        }
    }
}

/// Who a recurring obligation falls on. Written (and serialized) as `departments`, or as
/// the role's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum RecurringScope {
    /// One case per registered department (the department is the case's provider).
    Departments,
    /// One case per department an admin registered for this obligation by its id (a
    /// subset of the registered departments: the 项目单位 of an IT-project plan).
    Registered,
    /// One case for the body that holds this role in the city, by the name the pack gives
    /// it (`scope: authority`: the competent data authority).
    Role(RoleId),
}

impl RecurringScope {
    /// How [`RecurringScope::Departments`] is written.
    pub const DEPARTMENTS: &'static str = "departments";
    /// How [`RecurringScope::Registered`] is written.
    pub const REGISTERED: &'static str = "registered";
}

impl From<String> for RecurringScope {
    fn from(s: String) -> RecurringScope {
        match s.as_str() {
            RecurringScope::DEPARTMENTS => RecurringScope::Departments,
            RecurringScope::REGISTERED => RecurringScope::Registered,
            _ => RecurringScope::Role(RoleId::new(s)),
        }
    }
}

impl From<RecurringScope> for String {
    fn from(scope: RecurringScope) -> String {
        match scope {
            RecurringScope::Departments => RecurringScope::DEPARTMENTS.to_owned(),
            RecurringScope::Registered => RecurringScope::REGISTERED.to_owned(),
            RecurringScope::Role(role) => role.as_str().to_owned(),
        }
    }
}

/// A city's department registry: who recurring obligations fall on. `departments` are
/// every department (`scope: departments`); `obligations` name, by obligation id, the
/// departments a `scope: registered` obligation falls on, each one of `departments`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredRegistry")]
pub struct DepartmentRegistry {
    pub departments: BTreeSet<String>,
    pub obligations: BTreeMap<String, BTreeSet<String>>,
}

impl DepartmentRegistry {
    /// The departments an obligation of `scope` (with id `obligation`) falls on; empty for
    /// a role's scope, which names its body in the pack instead.
    pub fn bodies(&self, scope: &RecurringScope, obligation: &str) -> BTreeSet<String> {
        match scope {
            RecurringScope::Departments => self.departments.clone(),
            RecurringScope::Registered => self
                .obligations
                .get(obligation)
                .cloned()
                .unwrap_or_default(),
            RecurringScope::Role(_) => BTreeSet::new(),
        }
    }

    /// The first name an obligation lists that is not a registered department.
    pub fn unknown_department(&self) -> Option<(&str, &str)> {
        self.obligations.iter().find_map(|(obligation, names)| {
            names
                .iter()
                .find(|n| !self.departments.contains(*n))
                .map(|n| (obligation.as_str(), n.as_str()))
        })
    }
}

/// A registry as stored: registries written before obligations could name departments
/// are a bare list of names.
#[derive(Deserialize)]
#[serde(untagged)]
enum StoredRegistry {
    Names(BTreeSet<String>),
    Registry {
        departments: BTreeSet<String>,
        #[serde(default)]
        obligations: BTreeMap<String, BTreeSet<String>>,
    },
}

impl From<StoredRegistry> for DepartmentRegistry {
    fn from(stored: StoredRegistry) -> Self {
        match stored {
            StoredRegistry::Names(departments) => DepartmentRegistry {
                departments,
                obligations: BTreeMap::new(),
            },
            StoredRegistry::Registry {
                departments,
                obligations,
            } => DepartmentRegistry {
                departments,
                obligations,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Archived packs written before the scope named its role read as they did.
    #[test]
    fn a_scope_is_written_as_departments_or_the_role() {
        for (text, scope) in [
            ("departments", RecurringScope::Departments),
            ("registered", RecurringScope::Registered),
            ("authority", RecurringScope::Role(RoleId::from("authority"))),
        ] {
            let json = serde_json::to_value(&scope).unwrap();
            assert_eq!(json, serde_json::json!(text));
            assert_eq!(
                serde_json::from_value::<RecurringScope>(json).unwrap(),
                scope
            );
        }
    }

    /// A registry stored before obligations could name departments reads as before.
    #[test]
    fn a_stored_list_of_names_reads_as_a_registry_without_subsets() {
        let old: DepartmentRegistry = serde_json::from_str(r#"["区公安局","区民政局"]"#).unwrap();
        assert_eq!(old.departments.len(), 2);
        assert!(old.obligations.is_empty());
        let new = DepartmentRegistry {
            departments: old.departments.clone(),
            obligations: BTreeMap::from([(
                "it_annual_plan".to_owned(),
                BTreeSet::from(["区公安局".to_owned()]),
            )]),
        };
        let json = serde_json::to_string(&new).unwrap();
        assert_eq!(
            serde_json::from_str::<DepartmentRegistry>(&json).unwrap(),
            new
        );
        assert_eq!(
            new.bodies(&RecurringScope::Registered, "it_annual_plan")
                .len(),
            1
        );
        assert_eq!(
            new.bodies(&RecurringScope::Departments, "it_annual_plan")
                .len(),
            2
        );
    }
}
