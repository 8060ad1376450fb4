//! Errors as `application/problem+json` (RFC 9457): a stable `code`, a `detail` a person can
//! act on, and where it applies the field or article. Internal failures are logged and
//! answered with a generic message; bad input is never a 500.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use govflow_case::Refusal;
use govflow_runtime::Error;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// `urn:govflow:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable reason (`wrong_role`, `extension_over_cap`, `invalid_json`…).
    pub code: String,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("urn:govflow:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_owned(),
        }
    }

    pub fn unauthorized(detail: &str) -> Problem {
        Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    pub fn forbidden(code: &str, detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::FORBIDDEN, code, detail)
    }

    pub fn bad_request(code: &str, detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn unprocessable(code: &str, detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
    }

    pub fn not_found(code: &str, detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, code, detail)
    }

    /// Something failed inside the service: logged in full, answered without details.
    pub fn internal(what: &dyn std::fmt::Display) -> Problem {
        tracing::error!(error = %what, "request failed inside the service");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the service could not complete the request; it has been logged, retry later",
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(&self)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"govflow\""),
            );
        }
        response
    }
}

impl From<Error> for Problem {
    fn from(e: Error) -> Problem {
        match &e {
            Error::UnknownCity { .. } => Problem::unprocessable("unknown_city", e.to_string()),
            Error::Refused(r) => refusal(r),
            Error::CaseNotFound(_) => Problem::not_found("case_not_found", e.to_string()),
            Error::IdempotencyMismatch { .. } => {
                Problem::unprocessable("idempotency_key_reused", e.to_string())
            }
            Error::Busy(_) => Problem::new(StatusCode::CONFLICT, "busy", e.to_string()),
            // The law the case was received under cannot be read: the service, not the
            // request, is at fault, and retrying after the version is restored succeeds.
            Error::PackVersionMissing { .. } => Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "pack_version_missing",
                e.to_string(),
            ),
            Error::NotSimulated => {
                Problem::new(StatusCode::CONFLICT, "clock_not_simulated", e.to_string())
            }
            Error::Backwards(_) => Problem::unprocessable("clock_backwards", e.to_string()),
            Error::Store(_) => Problem::internal(&e),
        }
    }
}

/// 403 when the actor may not, 409 when the case is not in a state that allows it, 422
/// when the request itself is wrong. The detail names the article.
fn refusal(r: &Refusal) -> Problem {
    let status = if r.is_forbidden() {
        StatusCode::FORBIDDEN
    } else {
        match r {
            Refusal::NotInThisState { .. }
            | Refusal::Closed { .. }
            | Refusal::ExtensionPending { .. }
            | Refusal::NoPendingExtension
            | Refusal::NothingToExtend { .. }
            | Refusal::ExtensionAfterLapse { .. } => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    };
    if let Refusal::GuardFailed(e) = r {
        tracing::error!(error = %e, "a pack guard failed");
    }
    Problem::new(status, r.code(), r.to_string())
}
