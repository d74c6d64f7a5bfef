//! `GET /healthz`: whether the database answers.

use actix_web::{HttpResponse, web};
use diesel::connection::SimpleConnection;
use serde_json::json;

use super::AppState;
use crate::db::DbError;

pub async fn check(state: web::Data<AppState>) -> HttpResponse {
    let answered = state
        .db
        .read(|c| c.batch_execute("SELECT 1").map_err(DbError::from))
        .await;
    match answered {
        Ok(()) => HttpResponse::Ok().json(json!({"status": "ok"})),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            HttpResponse::ServiceUnavailable().json(json!({"status": "unavailable"}))
        }
    }
}
