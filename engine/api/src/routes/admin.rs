//! Administration: the simulated clock, reloading packs, the department registry.

use crate::auth::Caller;
use crate::dto::{ClockView, DepartmentList, MoveView, ReloadView, SetClock};
use crate::extract::{blocking, Body, PathParams};
use crate::problem::{CityIn, Problem};
use crate::state::AppState;
use crate::vocabulary::ClockWord;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use govflow_model::CityId;
use std::time::Duration;

/// How long `POST /v1/admin/clock` waits for its move before answering `202` (well within
/// the request limit): a move that fires hundreds of thousands of timers goes on after.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(30);

/// Move the simulated clock forward. Every timer due by then has fired when this answers
/// `200`. A move still going after 30 s (or after the `wait` the request's `Prefer`
/// header asks for, RFC 7240; `respond-async` is `wait=0`) answers `202` and goes on:
/// `GET /v1/clock` shows its progress until `moving` is null.
#[utoipa::path(post, path = "/v1/admin/clock", tag = "admin",
    request_body = SetClock,
    params(("Prefer" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, pattern = "^[!-~]([ -~]*[!-~])?$",
        description = "`respond-async`, or `wait=N` (seconds, at most 30): how long to wait for the move before answering `202`", example = "wait=5")),
    responses((status = 200, description = "The clock after the move, and what fired", body = ClockView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 202, description = "The move goes on; `moving` says how far it got", body = ClockView,
            headers(("Location" = String, description = "Where to follow the move: `/v1/clock`"),
                ("Preference-Applied" = String, description = "`respond-async` when the answer did not wait for the end"))),
        (status = 409, description = "The service runs on the system clock (`clock_not_simulated`), or another move is under way (`clock_moving`)", body = Problem),
        (status = 422, description = "The time is earlier than the clock", body = Problem)),
    security(("bearer" = [])))]
pub async fn set_clock(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Body(body): Body<SetClock>,
) -> Result<Response, Problem> {
    caller.require_admin()?;
    let wait = preferred_wait(&headers);
    let moving = state.runtime.begin_move(body.now)?;
    let to = body.now;
    // Logged where the move runs: a move answered with 202 has no answer to carry it, and
    // a blocking task is finished even when the service stops.
    let mut run = tokio::task::spawn_blocking(move || {
        let result = moving.run();
        match &result {
            Ok(a) => tracing::info!(now = %a.now, fired = a.fired, "the clock move is done"),
            Err(e) => tracing::warn!(%to, error = %e, "the clock move ended early"),
        }
        result
    });
    let advanced = match tokio::time::timeout(wait, &mut run).await {
        Ok(joined) => joined.map_err(|e| Problem::internal(&e))??,
        Err(_) => {
            let mut view = clock_view(&state);
            view.fired = None;
            let headers = [
                (header::LOCATION, "/v1/clock"),
                (
                    HeaderName::from_static("preference-applied"),
                    "respond-async",
                ),
            ];
            return Ok((StatusCode::ACCEPTED, headers, Json(view)).into_response());
        }
    };
    let mut view = clock_view(&state);
    (view.now, view.fired) = (advanced.now, Some(advanced.fired));
    Ok(Json(view).into_response())
}

/// How long the request asks to wait (`Prefer: respond-async` or `wait=N`), at most
/// [`ANSWER_WITHIN`]; an unreadable preference is ignored, as RFC 7240 says.
fn preferred_wait(headers: &HeaderMap) -> Duration {
    let mut wait = ANSWER_WITHIN;
    let preferences = headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim);
    for preference in preferences {
        if preference.eq_ignore_ascii_case("respond-async") {
            wait = Duration::ZERO;
        } else if let Some(n) = preference.strip_prefix("wait=") {
            if let Ok(secs) = n.trim().parse::<u64>() {
                wait = wait.min(Duration::from_secs(secs));
            }
        }
    }
    wait
}

fn clock_view(state: &AppState) -> ClockView {
    let clock = state.runtime.clock();
    ClockView {
        clock: ClockWord::of(clock),
        now: clock.now(),
        fired: None,
        moving: state.runtime.moving().map(MoveView::from),
    }
}

#[utoipa::path(get, path = "/v1/clock", tag = "admin",
    responses((status = 200, description = "The service's clock and its time, and the move under way on this node", body = ClockView), (status = 401, body = Problem)),
    security(("bearer" = [])))]
pub async fn clock(State(state): State<AppState>, _caller: Caller) -> Json<ClockView> {
    Json(clock_view(&state))
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
