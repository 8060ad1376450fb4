//! The packs being served, and the classification check against one city's rules.

use crate::auth::Caller;
use crate::dto::{ClassificationCheck, ClassificationResult, ViolationView};
use crate::extract::{Body, PathParams};
use crate::problem::{CityIn, Problem};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use govflow_model::CityId;
use govflow_runtime::{CityPack, LoadFailure};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct PackList {
    pub packs: Vec<PackSummary>,
    pub calendar: CalendarSummary,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PackSummary {
    pub city: String,
    /// Whether a pack is being served for the city (false if none ever loaded).
    pub serving: bool,
    pub name: Option<String>,
    /// `<city>@<hash>`: what new cases are pinned to.
    pub version: Option<String>,
    pub regulation: Option<RegulationSummary>,
    pub procedures: Vec<String>,
    pub loaded_at: Option<DateTime<Utc>>,
    pub warnings: usize,
    /// Why the latest load of this city failed; the last good pack is still served.
    #[schema(value_type = Option<Object>)]
    pub last_error: Option<LoadFailure>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegulationSummary {
    pub title: String,
    pub document: String,
    /// `in_force`, `draft` or `expired`.
    pub status: String,
    pub effective_from: NaiveDate,
    pub effective_until: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarSummary {
    /// The years the official holiday schedule covers; later deadlines are provisional.
    pub years: Vec<i32>,
    pub loaded_at: DateTime<Utc>,
    #[schema(value_type = Option<Object>)]
    pub last_error: Option<LoadFailure>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PackDetail {
    #[serde(flatten)]
    pub summary: PackSummary,
    /// The validated pack: roles, procedures, deadlines with their articles.
    #[schema(value_type = Object)]
    pub pack: Option<govflow_model::Pack>,
}

fn summary(city: &CityId, entry: &CityPack) -> PackSummary {
    let pack = entry.pack.as_ref().map(|p| &p.pack);
    PackSummary {
        city: city.to_string(),
        serving: pack.is_some(),
        name: pack.map(|p| p.name.clone()),
        version: pack.map(|p| p.version.clone()),
        regulation: pack.map(|p| RegulationSummary {
            title: p.regulation.title.clone(),
            document: p.regulation.document.clone(),
            status: p.regulation.status.as_str().to_owned(),
            effective_from: p.regulation.effective_from,
            effective_until: p.regulation.effective_until,
        }),
        procedures: pack
            .map(|p| p.procedures.keys().map(ToString::to_string).collect())
            .unwrap_or_default(),
        loaded_at: entry.loaded_at,
        warnings: entry.warnings.len(),
        last_error: entry.last_error.clone(),
    }
}

/// Every city's pack: version, regulation status, and the last reload error if any.
#[utoipa::path(get, path = "/v1/packs", tag = "packs",
    responses((status = 200, body = PackList), (status = 401, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, _caller: Caller) -> Json<PackList> {
    let registry = state.runtime.registry();
    let calendar = registry.calendar_state();
    Json(PackList {
        packs: registry
            .cities()
            .iter()
            .map(|(city, entry)| summary(city, entry))
            .collect(),
        calendar: CalendarSummary {
            years: calendar.calendar.years().collect(),
            loaded_at: calendar.loaded_at,
            last_error: calendar.last_error.clone(),
        },
    })
}

#[utoipa::path(get, path = "/v1/packs/{city}", tag = "packs",
    params(("city" = String, Path)),
    responses((status = 200, body = PackDetail), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    _caller: Caller,
    PathParams(city): PathParams<String>,
) -> Result<Json<PackDetail>, Problem> {
    let city = CityId::from(city.as_str());
    let entry = state
        .runtime
        .city_pack(&city)
        .map_err(|e| Problem::naming_city(e, CityIn::Path))?;
    Ok(Json(PackDetail {
        summary: summary(&city, &entry),
        pack: entry.pack.as_ref().map(|p| (*p.pack).clone()),
    }))
}

/// Which of a city's classification rules a data resource breaks, with their articles.
#[utoipa::path(post, path = "/v1/classifications/check", tag = "packs",
    request_body = ClassificationCheck,
    responses((status = 200, body = ClassificationResult), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn classify(
    State(state): State<AppState>,
    _caller: Caller,
    Body(body): Body<ClassificationCheck>,
) -> Result<Json<ClassificationResult>, Problem> {
    let city = CityId::from(body.city.as_str());
    let violations: Vec<ViolationView> = state
        .runtime
        .classify(&city, &body.resource)?
        .into_iter()
        .map(|v| ViolationView {
            rule: v.rule,
            description: v.description,
            fields: v.fields,
            article: v.article,
            quote: v.quote,
        })
        .collect();
    Ok(Json(ClassificationResult {
        city: body.city,
        ok: violations.is_empty(),
        violations,
    }))
}
