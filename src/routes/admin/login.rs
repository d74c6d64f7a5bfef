//! `/admin/login` and `/admin/logout`.

use std::time::Duration;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{
    SESSION_COOKIE, SignedIn, csrf_refused, private_cookie, read_private_cookie, removal_cookie,
    safe_next, see_other,
};
use crate::auth::{constant_time_eq, verify_password};
use crate::db::{admins, audit, now_ms};
use crate::domain::{SubscriberEmail, Token};
use crate::double_opt_in::FlowError;
use crate::pages::admin::LoginPage;
use crate::routes::body::{self, field};
use crate::routes::{AppState, ServerError, client_ip, error_page, render};

const LOGIN_COOKIE: &str = "assent_login";
/// Failures counted per account and per client…
const MAX_FAILURES: i64 = 10;
/// …within this window.
const WINDOW_MS: i64 = 15 * 60 * 1000;
const GENERIC_FAILURE: &str = "That address and password do not match an operator account.";

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn page(
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, ServerError> {
    let next = query.next.as_deref().map(safe_next).unwrap_or_default();
    Ok(login_form(&state, StatusCode::OK, "", None, next))
}

/// The form, with a fresh CSRF token in the field and in an encrypted cookie.
fn login_form(
    state: &AppState,
    status: StatusCode,
    email: &str,
    error: Option<&str>,
    next: &str,
) -> HttpResponse {
    let Ok(token) = Token::generate() else {
        return error_page(
            &state.site,
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "Please try again.",
            None,
        );
    };
    let next = if next == "/admin" { "" } else { next };
    let mut response = render(
        status,
        &LoginPage {
            site: &state.site,
            email,
            error,
            csrf_token: token.as_str(),
            next,
        },
    );
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    let cookie = private_cookie(state, LOGIN_COOKIE, token.as_str().to_owned());
    let _ = response.add_cookie(&cookie);
    response
}

pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    let Ok(fields) = body::read_form(&req, payload).await else {
        return Ok(csrf_refused(&state));
    };
    let expected = read_private_cookie(&req, &state, LOGIN_COOKIE);
    let sent = field(&fields, "csrf_token");
    let csrf_ok = matches!((&expected, sent), (Some(e), Some(s)) if constant_time_eq(e.as_bytes(), s.as_bytes()));
    if !csrf_ok {
        return Ok(csrf_refused(&state));
    }
    let typed_email = field(&fields, "email")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let password = field(&fields, "password").unwrap_or_default().to_owned();
    let next = safe_next(field(&fields, "next").unwrap_or_default()).to_owned();
    let client = client_ip(&req).map(|ip| ip.to_string()).unwrap_or_default();
    // Accounts are stored with their address parsed like a subscriber's.
    let email = SubscriberEmail::parse(&typed_email)
        .map(|e| e.as_str().to_owned())
        .unwrap_or_else(|_| typed_email.clone());

    let now = now_ms();
    let since = now - WINDOW_MS;
    let (account, from, oldest, admin) = {
        let (email, client) = (email.clone(), client.clone());
        state
            .db
            .read(move |c| {
                let (account, from) = admins::recent_failures(c, &email, &client, since)?;
                let oldest = admins::oldest_failure(c, &email, &client, since)?;
                let admin = admins::by_email(c, &email)?;
                Ok::<_, FlowError>((account, from, oldest, admin))
            })
            .await?
    };
    if account >= MAX_FAILURES || from >= MAX_FAILURES {
        tracing::warn!(%client, "admin login throttled");
        let wait = oldest.map_or(WINDOW_MS, |t| t + WINDOW_MS - now).max(1000);
        let mut response = error_page(
            &state.site,
            StatusCode::TOO_MANY_REQUESTS,
            "Too many failed sign-ins",
            "Sign-in is paused for this account or this connection after too many failed attempts. Please try again later.",
            None,
        );
        let seconds = Duration::from_millis(wait as u64).as_secs().max(1);
        if let Ok(value) = header::HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return Ok(response);
    }

    let stored = admin.as_ref().map(|a| a.password_hash.clone());
    let verified =
        tokio::task::spawn_blocking(move || verify_password(stored.as_deref(), &password))
            .await
            .unwrap_or(false);
    let Some(admin) = admin.filter(|_| verified) else {
        tracing::warn!(%client, "failed admin login");
        let (email, client) = (email.clone(), client.clone());
        state
            .db
            .write(move |c| Ok::<_, FlowError>(admins::record_failure(c, &email, &client, now)?))
            .await?;
        return Ok(login_form(
            &state,
            StatusCode::UNAUTHORIZED,
            &typed_email,
            Some(GENERIC_FAILURE),
            &next,
        ));
    };

    let (session, csrf) = match (Token::generate(), Token::generate()) {
        (Ok(s), Ok(c)) => (s, c),
        (Err(e), _) | (_, Err(e)) => return Err(FlowError::from(e).into()),
    };
    let hash = session.hash();
    let csrf_value = csrf.as_str().to_owned();
    let admin_email = admin.email.clone();
    state
        .db
        .write(move |c| {
            admins::create_session(c, admin.id, hash.as_bytes(), &csrf_value, now)?;
            audit::record(c, &admin_email, "login", "operators' area", "", now)?;
            admins::delete_idle_sessions(c, now - super::SESSION_IDLE_MS)?;
            admins::delete_old_failures(c, now - WINDOW_MS)?;
            Ok::<_, FlowError>(())
        })
        .await?;
    let mut response = see_other(&next);
    let _ = response.add_cookie(&private_cookie(
        &state,
        SESSION_COOKIE,
        session.as_str().to_owned(),
    ));
    let _ = response.add_cookie(&removal_cookie(&state, LOGIN_COOKIE));
    Ok(response)
}

pub async fn logout(
    signed_in: SignedIn,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    let state = signed_in.state.clone();
    if signed_in.checked_form(&req, payload).await.is_none() {
        return Ok(csrf_refused(&state));
    }
    let id = signed_in.session.id;
    let email = signed_in.session.email.clone();
    let now = now_ms();
    state
        .db
        .write(move |c| {
            admins::delete_session(c, id)?;
            audit::record(c, &email, "logout", "operators' area", "", now)?;
            Ok::<_, FlowError>(())
        })
        .await?;
    let mut response = see_other("/admin/login");
    let _ = response.add_cookie(&removal_cookie(&state, SESSION_COOKIE));
    Ok(response)
}
