//! The session cookie: HttpOnly, SameSite=Strict, Path=/ui, Secure when the request came
//! over TLS (directly or, as a proxy says, `X-Forwarded-Proto: https`).

use axum::http::{header, HeaderMap};

pub const NAME: &str = "govflow_session";

/// The session id the request carries, if any.
pub fn read(headers: &HeaderMap) -> Option<String> {
    read_named(headers, NAME)
}

/// The value of cookie `name` the request carries, if any.
pub fn read_named(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_owned())
}

fn secure(headers: &HeaderMap) -> &'static str {
    let tls = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    if tls {
        "; Secure"
    } else {
        ""
    }
}

/// `Set-Cookie` for a new session.
pub fn set(id: &str, request: &HeaderMap) -> String {
    format!(
        "{NAME}={id}; Path=/ui; HttpOnly; SameSite=Strict{}",
        secure(request)
    )
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear(request: &HeaderMap) -> String {
    format!(
        "{NAME}=; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=0{}",
        secure(request)
    )
}
