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
    #[schema(format = "uri")]
    pub kind: String,
    pub title: String,
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable reason (`wrong_role`, `extension_over_cap`, `invalid_json`…).
    pub code: String,
}

/// Every `code` the API answers with. Each has a page `docs/errors/<code>.md`, indexed in
/// `docs/errors/README.md`; the tests below hold the list, the pages and the refusals and
/// runtime errors to each other, and [`Problem::new`] refuses (in debug builds) a code
/// missing here.
pub const CODES: &[&str] = &[
    // The core's refusals (`Refusal::code`).
    "unknown_procedure",
    "not_in_force",
    "unknown_action",
    "not_in_this_state",
    "wrong_role",
    "out_of_scope",
    "missing_field",
    "invalid_field",
    "nothing_to_extend",
    "extension_over_cap",
    "extension_after_lapse",
    "extension_pending",
    "no_pending_extension",
    "too_early",
    "nothing_to_set",
    "period_out_of_bounds",
    "period_closed",
    "guard_refused",
    "guard_failed",
    "closed",
    "classification",
    "joint_disagreement",
    // The runtime's errors (`govflow_runtime::Error::code`).
    "unknown_city",
    "case_not_found",
    "idempotency_key_reused",
    "pack_version_missing",
    "busy",
    "clock_not_simulated",
    "clock_backwards",
    "clock_moving",
    "shutting_down",
    "internal",
    // The HTTP layer's own.
    "unauthorized",
    "admin_only",
    "invalid_query",
    "invalid_path",
    "invalid_body",
    "invalid_json",
    "unsupported_media_type",
    "body_too_large",
    "invalid_idempotency_key",
    "batch_too_large",
    "no_route",
    "method_not_allowed",
    "timeout",
    // Webhook subscriptions.
    "webhooks_disabled",
    "destination_not_allowed",
    "subscription_not_found",
];

impl Problem {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Problem {
        debug_assert!(
            CODES.contains(&code),
            "problem code `{code}` is not in `CODES` and has no page in docs/errors/"
        );
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
        let status = match &e {
            Error::UnknownCity { city, served } => {
                return Problem::unknown_city(city, served, CityIn::Body)
            }
            Error::Refused(r) => return refusal(r),
            Error::Store(_) => return Problem::internal(&e),
            Error::CaseNotFound(_) => StatusCode::NOT_FOUND,
            Error::IdempotencyMismatch { .. } | Error::Backwards(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Error::Busy(_) | Error::NotSimulated | Error::ClockMoving { .. } => {
                StatusCode::CONFLICT
            }
            Error::Stopping => StatusCode::SERVICE_UNAVAILABLE,
            // The law the case was received under cannot be read: the service, not the
            // request, is at fault, and retrying after the version is restored succeeds.
            Error::PackVersionMissing { .. } => StatusCode::SERVICE_UNAVAILABLE,
        };
        Problem::new(status, e.code(), e.to_string())
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

#[cfg(test)]
mod tests {
    use super::*;
    use govflow_model::CaseId;
    use std::path::Path;

    /// One refusal of every kind. The match below has no wildcard, so a new variant does
    /// not compile until it is added here too, and then its code is checked.
    fn every_refusal() -> Vec<Refusal> {
        let text = || String::from("x");
        let day = chrono::NaiveDate::from_ymd_opt(2021, 2, 8).unwrap();
        let all = vec![
            Refusal::UnknownProcedure {
                city: text(),
                procedure: text(),
                offered: text(),
            },
            Refusal::NotInForce {
                document: text(),
                received: day,
                window: text(),
                article: text(),
            },
            Refusal::UnknownAction {
                procedure: text(),
                action: text(),
                offered: text(),
            },
            Refusal::NotInThisState {
                action: text(),
                state: text(),
                allowed: text(),
            },
            Refusal::WrongRole {
                action: text(),
                allowed: text(),
                held: text(),
                article: text(),
            },
            Refusal::OutOfScope {
                reason: text(),
                article: text(),
            },
            Refusal::MissingField {
                field: text(),
                help: text(),
            },
            Refusal::InvalidField {
                field: text(),
                help: text(),
            },
            Refusal::NothingToExtend { state: text() },
            Refusal::ExtensionOverCap {
                deadline: text(),
                requested: 11,
                total: 11,
                cap: 10,
                article: text(),
            },
            Refusal::ExtensionAfterLapse {
                deadline: text(),
                due: day,
                article: text(),
            },
            Refusal::ExtensionPending { deadline: text() },
            Refusal::NoPendingExtension,
            Refusal::TooEarly {
                action: text(),
                earliest: day,
                article: text(),
                quote: text(),
            },
            Refusal::NothingToSet { state: text() },
            Refusal::PeriodOutOfBounds {
                deadline: text(),
                reason: text(),
                article: text(),
            },
            Refusal::PeriodClosed {
                deadline: text(),
                status: text(),
                article: text(),
            },
            Refusal::GuardRefused {
                message: text(),
                article: text(),
                quote: text(),
            },
            Refusal::GuardFailed(govflow_case::GuardError {
                script: text(),
                location: text(),
                message: text(),
            }),
            Refusal::Closed { state: text() },
            Refusal::JointDisagreement {
                action: text(),
                taken: text(),
                article: text(),
            },
            Refusal::Classification(Vec::new()),
        ];
        for refusal in &all {
            match refusal {
                Refusal::UnknownProcedure { .. }
                | Refusal::NotInForce { .. }
                | Refusal::UnknownAction { .. }
                | Refusal::NotInThisState { .. }
                | Refusal::WrongRole { .. }
                | Refusal::OutOfScope { .. }
                | Refusal::MissingField { .. }
                | Refusal::InvalidField { .. }
                | Refusal::NothingToExtend { .. }
                | Refusal::ExtensionOverCap { .. }
                | Refusal::ExtensionAfterLapse { .. }
                | Refusal::ExtensionPending { .. }
                | Refusal::NoPendingExtension
                | Refusal::TooEarly { .. }
                | Refusal::NothingToSet { .. }
                | Refusal::PeriodOutOfBounds { .. }
                | Refusal::PeriodClosed { .. }
                | Refusal::GuardRefused { .. }
                | Refusal::GuardFailed(_)
                | Refusal::Closed { .. }
                | Refusal::JointDisagreement { .. }
                | Refusal::Classification(_) => {}
            }
        }
        all
    }

    /// One runtime error of every kind the tests can build, refusals included; as for
    /// refusals, a new variant does not compile until it is listed. A store failure
    /// (`Error::Store`) cannot be built outside the store and answers `internal`.
    fn every_error() -> Vec<Error> {
        let case = || CaseId::new("c-000000000000000001");
        let now = chrono::Utc::now();
        let mut all = vec![
            Error::UnknownCity {
                city: CityId::from("x"),
                served: String::new(),
            },
            Error::CaseNotFound(case()),
            Error::IdempotencyMismatch {
                key: "k".into(),
                case: case(),
            },
            Error::PackVersionMissing {
                case: case(),
                city: CityId::from("x"),
                version: "v".into(),
            },
            Error::Busy(case()),
            Error::NotSimulated,
            Error::Backwards(govflow_runtime::Backwards {
                now,
                requested: now,
            }),
            Error::ClockMoving {
                to: now,
                since: now,
            },
            Error::Stopping,
        ];
        all.extend(every_refusal().into_iter().map(Error::Refused));
        for error in &all {
            match error {
                Error::UnknownCity { .. }
                | Error::Refused(_)
                | Error::CaseNotFound(_)
                | Error::IdempotencyMismatch { .. }
                | Error::PackVersionMissing { .. }
                | Error::Busy(_)
                | Error::NotSimulated
                | Error::Backwards(_)
                | Error::ClockMoving { .. }
                | Error::Stopping
                | Error::Store(_) => {}
            }
        }
        all
    }

    fn errors_dir() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/errors")
    }

    #[test]
    fn every_refusal_and_runtime_error_answers_a_listed_code() {
        for error in every_error() {
            let code = error.code();
            let problem = Problem::from(error);
            assert_eq!(problem.code, code);
            assert!(CODES.contains(&code), "`{code}` is not in `CODES`");
            assert_eq!(problem.kind, format!("urn:govflow:problem:{code}"));
        }
    }

    #[test]
    fn every_code_has_a_page_and_a_row_in_the_index() {
        let dir = errors_dir();
        let index = std::fs::read_to_string(dir.join("README.md")).unwrap();
        for code in CODES {
            let page = dir.join(format!("{code}.md"));
            let text = std::fs::read_to_string(&page)
                .unwrap_or_else(|e| panic!("no page {} for `{code}`: {e}", page.display()));
            assert!(
                text.starts_with(&format!("# {code}: ")),
                "{} must open with `# {code}: `",
                page.display()
            );
            assert!(
                text.contains(&format!("\"code\": \"{code}\"")),
                "{} must show an example body with `\"code\": \"{code}\"`",
                page.display()
            );
            assert!(
                index.contains(&format!("| [`{code}`]({code}.md) |")),
                "docs/errors/README.md has no row for `{code}`"
            );
        }
    }

    #[test]
    fn every_problem_page_is_a_code_the_api_answers() {
        for entry in std::fs::read_dir(errors_dir()).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let Some(stem) = name.strip_suffix(".md") else {
                continue;
            };
            if stem == "README" || stem.starts_with("GF") {
                continue;
            }
            assert!(
                CODES.contains(&stem),
                "docs/errors/{name} is for no code in `CODES`"
            );
        }
    }
}
