//! `/ui/sign-in` and `/ui/sign-out`: a bearer token from the tokens file becomes a session
//! cookie. The sign-in form's CSRF token is a second cookie it must match (no session yet).

use crate::layout::page;
use crate::session::{cookie, Viewer};
use crate::{paths, WebState};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;

const SIGN_IN_CSRF: &str = "govflow_sign_in";

pub async fn root(State(state): State<WebState>, headers: HeaderMap) -> Redirect {
    let signed_in = cookie::read(&headers).is_some_and(|id| state.sessions.get(&id).is_some());
    Redirect::to(if signed_in {
        paths::BOARD
    } else {
        paths::SIGN_IN
    })
}

pub async fn form() -> Response {
    render(None, StatusCode::OK)
}

fn render(error: Option<&str>, status: StatusCode) -> Response {
    let csrf = crate::session::random();
    let body = html! {
        @if let Some(e) = error { p.error role="alert" { (e) } }
        form method="post" action=(paths::SIGN_IN) {
            input type="hidden" name="csrf" value=(csrf);
            p {
                label for="token" { "访问令牌（tokens 文件中的 token）" } br;
                input id="token" name="token" type="password" size="48" autocomplete="off" required;
            }
            button type="submit" { "登录" }
        }
    };
    (
        status,
        [(
            header::SET_COOKIE,
            format!("{SIGN_IN_CSRF}={csrf}; Path=/ui; HttpOnly; SameSite=Strict"),
        )],
        page("登录", None, body),
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct SignIn {
    #[serde(default)]
    token: String,
    #[serde(default)]
    csrf: String,
}

pub async fn sign_in(
    State(state): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<SignIn>,
) -> Response {
    let expected = crate::session::cookie::read_named(&headers, SIGN_IN_CSRF);
    if form.csrf.is_empty() || expected.as_deref() != Some(form.csrf.as_str()) {
        return render(
            Some("表单已过期（CSRF 校验失败），请重新登录。"),
            StatusCode::FORBIDDEN,
        );
    }
    let Some(actor) = state.app.tokens.actor(form.token.trim()).cloned() else {
        return render(
            Some("令牌无效：`token` 不在服务的 tokens 文件中。"),
            StatusCode::UNAUTHORIZED,
        );
    };
    tracing::info!(actor = %actor.id, "signed in to the web interface");
    let id = state.sessions.open(actor);
    (
        [(header::SET_COOKIE, cookie::set(&id, &headers))],
        Redirect::to(paths::BOARD),
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct Csrf {
    #[serde(default)]
    pub csrf: String,
}

pub async fn sign_out(
    State(state): State<WebState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<Csrf>,
) -> Response {
    if !viewer.csrf_ok(&form.csrf) {
        return (StatusCode::FORBIDDEN, "CSRF 校验失败").into_response();
    }
    state.sessions.close(&viewer.id);
    (
        [(header::SET_COOKIE, cookie::clear(&headers))],
        Redirect::to(paths::SIGN_IN),
    )
        .into_response()
}
