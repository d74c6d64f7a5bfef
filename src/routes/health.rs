//! `GET /healthz`: whether the database answers.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::AppState;

pub async fn check(state: web::Data<AppState>) -> HttpResponse {
    match state.services.db.ping().await {
        Ok(()) => HttpResponse::Ok().json(json!({"status": "ok"})),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            HttpResponse::ServiceUnavailable().json(json!({"status": "unavailable"}))
        }
    }
}
