//! The JSON API: the public `POST /api/v1/subscribe`, and the routes for
//! scripts that hold a token (contract §13).

mod challenge;
mod openapi;
mod scripts;
pub mod subscribe;

use actix_web::web;

pub use subscribe::subscribe;

use super::read;

/// The routes for scripts; each answers JSON, errors included.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/subscribers", read().to(scripts::subscribers))
        .service(
            web::resource("/api/v1/subscribers/{email}")
                .route(read().to(scripts::subscriber))
                .route(web::delete().to(scripts::erase)),
        )
        .route("/api/v1/lists", read().to(scripts::lists))
        .route("/api/v1/challenge", read().to(challenge::challenge))
        .route("/api/v1/openapi.json", read().to(openapi::document));
}
