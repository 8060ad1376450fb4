//! Responses by status code, for `/metrics`.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Responses {
    by_status: Mutex<BTreeMap<u16, u64>>,
}

pub async fn count(responses: Arc<Responses>, req: Request, next: Next) -> Response {
    let response = next.run(req).await;
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
