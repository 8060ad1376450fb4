//! The stylesheet and the script, compiled into the binary (an intranet has no CDN) and
//! served under `/ui/assets/`. Every page works without the script.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

pub struct Asset {
    pub path: &'static str,
    content_type: &'static str,
    body: &'static str,
}

pub const STYLE: Asset = Asset {
    path: "/ui/assets/style.css",
    content_type: "text/css; charset=utf-8",
    body: include_str!("../assets/style.css"),
};

/// Auto-refresh of the board, in-place actions on the case page.
pub const SCRIPT: Asset = Asset {
    path: "/ui/assets/govflow.js",
    content_type: "text/javascript; charset=utf-8",
    body: include_str!("../assets/govflow.js"),
};

pub const ROUTE: &str = "/ui/assets/{name}";

pub async fn serve(Path(name): Path<String>) -> Response {
    let Some(asset) = [STYLE, SCRIPT]
        .into_iter()
        .find(|a| a.path.rsplit('/').next() == Some(name.as_str()))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        asset.body,
    )
        .into_response()
}
