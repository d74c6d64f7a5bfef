//! `/api/v1/subscribers` and `/api/v1/lists`, for scripts with a token
//! (`Authorization: Bearer TOKEN`, from `assent admin token create NAME`).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use serde_json::json;

use super::openapi::ErrorBody;
use crate::domain::{SegmentId, Status, SubscriberEmail, SubscriberId};
use crate::routes::AppState;
use crate::services::ServiceError;
use crate::services::api::{self, ApiList, Client, MAX_PAGE, Page, PageQuery};

/// The answer of `GET /api/v1/lists`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ListsBody {
    lists: Vec<ApiList>,
}

#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    #[error("a valid API token is needed: Authorization: Bearer TOKEN")]
    Unauthorized,
    #[error("no subscriber has this address")]
    NotFound,
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("internal error")]
    Server(#[from] ServiceError),
}

impl ResponseError for ScriptError {
    fn status_code(&self) -> StatusCode {
        match self {
            ScriptError::Unauthorized => StatusCode::UNAUTHORIZED,
            ScriptError::NotFound => StatusCode::NOT_FOUND,
            ScriptError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ScriptError::Server(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        let body = match self {
            ScriptError::Unauthorized => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"assent\""));
                json!({"error": {"message": self.to_string()}})
            }
            ScriptError::Invalid { field, message } => {
                json!({"error": {"field": field, "message": message}})
            }
            ScriptError::Server(e) => {
                tracing::error!(error = %e, "API request failed");
                json!({"error": {"message": "internal error, please retry later"}})
            }
            ScriptError::NotFound => json!({"error": {"message": self.to_string()}}),
        };
        response.json(body)
    }
}

/// The token of a request, checked.
pub struct Authorized {
    client: Client,
    state: web::Data<AppState>,
}

impl FromRequest for Authorized {
    type Error = ScriptError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or(ScriptError::Unauthorized)?;
            let presented = req
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .ok_or(ScriptError::Unauthorized)?;
            let client = api::authenticate(&state.services, presented)
                .await?
                .ok_or(ScriptError::Unauthorized)?;
            Ok(Authorized { client, state })
        })
    }
}

fn invalid(field: &'static str, message: impl Into<String>) -> ScriptError {
    ScriptError::Invalid {
        field,
        message: message.into(),
    }
}

/// `?q=&list=&status=&segment=&after=&limit=`, each checked.
fn page_query(req: &HttpRequest) -> Result<PageQuery, ScriptError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string())
        .map_err(|_| invalid("query", "the query string cannot be read"))?;
    let mut query = PageQuery {
        limit: MAX_PAGE,
        ..PageQuery::default()
    };
    for (name, value) in pairs {
        match name.as_str() {
            "q" => query.q = value.trim().chars().take(254).collect(),
            "segment" if !value.is_empty() => {
                let id = value
                    .parse::<i64>()
                    .map_err(|_| invalid("segment", "segment is the id of a saved segment"))?;
                query.segment = Some(SegmentId(id));
            }
            "list" if !value.is_empty() => {
                if !crate::domain::list::is_slug(&value) {
                    return Err(invalid("list", "list is the slug of a list"));
                }
                query.list = Some(value);
            }
            "status" if !value.is_empty() => {
                query.status = Some(Status::parse(&value).ok_or_else(|| {
                    invalid(
                        "status",
                        "status is one of pending, confirmed, unsubscribed",
                    )
                })?);
            }
            "after" if !value.is_empty() => {
                let id = value
                    .parse::<i64>()
                    .map_err(|_| invalid("after", "after is the `after` of the previous page"))?;
                query.after = Some(SubscriberId(id));
            }
            "limit" => {
                query.limit = value
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=MAX_PAGE).contains(n))
                    .ok_or_else(|| invalid("limit", format!("limit is from 1 to {MAX_PAGE}")))?;
            }
            _ => {}
        }
    }
    Ok(query)
}

fn address(path: &str) -> Result<SubscriberEmail, ScriptError> {
    SubscriberEmail::parse(path).map_err(|e| invalid("email", e.to_string()))
}

fn no_store(body: impl serde::Serialize) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// Subscribers, newest first, at most 100 a page.
#[utoipa::path(
    get,
    path = "/api/v1/subscribers",
    tag = "scripts",
    security(("token" = [])),
    params(
        ("q" = Option<String>, Query, description = "Only subscribers whose address, name or a text field's value holds this, in any letter case"),
        ("segment" = Option<i64>, Query, description = "Only the people this saved segment chooses (its id)"),
        ("list" = Option<String>, Query, description = "Only subscribers of this list (its slug)"),
        ("status" = Option<String>, Query, description = "Only subscribers with a subscription in this state: pending, confirmed or unsubscribed"),
        ("after" = Option<i64>, Query, description = "The `after` of the previous page"),
        ("limit" = Option<i64>, Query, description = "At most this many, from 1 to 100 (the default)"),
    ),
    responses(
        (status = 200, description = "A page; `after` is absent on the last", body = Page),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 422, description = "A parameter is wrong; `field` names it", body = ErrorBody),
    )
)]
pub async fn subscribers(auth: Authorized, req: HttpRequest) -> Result<HttpResponse, ScriptError> {
    let query = page_query(&req)?;
    let page = api::subscribers(&auth.state.services, &auth.client, query)
        .await?
        .ok_or_else(|| invalid("segment", "no saved segment has this id"))?;
    Ok(no_store(page))
}

/// One person's consent record: every subscription with its events and the
/// wording each act saw.
#[utoipa::path(
    get,
    path = "/api/v1/subscribers/{email}",
    tag = "scripts",
    security(("token" = [])),
    params(("email" = String, Path, description = "The person's address")),
    responses(
        (status = 200, description = "The consent record", body = serde_json::Value),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No one has this address", body = ErrorBody),
        (status = 422, description = "Not an address", body = ErrorBody),
    )
)]
pub async fn subscriber(
    auth: Authorized,
    email: web::Path<String>,
) -> Result<HttpResponse, ScriptError> {
    let email = address(&email)?;
    let record = api::subscriber(&auth.state.services, &auth.client, &email)
        .await?
        .ok_or(ScriptError::NotFound)?;
    Ok(no_store(record))
}

/// Erases the person, as an operator's erasure does.
#[utoipa::path(
    delete,
    path = "/api/v1/subscribers/{email}",
    tag = "scripts",
    security(("token" = [])),
    params(("email" = String, Path, description = "The person's address")),
    responses(
        (status = 200, description = "Erased", body = serde_json::Value, example = json!({"erased": true})),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No one has this address", body = ErrorBody),
        (status = 422, description = "Not an address", body = ErrorBody),
    )
)]
pub async fn erase(
    auth: Authorized,
    email: web::Path<String>,
) -> Result<HttpResponse, ScriptError> {
    let email = address(&email)?;
    if api::erase(&auth.state.services, &auth.client, &email).await? {
        Ok(no_store(json!({"erased": true})))
    } else {
        Err(ScriptError::NotFound)
    }
}

/// The lists, with how many are on each in each state.
#[utoipa::path(
    get,
    path = "/api/v1/lists",
    tag = "scripts",
    security(("token" = [])),
    responses(
        (status = 200, description = "`{\"lists\": [...]}`", body = ListsBody),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
pub async fn lists(auth: Authorized) -> Result<HttpResponse, ScriptError> {
    let lists = api::lists(&auth.state.services, &auth.client).await?;
    Ok(no_store(ListsBody { lists }))
}
