//! The OpenAPI description served at `/v1/openapi.json`, generated from the handlers.
//!
//! Each handler's annotation lists the answers its own logic gives (403 for a role, 404 for
//! a case, 409 for a state…). [`SharedAnswers`] adds the answers the shared extractors and
//! layers give every operation of a shape (a token → 401, a JSON body → 400/413/415/422,
//! path or query parameters → 400, anything → 500, or 503 past the time limit) and
//! states that every error is `application/problem+json` with the [`Problem`] schema, as
//! [`Problem`]'s `IntoResponse` sends it.

use crate::problem::{Problem, CODES};
use crate::routes::{admin, batch, cases, events, explain, ops, packs, subscriptions};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{Content, RefOr, Response, ResponseBuilder, Schema};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "govflow", description = "Executes Chinese municipal regulations on government data resources. Errors are application/problem+json (RFC 9457)."),
    paths(
        cases::submit, batch::submit, cases::act, cases::get, cases::list, events::history, events::feed,
        explain::explain,
        packs::list, packs::get, packs::classify,
        admin::set_clock, admin::clock, admin::reload, admin::set_departments, admin::departments,
        ops::healthz, ops::metrics, ops::openapi,
        subscriptions::subscribe, subscriptions::list, subscriptions::get,
        subscriptions::unsubscribe, subscriptions::rotate, subscriptions::resume,
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth, &SharedAnswers, &ProblemCodes),
)]
pub(crate) struct ApiDoc;

/// The document as served, with two touches to its links:
/// - utoipa 5.5 writes a link's `operationId`, `operationRef` and `requestBody` in snake case
///   (its `Link` has no `rename_all = "camelCase"`), which the specification's schema
///   refuses; they are renamed;
/// - a link with a `requestBody` says `x-schemathesis: {merge_body: false}`: the body is the
///   link's as written (schemathesis would otherwise merge it with the body of the request
///   the link comes from, which no operation accepts).
pub(crate) fn document() -> serde_json::Value {
    let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|e| {
        unreachable!("an OpenAPI document always serializes: {e}");
    });
    let links = document["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(|item| item.as_object_mut())
        .flat_map(|item| item.values_mut())
        .filter_map(|operation| operation.get_mut("responses")?.as_object_mut())
        .flat_map(|responses| responses.values_mut())
        .filter_map(|response| response.get_mut("links")?.as_object_mut())
        .flat_map(|links| links.values_mut())
        .filter_map(|link| link.as_object_mut());
    for link in links {
        for (snake, camel) in [
            ("operation_id", "operationId"),
            ("operation_ref", "operationRef"),
            ("request_body", "requestBody"),
        ] {
            if let Some(value) = link.remove(snake) {
                link.insert(camel.to_owned(), value);
            }
        }
        if link.contains_key("requestBody") {
            link.insert(
                "x-schemathesis".to_owned(),
                serde_json::json!({"merge_body": false}),
            );
        }
    }
    document
}

/// The media type of every error answer (RFC 9457).
pub(crate) const PROBLEM_JSON: &str = "application/problem+json";

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A token from the service's `--auth` file: `Authorization: Bearer <token>`",
                    ))
                    .build(),
            ),
        );
    }
}

/// A problem's `code` is one of [`CODES`]: the document lists them, so a client can match
/// on them and a code it does not know is a change of contract.
struct ProblemCodes;

impl utoipa::Modify for ProblemCodes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let problem = openapi
            .components
            .as_mut()
            .and_then(|c| c.schemas.get_mut("Problem"));
        let Some(RefOr::T(Schema::Object(problem))) = problem else {
            unreachable!("`Problem` is a component object schema");
        };
        let Some(RefOr::T(Schema::Object(code))) = problem.properties.get_mut("code") else {
            unreachable!("`Problem` has a `code` string");
        };
        code.enum_values = Some(CODES.iter().map(|c| serde_json::json!(c)).collect());
    }
}

struct SharedAnswers;

impl utoipa::Modify for SharedAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                add_shared_answers(operation);
                for response in operation.responses.responses.iter_mut() {
                    if let (status, RefOr::T(response)) = response {
                        if status.parse::<u16>().is_ok_and(|s| s >= 400) {
                            as_problem(response);
                        }
                    }
                }
            }
        }
    }
}

/// The answers of the extractors ([`crate::extract`], [`crate::auth::Caller`]) and of the
/// panic layer, where the operation uses them.
fn add_shared_answers(operation: &mut Operation) {
    let params = operation.parameters.as_deref().unwrap_or_default();
    let in_path = params.iter().any(|p| p.parameter_in == ParameterIn::Path);
    let in_query = params.iter().any(|p| p.parameter_in == ParameterIn::Query);
    let mut shared: Vec<(&str, &str)> = Vec::new();
    if operation.security.is_some() {
        shared.push((
            "401",
            "No token, or a token the service does not know (`unauthorized`)",
        ));
    }
    if operation.request_body.is_some() {
        shared.extend([
            ("400", "The body is not JSON (`invalid_json`)"),
            (
                "413",
                "The body is larger than the limit (`body_too_large`)",
            ),
            (
                "415",
                "The body is not sent as `application/json` (`unsupported_media_type`)",
            ),
            ("422", "The body does not match the schema (`invalid_body`)"),
        ]);
    }
    if in_path {
        shared.push(("400", "A path segment does not decode (`invalid_path`)"));
    }
    if in_query {
        shared.push((
            "400",
            "A query parameter is unknown or malformed (`invalid_query`)",
        ));
    }
    shared.extend([
        (
            "500",
            "The service failed; logged, retry later (`internal`)",
        ),
        (
            "503",
            "The request ran out of time; what it committed stands (`timeout`)",
        ),
    ]);
    for (status, description) in shared {
        let entry = operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::T(ResponseBuilder::new().build()));
        if let RefOr::T(response) = entry {
            if status == "401" {
                response.headers.insert(
                    "WWW-Authenticate".to_owned(),
                    utoipa::openapi::header::HeaderBuilder::new()
                        .description(Some("`Bearer realm=\"govflow\"`"))
                        .build(),
                );
            }
            if response.description.is_empty() {
                response.description = description.to_owned();
            } else if !response.description.contains(description) {
                response.description = format!("{}; {description}", response.description);
            }
        }
    }
}

/// An error answer: problem+json with the [`Problem`] schema, whatever the annotation said.
fn as_problem(response: &mut Response) {
    if response.description.is_empty() {
        response.description = "A problem (RFC 9457); `code` says which".to_owned();
    }
    response.content.clear();
    response.content.insert(
        PROBLEM_JSON.to_owned(),
        Content::new(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
            "Problem",
        )))),
    );
}
