//! The 电子监察 supervision board: server-rendered pages in simplified Chinese under
//! `/ui/…`, served by the same binary as the API and working without JavaScript.
//!
//! | what | where |
//! |---|---|
//! | the embedded stylesheet and script | `assets` |
//! | sign-in by bearer token, session cookie, CSRF | `session`, `signin` |
//! | which cases a person sees | `visibility` |
//! | lights, facts of a case, figures per department (pure) | `board` |
//! | the case list, its CSV, the case page and its actions | `cases` |
//! | the 督办 queue | `supervision` |
//! | each city's pack and the calendar, procedures drawn as SVG | `packs` |

mod assets;
mod board;
mod cases;
mod data;
mod layout;
mod packs;
mod paths;
mod session;
mod signin;
mod supervision;
mod visibility;

pub use board::{Count, Light, Period, Row};
pub use paths::SIGN_IN;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use govflow_api::{AppState, Problem};
use session::{Sessions, Viewer};
use std::sync::Arc;

#[derive(Clone)]
pub struct WebState {
    app: AppState,
    sessions: Arc<Sessions>,
}

/// The pages, for merging into the API's router.
pub fn router(app: AppState) -> Router {
    let state = WebState {
        app,
        sessions: Arc::default(),
    };
    Router::new()
        .route("/", get(signin::root))
        .route(paths::SIGN_IN, get(signin::form).post(signin::sign_in))
        .route(paths::SIGN_OUT, post(signin::sign_out))
        .route(paths::BOARD, get(board::page::board))
        .route(paths::CASES, get(cases::list::list))
        .route(paths::CASES_CSV, get(cases::list::csv))
        .route("/ui/cases/{id}", get(cases::detail::show))
        .route("/ui/cases/{id}/actions/{action}", post(cases::detail::act))
        .route(paths::SUPERVISION, get(supervision::queue))
        .route(paths::PACKS, get(packs::page::index))
        .route("/ui/packs/{city}", get(packs::page::city))
        .route(assets::ROUTE, get(assets::serve))
        .with_state(state)
}

/// A runtime error as a page: the API's status and message.
fn failure(viewer: &Viewer, e: govflow_runtime::Error) -> Response {
    let problem = Problem::from(e);
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        layout::error_page("出错了", Some(viewer), &problem.detail),
    )
        .into_response()
}

fn panicked(viewer: &Viewer, e: &tokio::task::JoinError) -> Response {
    tracing::error!(error = %e, "a page's blocking task failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        layout::error_page("出错了", Some(viewer), "服务内部错误，请稍后重试。"),
    )
        .into_response()
}
