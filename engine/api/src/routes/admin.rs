//! Administration: the simulated clock, reloading packs, the department registry.

use crate::auth::Caller;
use crate::dto::{ClockView, DepartmentList, ReloadView, SetClock};
use crate::extract::{blocking, Body, PathParams};
use crate::problem::{CityIn, Problem};
use crate::state::AppState;
use crate::vocabulary::ClockWord;
use axum::extract::State;
use axum::Json;
use govflow_model::CityId;

/// Move the simulated clock forward; every timer due by then has fired when this returns.
#[utoipa::path(post, path = "/v1/admin/clock", tag = "admin",
    request_body = SetClock,
    responses((status = 200, description = "The clock after the move, and what fired", body = ClockView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "The service runs on the system clock", body = Problem),
        (status = 422, description = "The time is earlier than the clock", body = Problem)),
    security(("bearer" = [])))]
pub async fn set_clock(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<SetClock>,
) -> Result<Json<ClockView>, Problem> {
    caller.require_admin()?;
    let runtime = state.runtime.clone();
    let advanced = blocking(move || Ok(runtime.advance(body.now)?)).await?;
    Ok(Json(ClockView {
        clock: ClockWord::of(state.runtime.clock()),
        now: advanced.now,
        fired: Some(advanced.fired),
    }))
}

#[utoipa::path(get, path = "/v1/clock", tag = "admin",
    responses((status = 200, description = "The service's clock and its time", body = ClockView), (status = 401, body = Problem)),
    security(("bearer" = [])))]
pub async fn clock(State(state): State<AppState>, _caller: Caller) -> Json<ClockView> {
    let clock = state.runtime.clock();
    Json(ClockView {
        clock: ClockWord::of(clock),
        now: clock.now(),
        fired: None,
    })
}

/// Re-read every pack and the calendar now (the watcher does the same on file changes).
#[utoipa::path(post, path = "/v1/admin/reload", tag = "admin",
    responses((status = 200, description = "What was swapped and what failed (see `GET /v1/packs` for the errors)", body = ReloadView), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn reload(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ReloadView>, Problem> {
    caller.require_admin()?;
    let runtime = state.runtime.clone();
    let report = blocking(move || Ok(runtime.reload()?)).await?;
    Ok(Json(ReloadView::from(report)))
}

/// Replace the department registry of a city: a `scope: departments` obligation opens one
/// case for each department, a `scope: registered` one for each department listed under
/// its id in `obligations`.
#[utoipa::path(put, path = "/v1/admin/departments/{city}", tag = "admin",
    params(("city" = String, Path, example = "wanzhou", description = "A city id, as `GET /v1/packs` lists them")),
    request_body = DepartmentList,
    responses((status = 200, description = "The registry now in use", body = DepartmentList), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No pack is served for the city", body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn set_departments(
    State(state): State<AppState>,
    caller: Caller,
    PathParams(city): PathParams<String>,
    Body(body): Body<DepartmentList>,
) -> Result<Json<DepartmentList>, Problem> {
    caller.require_admin()?;
    let runtime = state.runtime.clone();
    let city = CityId::from(city.as_str());
    let registry = body.registry();
    let in_use = registry.clone();
    blocking(move || {
        runtime
            .set_departments(&city, registry)
            .map_err(|e| Problem::naming_city(e, CityIn::Path))
    })
    .await?;
    Ok(Json(DepartmentList::from(in_use)))
}

#[utoipa::path(get, path = "/v1/admin/departments/{city}", tag = "admin",
    params(("city" = String, Path, example = "wanzhou", description = "A city id, as `GET /v1/packs` lists them")),
    responses((status = 200, description = "The city's department registry", body = DepartmentList), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "No pack is served for the city", body = Problem)),
    security(("bearer" = [])))]
pub async fn departments(
    State(state): State<AppState>,
    caller: Caller,
    PathParams(city): PathParams<String>,
) -> Result<Json<DepartmentList>, Problem> {
    caller.require_admin()?;
    let runtime = state.runtime.clone();
    let registry = blocking(move || {
        runtime
            .departments(&CityId::from(city.as_str()))
            .map_err(|e| Problem::naming_city(e, CityIn::Path))
    })
    .await?;
    Ok(Json(DepartmentList::from(registry)))
}
