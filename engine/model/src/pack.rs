use crate::{ArticleRef, CityId, ClassificationScheme, Procedure, ProcedureId, RoleId};
use govflow_calendar::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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
/// one case of `procedure` per registered department.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recurring {
    pub id: String,
    pub procedure: ProcedureId,
    /// Six fields: second minute hour day-of-month month day-of-week.
    pub cron: String,
    pub scope: RecurringScope,
    pub basis: ArticleRef,
}

/// Who a recurring obligation falls on. Written (and serialized) as `departments`, or as
/// the role's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum RecurringScope {
    /// One case per registered department (the department is the case's provider).
    Departments,
    /// One case for the body that holds this role in the city, by the name the pack gives
    /// it (`scope: authority`: the competent data authority).
    Role(RoleId),
}

impl RecurringScope {
    /// How [`RecurringScope::Departments`] is written.
    pub const DEPARTMENTS: &'static str = "departments";
}

impl From<String> for RecurringScope {
    fn from(s: String) -> RecurringScope {
        if s == RecurringScope::DEPARTMENTS {
            RecurringScope::Departments
        } else {
            RecurringScope::Role(RoleId::new(s))
        }
    }
}

impl From<RecurringScope> for String {
    fn from(scope: RecurringScope) -> String {
        match scope {
            RecurringScope::Departments => RecurringScope::DEPARTMENTS.to_owned(),
            RecurringScope::Role(role) => role.as_str().to_owned(),
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
}
