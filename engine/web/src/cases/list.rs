//! `GET /ui/cases` and `GET /ui/cases.csv`: the cases a filter selects, soonest due first,
//! walked from the case index the commits keep (docs/board.md, "Scale"), never from the
//! cases. A page stops once it is full (with a 下一页 link carrying its place in the URL);
//! the CSV is the whole view, walked the same way and streamed as it is walked, UTF-8
//! with a BOM so that Excel reads the Chinese.

use super::filter::{Checked, Filter};
use crate::board::{working_days, Light};
use crate::layout::{error_page, page};
use crate::session::Viewer;
use crate::{paths, WebState};
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use govflow_board::{Cursor, Listed, Step};
use govflow_model::{Actor, Calendar, NaiveDate};
use govflow_runtime::{Error, Runtime};
use maud::{html, Markup};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The most index entries one page walks: a filter the index order does not cover that
/// matches few cases ends its page there, with a 下一页 link from the last entry walked,
/// so a page answers in bounded time whatever it asks.
const WALK: usize = 20_000;
/// The CSV is sent in pieces of about this many bytes.
const CHUNK: usize = 64 * 1024;

const CSV_HEADER: &str =
    "办件编号,城市,事项,状态,责任部门,灯,剩余工作日,最近期限,受理日期,超期\r\n";

/// One page of the list.
struct Listing {
    rows: Vec<Listed>,
    /// Where the next page starts, if the list goes on.
    next: Option<Cursor>,
    /// Whether the page ended at [`WALK`] entries walked rather than full.
    cut: bool,
    today: NaiveDate,
    calendar: Arc<Calendar>,
}

impl Listing {
    fn remaining(&self, l: &Listed) -> Option<i64> {
        remaining(&self.calendar, self.today, l)
    }
}

fn remaining(calendar: &Calendar, today: NaiveDate, l: &Listed) -> Option<i64> {
    l.next_due.map(|d| working_days(calendar, today, d))
}

/// The filter checked as of the runtime's today, or the message naming the field.
fn check(runtime: &Runtime, filter: Filter) -> Result<Checked, String> {
    filter.check(govflow_model::local_date(runtime.clock().now()))
}

/// The 400 page of a filter refused.
fn refused(viewer: &Viewer, message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        error_page("办件列表", Some(viewer), message),
    )
        .into_response()
}

/// The page `checked` selects for `viewer`, from the index.
fn read_page(runtime: &Runtime, actor: &Actor, checked: &Checked) -> Result<Listing, Error> {
    let (mut rows, mut next, mut walked, mut cut) = (Vec::new(), None, 0, false);
    runtime.walk_cases(
        actor,
        checked.city(),
        checked.department(),
        checked.after(),
        |l| {
            if checked.beyond(&l) {
                return Ok(Step::Stop);
            }
            walked += 1;
            let at = Cursor::of(&l);
            if checked.matches(&l) && checked.cites(runtime, &l)? {
                if rows.len() == checked.limit() {
                    next = rows.last().map(Cursor::of);
                    return Ok(Step::Stop);
                }
                rows.push(l);
            }
            if walked == WALK {
                (next, cut) = (Some(at), true);
                return Ok(Step::Stop);
            }
            Ok(Step::Go)
        },
    )?;
    Ok(Listing {
        rows,
        next,
        cut,
        today: govflow_model::local_date(runtime.clock().now()),
        calendar: runtime.registry().calendar(),
    })
}

pub async fn list(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(filter): Query<Filter>,
) -> Response {
    let runtime = state.app.runtime.clone();
    let checked = match check(&runtime, filter) {
        Ok(c) => c,
        Err(message) => return refused(&viewer, &message),
    };
    let actor = viewer.session.actor.clone();
    let loaded = tokio::task::spawn_blocking(move || {
        read_page(&runtime, &actor, &checked).map(|listing| (checked, listing))
    })
    .await;
    match loaded {
        Ok(Ok((checked, listing))) => {
            page("办件列表", Some(&viewer), render(&checked, &listing)).into_response()
        }
        Ok(Err(e)) => crate::failure(&viewer, e),
        Err(e) => crate::panicked(&viewer, &e),
    }
}

pub async fn csv(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(filter): Query<Filter>,
) -> Response {
    let runtime = state.app.runtime.clone();
    let checked = match check(&runtime, filter) {
        Ok(c) => c,
        Err(message) => return refused(&viewer, &message),
    };
    let (send, receive) = tokio::sync::mpsc::channel(4);
    let actor = viewer.session.actor.clone();
    tokio::task::spawn_blocking(move || stream_csv(&runtime, &actor, &checked, &send));
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"cases.csv\"",
            ),
        ],
        Body::from_stream(Pieces(receive)),
    )
        .into_response()
}

type Piece = Result<String, std::io::Error>;

/// Walks the whole view (its `after` and `limit` aside) and sends the CSV a piece at a
/// time; a failure mid-way ends the body with an error, so the download is not taken for
/// whole.
fn stream_csv(
    runtime: &Runtime,
    actor: &Actor,
    checked: &Checked,
    send: &tokio::sync::mpsc::Sender<Piece>,
) {
    let (today, calendar) = (
        govflow_model::local_date(runtime.clock().now()),
        runtime.registry().calendar(),
    );
    let mut piece = format!("\u{feff}{CSV_HEADER}");
    let walked = runtime.walk_cases(actor, checked.city(), checked.department(), None, |l| {
        if checked.beyond(&l) {
            return Ok(Step::Stop);
        }
        if checked.matches(&l) && checked.cites(runtime, &l)? {
            csv_line(&mut piece, &l, remaining(&calendar, today, &l));
        }
        if piece.len() >= CHUNK && send.blocking_send(Ok(std::mem::take(&mut piece))).is_err() {
            // The client went away.
            return Ok(Step::Stop);
        }
        Ok(Step::Go)
    });
    let last = match walked {
        Ok(()) => Ok(piece),
        Err(e) => {
            tracing::error!(error = %e, "the CSV of the case list failed mid-way");
            Err(std::io::Error::other(e.to_string()))
        }
    };
    // Nobody to tell when the client went away.
    let _ = send.blocking_send(last);
}

/// The pieces of the CSV as a body.
struct Pieces(tokio::sync::mpsc::Receiver<Piece>);

impl futures_core::Stream for Pieces {
    type Item = Piece;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Piece>> {
        self.0.poll_recv(cx)
    }
}

fn csv_line(out: &mut String, l: &Listed, remaining: Option<i64>) {
    let fields = [
        l.id.to_string(),
        l.city.to_string(),
        l.procedure.clone(),
        l.state.clone(),
        l.department.clone(),
        l.light
            .map_or("已办结".to_owned(), |light| light.label().to_owned()),
        remaining.map_or(String::new(), |r| r.to_string()),
        l.next_due.map_or(String::new(), |d| d.to_string()),
        l.received.to_string(),
        if l.overdue { "是" } else { "否" }.to_owned(),
    ];
    let line: Vec<String> = fields.iter().map(|v| quote(v)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// A CSV field, quoted when it must be (RFC 4180).
fn quote(v: &str) -> String {
    if v.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_owned()
    }
}

fn render(checked: &Checked, listing: &Listing) -> Markup {
    let f = checked.filter();
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let query = checked.query_string();
    let link = |base: &str, after: Option<&Cursor>| {
        let mut parts: Vec<String> = Vec::new();
        if !query.is_empty() {
            parts.push(query.clone());
        }
        if let Some(after) = after {
            parts.push(format!(
                "after={}",
                crate::board::page::encode(&after.to_string())
            ));
        }
        format!("{base}?{}", parts.join("&"))
    };
    html! {
        form.filters method="get" action=(paths::CASES) {
            label { "城市" input name="city" value=(value(&f.city)); }
            label { "事项" input name="procedure" value=(value(&f.procedure)); }
            label { "状态" input name="state" value=(value(&f.state)); }
            label { "责任部门" input name="department" value=(value(&f.department)); }
            label { "灯"
                select name="light" {
                    option value="" { "全部" }
                    @for l in Light::ALL { option value=(l.id()) selected[f.light.as_deref() == Some(l.id())] { (l.label()) } }
                }
            }
            label { "当前超期"
                select name="overdue" {
                    option value="" { "全部" }
                    option value="true" selected[f.overdue.as_deref() == Some("true")] { "是" }
                    option value="false" selected[f.overdue.as_deref() == Some("false")] { "否" }
                }
            }
            label { "期限早于" input type="date" name="due_before" value=(value(&f.due_before)); }
            label { "受理自" input type="date" name="received_from" value=(value(&f.received_from)); }
            label { "受理至" input type="date" name="received_to" value=(value(&f.received_to)); }
            label { "依据条款" input type="text" name="article" placeholder="如 第十七条" value=(value(&f.article)); }
            @for (k, v) in [("count", &f.count), ("period", &f.period), ("from", &f.from), ("to", &f.to), ("limit", &f.limit)] {
                @if let Some(v) = v { input type="hidden" name=(k) value=(v); }
            }
            button type="submit" { "筛选" }
        }
        p {
            "本页 " strong data-count="listed" { (listing.rows.len()) } " 件，按剩余工作日排序（最近期限在前，无在办期限的在后）。 "
            a href=(link(paths::CASES_CSV, None)) title="当前筛选的全部办件，不只本页" { "导出 CSV" }
        }
        table {
            thead { tr { th { "办件" } th { "城市" } th { "事项" } th { "状态" } th { "责任部门" } th { "灯" } th { "剩余工作日" } th { "最近期限" } th { "受理日期" } } }
            tbody {
                @for l in &listing.rows {
                    tr data-case=(l.id) {
                        td { a href=(paths::case(l.id.as_str())) { (l.id) } }
                        td { (l.city) }
                        td { (l.procedure) }
                        td { (l.state) }
                        td { (l.department) }
                        td { @match l.light {
                            Some(light) => span class=(format!("light light-{}", light.id())) { (light.label()) },
                            None => "已办结",
                        } }
                        td.num { @if let Some(r) = listing.remaining(l) { (r) } }
                        td { @if let Some(d) = l.next_due { (d) } }
                        td { (l.received) }
                    }
                }
            }
        }
        nav.pages {
            @if checked.after().is_some() {
                a href=(link(paths::CASES, None)) { "第一页" } " "
            }
            @if let Some(next) = &listing.next {
                @if listing.cut {
                    span { "本页已查看 " (WALK) " 件仍未满，可继续查看。 " }
                }
                a rel="next" href=(link(paths::CASES, Some(next))) { "下一页" }
            } @else {
                span data-end="true" { "已到列表末尾。" }
            }
        }
    }
}
