//! `GET /v1/cases/{id}/explain`: how every deadline of a case was derived, step by step.

use crate::auth::Caller;
use crate::extract::{blocking, PathParams};
use crate::problem::Problem;
use crate::state::AppState;
use crate::vocabulary::{DeadlineStatusWord, StepKindWord};
use axum::extract::State;
use axum::Json;
use chrono::NaiveDate;
use govflow_case::{ExplainedStep, Explanation};
use govflow_model::CaseId;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// How every deadline of a case was derived.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExplanationView {
    pub case: String,
    pub city: String,
    pub procedure: String,
    pub state: String,
    /// The pack version whose rules were run again: the one that governs the case.
    pub pack_version: String,
    /// The years the official calendar has a State Council schedule for.
    pub calendar_years: Vec<i32>,
    pub deadlines: Vec<DeadlineExplanationView>,
}

/// How one deadline was derived.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeadlineExplanationView {
    pub name: String,
    /// The state whose entry armed it.
    pub state: String,
    pub status: DeadlineStatusWord,
    pub due_date: NaiveDate,
    pub provisional: bool,
    pub article: String,
    pub quote: String,
    /// In order: the start basis, the rule, each step of the count on the calendar, the
    /// extensions, and where the deadline stands.
    pub steps: Vec<StepView>,
}

/// One step of a derivation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StepView {
    pub kind: StepKindWord,
    /// The step in a sentence a reviewer can check against the calendar.
    pub sentence: String,
    /// The facts the sentence states (dates ISO, days with their weekday and kind).
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
}

impl From<&Explanation> for ExplanationView {
    fn from(e: &Explanation) -> ExplanationView {
        ExplanationView {
            case: e.case.to_string(),
            city: e.city.to_string(),
            procedure: e.procedure.to_string(),
            state: e.state.to_string(),
            pack_version: e.pack_version.clone(),
            calendar_years: e.calendar_years.clone(),
            deadlines: e
                .deadlines
                .iter()
                .map(|d| DeadlineExplanationView {
                    name: d.name.to_string(),
                    state: d.state.to_string(),
                    status: d.status.into(),
                    due_date: d.due_date,
                    provisional: d.provisional,
                    article: d.article.clone(),
                    quote: d.quote.clone(),
                    steps: d.steps.iter().map(step_view).collect(),
                })
                .collect(),
        }
    }
}

fn step_view(step: &ExplainedStep) -> StepView {
    let mut fields = match serde_json::to_value(&step.fact) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    fields.remove("kind");
    StepView {
        kind: StepKindWord::from(&step.fact),
        sentence: step.sentence.clone(),
        fields,
    }
}

/// How every deadline of the case was derived: start basis and day, the rule and its
/// article, the working days counted and the rest days and make-up days (调休) passed
/// over, the move off a rest day, extensions, provisional years. Same authorization as
/// `GET /v1/cases/{id}`.
#[utoipa::path(get, path = "/v1/cases/{id}/explain", tag = "cases", operation_id = "explain_case",
    params(("id" = String, Path, description = "A case id, as `POST /v1/cases` answers it")),
    responses(
        (status = 200, description = "How each deadline was derived", body = ExplanationView), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 503, description = "The case's pack version cannot be read", body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn explain(
    State(state): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> Result<Json<ExplanationView>, Problem> {
    let runtime = state.runtime.clone();
    let id = CaseId::new(id);
    let case = {
        let runtime = runtime.clone();
        let id = id.clone();
        blocking(move || Ok(runtime.case(&id)?)).await?
    };
    caller.require_sees(&case)?;
    let explanation = blocking(move || Ok(runtime.explain(&id)?)).await?;
    Ok(Json(ExplanationView::from(&explanation)))
}
