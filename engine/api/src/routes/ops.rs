//! Health, metrics and the API description; none needs a token.

use crate::state::AppState;
use crate::vocabulary::{ClockWord, HealthWord};
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`: a service that answers is up.
    pub status: HealthWord,
    pub clock: ClockWord,
    pub now: DateTime<Utc>,
    /// Cities with a pack being served.
    pub cities: usize,
}

#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, description = "The service is up", body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> Json<Health> {
    let clock = state.runtime.clock();
    Json(Health {
        status: HealthWord::Ok,
        clock: ClockWord::of(clock),
        now: clock.now(),
        cities: state
            .runtime
            .registry()
            .cities()
            .values()
            .filter(|c| c.pack.is_some())
            .count(),
    })
}

/// Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "ops", responses((status = 200, description = "Prometheus text exposition", body = String, content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let mut out = String::new();
    state.runtime.metrics().render(&mut out);
    state.responses.render(&mut out);
    let mut leads = vec![state.runtime.obligations_lead()];
    if let Some(webhooks) = &state.webhooks {
        webhooks.render_metrics(&mut out);
        leads.push(webhooks.lead());
    }
    govflow_runtime::render_leads(&leads, &mut out);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out)
}

#[utoipa::path(get, path = "/v1/openapi.json", tag = "ops", responses((status = 200, description = "This API's OpenAPI 3.1 description", body = Object, content_type = "application/json")))]
pub async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}
