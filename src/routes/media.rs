//! `/media/{name}`: the images of broadcasts, to anyone who reads one.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{AppState, ServerError, error_page, public_site};
use crate::services::media;

/// A name is made from the content: what it shows never changes.
const CACHE: &str = "public, max-age=31536000, immutable";

pub async fn serve(
    state: web::Data<AppState>,
    req: HttpRequest,
    name: web::Path<String>,
) -> Result<HttpResponse, ServerError> {
    let Some((content_type, bytes)) = media::file(&state.services, name.into_inner()).await? else {
        let site = public_site(&state, &req);
        return Ok(error_page(
            &site,
            actix_web::http::StatusCode::NOT_FOUND,
            &site.t("not-found-title"),
            &site.t("not-found"),
            None,
        ));
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, CACHE))
        // Shown in mail readers and on other sites.
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .body(bytes))
}
