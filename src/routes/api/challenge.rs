//! `GET /api/v1/challenge`: a proof-of-work challenge for one signup.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::routes::AppState;

/// A new ALTCHA challenge, good for one signup within ten minutes. Making
/// one stores nothing: it is signed, and checked by its signature.
#[utoipa::path(
    get,
    path = "/api/v1/challenge",
    tag = "signup",
    responses(
        (status = 200, description = "A challenge to solve, for the `altcha` key of a signup", body = serde_json::Value,
         example = json!({"algorithm": "SHA-256", "challenge": "5e8c…", "salt": "3f1a…?expires=1764720000&", "signature": "9b2d…", "maxnumber": 20000})),
        (status = 404, description = "Proof of work is off (`ASSENT_POW`)", body = super::openapi::ErrorBody),
    )
)]
pub async fn challenge(state: web::Data<AppState>) -> HttpResponse {
    let Some(pow) = state.services.pow() else {
        return HttpResponse::NotFound()
            .json(json!({"error": {"message": "proof of work is off on this server"}}));
    };
    match pow.challenge_at(state.services.clock.now().ms()) {
        Ok(challenge) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            // The form embedded on another site asks for it from there.
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
            .json(challenge),
        Err(e) => {
            tracing::error!(error = %e, "making a challenge");
            HttpResponse::InternalServerError()
                .json(json!({"error": {"message": "internal error, please retry later"}}))
        }
    }
}
