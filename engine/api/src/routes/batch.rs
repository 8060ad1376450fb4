//! `POST /v1/cases:batch`: up to [`BATCH_LIMIT`] submissions in one request, each with its
//! own idempotency key and its own outcome, the accepted ones committed together.
//!
//! Each item is checked as `POST /v1/cases` checks its body and header (the schema, the
//! caller's city, the key), then the runtime decides every item left and commits the
//! accepted cases in one store commit (`Runtime::submit_batch`). An item refused at any
//! step is answered with the problem the single endpoint would send, at its index, and
//! changes nothing; the others go on. The request as a whole fails only when its envelope
//! is wrong (nothing is then decided) or the service is.

use crate::auth::Caller;
use crate::dto::{CaseView, SubmitCase};
use crate::extract::{blocking, Body};
use crate::problem::Problem;
use crate::routes::cases::{checked_key, submission};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use govflow_runtime::{BatchItem, Submitted};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// The most items one batch holds: one group of the store's committer (the 64 inserts per
/// flush `docs/performance.md` measures sled's batched limit with). A bigger batch would
/// hold one blocking thread longer for no fewer flushes per case.
pub const BATCH_LIMIT: usize = 64;

/// The largest batch body accepted (1 MiB): 16 KiB per item on average, where a single
/// submission may send 64 KiB ([`crate::BODY_LIMIT`]).
pub const BATCH_BODY_LIMIT: usize = 1024 * 1024;

/// `POST /v1/cases:batch`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"items": [
    {"idempotency_key": "psb-2024-0001",
     "case": {"city": "wanzhou", "procedure": "data_verification", "provider": "区公安局", "subject": "户籍地址有误"}},
    {"case": {"city": "wanzhou", "procedure": "catalog_update", "provider": "区教委"}},
]})))]
pub struct SubmitBatch {
    /// 1 to 64 submissions. Each is checked on its own: one that does not match
    /// `SubmitBatchItem` is that item's `invalid_body`, not the batch's.
    #[schema(value_type = Vec<SubmitBatchItem>, min_items = 1, max_items = 64)]
    pub items: Vec<Value>,
}

/// One submission of a batch.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitBatchItem {
    /// Makes a retry of this item safe, as `Idempotency-Key` does for `POST /v1/cases`,
    /// and in the same space: per caller, one key names one request whichever endpoint
    /// carried it.
    #[schema(min_length = 1, max_length = 200, pattern = "^[!-~]([ -~]*[!-~])?$")]
    pub idempotency_key: Option<String>,
    /// The body `POST /v1/cases` takes.
    pub case: SubmitCase,
}

/// Every item's outcome, in the order sent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchResults {
    pub items: Vec<BatchOutcome>,
}

/// One item's outcome: `status` is what `POST /v1/cases` would have answered it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum BatchOutcome {
    /// Opened (201), or a retry of an earlier request under the item's key (200).
    Case {
        #[schema(minimum = 0, maximum = 63)]
        index: usize,
        #[schema(minimum = 200, maximum = 201)]
        status: u16,
        case: Box<CaseView>,
    },
    /// Refused; nothing of the item was stored.
    Refused {
        #[schema(minimum = 0, maximum = 63)]
        index: usize,
        #[schema(minimum = 400, maximum = 599)]
        status: u16,
        problem: Problem,
    },
}

/// Open up to 64 cases in one request, committed together. Each item has its own
/// idempotency key and its own outcome; a refused item changes nothing for the others.
#[utoipa::path(post, path = "/v1/cases:batch", tag = "cases", operation_id = "submit_cases",
    request_body = SubmitBatch,
    responses(
        (status = 200, description = "The batch was processed: each item's outcome at its index, in order (an item's own `status` says whether it was opened, replayed or refused)", body = BatchResults,
            links(
                ("case" = (operation_id = "get_case", parameters(("id" = "$response.body#/items/0/case/id")),
                    description = "The case the first item opened")),
            )),
        (status = 401, body = Problem),
        (status = 409, description = "Concurrent commands kept conflicting (`busy`); retry the batch (its keyed items replay what was committed)", body = Problem),
        (status = 422, description = "`items` is empty or holds more than 64 (`batch_too_large`)", body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Body<SubmitBatch>, Problem>,
) -> Result<Json<BatchResults>, Problem> {
    let Body(body) = body.map_err(|problem| match problem.code.as_str() {
        // The shared extractor names the single submission's limit.
        "body_too_large" => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("the batch is larger than the limit of {BATCH_BODY_LIMIT} bytes"),
        ),
        _ => problem,
    })?;
    if body.items.is_empty() || body.items.len() > BATCH_LIMIT {
        return Err(Problem::unprocessable(
            "batch_too_large",
            format!(
                "`items` holds {} submissions; a batch holds 1 to {BATCH_LIMIT}",
                body.items.len()
            ),
        ));
    }
    let mut outcomes: Vec<Option<BatchOutcome>> = body.items.iter().map(|_| None).collect();
    let mut accepted = Vec::new();
    let mut items = Vec::new();
    for (index, raw) in body.items.into_iter().enumerate() {
        match checked(&caller, index, raw) {
            Ok(item) => {
                accepted.push(index);
                items.push(item);
            }
            Err(problem) => outcomes[index] = Some(refused(index, problem)),
        }
    }
    let runtime = state.runtime.clone();
    let decided = blocking(move || Ok(runtime.submit_batch(&caller.0, &items)?)).await?;
    for (index, outcome) in accepted.into_iter().zip(decided) {
        outcomes[index] = Some(match outcome {
            Ok(submitted) => opened(index, &submitted),
            Err(e) => refused(index, Problem::from(e)),
        });
    }
    Ok(Json(BatchResults {
        items: outcomes
            .into_iter()
            .map(|outcome| outcome.expect("every item is answered"))
            .collect(),
    }))
}

/// Item `index` as the runtime takes it, or the problem `POST /v1/cases` would answer it
/// with (fields named from `items[index]`).
fn checked(caller: &Caller, index: usize, raw: Value) -> Result<BatchItem, Problem> {
    let at = format!("items[{index}]");
    let item: SubmitBatchItem = serde_path_to_error::deserialize(raw).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            at.clone()
        } else {
            format!("{at}.{path}")
        };
        Problem::unprocessable("invalid_body", format!("`{field}`: {}", e.into_inner()))
    })?;
    let submission = submission(item.case);
    caller.require_city(&submission.city)?;
    let idempotency_key = match &item.idempotency_key {
        Some(key) => Some(checked_key(key, &format!("`{at}.idempotency_key`"))?.to_owned()),
        None => None,
    };
    Ok(BatchItem {
        submission,
        idempotency_key,
    })
}

fn opened(index: usize, submitted: &Submitted) -> BatchOutcome {
    let status = if submitted.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    BatchOutcome::Case {
        index,
        status: status.as_u16(),
        case: Box::new(CaseView::from(&submitted.case)),
    }
}

fn refused(index: usize, problem: Problem) -> BatchOutcome {
    BatchOutcome::Refused {
        index,
        status: problem.status,
        problem,
    }
}
