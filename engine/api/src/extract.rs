//! Extractors whose rejections are problem+json naming what was wrong.

use crate::problem::Problem;
use crate::state::BODY_LIMIT;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// A JSON request body.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(json_problem(rejection)),
        }
    }
}

fn json_problem(rejection: JsonRejection) -> Problem {
    let status = rejection.status();
    let (code, detail) = match &rejection {
        JsonRejection::JsonDataError(e) => ("invalid_body", e.body_text()),
        JsonRejection::JsonSyntaxError(e) => ("invalid_json", e.body_text()),
        JsonRejection::MissingJsonContentType(_) => ("unsupported_media_type", NOT_JSON.to_owned()),
        JsonRejection::BytesRejection(_) if status == StatusCode::PAYLOAD_TOO_LARGE => (
            "body_too_large",
            format!(
                "the request body is larger than the limit of {} bytes",
                BODY_LIMIT
            ),
        ),
        other => ("invalid_body", other.body_text()),
    };
    Problem::new(status, code, detail)
}

const NOT_JSON: &str = "send the body as JSON with `Content-Type: application/json`";

/// `application/json` or `application/*+json`, as axum's `Json` accepts.
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(essence) = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
    else {
        return false;
    };
    let essence = essence.trim().to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Query parameters.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Params(value)),
            Err(rejection) => Err(query_problem(rejection)),
        }
    }
}

fn query_problem(rejection: QueryRejection) -> Problem {
    Problem::bad_request("invalid_query", rejection.body_text())
}

/// How many items one page of a listing holds: `limit=` in the query, 1 to [`Limit::MAX`],
/// [`Limit::DEFAULT`] when absent. Every listing takes it, so the rule is written once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Limit(usize);

impl Limit {
    pub const DEFAULT: usize = 100;
    pub const MAX: usize = 1000;

    pub fn get(self) -> usize {
        self.0
    }
}

impl Default for Limit {
    fn default() -> Limit {
        Limit(Limit::DEFAULT)
    }
}

impl TryFrom<String> for Limit {
    type Error = String;

    fn try_from(text: String) -> Result<Limit, String> {
        match text.parse() {
            Ok(n) if (1..=Limit::MAX).contains(&n) => Ok(Limit(n)),
            _ => Err(format!(
                "`limit` must be a whole number from 1 to {}, not `{text}`",
                Limit::MAX
            )),
        }
    }
}

/// Path parameters: a segment that does not decode (e.g. `%FF`, not UTF-8) is a 400
/// problem, not axum's plain-text rejection.
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(PathParams(value)),
            Err(rejection) => Err(path_problem(rejection)),
        }
    }
}

fn path_problem(rejection: PathRejection) -> Problem {
    let status = rejection.status();
    if status.is_server_error() {
        // A route and its handler disagree on the parameters: a bug, not bad input.
        Problem::internal(&rejection.body_text())
    } else {
        Problem::new(status, "invalid_path", rejection.body_text())
    }
}

/// Runs blocking runtime work off the async threads.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| Err(Problem::internal(&e)))
}

/// A JSON request body that may be absent (an action without data): `None` when empty or
/// `null`; when present it must say it is JSON, as [`Body`] requires.
pub struct OptionalBody<T>(pub Option<T>);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for OptionalBody<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let json = is_json(req.headers());
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|r| {
                if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    Problem::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "body_too_large",
                        format!(
                            "the request body is larger than the limit of {} bytes",
                            BODY_LIMIT
                        ),
                    )
                } else {
                    Problem::bad_request("invalid_body", r.body_text())
                }
            })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalBody(None));
        }
        if !json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                NOT_JSON,
            ));
        }
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize(&mut de) {
            Ok(value) => Ok(OptionalBody(value)),
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner();
                let (status, code) = if inner.is_data() {
                    (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body")
                } else {
                    (StatusCode::BAD_REQUEST, "invalid_json")
                };
                let detail = if path == "." {
                    inner.to_string()
                } else {
                    format!("`{path}`: {inner}")
                };
                Err(Problem::new(status, code, detail))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::EventFilter;

    /// The page size of `GET /v1/events?{query}`, read as the `Params` extractor reads it.
    fn limit(query: &str) -> Result<usize, Problem> {
        let uri: axum::http::Uri = format!("/v1/events?{query}").parse().unwrap();
        axum::extract::Query::<EventFilter>::try_from_uri(&uri)
            .map(|q| q.0.limit.get())
            .map_err(query_problem)
    }

    #[test]
    fn a_limit_is_1_to_1000_and_100_when_absent() {
        assert_eq!(limit("after=3").unwrap(), 100);
        assert_eq!(limit("limit=1").unwrap(), 1);
        assert_eq!(limit("limit=1000").unwrap(), 1000);
        for bad in ["0", "1001", "-1", "ten", ""] {
            let problem = limit(&format!("limit={bad}")).unwrap_err();
            assert_eq!(
                (problem.status, problem.code.as_str()),
                (400, "invalid_query")
            );
            let expected = format!("`limit` must be a whole number from 1 to 1000, not `{bad}`");
            assert!(problem.detail.contains(&expected), "{}", problem.detail);
        }
    }
}
