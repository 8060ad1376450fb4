//! The packs being served, and the classification check against one city's rules.

use crate::auth::Caller;
use crate::dto::{
    CalendarSummary, ClassificationCheck, ClassificationResult, MissingVersionView, PackDetail,
    PackList, PackSummary, ViolationView,
};
use crate::extract::{Body, PathParams};
use crate::problem::{CityIn, Problem};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use govflow_model::CityId;

/// Every city's pack: version, regulation status, and the last reload error if any.
#[utoipa::path(get, path = "/v1/packs", tag = "packs", operation_id = "list_packs",
    responses((status = 200, description = "Every city's pack and the calendar", body = PackList), (status = 401, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, _caller: Caller) -> Json<PackList> {
    let registry = state.runtime.registry();
    Json(PackList {
        packs: registry
            .cities()
            .iter()
            .map(|(city, entry)| PackSummary::of(city, entry))
            .collect(),
        calendar: CalendarSummary::of(&registry.calendar_state()),
        missing_versions: state
            .runtime
            .missing_versions()
            .into_iter()
            .map(MissingVersionView::from)
            .collect(),
    })
}

#[utoipa::path(get, path = "/v1/packs/{city}", tag = "packs", operation_id = "get_pack",
    params(("city" = String, Path, example = "wanzhou", description = "A city id, as `GET /v1/packs` lists them")),
    responses((status = 200, description = "The city's pack", body = PackDetail), (status = 401, body = Problem), (status = 404, body = Problem)),
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
        summary: PackSummary::of(&city, &entry),
        pack: entry.pack.as_ref().map(|p| (*p.pack).clone()),
    }))
}

/// Which of a city's classification rules a data resource breaks, with their articles.
#[utoipa::path(post, path = "/v1/classifications/check", tag = "packs", operation_id = "check_classification",
    request_body = ClassificationCheck,
    responses((status = 200, description = "The rules broken, if any", body = ClassificationResult), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn classify(
    State(state): State<AppState>,
    _caller: Caller,
    Body(body): Body<ClassificationCheck>,
) -> Result<Json<ClassificationResult>, Problem> {
    let city = CityId::from(body.city.as_str());
    let violations: Vec<ViolationView> = state
        .runtime
        .classify(&city, &body.resource.into())?
        .into_iter()
        .map(ViolationView::from)
        .collect();
    Ok(Json(ClassificationResult {
        city: body.city,
        ok: violations.is_empty(),
        violations,
    }))
}
