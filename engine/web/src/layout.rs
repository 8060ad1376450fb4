//! The page shell every page shares: the header with the person signed in, the sign-out
//! form, the embedded stylesheet and script.

use crate::session::Viewer;
use crate::{assets, paths};
use maud::{html, Markup, DOCTYPE};

pub fn page(title: &str, viewer: Option<&Viewer>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · 政务数据电子监察" }
                link rel="stylesheet" href=(assets::STYLE.path);
                script src=(assets::SCRIPT.path) defer {}
            }
            body {
                header {
                    strong { "政务数据电子监察" }
                    @if let Some(v) = viewer {
                        nav {
                            a href=(paths::BOARD) { "督办看板" } " · "
                            a href=(paths::CASES) { "办件列表" } " · "
                            a href=(paths::SUPERVISION) { "督办队列" } " · "
                            a href=(paths::PACKS) { "规则包与日历" }
                        }
                        span.who {
                            (v.session.actor.id)
                            @if !v.session.actor.department.is_empty() { "（" (v.session.actor.department) "）" }
                            " "
                            form.inline method="post" action=(paths::SIGN_OUT) {
                                input type="hidden" name="csrf" value=(v.session.csrf);
                                button type="submit" { "退出" }
                            }
                        }
                    }
                }
                main data-page=(title) { h1 { (title) } (body) }
            }
        }
    }
}

/// A page that says what went wrong (bad input, a refusal, a failure).
pub fn error_page(title: &str, viewer: Option<&Viewer>, message: &str) -> Markup {
    page(title, viewer, html! { p.error role="alert" { (message) } })
}
