//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of `/api/v1`, made
//! from the handlers' annotations and the types they answer with.

use actix_web::HttpResponse;
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use super::{challenge, scripts, subscribe};
use crate::services::api::{ApiList, ApiSubscriber, ApiSubscription, Page};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "assent",
        description = "The JSON API of assent: the public signup, and the routes for scripts that hold a token from `assent admin token create NAME`."
    ),
    paths(
        subscribe::subscribe,
        challenge::challenge,
        scripts::subscribers,
        scripts::subscriber,
        scripts::erase,
        scripts::lists,
        document,
    ),
    components(schemas(Page, ApiSubscriber, ApiSubscription, ApiList, ErrorBody, ErrorDetail)),
    modifiers(&BearerToken)
)]
pub struct ApiDoc;

/// Every error: `{"error": {"message": …, "field"?: …}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    pub message: String,
    /// The parameter or body field at fault, when one is.
    pub field: Option<String>,
}

/// `Authorization: Bearer TOKEN`.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json"))
)]
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
