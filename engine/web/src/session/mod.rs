//! Sign-in by bearer token, the session cookie and CSRF, and the extractor every page
//! uses: without a session it redirects to the sign-in page.

pub mod cookie;
mod store;

pub use store::{random, Session, Sessions};

use crate::WebState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

/// The signed-in person of a request.
pub struct Viewer {
    pub id: String,
    pub session: Session,
}

impl FromRequestParts<WebState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        cookie::read(&parts.headers)
            .and_then(|id| {
                state
                    .sessions
                    .get(&id)
                    .map(|session| Viewer { id, session })
            })
            .ok_or_else(|| Redirect::to(crate::paths::SIGN_IN).into_response())
    }
}

impl Viewer {
    /// Whether `token` is this session's CSRF token.
    pub fn csrf_ok(&self, token: &str) -> bool {
        !token.is_empty() && token == self.session.csrf
    }
}
