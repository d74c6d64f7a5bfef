//! The routes a mailed link leads to (`/confirm/…`, `/unsubscribe/…`,
//! `/me/…`, `/reconfirm/…`, `/record/…`, `/erase/…`): their token, parsed by
//! one extractor, and the one page of a link that opens nothing.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse};

use super::{error_page, public_site, with_token_headers};
use crate::domain::LinkRef;

/// The `{token}` of a link route, when it can be one of ours; otherwise the
/// request is answered with [`not_found`].
pub struct Link {
    pub link: LinkRef,
    token: String,
}

impl Link {
    /// The token as it came, to build the links of the page answered.
    pub fn token(&self) -> &str {
        &self.token
    }

    pub fn parse(token: &str) -> Option<Link> {
        LinkRef::parse(token).map(|link| Link {
            link,
            token: token.to_owned(),
        })
    }
}

impl FromRequest for Link {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = req.match_info().get("token").unwrap_or_default();
        ready(Link::parse(token).ok_or_else(|| {
            actix_web::error::InternalError::from_response("no such link", not_found(req)).into()
        }))
    }
}

/// The page of a link that opens nothing (unknown, or erased since), in
/// the browser's language: no list says which. What the link was for, read
/// from its path, picks the sentence.
pub fn not_found(req: &HttpRequest) -> HttpResponse {
    let Some(state) = req.app_data::<actix_web::web::Data<super::AppState>>() else {
        return HttpResponse::NotFound().finish();
    };
    let site = public_site(state, req);
    let (message, back) = match req.path().split('/').nth(1) {
        Some("confirm") => ("confirm-link-not-found", Some("/")),
        Some("unsubscribe") => ("unsubscribe-link-not-found", None),
        _ => ("link-not-valid", None),
    };
    let label = site.t("to-signup-page");
    with_token_headers(error_page(
        &site,
        StatusCode::NOT_FOUND,
        &site.t("link-not-found-title"),
        &site.t(message),
        back.map(|path| (path, label.as_str())),
    ))
}
