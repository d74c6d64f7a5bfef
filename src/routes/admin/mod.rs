//! The operators' area (contract §6).
//!
//! Sessions live in the database (so logout ends them, on every process) and
//! their id travels in a cookie encrypted and signed with the secret key.
//! Every POST carries the session's CSRF token in a hidden field.

mod audit;
mod broadcasts;
mod dashboard;
mod deliverability;
pub mod deliveries;
mod fields;
mod import;
mod lists;
mod login;
mod media;
mod segments;
mod sequences;
mod settings;
mod subscribers;
mod templates;
mod tokens;
mod webhooks;

use std::future::Future;
use std::pin::Pin;

use actix_web::body::BoxBody;
use actix_web::cookie::{Cookie, CookieJar, SameSite};
use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};

use super::{AppState, ServerError, error_page, read};
use crate::auth::constant_time_eq;
use crate::db::admins::Session;
use crate::domain::{Evidence, Token};
use crate::i18n::Lang;
use crate::pages::Site;
use crate::pages::admin::Nav;
use crate::services::{Operator, ServiceError, sessions};

pub const SESSION_COOKIE: &str = "assent_session";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/admin")
            .route("", read().to(dashboard::show))
            .route("/", read().to(dashboard::show))
            .route("/login", read().to(login::page))
            .route("/login", web::post().to(login::submit))
            .route("/logout", web::post().to(login::logout))
            .route("/subscribers", read().to(subscribers::search))
            .route("/subscribers/bulk", web::post().to(subscribers::bulk))
            .route("/subscribers/{id}", read().to(subscribers::show))
            .route(
                "/subscribers/{id}/fields",
                web::post().to(subscribers::save_fields),
            )
            .route(
                "/subscribers/{id}/consent.json",
                read().to(subscribers::consent_json),
            )
            .route(
                "/subscribers/{id}/erase",
                web::post().to(subscribers::erase),
            )
            .route(
                "/subscribers/{id}/subscriptions/{sid}/resend",
                web::post().to(subscribers::resend),
            )
            .route(
                "/subscribers/{id}/subscriptions/{sid}/unsubscribe",
                web::post().to(subscribers::unsubscribe),
            )
            .route("/export.csv", read().to(subscribers::export_csv))
            .route("/lists", read().to(lists::index))
            .route("/lists", web::post().to(lists::create))
            .route("/lists/{id}", read().to(lists::show))
            .route("/lists/{id}", web::post().to(lists::update))
            .route("/lists/{id}/archive", web::post().to(lists::archive))
            .route("/deliveries", read().to(deliveries::index))
            .route("/deliverability", read().to(deliverability::page))
            .route("/media", read().to(media::index))
            .route("/media", web::post().to(media::upload))
            .route("/media/{id}/delete", web::post().to(media::delete))
            .route("/broadcasts", read().to(broadcasts::index))
            .route("/broadcasts", web::post().to(broadcasts::create))
            .route("/sequences", read().to(sequences::index))
            .route("/sequences", web::post().to(sequences::create))
            .route("/sequences/{id}", read().to(sequences::show))
            .route("/sequences/{id}/steps", web::post().to(sequences::add_step))
            .route("/sequences/{id}/steps/{n}", read().to(sequences::step))
            .route(
                "/sequences/{id}/steps/{n}",
                web::post().to(sequences::edit_step),
            )
            .route("/sequences/{id}/pause", web::post().to(sequences::pause))
            .route("/sequences/{id}/resume", web::post().to(sequences::resume))
            .route("/broadcasts/new", read().to(broadcasts::new))
            .route("/broadcasts/preview", web::post().to(broadcasts::preview))
            .route("/broadcasts/{id}", read().to(broadcasts::show))
            .route("/broadcasts/{id}", web::post().to(broadcasts::update))
            .route("/broadcasts/{id}/test", web::post().to(broadcasts::test))
            .route("/broadcasts/{id}/send", web::post().to(broadcasts::send))
            .route("/broadcasts/{id}/pause", web::post().to(broadcasts::pause))
            .route("/broadcasts/{id}/clone", web::post().to(broadcasts::clone))
            .route("/broadcasts/{id}/retry", web::post().to(broadcasts::retry))
            .route(
                "/broadcasts/{id}/delete",
                web::post().to(broadcasts::delete),
            )
            .route(
                "/broadcasts/{id}/resume",
                web::post().to(broadcasts::resume),
            )
            .route(
                "/broadcasts/{id}/cancel",
                web::post().to(broadcasts::cancel),
            )
            .route("/import", read().to(import::page))
            .route("/import", web::post().to(import::upload))
            .route("/import/{id}", read().to(import::status))
            .route("/audit", read().to(audit::index))
            .route("/webhooks", read().to(webhooks::index))
            .route("/settings", read().to(settings::page))
            .route("/settings", web::post().to(settings::save))
            .route("/segments", read().to(segments::index))
            .route("/segments", web::post().to(segments::create))
            .route("/segments/{id}", read().to(segments::show))
            .route("/segments/{id}", web::post().to(segments::update))
            .route("/segments/{id}/delete", web::post().to(segments::delete))
            .route("/fields", read().to(fields::index))
            .route("/fields", web::post().to(fields::create))
            .route("/fields/{key}", read().to(fields::edit_page))
            .route("/fields/{key}", web::post().to(fields::update))
            .route("/templates", read().to(templates::index))
            .route("/templates/{kind}/{lang}", read().to(templates::page))
            .route("/templates/{kind}/{lang}", web::post().to(templates::save))
            .route(
                "/templates/{kind}/{lang}/preview",
                read().to(templates::preview_current),
            )
            .route(
                "/templates/{kind}/{lang}/preview",
                web::post().to(templates::preview_sent),
            )
            .route(
                "/templates/{kind}/{lang}/restore",
                web::post().to(templates::restore),
            )
            .route(
                "/templates/{kind}/{lang}/reset",
                web::post().to(templates::reset),
            )
            .route("/tokens", read().to(tokens::index))
            .route("/tokens/revoke", web::post().to(tokens::revoke)),
    );
}

/// The signed-in operator of a request. Without a valid session, the
/// request is answered with a redirect to the login page.
pub struct SignedIn {
    pub session: Session,
    pub state: web::Data<AppState>,
    pub evidence: Evidence,
    /// What the browser's `Accept-Language` asks for.
    pub lang: Lang,
}

/// The operators' language: the browser's `Accept-Language`, English when
/// it asks for none that assent speaks (contract §12).
pub fn operator_lang(req: &HttpRequest) -> Lang {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::ENGLISH, Lang::negotiate)
}

impl SignedIn {
    /// The site, in the operator's language, for a page.
    pub fn site(&self) -> Site {
        self.state.site().with_lang(self.lang)
    }

    pub fn nav<'a>(&'a self, active: &'a str) -> Nav<'a> {
        Nav {
            email: &self.session.email,
            csrf_token: &self.session.csrf_token,
            active,
        }
    }

    /// Who acts, for the services: this operator, from this request.
    pub fn operator(&self) -> Operator {
        Operator {
            email: self.session.email.clone(),
            evidence: self.evidence.clone(),
        }
    }

    /// Whether a form's token is this session's.
    pub fn csrf_ok(&self, token: Option<&str>) -> bool {
        token.is_some_and(|t| constant_time_eq(t.as_bytes(), self.session.csrf_token.as_bytes()))
    }

    /// The fields of a POSTed form that carries this session's CSRF
    /// token; otherwise the page that says why nothing was done: too
    /// large (413), unreadable (400), or not from this session (403).
    async fn checked_form(
        &self,
        req: &HttpRequest,
        payload: web::Payload,
    ) -> Result<Vec<(String, String)>, HttpResponse> {
        use super::body::{BodyError, MAX_ADMIN_BODY, field, read_form_up_to};
        let site = self.site();
        match read_form_up_to(req, payload, MAX_ADMIN_BODY).await {
            Ok(fields) if self.csrf_ok(field(&fields, "csrf_token")) => Ok(fields),
            Ok(_) => Err(csrf_refused(&site)),
            Err(BodyError::TooLarge) => Err(error_page(
                &site,
                StatusCode::PAYLOAD_TOO_LARGE,
                &site.t("admin-form-too-large-title"),
                &site.t("admin-form-too-large"),
                Some(("/admin", &site.t("admin-back-to-dashboard"))),
            )),
            Err(_) => Err(error_page(
                &site,
                StatusCode::BAD_REQUEST,
                &site.t("admin-form-unreadable-title"),
                &site.t("admin-form-unreadable"),
                Some(("/admin", &site.t("admin-back-to-dashboard"))),
            )),
        }
    }
}

/// Why a request did not reach an operator's page.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error("sign-in required")]
    SignInRequired { next: String },
    #[error(transparent)]
    Server(#[from] ServiceError),
}

impl ResponseError for AccessError {
    fn status_code(&self) -> StatusCode {
        match self {
            AccessError::SignInRequired { .. } => StatusCode::SEE_OTHER,
            AccessError::Server(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        match self {
            AccessError::SignInRequired { next } => {
                let location = if next.is_empty() || next == "/admin" {
                    "/admin/login".to_owned()
                } else {
                    format!("/admin/login?next={}", urlencode(next))
                };
                HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, location))
                    .insert_header((header::CACHE_CONTROL, "no-store"))
                    .finish()
            }
            AccessError::Server(e) => ServerError::from_service(e),
        }
    }
}

impl FromRequest for SignedIn {
    type Error = AccessError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let next = if req.method() == actix_web::http::Method::GET {
                req.uri()
                    .path_and_query()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let denied = || AccessError::SignInRequired { next: next.clone() };
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(denied)?;
            let token = read_private_cookie(&req, &state, SESSION_COOKIE)
                .and_then(|v| Token::parse(&v))
                .ok_or_else(denied)?;
            let session = sessions::current(&state.services, token)
                .await?
                .ok_or_else(denied)?;
            let evidence = super::evidence(&req, "/admin");
            Ok(SignedIn {
                session,
                state,
                evidence,
                lang: operator_lang(&req),
            })
        })
    }
}

/// A POSTed form of the operators' area, from a signed-in operator, that
/// carries the session's CSRF token. Otherwise the request is answered
/// with the page that says why nothing was done: the sign-in page (303),
/// too large (413), unreadable (400), or not from this session (403).
pub struct CsrfForm {
    pub signed_in: SignedIn,
    pub fields: Vec<(String, String)>,
}

impl FromRequest for CsrfForm {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let signed_in = SignedIn::from_request(req, payload);
        let body = web::Payload::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let signed_in = signed_in.await?;
            let body = body.await?;
            match signed_in.checked_form(&req, body).await {
                Ok(fields) => Ok(CsrfForm { signed_in, fields }),
                Err(refused) => Err(actix_web::error::InternalError::from_response(
                    "the form was refused",
                    refused,
                )
                .into()),
            }
        })
    }
}

/// The decrypted value of one of our private cookies.
pub fn read_private_cookie(req: &HttpRequest, state: &AppState, name: &str) -> Option<String> {
    let cookie = req.cookie(name)?;
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    jar.private(&state.cookie_key)
        .get(name)
        .map(|c| c.value().to_owned())
}

/// A cookie encrypted and signed with the secret key: HttpOnly,
/// SameSite=Strict, Secure on https, scoped to /admin.
pub fn private_cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    let mut jar = CookieJar::new();
    let cookie = Cookie::build(name, value)
        .path("/admin")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.secure_cookies)
        .finish();
    jar.private_mut(&state.cookie_key).add(cookie);
    jar.get(name)
        .cloned()
        .unwrap_or_else(|| Cookie::new(name, ""))
}

/// A cookie that tells the browser to forget `name`.
pub fn removal_cookie(state: &AppState, name: &'static str) -> Cookie<'static> {
    let mut cookie = Cookie::build(name, "")
        .path("/admin")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.secure_cookies)
        .finish();
    cookie.make_removal();
    cookie
}

/// 403: the form did not carry this session's CSRF token.
pub fn csrf_refused(site: &Site) -> HttpResponse {
    error_page(
        site,
        StatusCode::FORBIDDEN,
        &site.t("admin-form-expired-title"),
        &site.t("admin-form-expired"),
        Some(("/admin", &site.t("admin-back-to-dashboard"))),
    )
}

pub fn not_found(site: &Site) -> HttpResponse {
    error_page(
        site,
        StatusCode::NOT_FOUND,
        &site.t("admin-not-found-title"),
        &site.t("admin-not-found"),
        Some(("/admin", &site.t("admin-back-to-dashboard"))),
    )
}

/// A stored time (Unix milliseconds) as an operator reads it.
pub fn when(site: &Site, ms: i64) -> String {
    site.date_time(ms.div_euclid(1000))
}

/// 303 to a page of the operators' area.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

/// Only plain paths inside the operators' area may be a `next` target, so
/// the login form cannot be used to send someone elsewhere (`//host`, or
/// `/admin/../..` that a browser resolves out of it), nor put a line break
/// into a `Location` header.
pub fn safe_next(next: &str) -> &str {
    let inside = next == "/admin" || next.starts_with("/admin/") || next.starts_with("/admin?");
    let plain = next.bytes().all(|b| b.is_ascii_graphic());
    let path = next.split(['?', '#']).next().unwrap_or_default();
    let dots = path.split('/').any(|segment| {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        decoded == "." || decoded == ".."
    });
    let lower = path.to_ascii_lowercase();
    let encoded_slash = lower.contains("%2f") || lower.contains("%5c");
    if inside && plain && !dots && !encoded_slash && !next.contains("//") && !next.contains('\\') {
        next
    } else {
        "/admin"
    }
}

pub fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Renders a page for an operator: never cached.
pub fn admin_page(page: &impl askama::Template) -> HttpResponse {
    let mut response = super::render(StatusCode::OK, page);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn a_next_that_leaves_the_operators_area_goes_to_the_dashboard() {
        for next in [
            "/admin/../../x",
            "/admin/..",
            "/admin/%2e%2e/x",
            "/admin/.%2E/x",
            "/admin/./x",
            "/admin/%2f%2fevil.test",
            "//evil.test/admin",
            "/admin\\..\\x",
            "https://evil.test/admin",
        ] {
            assert_eq!(safe_next(next), "/admin", "{next}");
        }
        for next in ["/admin", "/admin/subscribers?q=a..b", "/admin/lists/3"] {
            assert_eq!(safe_next(next), next);
        }
    }
}
