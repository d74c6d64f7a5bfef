//! `/unsubscribe/{token}`: GET shows the button; POST unsubscribes, from the
//! page's button or from a mail client's RFC 8058 one-click request.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::body::{self, BodyError};
use super::link::{self, Link};
use super::{AppState, ServerError, error_page, evidence, render, with_token_headers};
use crate::domain::Channel;
use crate::domain::message::Unsubscribe;
use crate::pages::{UnsubscribePage, UnsubscribedPage};
use crate::services::double_opt_in::{self, UnsubscribeState};

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, ServerError> {
    if token.as_str() == Unsubscribe::TEST_COPY {
        return Ok(with_token_headers(test_copy(&state)));
    }
    let Some(Link { link, .. }) = Link::parse(&token) else {
        return Ok(link::not_found(&req));
    };
    let found = double_opt_in::inspect_unsubscribe(&state.services, link).await?;
    let own_page = format!("/me/{token}");
    let response = match found {
        UnsubscribeState::Subscribed { list } => render(
            StatusCode::OK,
            &UnsubscribePage {
                site: &state.site().with_lang(list.lang),
                list_name: &list.name,
                already_unsubscribed: false,
                own_page: &own_page,
            },
        ),
        UnsubscribeState::AlreadyUnsubscribed { list } => render(
            StatusCode::OK,
            &UnsubscribePage {
                site: &state.site().with_lang(list.lang),
                list_name: &list.name,
                already_unsubscribed: true,
                own_page: &own_page,
            },
        ),
        UnsubscribeState::NotFound => link::not_found(&req),
    };
    Ok(with_token_headers(response))
}

/// Needs no cookie, CSRF token or Origin, and never redirects: mail
/// providers send the one-click POST from their own servers.
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    if token.as_str() == Unsubscribe::TEST_COPY {
        return Ok(with_token_headers(test_copy(&state)));
    }
    let Some(Link { link, .. }) = Link::parse(&token) else {
        return Ok(link::not_found(&req));
    };
    let channel = match body::read_form(&req, payload).await {
        Ok(fields) if body::field(&fields, "List-Unsubscribe") == Some("One-Click") => {
            Channel::OneClick
        }
        Err(BodyError::TooLarge) => {
            let site = &state.site();
            return Ok(with_token_headers(error_page(
                site,
                StatusCode::PAYLOAD_TOO_LARGE,
                &site.t("too-large-title"),
                &site.t("request-too-large"),
                None,
            )));
        }
        Err(BodyError::TimedOut) => {
            let site = &state.site();
            return Ok(with_token_headers(error_page(
                site,
                StatusCode::REQUEST_TIMEOUT,
                &site.t("request-timeout-title"),
                &site.t("press-again"),
                None,
            )));
        }
        // The act is the POST itself; whatever else the body holds does not matter.
        _ => Channel::UnsubscribePage,
    };
    let source = match channel {
        Channel::OneClick => "List-Unsubscribe-Post",
        _ => "/unsubscribe",
    };
    let proof = evidence(&req, source);
    let outcome = double_opt_in::unsubscribe(&state.services, link, channel, proof).await?;
    let response = match outcome {
        UnsubscribeState::Subscribed { list } | UnsubscribeState::AlreadyUnsubscribed { list } => {
            let signup_url = format!("/subscribe?list={}", list.slug);
            let own_page = format!("/me/{token}");
            render(
                StatusCode::OK,
                &UnsubscribedPage {
                    site: &state.site().with_lang(list.lang),
                    list_name: &list.name,
                    signup_url: &signup_url,
                    own_page: &own_page,
                },
            )
        }
        UnsubscribeState::NotFound => link::not_found(&req),
    };
    Ok(with_token_headers(response))
}

/// `GET /me/test-copy`: the own-page link of a test copy or a template's
/// preview, which belongs to nobody.
pub async fn test_copy_own_page(state: web::Data<AppState>) -> HttpResponse {
    with_token_headers(test_copy(&state))
}

/// The link of a broadcast's test copy: the operator who asked for it has
/// no subscription to end, and is told so.
fn test_copy(state: &AppState) -> HttpResponse {
    let site = &state.site();
    error_page(
        site,
        StatusCode::OK,
        &site.t("test-copy-title"),
        &site.t("test-copy"),
        None,
    )
}
