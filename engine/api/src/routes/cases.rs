//! Submitting cases, acting on them, reading them.

use crate::auth::Caller;
use crate::dto::{CaseFilter, CaseList, CaseView, SubmitCase, TakeAction};
use crate::extract::{blocking, Body, OptionalBody, Params, PathParams};
use crate::problem::Problem;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use govflow_case::OpenCase;
use govflow_model::{CaseId, CityId, Jurisdiction, ProcedureId, StateId};
use govflow_runtime::{CaseQuery, Submission};

/// The longest idempotency key accepted.
const MAX_KEY_LEN: usize = 200;

/// Open a case. With `Idempotency-Key`, a retry of the same request returns the case the
/// first one created (200 instead of 201).
#[utoipa::path(post, path = "/v1/cases", tag = "cases", operation_id = "submit_case",
    request_body = SubmitCase,
    params(("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, pattern = "^[!-~]([ -~]*[!-~])?$",
        description = "Makes a retry safe: the same key and body return the same case; 1 to 200 visible ASCII characters")),
    responses(
        (status = 201, description = "Opened", body = CaseView,
            headers(("Location" = String, description = "The case's address, `/v1/cases/{id}`")),
            links(
                ("case" = (operation_id = "get_case", parameters(("id" = "$response.body#/id")),
                    description = "The case just opened")),
                ("history" = (operation_id = "case_history", parameters(("id" = "$response.body#/id")),
                    description = "Its history")),
                ("explanation" = (operation_id = "explain_case", parameters(("id" = "$response.body#/id")),
                    description = "How its deadlines were derived")),
                ("extension" = (operation_id = "act_on_case",
                    parameters(("id" = "$response.body#/id"), ("action" = "request_extension")),
                    request_body = json!({"data": {"working_days": 5, "reason": "需核对的数据量大"}}),
                    description = "Ask for more time on its deadline (a `data_verification` case of 万州)")),
            )),
        (status = 200, description = "A retry of an earlier request with the same key", body = CaseView),
        (status = 400, description = "The `Idempotency-Key` is blank, too long or not visible ASCII (`invalid_idempotency_key`)", body = Problem),
        (status = 401, body = Problem), (status = 403, description = "The city is not the caller's", body = Problem),
        (status = 409, description = "Concurrent commands kept conflicting (`busy`); retry", body = Problem),
        (status = 422, description = "No pack for the city (`unknown_city`), a refusal naming the article, or the key reused with another body (`idempotency_key_reused`)", body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Body(body): Body<SubmitCase>,
) -> Result<Response, Problem> {
    let submission = submission(body);
    caller.require_city(&submission.city)?;
    let key = idempotency_key(&headers)?;
    let runtime = state.runtime.clone();
    let submitted =
        blocking(move || Ok(runtime.submit(&caller.0, &submission, key.as_deref())?)).await?;
    let view = Json(CaseView::from(&submitted.case));
    if submitted.replayed {
        return Ok((StatusCode::OK, view).into_response());
    }
    let location = format!("/v1/cases/{}", submitted.case.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], view).into_response())
}

/// What a `POST /v1/cases` body (or a batch item's `case`) asks the runtime to open.
pub(crate) fn submission(body: SubmitCase) -> Submission {
    Submission {
        city: CityId::from(body.city.as_str()),
        case: OpenCase {
            procedure: ProcedureId::from(body.procedure.as_str()),
            received_at: body.received_at,
            provider: body.provider,
            subject: body.subject,
            period: body.period,
            data: body.data,
            parent: None,
            start: body.start.map(StateId::new),
        },
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    const FIELD: &str = "`Idempotency-Key`";
    // `to_str` refuses bytes past ASCII and lets a tab through, which `checked_key` refuses.
    let key = value.to_str().map_err(|_| not_visible(FIELD))?;
    Ok(Some(checked_key(key, FIELD)?.to_owned()))
}

/// `key` if it is an idempotency key as documented: 1 to [`MAX_KEY_LEN`] visible ASCII
/// characters, spaces inside only. Else `invalid_idempotency_key`, naming `field`.
pub(crate) fn checked_key<'k>(key: &'k str, field: &str) -> Result<&'k str, Problem> {
    let visible = key.bytes().all(|b| (b' '..=b'~').contains(&b))
        && !key.starts_with(' ')
        && !key.ends_with(' ');
    if !visible {
        return Err(not_visible(field));
    }
    if key.is_empty() || key.len() > MAX_KEY_LEN {
        return Err(Problem::bad_request(
            "invalid_idempotency_key",
            format!("{field} must be 1 to {MAX_KEY_LEN} characters"),
        ));
    }
    Ok(key)
}

fn not_visible(field: &str) -> Problem {
    Problem::bad_request(
        "invalid_idempotency_key",
        format!("{field} must be visible ASCII"),
    )
}

/// Take an action on a case, as the token's actor.
#[utoipa::path(post, path = "/v1/cases/{id}/actions/{action}", tag = "cases", operation_id = "act_on_case",
    params(("id" = String, Path, description = "A case id, as `POST /v1/cases` answers it"), ("action" = String, Path, example = "request_extension", description = "e.g. `reply`, `request_extension`, `approve_extension`, `forward`")),
    request_body(content = Option<TakeAction>, description = "Optional: an action without data may send no body"),
    responses(
        (status = 200, description = "The case after the action", body = CaseView),
        (status = 401, body = Problem), (status = 403, description = "The actor may not; the detail names the article", body = Problem),
        (status = 404, description = "No such case (`case_not_found`)", body = Problem),
        (status = 409, description = "Not in a state that allows it, or concurrent commands kept conflicting (`busy`)", body = Problem),
        (status = 422, description = "The action or its data is wrong; the detail names the article", body = Problem),
        (status = 503, description = "The case's pack version cannot be read (`pack_version_missing`)", body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    PathParams((id, action)): PathParams<(String, String)>,
    OptionalBody(body): OptionalBody<TakeAction>,
) -> Result<Json<CaseView>, Problem> {
    let data = body.map(|b| b.data).unwrap_or_default();
    let runtime = state.runtime.clone();
    // The core refuses an actor of another city (403 `out_of_scope`) before it looks at
    // the case's state or the action.
    let case =
        blocking(move || Ok(runtime.act(&caller.0, &CaseId::new(id), &action, &data)?)).await?;
    Ok(Json(CaseView::from(&case)))
}

#[utoipa::path(get, path = "/v1/cases/{id}", tag = "cases", operation_id = "get_case",
    params(("id" = String, Path, description = "A case id, as `POST /v1/cases` answers it")),
    responses((status = 200, description = "The case", body = CaseView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> Result<Json<CaseView>, Problem> {
    let runtime = state.runtime.clone();
    let case = blocking(move || Ok(runtime.case(&CaseId::new(id))?)).await?;
    caller.require_sees(&case)?;
    Ok(Json(CaseView::from(&case)))
}

/// List cases, oldest first, filtered; a caller bound to one city sees only that city, and
/// one whose roles reach only their department's cases (or their own) only those.
#[utoipa::path(get, path = "/v1/cases", tag = "cases", operation_id = "list_cases",
    params(CaseFilter),
    responses((status = 200, description = "One page of cases", body = CaseList), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(filter): Params<CaseFilter>,
) -> Result<Json<CaseList>, Problem> {
    let city = match (&filter.city, &caller.0.jurisdiction) {
        (Some(city), _) => {
            let city = CityId::from(city.as_str());
            caller.require_city(&city)?;
            Some(city)
        }
        (None, Jurisdiction::All) => None,
        (None, Jurisdiction::City(own)) => Some(own.clone()),
    };
    let query = CaseQuery {
        city,
        procedure: filter.procedure.map(|p| ProcedureId::from(p.as_str())),
        state: filter.state.map(StateId::new),
        overdue: filter.overdue,
        parent: filter.parent.map(CaseId::new),
        after: filter.after.map(CaseId::new),
        limit: filter.limit.get(),
    };
    let runtime = state.runtime.clone();
    let page = blocking(move || Ok(runtime.cases(&query)?)).await?;
    // Cases of the city the caller may not see are left out; `next` still moves past them.
    Ok(Json(CaseList {
        cases: page
            .cases
            .iter()
            .filter(|case| caller.sees(case))
            .map(CaseView::from)
            .collect(),
        next: page.next.map(|n| n.to_string()),
    }))
}
