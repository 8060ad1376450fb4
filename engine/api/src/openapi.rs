//! The OpenAPI description served at `/v1/openapi.json`, generated from the handlers.

use crate::routes::{admin, cases, events, explain, ops, packs};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "govflow", description = "Executes Chinese municipal regulations on government data resources. Errors are application/problem+json (RFC 9457)."),
    paths(
        cases::submit, cases::act, cases::get, cases::list, events::history, events::feed,
        explain::explain,
        packs::list, packs::get, packs::classify,
        admin::set_clock, admin::clock, admin::reload, admin::set_departments, admin::departments,
        ops::healthz, ops::metrics, ops::openapi,
    ),
    modifiers(&BearerAuth),
)]
pub(crate) struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}
