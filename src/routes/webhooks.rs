//! `POST /webhooks/bounce` (contract §9): bounces and complaints from the
//! relay or the provider, in their own formats.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use secrecy::ExposeSecret;
use serde_json::json;

use super::body::{self, BodyError};
use super::{AppState, ServerError, evidence};
use crate::auth::constant_time_eq;
use crate::services::bounces;

/// SendGrid posts up to a few thousand events at once.
const MAX_NOTIFICATION: usize = 1024 * 1024;

pub async fn bounce(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    let Some(secret) = &state.bounce_secret else {
        return Ok(HttpResponse::NotFound().json(json!({"error": {"message": "not found"}})));
    };
    if !presented(&req)
        .is_some_and(|given| constant_time_eq(given.as_bytes(), secret.expose_secret().as_bytes()))
    {
        tracing::warn!("bounce webhook called without the right secret");
        return Ok(HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer, Basic realm=\"assent\""))
            .json(json!({"error": {"message": "the webhook's secret is missing or wrong"}})));
    }
    let body = match body::read_up_to(&req, payload, MAX_NOTIFICATION).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            return Ok(HttpResponse::PayloadTooLarge()
                .json(json!({"error": {"message": "the body is larger than 1 MiB"}})));
        }
        Err(e) => {
            return Ok(
                HttpResponse::BadRequest().json(json!({"error": {"message": e.to_string()}}))
            );
        }
    };
    let notification = match bounces::parse(&body) {
        Ok(notification) => notification,
        Err(e) => {
            return Ok(HttpResponse::UnprocessableEntity()
                .json(json!({"error": {"message": e.to_string()}})));
        }
    };
    if let Some(key) = &state.bounce_signing_key {
        let headers = req.headers();
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let sendgrid = header("x-twilio-email-event-webhook-signature")
            .zip(header("x-twilio-email-event-webhook-timestamp"));
        if !key.accepts(notification.format, &body, sendgrid) {
            tracing::warn!(
                format = notification.format,
                "bounce notification without its provider's valid signature"
            );
            return Ok(HttpResponse::Unauthorized().json(json!({"error": {
                "message": "the notification does not carry the provider's valid signature"
            }})));
        }
    }
    if let Some(url) = &notification.subscribe_url {
        tracing::warn!(
            subscribe_url = %url,
            "an Amazon SNS topic asks to deliver bounces here: open this address once to confirm the subscription"
        );
    }
    let processed = bounces::process(
        &state.services,
        notification,
        evidence(&req, "/webhooks/bounce"),
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({ "processed": processed })))
}

/// The secret as the caller passed it: `Authorization: Bearer SECRET`, the
/// password of HTTP basic auth, or `?secret=SECRET`.
fn presented(req: &HttpRequest) -> Option<String> {
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if let Some(value) = authorization {
        if let Some(token) = value.strip_prefix("Bearer ") {
            return Some(token.trim().to_owned());
        }
        if let Some(encoded) = value.strip_prefix("Basic ") {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()?;
            let text = String::from_utf8(decoded).ok()?;
            return text
                .split_once(':')
                .map(|(_, password)| password.to_owned());
        }
    }
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(key, _)| key == "secret")
        .map(|(_, value)| value.into_owned())
}
