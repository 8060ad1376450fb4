//! The v1 wire types. They are the integration contract of BRIEF.md, kept apart from the
//! model so the model can change without breaking integrating systems.

use crate::extract::Limit;
use crate::vocabulary::{
    ClockWord, DeadlineKindWord, DeadlineStatusWord, EventTypeWord, RegulationStatusWord,
    SeverityWord,
};
use chrono::{DateTime, NaiveDate, Utc};
use govflow_model::{Case, CaseDeadline, CityId, DataResource, DepartmentRegistry, Violation};
use govflow_runtime::{CalendarState, CityPack, Diagnostic, LoadFailure, ReloadReport};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use utoipa::ToSchema;

/// `POST /v1/cases`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"city": "wanzhou", "procedure": "data_verification",
    "provider": "区公安局", "subject": "户籍地址有误"})))]
pub struct SubmitCase {
    pub city: String,
    pub procedure: String,
    /// When the request was received (RFC 3339); now when absent.
    pub received_at: Option<DateTime<Utc>>,
    /// The department the case is addressed to (数据提供部门).
    pub provider: Option<String>,
    pub subject: Option<String>,
    /// The reporting period (a year) the case is for, e.g. `2024` for the annual report on
    /// 2024; required where the procedure's fixed dates belong to a period.
    #[schema(minimum = -2147483648_i64, maximum = 2147483647_i64)]
    pub period: Option<i32>,
    #[schema(value_type = Object)]
    #[serde(default)]
    pub data: Map<String, Value>,
    /// The state to open the case in: one the procedure declares an `entry` the caller's
    /// role may open (another penalty ladder, e.g. 万州 第四十九条第二款 for staff); the
    /// procedure's initial state when absent.
    #[serde(default)]
    pub start: Option<String>,
}

/// `POST /v1/cases/{id}/actions/{action}`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"data": {"working_days": 5, "reason": "需核对的数据量大"}})))]
pub struct TakeAction {
    /// e.g. `{"decision": "approve", "reasons": "..."}` for `reply`,
    /// `{"working_days": 5, "reason": "..."}` for `request_extension`.
    #[schema(value_type = Object)]
    #[serde(default)]
    pub data: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseView {
    pub id: String,
    pub city: String,
    pub procedure: String,
    pub state: String,
    pub overdue: bool,
    /// The case whose lapse, or action, opened this one.
    #[schema(required = true)]
    pub parent: Option<String>,
    pub pack_version: String,
    pub regulation_status: RegulationStatusWord,
    pub received_at: DateTime<Utc>,
    pub received_date: NaiveDate,
    #[schema(required = true)]
    pub provider: Option<String>,
    #[schema(required = true)]
    pub subject: Option<String>,
    /// The reporting period (a year) the case is for, where it has one.
    #[schema(required = true)]
    pub period: Option<i32>,
    #[schema(value_type = Object)]
    pub data: Map<String, Value>,
    #[schema(required = true)]
    pub decision: Option<String>,
    pub opened_by: String,
    pub deadlines: Vec<DeadlineView>,
    /// The bodies that have taken a joint act in the current state, while others have
    /// yet to take it.
    pub joint_acts: Vec<JointActView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub revision: u64,
}

/// One body's taking of a joint act (会同, 联合), waiting for the others.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JointActView {
    pub action: String,
    /// The role or body it was taken in.
    pub role: String,
    pub actor: String,
    #[schema(required = true)]
    pub decision: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeadlineView {
    pub name: String,
    /// The local date (Asia/Shanghai) the duty must be done by.
    pub due_date: NaiveDate,
    /// 23:59:59 local on `due_date`.
    pub due_at: DateTime<Utc>,
    pub status: DeadlineStatusWord,
    /// Counted on weekends only: the calendar does not yet cover the year.
    pub provisional: bool,
    /// Whether the period is the text's; false where the pack chose it or the imposer
    /// set it.
    pub statutory: bool,
    pub kind: DeadlineKindWord,
    pub article: String,
    pub quote: String,
    /// The role whose duty it is.
    pub responsible: String,
    pub original_due_date: NaiveDate,
    pub extended_working_days: u32,
    /// Working days asked for by an extension request awaiting approval.
    #[schema(required = true)]
    pub pending_extension: Option<u32>,
    /// When the warning fires; null for a deadline without one.
    #[schema(required = true)]
    pub warn_at: Option<DateTime<Utc>>,
}

impl From<&Case> for CaseView {
    fn from(c: &Case) -> CaseView {
        CaseView {
            id: c.id.to_string(),
            city: c.city.to_string(),
            procedure: c.procedure.to_string(),
            state: c.state.to_string(),
            overdue: c.overdue,
            parent: c.parent.as_ref().map(ToString::to_string),
            pack_version: c.pack_version.clone(),
            regulation_status: c.regulation_status.into(),
            received_at: c.received_at,
            received_date: c.received_date,
            provider: c.provider.clone(),
            subject: c.subject.clone(),
            period: c.period,
            data: c.data.clone(),
            decision: c.decision.clone(),
            opened_by: c.opened_by.actor.clone(),
            deadlines: c.deadlines.iter().map(DeadlineView::from).collect(),
            joint_acts: c
                .joint
                .iter()
                .map(|t| JointActView {
                    action: t.action.to_string(),
                    role: t.role.to_string(),
                    actor: t.actor.clone(),
                    decision: t.decision.clone(),
                    at: t.at,
                })
                .collect(),
            created_at: c.created_at,
            updated_at: c.updated_at,
            revision: c.revision,
        }
    }
}

impl From<&CaseDeadline> for DeadlineView {
    fn from(d: &CaseDeadline) -> DeadlineView {
        DeadlineView {
            name: d.name.to_string(),
            due_date: d.due_date,
            due_at: d.due_at,
            status: d.status.into(),
            provisional: d.provisional,
            statutory: d.statutory,
            kind: d.kind.into(),
            article: d.article.clone(),
            quote: d.quote.clone(),
            responsible: d.responsible.to_string(),
            original_due_date: d.original_due_date,
            extended_working_days: d.extended_working_days,
            pending_extension: d.pending_extension.as_ref().map(|p| p.working_days),
            warn_at: d.warn_at,
        }
    }
}

/// `GET /v1/cases`: one page.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseList {
    pub cases: Vec<CaseView>,
    /// Pass as `after` for the next page; null on the last page.
    #[schema(required = true)]
    pub next: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CaseFilter {
    pub city: Option<String>,
    pub procedure: Option<String>,
    pub state: Option<String>,
    pub overdue: Option<bool>,
    pub parent: Option<String>,
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
    /// 1..=1000, default 100.
    #[serde(default)]
    #[schema(value_type = Option<usize>, minimum = 1, maximum = 1000)]
    #[param(value_type = Option<usize>, minimum = 1, maximum = 1000)]
    pub limit: Limit,
}

/// One entry of the event feed: the event's own fields plus its place in the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedEvent {
    pub seq: u64,
    #[serde(rename = "type")]
    pub kind: EventTypeWord,
    pub case: String,
    pub city: String,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub pack_version: String,
    #[schema(required = true)]
    pub article: Option<String>,
    /// The event's own fields (`deadline`, `due_date`, `from`, `to`, `child`…).
    #[schema(value_type = Object)]
    pub details: Map<String, Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    pub events: Vec<FeedEvent>,
    /// The cursor to pass as `after` next time (the last sequence number read).
    pub next_after: u64,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventFilter {
    /// Return events with a sequence number greater than this; 0 for the beginning.
    #[param(minimum = 0, maximum = 18446744073709551615_u64)]
    pub after: Option<u64>,
    /// 1..=1000, default 100.
    #[serde(default)]
    #[param(value_type = Option<usize>, minimum = 1, maximum = 1000)]
    pub limit: Limit,
    /// Only this city's events.
    pub city: Option<String>,
}

/// `GET /v1/packs` and `GET /v1/packs/{city}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PackList {
    pub packs: Vec<PackSummary>,
    pub calendar: CalendarSummary,
    /// Pack versions that cases are pinned to but that the service cannot read: nothing
    /// is decided on those cases (their commands answer 503 `pack_version_missing`, their
    /// timers wait) until the version is served again.
    pub missing_versions: Vec<MissingVersionView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MissingVersionView {
    pub city: String,
    pub version: String,
    /// When a command on one of its cases was first refused for it.
    pub since: DateTime<Utc>,
    /// Commands refused since.
    pub refused: u64,
}

impl From<govflow_runtime::MissingVersion> for MissingVersionView {
    fn from(m: govflow_runtime::MissingVersion) -> Self {
        MissingVersionView {
            city: m.city.to_string(),
            version: m.version,
            since: m.since,
            refused: m.refused,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PackSummary {
    pub city: String,
    /// Whether a pack is being served for the city (false if none ever loaded).
    pub serving: bool,
    #[schema(required = true)]
    pub name: Option<String>,
    /// `<city>@<hash>`: what new cases are pinned to.
    #[schema(required = true)]
    pub version: Option<String>,
    #[schema(required = true)]
    pub regulation: Option<RegulationSummary>,
    pub procedures: Vec<String>,
    #[schema(required = true)]
    pub loaded_at: Option<DateTime<Utc>>,
    pub warnings: usize,
    /// Why the latest load of this city failed; the last good pack is still served.
    #[schema(required = true)]
    pub last_error: Option<LoadFailureView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegulationSummary {
    pub title: String,
    pub document: String,
    pub status: RegulationStatusWord,
    pub effective_from: NaiveDate,
    #[schema(required = true)]
    pub effective_until: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarSummary {
    /// The years the official holiday schedule covers; later deadlines are provisional.
    pub years: Vec<i32>,
    pub loaded_at: DateTime<Utc>,
    #[schema(required = true)]
    pub last_error: Option<LoadFailureView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PackDetail {
    #[serde(flatten)]
    pub summary: PackSummary,
    /// The validated pack: roles, procedures, deadlines with their articles; null while
    /// none is served for the city.
    #[schema(value_type = Option<Object>, required = true)]
    pub pack: Option<govflow_model::Pack>,
}

impl PackSummary {
    pub fn of(city: &CityId, entry: &CityPack) -> PackSummary {
        let pack = entry.pack.as_ref().map(|p| &p.pack);
        PackSummary {
            city: city.to_string(),
            serving: pack.is_some(),
            name: pack.map(|p| p.name.clone()),
            version: pack.map(|p| p.version.clone()),
            regulation: pack.map(|p| RegulationSummary {
                title: p.regulation.title.clone(),
                document: p.regulation.document.clone(),
                status: p.regulation.status.into(),
                effective_from: p.regulation.effective_from,
                effective_until: p.regulation.effective_until,
            }),
            procedures: pack
                .map(|p| p.procedures.keys().map(ToString::to_string).collect())
                .unwrap_or_default(),
            loaded_at: entry.loaded_at,
            warnings: entry.warnings.len(),
            last_error: entry.last_error.as_ref().map(LoadFailureView::from),
        }
    }
}

impl CalendarSummary {
    pub fn of(state: &CalendarState) -> CalendarSummary {
        CalendarSummary {
            years: state.calendar.years().collect(),
            loaded_at: state.loaded_at,
            last_error: state.last_error.as_ref().map(LoadFailureView::from),
        }
    }
}

/// A failed load: when, and every diagnostic it produced.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoadFailureView {
    pub at: DateTime<Utc>,
    pub diagnostics: Vec<DiagnosticView>,
}

/// One pack diagnostic, located in its file (`docs/errors/` has a page per code).
#[derive(Debug, Serialize, ToSchema)]
pub struct DiagnosticView {
    /// `GF0001`…
    pub code: String,
    pub severity: SeverityWord,
    pub file: String,
    /// 1-based; 0 when the problem is with the file as a whole.
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[schema(required = true)]
    pub help: Option<String>,
}

impl From<&LoadFailure> for LoadFailureView {
    fn from(f: &LoadFailure) -> LoadFailureView {
        LoadFailureView {
            at: f.at,
            diagnostics: f.diagnostics.iter().map(DiagnosticView::from).collect(),
        }
    }
}

impl From<&Diagnostic> for DiagnosticView {
    fn from(d: &Diagnostic) -> DiagnosticView {
        DiagnosticView {
            code: d.code.to_owned(),
            severity: d.severity.into(),
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            message: d.message.clone(),
            help: d.help.clone(),
        }
    }
}

/// `POST /v1/classifications/check`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"city": "wanzhou",
    "resource": {"sharing": "conditional", "opening": "not_open"}})))]
pub struct ClassificationCheck {
    pub city: String,
    pub resource: DataResourceView,
}

/// How a data resource is classified (数据资源目录); each key is optional.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DataResourceView {
    #[serde(default)]
    pub sharing: Option<String>,
    #[serde(default)]
    pub opening: Option<String>,
    #[serde(default)]
    pub base_database: Option<String>,
    #[serde(default)]
    pub legal_basis: Option<String>,
    /// The kind of the basis cited: a term of the pack's `classification.legal_bases`.
    #[serde(default)]
    pub legal_basis_kind: Option<String>,
    #[serde(default)]
    pub filing: Option<String>,
    #[serde(default, rename = "use")]
    pub intended_use: Option<String>,
}

impl From<DataResourceView> for DataResource {
    fn from(r: DataResourceView) -> DataResource {
        DataResource {
            sharing: r.sharing,
            opening: r.opening,
            base_database: r.base_database,
            legal_basis: r.legal_basis,
            legal_basis_kind: r.legal_basis_kind,
            filing: r.filing,
            intended_use: r.intended_use,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClassificationResult {
    pub city: String,
    /// True when the resource breaks no rule.
    pub ok: bool,
    pub violations: Vec<ViolationView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ViolationView {
    pub rule: String,
    pub description: String,
    pub fields: Vec<String>,
    pub article: String,
    pub quote: String,
}

impl From<Violation> for ViolationView {
    fn from(v: Violation) -> ViolationView {
        ViolationView {
            rule: v.rule,
            description: v.description,
            fields: v.fields,
            article: v.article,
            quote: v.quote,
        }
    }
}

/// `POST /v1/admin/clock`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"now": "2024-01-03T09:00:00+08:00"})))]
pub struct SetClock {
    pub now: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClockView {
    pub clock: ClockWord,
    pub now: DateTime<Utc>,
    /// Timers and obligation occurrences handled by this move; null when reading the clock
    /// and while the move goes on (`moving`).
    #[schema(required = true)]
    pub fired: Option<usize>,
    /// The move of the simulated clock under way on this node; null when none is.
    #[schema(required = true)]
    pub moving: Option<MoveView>,
}

/// A move of the simulated clock under way: where it goes, since when, what it has fired.
#[derive(Debug, Serialize, ToSchema)]
pub struct MoveView {
    pub to: DateTime<Utc>,
    pub since: DateTime<Utc>,
    pub fired: usize,
}

impl From<govflow_runtime::Moving> for MoveView {
    fn from(m: govflow_runtime::Moving) -> MoveView {
        MoveView {
            to: m.to,
            since: m.since,
            fired: m.fired,
        }
    }
}

/// `POST /v1/admin/reload`: what one reload did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReloadView {
    /// Cities now serving a new version.
    pub swapped: Vec<String>,
    /// Cities whose files failed to load; each keeps its last good pack (`GET /v1/packs`
    /// says why).
    pub failed: Vec<String>,
    /// Whether a new holiday calendar is being served.
    pub calendar_swapped: bool,
    pub calendar_failed: bool,
}

impl From<ReloadReport> for ReloadView {
    fn from(r: ReloadReport) -> Self {
        let names = |cities: Vec<CityId>| cities.iter().map(ToString::to_string).collect();
        ReloadView {
            swapped: names(r.swapped),
            failed: names(r.failed),
            calendar_swapped: r.calendar_swapped,
            calendar_failed: r.calendar_failed,
        }
    }
}

/// `PUT /v1/admin/departments/{city}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"departments": ["区公安局", "区民政局"], "obligations": {}})))]
pub struct DepartmentList {
    /// Every department of the city: a `scope: departments` obligation opens one case each.
    pub departments: Vec<DepartmentName>,
    /// Obligation id → the departments a `scope: registered` obligation falls on (the
    /// 项目单位 of an annual IT-project plan); each must be in `departments`. Omitted: none.
    #[serde(default)]
    pub obligations: BTreeMap<String, Vec<DepartmentName>>,
}

/// A department's name (区公安局): not blank.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct DepartmentName(String);

impl TryFrom<String> for DepartmentName {
    type Error = &'static str;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        if name.trim().is_empty() {
            Err("a department's name is blank")
        } else {
            Ok(DepartmentName(name))
        }
    }
}

impl utoipa::PartialSchema for DepartmentName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"\S"))
            .description(Some("A department's name (区公安局): not blank"))
            .into()
    }
}

impl ToSchema for DepartmentName {}

impl DepartmentList {
    pub fn registry(&self) -> DepartmentRegistry {
        let names = |names: &[DepartmentName]| names.iter().map(|n| n.0.clone()).collect();
        DepartmentRegistry {
            departments: names(&self.departments),
            obligations: self
                .obligations
                .iter()
                .map(|(id, listed)| (id.clone(), names(listed)))
                .collect(),
        }
    }
}

impl From<DepartmentRegistry> for DepartmentList {
    fn from(registry: DepartmentRegistry) -> Self {
        let names = |names: BTreeSet<String>| names.into_iter().map(DepartmentName).collect();
        DepartmentList {
            departments: names(registry.departments),
            obligations: registry
                .obligations
                .into_iter()
                .map(|(id, listed)| (id, names(listed)))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use govflow_runtime::Severity;

    /// The views serve a failed load exactly as the runtime's and the loader's own
    /// serialisation did before the API had views of its own.
    #[test]
    fn a_load_failure_is_served_as_the_loader_writes_it() {
        let mut warning = Diagnostic::error("GF0002", "pack.yaml", "unknown key `dedline`");
        warning.severity = Severity::Warning;
        warning.line = 3;
        warning.column = 5;
        warning.help = Some("did you mean `deadline`?".into());
        let failure = LoadFailure {
            at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            diagnostics: vec![
                Diagnostic::error("GF0011", "procedures/x.yaml", "cannot read"),
                warning,
            ],
        };
        assert_eq!(
            serde_json::to_value(LoadFailureView::from(&failure)).unwrap(),
            serde_json::to_value(&failure).unwrap()
        );
    }

    /// The fields `view` serializes are the properties its schema `name` in the served
    /// document lists, each required (tests/api/contract.rs checks the views a running
    /// server answers with; these are the ones its answers rarely carry).
    fn serves_its_schema(name: &str, view: impl Serialize) {
        let document = crate::openapi::document();
        let schema = &document["components"]["schemas"][name];
        let keys = |value: &Value| -> Vec<String> {
            let mut keys: Vec<String> = match value {
                Value::Object(map) => map.keys().cloned().collect(),
                Value::Array(items) => items
                    .iter()
                    .filter_map(|k| k.as_str())
                    .map(String::from)
                    .collect(),
                _ => Vec::new(),
            };
            keys.sort();
            keys
        };
        let served = keys(&serde_json::to_value(view).unwrap());
        assert_eq!(served, keys(&schema["properties"]), "{name}: {schema:#}");
        assert_eq!(served, keys(&schema["required"]), "{name}: {schema:#}");
    }

    #[test]
    fn the_rarely_served_views_serve_exactly_their_schemas() {
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let diagnostic = Diagnostic::error("GF0011", "procedures/x.yaml", "cannot read");
        serves_its_schema("DiagnosticView", DiagnosticView::from(&diagnostic));
        let failure = LoadFailure {
            at,
            diagnostics: vec![diagnostic],
        };
        serves_its_schema("LoadFailureView", LoadFailureView::from(&failure));
        let missing = govflow_runtime::MissingVersion {
            city: CityId::from("wanzhou"),
            version: "wanzhou@0123456789ab".into(),
            since: at,
            refused: 2,
        };
        serves_its_schema("MissingVersionView", MissingVersionView::from(missing));
        let joint = JointActView {
            action: "decide".into(),
            role: "finance_bureau".into(),
            actor: "finance".into(),
            decision: None,
            at,
        };
        serves_its_schema("JointActView", joint);
    }

    #[test]
    fn a_reload_is_served_as_the_runtime_reports_it() {
        let report = ReloadReport {
            swapped: vec![CityId::from("wanzhou")],
            failed: vec![CityId::from("macun"), CityId::from("jiaozuo")],
            calendar_swapped: true,
            calendar_failed: false,
        };
        assert_eq!(
            serde_json::to_value(ReloadView::from(report.clone())).unwrap(),
            serde_json::to_value(&report).unwrap()
        );
    }

    #[test]
    fn a_data_resource_is_read_as_the_model_reads_it() {
        let json =
            serde_json::json!({"sharing": "conditional", "use": "research", "filing": "filed"});
        let view: DataResourceView = serde_json::from_value(json.clone()).unwrap();
        let model: DataResource = serde_json::from_value(json).unwrap();
        assert_eq!(DataResource::from(view), model);
        let unknown = serde_json::json!({"sharng": "conditional"});
        let error = serde_json::from_value::<DataResourceView>(unknown).unwrap_err();
        assert!(error.to_string().contains("sharng"), "{error}");
    }
}
