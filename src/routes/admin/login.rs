//! `/admin/login` and `/admin/logout`.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{
    CsrfForm, SESSION_COOKIE, csrf_refused, operator_lang, private_cookie, read_private_cookie,
    removal_cookie, safe_next, see_other,
};
use crate::auth::constant_time_eq;
use crate::domain::{SubscriberEmail, Token};
use crate::pages::Site;
use crate::pages::admin::LoginPage;
use crate::routes::body::{self, field};
use crate::routes::{AppState, ServerError, client_ip, error_page, render};
use crate::services::sessions::{self, LoginOutcome};

const LOGIN_COOKIE: &str = "assent_login";

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, ServerError> {
    let site = state.site().with_lang(operator_lang(&req));
    let next = query.next.as_deref().map(safe_next).unwrap_or_default();
    Ok(login_form(&state, &site, StatusCode::OK, "", None, next))
}

/// The form, with a fresh CSRF token in the field and in an encrypted cookie.
fn login_form(
    state: &AppState,
    site: &Site,
    status: StatusCode,
    email: &str,
    error: Option<&str>,
    next: &str,
) -> HttpResponse {
    let Ok(token) = Token::generate() else {
        return error_page(
            site,
            StatusCode::INTERNAL_SERVER_ERROR,
            &site.t("server-error-title"),
            &site.t("server-error"),
            None,
        );
    };
    let next = if next == "/admin" { "" } else { next };
    let mut response = render(
        status,
        &LoginPage {
            site,
            email,
            error,
            csrf_token: token.expose(),
            next,
        },
    );
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    let cookie = private_cookie(state, LOGIN_COOKIE, token.expose().to_owned());
    let _ = response.add_cookie(&cookie);
    response
}

pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    let site = state.site().with_lang(operator_lang(&req));
    let Ok(fields) = body::read_form(&req, payload).await else {
        return Ok(csrf_refused(&site));
    };
    let expected = read_private_cookie(&req, &state, LOGIN_COOKIE);
    let sent = field(&fields, "csrf_token");
    let csrf_ok = matches!((&expected, sent), (Some(e), Some(s)) if constant_time_eq(e.as_bytes(), s.as_bytes()));
    if !csrf_ok {
        return Ok(csrf_refused(&site));
    }
    let typed_email = field(&fields, "email")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let password = field(&fields, "password").unwrap_or_default().to_owned();
    let next = safe_next(field(&fields, "next").unwrap_or_default()).to_owned();
    // Failures are counted by client as every limit counts one: an IPv6
    // client by its /64, which it could otherwise walk through.
    let client = client_ip(&req)
        .map(|ip| crate::rate_limit::client_key(ip).to_string())
        .unwrap_or_default();
    // Accounts are stored with their address parsed like a subscriber's.
    let email = SubscriberEmail::parse(&typed_email)
        .map(|e| e.as_str().to_owned())
        .unwrap_or_else(|_| typed_email.clone());

    let outcome = sessions::login(&state.services, email, password, client).await?;
    let (status, title, message, retry_after) = match outcome {
        LoginOutcome::SignedIn { token } => {
            let mut response = see_other(&next);
            let _ = response.add_cookie(&private_cookie(
                &state,
                SESSION_COOKIE,
                token.expose().to_owned(),
            ));
            let _ = response.add_cookie(&removal_cookie(&state, LOGIN_COOKIE));
            return Ok(response);
        }
        LoginOutcome::Refused => {
            return Ok(login_form(
                &state,
                &site,
                StatusCode::UNAUTHORIZED,
                &typed_email,
                Some(&site.t("admin-login-error")),
                &next,
            ));
        }
        LoginOutcome::Throttled { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            "admin-login-throttled-title",
            "admin-login-throttled",
            retry_after,
        ),
        LoginOutcome::Busy { retry_after } => (
            StatusCode::SERVICE_UNAVAILABLE,
            "admin-login-busy-title",
            "admin-login-busy",
            retry_after,
        ),
    };
    let mut response = error_page(&site, status, &site.t(title), &site.t(message), None);
    let seconds = retry_after.as_secs().max(1);
    if let Ok(value) = header::HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    Ok(response)
}

pub async fn logout(form: CsrfForm) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, .. } = form;
    let state = signed_in.state.clone();
    sessions::logout(&state.services, &signed_in.session).await?;
    let mut response = see_other("/admin/login");
    let _ = response.add_cookie(&removal_cookie(&state, SESSION_COOKIE));
    Ok(response)
}
