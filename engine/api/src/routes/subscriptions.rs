//! Webhook subscriptions (`docs/webhooks.md`): an admin, or an `authority` for its own city,
//! subscribes a destination on the server's allow-list to event kinds of a city; the
//! secret is shown once, when subscribing and when rotating. Parked subscriptions show
//! why, and resume from the event they stopped at.

use crate::auth::Caller;
use crate::extract::{blocking, Body, PathParams};
use crate::problem::Problem;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use govflow_model::{CityId, Reach, RoleId};
use govflow_webhooks::{Error, NewSubscription, Subscription, SubscriptionState, Webhooks};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;

/// A request to subscribe.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"url": "http://127.0.0.1:9/govflow-events",
    "kinds": ["warning", "lapsed", "penalty_opened"], "city": "wanzhou"})))]
pub struct SubscribeRequest {
    /// Where to POST deliveries; must be on the server's allow-list.
    pub url: String,
    /// The event kinds to deliver (`warning`, `lapsed`, `penalty_opened`, …).
    pub kinds: Vec<String>,
    pub city: String,
    /// Only events of cases addressed to or opened by this department.
    #[serde(default)]
    pub department: Option<String>,
    /// Deliver the events after this feed sequence number (0: the whole feed); by default
    /// only events from now on.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub after: Option<u64>,
}

/// A subscription as the API shows it; never its secrets.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionView {
    pub id: String,
    pub url: String,
    pub kinds: Vec<String>,
    pub city: String,
    #[schema(required = true)]
    pub department: Option<String>,
    /// `active`, or `parked` until resumed.
    pub state: SubscriptionStatus,
    /// Why delivery stopped, while parked.
    #[schema(required = true)]
    pub parked_reason: Option<String>,
    #[schema(required = true)]
    pub parked_since: Option<DateTime<Utc>>,
    /// The last feed sequence number delivered or passed over; delivery goes on after it.
    pub cursor: u64,
    /// Failed attempts at the next event.
    pub attempts: u32,
    #[schema(required = true)]
    pub next_attempt: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub last_error: Option<String>,
    /// Until when the previous secret still signs, after a rotation.
    #[schema(required = true)]
    pub previous_secret_expires: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// Whether a subscription delivers.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    Active,
    /// Stopped after failures (or a 410) until resumed; nothing is skipped.
    Parked,
}

/// A subscription with its new secret (`whsec_…`), shown only in this answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionWithSecret {
    pub subscription: SubscriptionView,
    pub secret: String,
}

impl From<&Subscription> for SubscriptionView {
    fn from(s: &Subscription) -> Self {
        let (state, parked_reason, parked_since) = match &s.state {
            SubscriptionState::Active => (SubscriptionStatus::Active, None, None),
            SubscriptionState::Parked { reason, since } => (
                SubscriptionStatus::Parked,
                Some(reason.clone()),
                Some(*since),
            ),
        };
        SubscriptionView {
            id: s.id.clone(),
            url: s.url.clone(),
            kinds: s.kinds.clone(),
            city: s.city.to_string(),
            department: s.department.clone(),
            state,
            parked_reason,
            parked_since,
            cursor: s.cursor,
            attempts: s.attempts,
            next_attempt: s.next_attempt,
            last_error: s.last_error.clone(),
            previous_secret_expires: s.secrets.iter().filter_map(|x| x.expires).max(),
            created_by: s.created_by.clone(),
            created_at: s.created_at,
        }
    }
}

fn with_secret(s: &Subscription) -> SubscriptionWithSecret {
    SubscriptionWithSecret {
        subscription: SubscriptionView::from(s),
        secret: s
            .secrets
            .first()
            .map(|x| x.secret.clone())
            .unwrap_or_default(),
    }
}

/// The webhook service, or `webhooks_disabled` when the server runs without `--webhooks`.
fn service(state: &AppState) -> Result<Arc<Webhooks>, Problem> {
    state.webhooks.clone().ok_or_else(|| {
        Problem::new(
            StatusCode::CONFLICT,
            "webhooks_disabled",
            "this server delivers no webhooks; start it with `govflow serve --webhooks FILE` naming the destinations it may call",
        )
    })
}

/// An admin, or an `authority` (of some city).
fn may_subscribe(caller: &Caller) -> Result<(), Problem> {
    if caller.0.reaches(Reach::Everything) || caller.0.roles.contains(&RoleId::from(AUTHORITY)) {
        Ok(())
    } else {
        Err(Problem::forbidden(
            "wrong_role",
            format!(
                "`{}` may not manage webhook subscriptions; only an admin or the `{AUTHORITY}` of the city may",
                caller.0.id
            ),
        ))
    }
}

/// An admin, or an `authority` of `city`.
fn may_manage(caller: &Caller, city: &CityId) -> Result<(), Problem> {
    may_subscribe(caller)?;
    caller.require_city(city)
}

const AUTHORITY: &str = "authority";

fn problem(e: Error) -> Problem {
    match e {
        Error::DestinationNotAllowed(detail) => {
            Problem::unprocessable("destination_not_allowed", detail)
        }
        Error::InvalidField { .. } => Problem::unprocessable("invalid_field", e.to_string()),
        Error::NotFound(_) => Problem::not_found("subscription_not_found", e.to_string()),
        Error::Busy(_) => Problem::new(StatusCode::CONFLICT, "busy", e.to_string()),
        Error::Client(_) | Error::Store(_) => Problem::internal(&e),
    }
}

/// The subscription `id`, if the caller may manage it.
fn managed(hooks: &Webhooks, caller: &Caller, id: &str) -> Result<Subscription, Problem> {
    let s = hooks.subscription(id).map_err(problem)?;
    may_manage(caller, &s.city)?;
    Ok(s)
}

/// Subscribe a destination to a city's events; the answer holds the secret, once.
#[utoipa::path(post, path = "/v1/subscriptions", tag = "webhooks", operation_id = "subscribe",
    request_body = SubscribeRequest,
    responses(
        (status = 201, description = "Subscribed; the secret is shown only here", body = SubscriptionWithSecret,
            links(
                ("subscription" = (operation_id = "get_subscription",
                    parameters(("id" = "$response.body#/subscription/id")), description = "The subscription just made")),
                ("rotate" = (operation_id = "rotate_subscription_secret",
                    parameters(("id" = "$response.body#/subscription/id")), description = "A new secret for it")),
                ("resume" = (operation_id = "resume_subscription",
                    parameters(("id" = "$response.body#/subscription/id")), description = "Resume its delivery")),
                ("unsubscribe" = (operation_id = "unsubscribe",
                    parameters(("id" = "$response.body#/subscription/id")), description = "Remove it")),
            )),
        (status = 403, body = Problem),
        (status = 409, description = "The server runs without `--webhooks` (`webhooks_disabled`)", body = Problem),
        (status = 422, description = "The destination is not allowed (`destination_not_allowed`), a kind is unknown (`invalid_field`) or the city is not served (`unknown_city`)", body = Problem)),
    security(("bearer" = [])))]
pub async fn subscribe(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<SubscribeRequest>,
) -> Result<(StatusCode, Json<SubscriptionWithSecret>), Problem> {
    let city = CityId::from(body.city.as_str());
    may_manage(&caller, &city)?;
    let hooks = service(&state)?;
    let runtime = state.runtime.clone();
    let created = blocking(move || {
        runtime.city_pack(&city)?;
        let new = NewSubscription {
            url: body.url,
            kinds: body.kinds,
            city,
            department: body.department,
            after: body.after,
        };
        hooks.subscribe(&caller.0.id, new).map_err(problem)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(with_secret(&created))))
}

/// The subscriptions the caller may manage, in id order.
#[utoipa::path(get, path = "/v1/subscriptions", tag = "webhooks", operation_id = "list_subscriptions",
    responses((status = 200, body = Vec<SubscriptionView>), (status = 403, body = Problem),
        (status = 409, description = "The server runs without `--webhooks` (`webhooks_disabled`)", body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<SubscriptionView>>, Problem> {
    may_subscribe(&caller)?;
    let hooks = service(&state)?;
    let all = blocking(move || hooks.subscriptions().map_err(problem)).await?;
    Ok(Json(
        all.iter()
            .filter(|s| caller.0.jurisdiction.covers(&s.city))
            .map(SubscriptionView::from)
            .collect(),
    ))
}

#[utoipa::path(get, path = "/v1/subscriptions/{id}", tag = "webhooks", operation_id = "get_subscription",
    params(("id" = String, Path)),
    responses((status = 200, body = SubscriptionView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The server runs without `--webhooks` (`webhooks_disabled`)", body = Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> Result<Json<SubscriptionView>, Problem> {
    let hooks = service(&state)?;
    let s = blocking(move || managed(&hooks, &caller, &id)).await?;
    Ok(Json(SubscriptionView::from(&s)))
}

/// Stop delivering and forget the subscription.
#[utoipa::path(delete, path = "/v1/subscriptions/{id}", tag = "webhooks", operation_id = "unsubscribe",
    params(("id" = String, Path)),
    responses((status = 204, description = "Unsubscribed"), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The server runs without `--webhooks` (`webhooks_disabled`), or a concurrent change kept winning (`busy`)", body = Problem)),
    security(("bearer" = [])))]
pub async fn unsubscribe(
    State(state): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> Result<StatusCode, Problem> {
    let hooks = service(&state)?;
    blocking(move || {
        managed(&hooks, &caller, &id)?;
        hooks.unsubscribe(&id).map_err(problem)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new secret, shown once; the previous one keeps signing beside it for the server's
/// rotation window.
#[utoipa::path(post, path = "/v1/subscriptions/{id}/rotate", tag = "webhooks", operation_id = "rotate_subscription_secret",
    params(("id" = String, Path)),
    responses((status = 200, body = SubscriptionWithSecret), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The server runs without `--webhooks` (`webhooks_disabled`), or a concurrent change kept winning (`busy`)", body = Problem)),
    security(("bearer" = [])))]
pub async fn rotate(
    State(state): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> Result<Json<SubscriptionWithSecret>, Problem> {
    let hooks = service(&state)?;
    let rotated = blocking(move || {
        managed(&hooks, &caller, &id)?;
        hooks.rotate(&id).map_err(problem)
    })
    .await?;
    Ok(Json(with_secret(&rotated)))
}

/// Deliver again from where the subscription stopped, starting with the event it was
/// parked on.
#[utoipa::path(post, path = "/v1/subscriptions/{id}/resume", tag = "webhooks", operation_id = "resume_subscription",
    params(("id" = String, Path)),
    responses((status = 200, body = SubscriptionView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The server runs without `--webhooks` (`webhooks_disabled`), or a concurrent change kept winning (`busy`)", body = Problem)),
    security(("bearer" = [])))]
pub async fn resume(
    State(state): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> Result<Json<SubscriptionView>, Problem> {
    let hooks = service(&state)?;
    let resumed = blocking(move || {
        managed(&hooks, &caller, &id)?;
        hooks.resume(&id).map_err(problem)
    })
    .await?;
    Ok(Json(SubscriptionView::from(&resumed)))
}
