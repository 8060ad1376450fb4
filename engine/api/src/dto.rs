//! The v1 wire types. They are the integration contract of BRIEF.md, kept apart from the
//! model so the model can change without breaking integrating systems.

use crate::extract::Limit;
use chrono::{DateTime, NaiveDate, Utc};
use govflow_model::{Case, CaseDeadline};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// `POST /v1/cases`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitCase {
    pub city: String,
    pub procedure: String,
    /// When the request was received (RFC 3339); now when absent.
    pub received_at: Option<DateTime<Utc>>,
    /// The department the case is addressed to (数据提供部门).
    pub provider: Option<String>,
    pub subject: Option<String>,
    #[schema(value_type = Object)]
    #[serde(default)]
    pub data: Map<String, Value>,
}

/// `POST /v1/cases/{id}/actions/{action}`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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
    /// The case whose lapse opened this one.
    pub parent: Option<String>,
    pub pack_version: String,
    /// `in_force`, `draft` or `expired`.
    pub regulation_status: String,
    pub received_at: DateTime<Utc>,
    pub received_date: NaiveDate,
    pub provider: Option<String>,
    pub subject: Option<String>,
    #[schema(value_type = Object)]
    pub data: Map<String, Value>,
    pub decision: Option<String>,
    pub opened_by: String,
    pub deadlines: Vec<DeadlineView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub revision: u64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeadlineView {
    pub name: String,
    /// The local date (Asia/Shanghai) the duty must be done by.
    pub due_date: NaiveDate,
    /// 23:59:59 local on `due_date`.
    pub due_at: DateTime<Utc>,
    /// `open`, `met`, `missed` or `cancelled`.
    pub status: String,
    /// Counted on weekends only: the calendar does not yet cover the year.
    pub provisional: bool,
    pub article: String,
    pub quote: String,
    /// The role whose duty it is.
    pub responsible: String,
    pub original_due_date: NaiveDate,
    pub extended_working_days: u32,
    /// Working days asked for by an extension request awaiting approval.
    pub pending_extension: Option<u32>,
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
            regulation_status: c.regulation_status.as_str().to_owned(),
            received_at: c.received_at,
            received_date: c.received_date,
            provider: c.provider.clone(),
            subject: c.subject.clone(),
            data: c.data.clone(),
            decision: c.decision.clone(),
            opened_by: c.opened_by.actor.clone(),
            deadlines: c.deadlines.iter().map(DeadlineView::from).collect(),
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
            status: d.status.as_str().to_owned(),
            provisional: d.provisional,
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
    pub next: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema, utoipa::IntoParams)]
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
    /// `opened`, `acted`, `warning`, `lapsed`, `penalty_opened`, `extension_requested`…
    #[serde(rename = "type")]
    pub kind: String,
    pub case: String,
    pub city: String,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub pack_version: String,
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
#[serde(deny_unknown_fields)]
pub struct EventFilter {
    /// Return events with a sequence number greater than this; 0 for the beginning.
    pub after: Option<u64>,
    /// 1..=1000, default 100.
    #[serde(default)]
    #[param(value_type = Option<usize>, minimum = 1, maximum = 1000)]
    pub limit: Limit,
    /// Only this city's events.
    pub city: Option<String>,
}

/// `POST /v1/classifications/check`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassificationCheck {
    pub city: String,
    #[schema(value_type = Object)]
    pub resource: govflow_model::DataResource,
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

/// `POST /v1/admin/clock`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetClock {
    pub now: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClockView {
    pub clock: String,
    pub now: DateTime<Utc>,
    /// Timers and obligation occurrences handled by this move.
    pub fired: Option<usize>,
}

/// `PUT /v1/admin/departments/{city}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentList {
    pub departments: Vec<String>,
}
