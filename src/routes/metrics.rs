//! `GET /metrics`: the Prometheus exposition (contract §13), for a scraper
//! on the same machine or one that presents `ASSENT_METRICS_TOKEN`. To
//! anyone else the route does not exist.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::ExposeSecret;

use super::{AppState, ServerError};
use crate::auth::constant_time_eq;
use crate::db::outbox;
use crate::metrics::Format;
use crate::services::ServiceError;

/// Counting the queued messages reads every one of them; a scraper that
/// asks more often than this gets the last count again.
const DEPTH_REUSE: Duration = Duration::from_secs(5);

pub async fn scrape(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ServerError> {
    let clock = state.services.clock.clone();
    if !allowed(&state, &req) {
        return Ok(super::not_found(state, req).await);
    }
    let metrics = &state.services.metrics;
    let (depth, oldest) = match metrics.recent_depth(DEPTH_REUSE) {
        Some(depth) => depth,
        None => {
            let depth = state
                .services
                .db
                .read(|c| outbox::depth(c).map_err(ServiceError::from))
                .await?;
            metrics.keep_depth(depth.clone());
            depth
        }
    };
    let age = oldest.map(|created| {
        Duration::from_millis(clock.now().ms().saturating_sub(created).max(0) as u64)
    });
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    let format = Format::from_accept(accept);
    let body = metrics.render(format, &depth, age);
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// Headers a reverse proxy adds to say whom it speaks for.
const FORWARDING: [&str; 5] = [
    "x-forwarded-for",
    "forwarded",
    "x-real-ip",
    "x-forwarded-host",
    "x-client-ip",
];

/// A loopback peer that no proxy speaks for, or the right bearer token. A
/// request a local reverse proxy forwards comes from loopback too, so any
/// forwarding header marks it as someone else's.
fn allowed(state: &AppState, req: &HttpRequest) -> bool {
    let headers = req.headers();
    let forwarded = FORWARDING.iter().any(|name| headers.contains_key(*name));
    let local = req.peer_addr().is_some_and(|peer| peer.ip().is_loopback());
    if local && !forwarded {
        return true;
    }
    let Some(token) = &state.metrics_token else {
        return false;
    };
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| {
            constant_time_eq(given.trim().as_bytes(), token.expose_secret().as_bytes())
        })
}
