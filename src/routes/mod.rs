//! HTTP: every public route of contract §3, and what they share.

pub mod admin;
pub mod api;
mod archive;
mod assets;
pub mod body;
pub mod client_cap;
mod confirm;
mod health;
pub mod link;
mod media;
mod metrics;
mod preferences;
mod signup;
mod unsubscribe;
mod webhooks;

use std::net::IpAddr;
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, ResponseError, guard, web};
use askama::Template;

use crate::domain::Evidence;
use crate::i18n::Lang;
use crate::pages::{CollectionNotice, ErrorPage, Site};
use crate::rate_limit::RateLimiter;
use crate::services::{ServiceError, Services};

/// What every handler can reach.
pub struct AppState {
    pub services: Arc<Services>,
    pub limiter: RateLimiter,
    /// Reverse proxies whose `X-Forwarded-For` names the real client.
    pub trusted_proxies: Vec<IpAddr>,
    /// Encrypts and signs the operators' cookies.
    pub cookie_key: actix_web::cookie::Key,
    /// Mark cookies Secure: the public origin is https.
    pub secure_cookies: bool,
    /// Bounds the imports being uploaded at once.
    pub uploads: tokio::sync::Semaphore,
    /// Requests in progress per client.
    pub in_flight: client_cap::InFlight,
    /// `ASSENT_BOUNCE_SECRET`; the bounce webhook answers 404 without it.
    pub bounce_secret: Option<secrecy::SecretString>,
    /// `ASSENT_BOUNCE_SIGNING_KEY`, checked on a provider's notification.
    pub bounce_signing_key: Option<crate::domain::provider_signature::BounceSigningKey>,
    /// `ASSENT_METRICS_TOKEN`: `/metrics` for scrapers off this machine.
    pub metrics_token: Option<secrecy::SecretString>,
}

impl AppState {
    /// The site in its default language, named as the policy in force says.
    pub fn site(&self) -> Site {
        let policy = self.services.policy();
        Site {
            org_name: policy.org_name.clone(),
            lang: policy.default_lang,
            timezone: policy.timezone.clone(),
        }
    }

    /// What the signup form says about the collection (GDPR art. 13).
    pub fn notice(&self) -> CollectionNotice {
        let policy = self.services.policy();
        CollectionNotice {
            org_name: policy.org_name.clone(),
            org_address: policy.org_address.clone(),
            pending_retention: policy.clocks.pending_retention,
            reconfirm_after: policy.clocks.reconfirm_after,
            policy_url: policy.privacy_url.as_ref().map(ToString::to_string),
        }
    }
}

pub fn configure(cfg: &mut web::ServiceConfig, cors_origins: &[String]) {
    let mut cors = Cors::default()
        .allowed_methods(["POST"])
        .allowed_header(header::CONTENT_TYPE)
        .max_age(3600);
    for origin in cors_origins {
        cors = cors.allowed_origin(origin);
    }
    cfg.app_data(web::PathConfig::default().error_handler(|error, req| {
        // A path that names no row: an id that is not a number, say.
        refused_extraction(error.into(), req, StatusCode::NOT_FOUND)
    }))
    .app_data(
        web::QueryConfig::default().error_handler(|error, req| {
            refused_extraction(error.into(), req, StatusCode::BAD_REQUEST)
        }),
    )
    .route("/", read().to(signup::page))
    .service(
        web::resource("/subscribe")
            .route(read().to(signup::page))
            .route(web::post().to(signup::submit)),
    )
    .service(
        web::resource("/api/v1/subscribe")
            .wrap(cors)
            .route(web::post().to(api::subscribe)),
    )
    .service(
        web::resource("/confirm/{token}")
            .route(read().to(confirm::page))
            .route(web::post().to(confirm::submit)),
    )
    .service(
        web::resource("/unsubscribe/{token}")
            .route(read().to(unsubscribe::page))
            .route(web::post().to(unsubscribe::submit)),
    )
    .service(
        web::resource("/reconfirm/{token}")
            .route(read().to(preferences::keep_page_get))
            .route(web::post().to(preferences::keep)),
    )
    .route("/me/test-copy", read().to(unsubscribe::test_copy_own_page))
    .route("/me/{token}", read().to(preferences::me))
    .route("/me/{token}/leave", web::post().to(preferences::leave))
    .route(
        "/me/{token}/fields",
        web::post().to(preferences::edit_fields),
    )
    .route("/me/{token}/rejoin", web::post().to(preferences::rejoin))
    .route(
        "/me/{token}/record",
        web::post().to(preferences::ask_record),
    )
    .route(
        "/me/{token}/erase",
        web::post().to(preferences::ask_erasure),
    )
    .route("/record/{token}", read().to(preferences::record))
    .service(
        web::resource("/erase/{token}")
            .route(read().to(preferences::erase_page))
            .route(web::post().to(preferences::erase)),
    )
    .route("/webhooks/bounce", web::post().to(webhooks::bounce))
    .configure(api::configure)
    .configure(admin::configure)
    .route("/healthz", read().to(health::check))
    .route("/metrics", read().to(metrics::scrape))
    .route("/static/{file}", read().to(assets::serve))
    .route("/media/{name}", read().to(media::serve))
    .route("/archive", read().to(archive::index))
    .route("/archive.atom", read().to(archive::feed))
    .route("/archive/{slug}", read().to(archive::issue))
    .default_service(web::to(not_found));
}

/// A route for `GET` and `HEAD`: whatever a page answers to one it answers
/// to the other, without the body.
pub fn read() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// The page for a request whose path or query does not parse, instead of
/// the parser's own words in plain text.
fn refused_extraction(
    error: actix_web::Error,
    req: &HttpRequest,
    status: StatusCode,
) -> actix_web::Error {
    let (title, message) = if status == StatusCode::NOT_FOUND {
        ("not-found-title", "not-found")
    } else {
        ("unreadable-title", "unreadable")
    };
    let response = match req.app_data::<web::Data<AppState>>() {
        Some(state) => {
            let site = page_site(state, req);
            error_page(
                &site,
                status,
                &site.t(title),
                &site.t(message),
                Some(("/", &site.t("to-signup-page"))),
            )
        }
        None => HttpResponse::build(status).finish(),
    };
    actix_web::error::InternalError::from_response(error, response).into()
}

async fn not_found(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let site = page_site(&state, &req);
    let read = req.method() == actix_web::http::Method::GET
        || req.method() == actix_web::http::Method::HEAD;
    let (status, title, message) = if read {
        (StatusCode::NOT_FOUND, "not-found-title", "not-found")
    } else {
        (
            StatusCode::METHOD_NOT_ALLOWED,
            "not-allowed-title",
            "not-allowed",
        )
    };
    error_page(
        &site,
        status,
        &site.t(title),
        &site.t(message),
        Some(("/", &site.t("to-signup-page"))),
    )
}

/// The site for a page that belongs to no list: the operators' language
/// under `/admin`, the public one elsewhere.
fn page_site(state: &AppState, req: &HttpRequest) -> Site {
    if req.path() == "/admin" || req.path().starts_with("/admin/") {
        state.site().with_lang(admin::operator_lang(req))
    } else {
        public_site(state, req)
    }
}

/// The site for a public page that no list decides the language of (a
/// link that opens nothing, an unknown path): the browser's language when
/// it asks for one of ours, else `ASSENT_DEFAULT_LANG`.
pub fn public_site(state: &AppState, req: &HttpRequest) -> Site {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::preferred)
        .map_or_else(|| state.site(), |lang| state.site().with_lang(lang))
}

/// Renders a page, or the plain 500 page if the template fails.
pub fn render(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(html) => HttpResponseBuilder::new(status)
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(e) => {
            tracing::error!(error = %e, "rendering a page");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("Something went wrong on our side. Please try again later.")
        }
    }
}

pub fn error_page(
    site: &Site,
    status: StatusCode,
    title: &str,
    message: &str,
    link: Option<(&str, &str)>,
) -> HttpResponse {
    render(
        status,
        &ErrorPage {
            site,
            status: status.as_u16(),
            title,
            message,
            link,
        },
    )
}

/// Pages reached through a secret link: never cached, never leaked to
/// another site through the Referer, never indexed.
pub fn with_token_headers(mut response: HttpResponse) -> HttpResponse {
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::HeaderName::from_static("x-robots-tag"),
        header::HeaderValue::from_static("noindex"),
    );
    response
}

/// The client's address: the peer, or, when the peer is a trusted reverse
/// proxy, the nearest address in `X-Forwarded-For` that is not one.
pub fn client_ip(req: &HttpRequest) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let trusted = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.trusted_proxies.as_slice())
        .unwrap_or_default();
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    // Read from the right: entries left of an untrusted hop are the client's
    // own claims and could be forged.
    for hop in forwarded.iter().rev() {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return Some(ip),
            Err(_) => break,
        }
    }
    Some(peer)
}

/// The request's part of a consent event. `source` names the page or form
/// when the browser did not say (no Referer).
pub fn evidence(req: &HttpRequest, source: &str) -> Evidence {
    let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    Evidence::new(
        client_ip(req).map(|ip| ip.to_string()),
        header(header::USER_AGENT),
        Some(header(header::REFERER).unwrap_or(source)),
    )
}

/// A failure of ours, not the client's: logged, answered with the 500 page.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ServerError(#[from] ServiceError);

impl ServerError {
    /// The 500 answer, for error types that wrap a `ServiceError`.
    pub fn from_service(error: &ServiceError) -> HttpResponse<BoxBody> {
        tracing::error!(%error, "request failed");
        HttpResponse::InternalServerError()
            .content_type("text/plain; charset=utf-8")
            .body("Something went wrong on our side. Please try again later.")
    }
}

impl ResponseError for ServerError {
    fn status_code(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        Self::from_service(&self.0)
    }
}

/// Gives every 5xx from a handler error the styled page.
pub fn server_error_page<B: actix_web::body::MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let (req, res) = res.into_parts();
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let is_api = req.path().starts_with("/api/");
    let response = match (is_html || is_api, req.app_data::<web::Data<AppState>>()) {
        (false, Some(state)) => {
            let site = page_site(state, &req);
            error_page(
                &site,
                res.status(),
                &site.t("server-error-title"),
                &site.t("server-error"),
                None,
            )
        }
        _ => res.map_into_boxed_body(),
    };
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}
