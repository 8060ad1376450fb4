//! The request time limit, and responses by status code for `/metrics`.

use crate::problem::Problem;
use crate::state::REQUEST_TIMEOUT;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Responses {
    by_status: Mutex<BTreeMap<u16, u64>>,
}

/// Runs the request with a time limit and counts its response by status.
pub async fn count(responses: Arc<Responses>, req: Request, next: Next) -> Response {
    let response = match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(response) => response,
        Err(_) => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!(
                "the request took longer than {} s; what it committed before then stands, retry with the same Idempotency-Key to be safe",
                REQUEST_TIMEOUT.as_secs()
            ),
        )
        .into_response(),
    };
    *responses
        .by_status
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .entry(response.status().as_u16())
        .or_default() += 1;
    response
}

impl Responses {
    pub fn render(&self, out: &mut String) {
        let name = "govflow_http_responses_total";
        let _ = writeln!(
            out,
            "# HELP {name} HTTP responses, by status code.\n# TYPE {name} counter"
        );
        for (status, n) in self
            .by_status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(out, "{name}{{status=\"{status}\"}} {n}");
        }
    }
}
