//! Errors as `application/problem+json` (RFC 9457): a stable `code`, a `detail` a person can
//! act on, and where it applies the field or article. Internal failures are logged and
//! answered with a generic message; bad input is never a 500.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use govflow_case::Refusal;
use govflow_model::CityId;
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

    /// The one answer for a city the service serves no pack for: code `unknown_city`, and a
    /// detail naming the city and listing the cities `served`. The status follows where the
    /// request names the city:
    /// - 404 when it is the resource the path names (`GET /v1/packs/{city}`,
    ///   `/v1/admin/departments/{city}`): there is no such resource;
    /// - 422 when it is a field of the body (`POST /v1/cases`,
    ///   `POST /v1/classifications/check`): the body is well-formed and names a city that
    ///   does not exist.
    pub fn unknown_city(city: &CityId, served: &str, named_in: CityIn) -> Problem {
        let status = match named_in {
            CityIn::Path => StatusCode::NOT_FOUND,
            CityIn::Body => StatusCode::UNPROCESSABLE_ENTITY,
        };
        let served = if served.is_empty() { "none" } else { served };
        Problem::new(
            status,
            "unknown_city",
            format!("no pack is served for city `{city}`; the cities served are: {served}"),
        )
    }

    /// The runtime's error for a request that names its city `named_in`; the plain
    /// [`From`] conversion is for a city named in the body.
    pub fn naming_city(e: Error, named_in: CityIn) -> Problem {
        match e {
            Error::UnknownCity { city, served } => Problem::unknown_city(&city, &served, named_in),
            e => Problem::from(e),
        }
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

/// Where a request names its city; see [`Problem::unknown_city`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CityIn {
    Path,
    Body,
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(&self)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(crate::openapi::PROBLEM_JSON),
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
            Error::UnknownCity { city, served } => {
                Problem::unknown_city(city, served, CityIn::Body)
            }
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
            | Refusal::ExtensionAfterLapse { .. }
            | Refusal::JointDisagreement { .. }
            | Refusal::TooEarly { .. }
            | Refusal::NothingToSet { .. }
            | Refusal::PeriodClosed { .. } => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    };
    if let Refusal::GuardFailed(e) = r {
        tracing::error!(error = %e, "a pack guard failed");
    }
    Problem::new(status, r.code(), r.to_string())
}
