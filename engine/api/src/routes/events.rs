//! The durable, ordered event feed that other systems consume with a cursor.

use crate::auth::Caller;
use crate::dto::{EventFilter, EventPage, FeedEvent};
use crate::extract::{blocking, Params, PathParams};
use crate::problem::Problem;
use crate::state::AppState;
use crate::vocabulary::EventTypeWord;
use axum::extract::State;
use axum::Json;
use govflow_model::CityId;
use govflow_runtime::Recorded;
use serde_json::Value;

/// Events after the cursor, in order. A caller bound to one city sees only its city's
/// events; `next_after` still moves past the others, so the cursor never goes back.
#[utoipa::path(get, path = "/v1/events", tag = "events", operation_id = "event_feed",
    params(EventFilter),
    responses((status = 200, description = "The events after the cursor", body = EventPage), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn feed(
    State(state): State<AppState>,
    caller: Caller,
    Params(filter): Params<EventFilter>,
) -> Result<Json<EventPage>, Problem> {
    let city = filter.city.as_deref().map(CityId::from);
    if let Some(city) = &city {
        caller.require_city(city)?;
    }
    let after = filter.after.unwrap_or(0);
    let limit = filter.limit.get();
    let runtime = state.runtime.clone();
    let read = blocking(move || Ok(runtime.feed(after, limit)?)).await?;
    let next_after = read.last().map_or(after, |r| r.seq);
    let events = read
        .into_iter()
        .filter(|r| caller.0.jurisdiction.covers(&r.event.city))
        .filter(|r| city.as_ref().is_none_or(|c| &r.event.city == c))
        .map(feed_event)
        .collect();
    Ok(Json(EventPage { events, next_after }))
}

fn feed_event(r: Recorded) -> FeedEvent {
    let e = r.event;
    let mut details = match serde_json::to_value(&e.kind) {
        Ok(Value::Object(map)) => map,
        _ => Default::default(),
    };
    details.remove("type");
    FeedEvent {
        seq: r.seq,
        kind: EventTypeWord::from(&e.kind),
        case: e.case.to_string(),
        city: e.city.to_string(),
        at: e.at,
        actor: e.actor,
        pack_version: e.pack_version,
        article: e.article,
        details,
    }
}

/// One case's history, oldest first.
#[utoipa::path(get, path = "/v1/cases/{id}/events", tag = "events", operation_id = "case_history",
    params(("id" = String, Path, description = "A case id, as `POST /v1/cases` answers it")),
    responses((status = 200, description = "The case's events, oldest first", body = Vec<FeedEvent>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn history(
    State(state): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> Result<Json<Vec<FeedEvent>>, Problem> {
    let runtime = state.runtime.clone();
    let events = blocking(move || {
        let id = govflow_model::CaseId::new(id);
        caller.require_sees(&runtime.case(&id)?)?;
        Ok(runtime.history(&id)?)
    })
    .await?;
    Ok(Json(events.into_iter().map(feed_event).collect()))
}
