//! `POST /api/v1/subscribe`: the JSON twin of the signup form.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::domain::list::is_slug;
use crate::domain::{Channel, SubscriberEmail, SubscriberName};
use crate::i18n::Lang;
use crate::routes::body::{self, BodyError};
use crate::routes::{AppState, evidence};
use crate::services::ServiceError;
use crate::services::double_opt_in::{self, SignupOutcome, SignupRequest};
use crate::services::pow::PowError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// An operator's field the list asks for, named `field.KEY`.
    #[error("{message}")]
    Field { key: String, message: String },
    #[error("the body is not valid JSON")]
    MalformedJson,
    #[error("the body must be application/json")]
    UnsupportedType,
    #[error("the body is larger than 16 KiB")]
    TooLarge,
    #[error("the body did not arrive in time")]
    TimedOut,
    #[error(transparent)]
    ProofOfWork(#[from] PowError),
    #[error("too many signups from this client; retry in {0} s")]
    RateLimited(u64),
    #[error("internal error")]
    Unexpected(#[from] ServiceError),
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Invalid { .. } | ApiError::Field { .. } | ApiError::ProofOfWork(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::MalformedJson => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TimedOut => StatusCode::REQUEST_TIMEOUT,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        let body = match self {
            ApiError::Invalid { field, message } => {
                json!({"error": {"field": field, "message": message}})
            }
            ApiError::Field { key, message } => {
                json!({"error": {"field": format!("field.{key}"), "message": message}})
            }
            ApiError::ProofOfWork(e) => {
                json!({"error": {"field": "altcha", "message": e.to_string()}})
            }
            ApiError::Unexpected(e) => {
                tracing::error!(error = %e, "API signup failed");
                json!({"error": {"message": "internal error, please retry later"}})
            }
            ApiError::RateLimited(seconds) => {
                response.insert_header((header::RETRY_AFTER, seconds.to_string()));
                json!({"error": {"message": self.to_string()}})
            }
            other => json!({"error": {"message": other.to_string()}}),
        };
        response.json(body)
    }
}

impl From<BodyError> for ApiError {
    fn from(e: BodyError) -> Self {
        match e {
            BodyError::TooLarge => ApiError::TooLarge,
            BodyError::UnsupportedType => ApiError::UnsupportedType,
            BodyError::Malformed => ApiError::MalformedJson,
            BodyError::TimedOut => ApiError::TimedOut,
        }
    }
}

/// What a signup sends.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[allow(dead_code)] // read field by field, for an error that names the field
pub struct SubscribeBody {
    email: String,
    name: Option<String>,
    /// A list's slug; the default list when absent.
    list: Option<String>,
    /// With `ASSENT_POW=on`: the solved challenge of `GET /api/v1/challenge`,
    /// the base64 of `{"algorithm","challenge","number","salt","signature"}`.
    altcha: Option<String>,
    /// The operators' fields the list asks for, by key: strings, numbers or
    /// booleans; an unknown key is ignored.
    #[schema(value_type = Option<Object>)]
    fields: Option<std::collections::BTreeMap<String, serde_json::Value>>,
}

/// Signs an address up: a confirmation request goes to it. The answer is
/// the same whether the address was known or not.
#[utoipa::path(
    post,
    path = "/api/v1/subscribe",
    tag = "signup",
    request_body = SubscribeBody,
    responses(
        (status = 202, description = "Pending: a confirmation request is on its way", body = serde_json::Value, example = json!({"status": "pending"})),
        (status = 400, description = "The body is not JSON", body = super::openapi::ErrorBody),
        (status = 415, description = "The body is not application/json", body = super::openapi::ErrorBody),
        (status = 422, description = "A field is wrong, `altcha` included; `field` names it", body = super::openapi::ErrorBody),
        (status = 429, description = "Too many signups from this client", body = super::openapi::ErrorBody),
    )
)]
pub async fn subscribe(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    if let Some(client) = crate::routes::client_ip(&req)
        && let Err(wait) = state
            .limiter
            .check(state.services.policy().signup_rate, client)
    {
        return Err(ApiError::RateLimited(wait.as_secs().max(1)));
    }
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(ApiError::UnsupportedType);
    }
    let body = body::read_limited(&req, payload).await?;
    let signup = decode(&body)?;
    let request = SignupRequest {
        email: signup.email,
        name: signup.name,
        list: signup.list,
        channel: Channel::Api,
        evidence: evidence(&req, "/api/v1/subscribe"),
        honeypot: false,
        proof: signup.altcha,
        fields: signup.fields,
    };
    match double_opt_in::signup(&state.services, request).await? {
        SignupOutcome::Accepted { .. } | SignupOutcome::Trapped { .. } => {
            Ok(HttpResponse::Accepted().json(json!({"status": "pending"})))
        }
        SignupOutcome::UnknownList => Err(unknown_list()),
        SignupOutcome::ProofRefused(e) => Err(e.into()),
        SignupOutcome::FieldsRefused(refused) => {
            // The first refused field is named, as a form names one.
            Err(match refused.into_iter().next() {
                Some((key, error)) => ApiError::Field {
                    key,
                    message: Lang::ENGLISH.t(error.message_id()),
                },
                None => ApiError::Invalid {
                    field: "fields",
                    message: "a field was refused".into(),
                },
            })
        }
    }
}

/// A signup's body, each field parsed.
#[derive(Debug)]
pub struct ApiSignup {
    pub email: SubscriberEmail,
    pub name: Option<SubscriberName>,
    pub list: Option<String>,
    pub altcha: Option<String>,
    /// The fields' values as text, by key.
    pub fields: BTreeMap<String, String>,
}

/// Decodes a signup's JSON body; a refusal names the field it concerns.
pub fn decode(body: &[u8]) -> Result<ApiSignup, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|_| ApiError::MalformedJson)?;
    let Value::Object(fields) = value else {
        return Err(ApiError::MalformedJson);
    };
    let text = |field: &'static str, required: bool| -> Result<Option<&str>, ApiError> {
        match fields.get(field) {
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            None | Some(Value::Null) if !required => Ok(None),
            None | Some(Value::Null) => Err(ApiError::Invalid {
                field,
                message: "Please enter your email address.".into(),
            }),
            Some(_) => Err(ApiError::Invalid {
                field,
                message: format!("{field} must be a string"),
            }),
        }
    };
    let email = SubscriberEmail::parse(text("email", true)?.unwrap_or_default()).map_err(|e| {
        ApiError::Invalid {
            field: "email",
            message: e.to_string(),
        }
    })?;
    let name = SubscriberName::parse(text("name", false)?.unwrap_or_default()).map_err(|e| {
        ApiError::Invalid {
            field: "name",
            message: e.to_string(),
        }
    })?;
    let list = text("list", false)?
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if list.is_some_and(|s| !is_slug(s)) {
        return Err(unknown_list());
    }
    let values = match fields.get("fields") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(Value::Object(values)) => values
            .iter()
            .filter_map(|(key, value)| {
                let text = match value {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(true) => "yes".to_owned(),
                    Value::Bool(false) => "no".to_owned(),
                    // Ill-typed: read as no value, which a required field refuses.
                    _ => return None,
                };
                Some((key.clone(), text))
            })
            .collect(),
        Some(_) => {
            return Err(ApiError::Invalid {
                field: "fields",
                message: "fields must be an object of KEY: value".into(),
            });
        }
    };
    Ok(ApiSignup {
        email,
        name,
        list: list.map(str::to_owned),
        altcha: text("altcha", false)?.map(str::to_owned),
        fields: values,
    })
}

fn unknown_list() -> ApiError {
    ApiError::Invalid {
        field: "list",
        message: "This list does not exist or no longer takes signups.".into(),
    }
}
