//! The v1 HTTP API (BRIEF.md, "The v1 integration contract").
//!
//! [`router`] builds the whole service from an [`AppState`]; `govflow serve` and the tests
//! use the same function. Handlers are thin: they authenticate, translate the v1 DTOs,
//! and call the runtime on a blocking thread. Every error is problem+json.

mod auth;
mod dto;
mod extract;
mod openapi;
mod problem;
mod responses;
mod routes;
mod state;
mod vocabulary;

pub use auth::{Caller, Error as AuthError, Tokens};
pub use problem::Problem;
pub use routes::explain::{DeadlineExplanationView, ExplanationView, StepView};
pub use state::{AppState, BODY_LIMIT};

use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use routes::{admin, batch, cases, events, explain, ops, packs, subscriptions};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

pub fn router(state: AppState) -> Router {
    let responses = state.responses.clone();
    Router::new()
        .route("/v1/cases", post(cases::submit).get(cases::list))
        .route(
            "/v1/cases:batch",
            post(batch::submit).layer(axum::extract::DefaultBodyLimit::max(
                batch::BATCH_BODY_LIMIT,
            )),
        )
        .route("/v1/cases/{id}", get(cases::get))
        .route("/v1/cases/{id}/actions/{action}", post(cases::act))
        .route("/v1/cases/{id}/events", get(events::history))
        .route("/v1/cases/{id}/explain", get(explain::explain))
        .route("/v1/events", get(events::feed))
        .route("/v1/packs", get(packs::list))
        .route("/v1/packs/{city}", get(packs::get))
        .route("/v1/classifications/check", post(packs::classify))
        .route("/v1/clock", get(admin::clock))
        .route("/v1/admin/clock", post(admin::set_clock))
        .route("/v1/admin/reload", post(admin::reload))
        .route(
            "/v1/admin/departments/{city}",
            get(admin::departments).put(admin::set_departments),
        )
        .route(
            "/v1/subscriptions",
            post(subscriptions::subscribe).get(subscriptions::list),
        )
        .route(
            "/v1/subscriptions/{id}",
            get(subscriptions::get).delete(subscriptions::unsubscribe),
        )
        .route("/v1/subscriptions/{id}/rotate", post(subscriptions::rotate))
        .route("/v1/subscriptions/{id}/resume", post(subscriptions::resume))
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .route("/v1/openapi.json", get(ops::openapi))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(move |req, next| {
            responses::count(responses.clone(), req, next)
        }))
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                axum::response::IntoResponse::into_response(Problem::internal(
                    &"a request handler panicked",
                ))
            },
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn not_found(uri: axum::http::Uri) -> Problem {
    Problem::not_found(
        "no_route",
        format!("no endpoint `{}`; see /v1/openapi.json", uri.path()),
    )
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!(
            "`{method}` is not allowed on `{}`; see /v1/openapi.json",
            uri.path()
        ),
    )
}
