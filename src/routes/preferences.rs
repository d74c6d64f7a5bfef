//! The pages a person reaches with the unsubscribe link of any message
//! (contract §10): `/reconfirm/{token}` ("Keep me subscribed") and
//! `/me/{token}`, their own page. `GET` shows; only a pressed button (a
//! `POST`) acts.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::body::{self, BodyError};
use super::link::{self, Link};
use super::{AppState, ServerError, error_page, evidence, render, with_token_headers};
use crate::i18n::Lang;
use crate::pages::{ErasePage, FieldInput, KeepPage, OwnList, OwnPage};
use crate::services::preferences::{
    self, Asked, ByMail, Change, Changed, FieldsEdited, KeepState, Overview, OwnLinkState,
};

fn own_page(token: &str) -> String {
    format!("/me/{token}")
}

fn keep_page(state: &AppState, req: &HttpRequest, token: &str, found: KeepState) -> HttpResponse {
    let (list, what) = match found {
        KeepState::Subscribed { list } => (list, "asking"),
        KeepState::Kept { list } => (list, "kept"),
        KeepState::Ended { list } => (list, "ended"),
        KeepState::NotFound => return link::not_found(req),
    };
    let signup_url = format!("/subscribe?list={}", list.slug);
    let status = if what == "ended" {
        StatusCode::GONE
    } else {
        StatusCode::OK
    };
    render(
        status,
        &KeepPage {
            site: &state.site().with_lang(list.lang),
            list_name: &list.name,
            state: what,
            signup_url: &signup_url,
            own_page: &own_page(token),
        },
    )
}

pub async fn keep_page_get(
    state: web::Data<AppState>,
    req: HttpRequest,
    link: Link,
) -> Result<HttpResponse, ServerError> {
    let (token, link) = (link.token().to_owned(), link.link);
    let found = preferences::inspect_keep(&state.services, link).await?;
    Ok(with_token_headers(keep_page(&state, &req, &token, found)))
}

pub async fn keep(
    state: web::Data<AppState>,
    req: HttpRequest,
    link: Link,
) -> Result<HttpResponse, ServerError> {
    let (token, link) = (link.token().to_owned(), link.link);
    let found = preferences::keep(&state.services, link, evidence(&req, "/reconfirm")).await?;
    Ok(with_token_headers(keep_page(&state, &req, &token, found)))
}

fn overview_page(
    state: &AppState,
    token: &str,
    overview: &Overview,
    notice: Option<&str>,
) -> HttpResponse {
    overview_page_with(state, token, overview, notice, None)
}

/// What the person sent for their fields, and what is wrong with it.
type Refusal<'a> = (&'a BTreeMap<String, String>, &'a [(String, String)]);

/// The own page; with what the person sent and what is wrong with it
/// when an edit of their fields was refused (422).
fn overview_page_with(
    state: &AppState,
    token: &str,
    overview: &Overview,
    notice: Option<&str>,
    refused: Option<Refusal<'_>>,
) -> HttpResponse {
    let site = state.site().with_lang(overview.lang);
    let defs = state.services.fields.get();
    let fields = match refused {
        Some((sent, errors)) => FieldInput::list(&defs, site.lang, sent, errors),
        None => FieldInput::list(&defs, site.lang, &overview.fields, &[]),
    };
    let lists: Vec<OwnList> = overview
        .lists
        .iter()
        .map(|l| OwnList {
            slug: l.list.slug.clone(),
            name: l.list.name.clone(),
            status: l.status.as_str(),
        })
        .collect();
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(
        status,
        &OwnPage {
            site: &site,
            email: &overview.email,
            lists: &lists,
            base: &own_page(token),
            fields,
            notice,
        },
    )
}

/// `POST /me/{token}/fields`: the person's own values of the operators'
/// fields, read as their types say.
pub async fn edit_fields(
    state: web::Data<AppState>,
    req: HttpRequest,
    link: Link,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    let (token, link) = (link.token().to_owned(), link.link);
    let sent: BTreeMap<String, String> = match body::read_form(&req, payload).await {
        Ok(fields) => fields
            .into_iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("field.")?.to_owned(), v)))
            .collect(),
        Err(e) => return Ok(with_token_headers(refused_body(&state, &e))),
    };
    let response = match preferences::edit_fields(&state.services, link, sent.clone()).await? {
        FieldsEdited::Done(overview) => {
            let notice = overview.lang.t("me-fields-saved");
            overview_page(&state, &token, &overview, Some(&notice))
        }
        FieldsEdited::Refused(overview, refused) => {
            let errors: Vec<(String, String)> = refused
                .into_iter()
                .map(|(key, e)| (key, overview.lang.t(e.message_id())))
                .collect();
            overview_page_with(&state, &token, &overview, None, Some((&sent, &errors)))
        }
        FieldsEdited::NotFound => link::not_found(&req),
    };
    Ok(with_token_headers(response))
}

pub async fn me(
    state: web::Data<AppState>,
    req: HttpRequest,
    link: Link,
) -> Result<HttpResponse, ServerError> {
    let (token, link) = (link.token().to_owned(), link.link);
    let response = match preferences::overview(&state.services, link).await? {
        Some(overview) => overview_page(&state, &token, &overview, None),
        None => link::not_found(&req),
    };
    Ok(with_token_headers(response))
}

/// `POST /me/{token}/leave` and `/rejoin`, field `list` (a slug).
async fn change(
    state: web::Data<AppState>,
    req: HttpRequest,
    link: Link,
    payload: web::Payload,
    change: Change,
) -> Result<HttpResponse, ServerError> {
    let (token, link) = (link.token().to_owned(), link.link);
    let slug = match body::read_form(&req, payload).await {
        Ok(fields) => body::field(&fields, "list").unwrap_or_default().to_owned(),
        Err(e) => return Ok(with_token_headers(refused_body(&state, &e))),
    };
    let proof = evidence(&req, "/me");
    let outcome = preferences::change(&state.services, link, slug, change, proof).await?;
    let response = match outcome {
        Changed::Done(overview) => {
            let notice = overview.lang.t(match change {
                Change::Leave => "me-left",
                Change::Rejoin => "me-rejoin-sent",
            });
            overview_page(&state, &token, &overview, Some(&notice))
        }
        Changed::UnknownList => {
            let site = &state.site();
            error_page(
                site,
                StatusCode::UNPROCESSABLE_ENTITY,
                &site.t("me-no-such-list-title"),
                &site.t("me-no-such-list"),
                Some((&own_page(&token), &site.t("me-back"))),
            )
        }
        Changed::NotFound => link::not_found(&req),
    };
    Ok(with_token_headers(response))
}

pub async fn leave(
    state: web::Data<AppState>,
    req: HttpRequest,
    link: Link,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    change(state, req, link, payload, Change::Leave).await
}

pub async fn rejoin(
    state: web::Data<AppState>,
    req: HttpRequest,
    link: Link,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    change(state, req, link, payload, Change::Rejoin).await
}

/// `POST /me/{token}/record`: mails the address a link to the consent
/// record, good for an hour.
pub async fn ask_record(
    state: web::Data<AppState>,
    req: HttpRequest,
    link: Link,
) -> Result<HttpResponse, ServerError> {
    let (token, link) = (link.token().to_owned(), link.link);
    let asked = preferences::ask_by_mail(&state.services, link, ByMail::Record).await?;
    Ok(with_token_headers(asked_page(
        &state,
        &req,
        &token,
        asked,
        "me-record-sent",
    )))
}

/// `POST /me/{token}/erase`, with the box `confirm` ticked: mails the
/// address a link to the page that erases, good for an hour.
pub async fn ask_erasure(
    state: web::Data<AppState>,
    req: HttpRequest,
    link: Link,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    let (token, link) = (link.token().to_owned(), link.link);
    if let Some(refused) = unticked(&state, &req, payload, Some(&own_page(&token))).await {
        return Ok(with_token_headers(refused));
    }
    let asked = preferences::ask_by_mail(&state.services, link, ByMail::Erasure).await?;
    Ok(with_token_headers(asked_page(
        &state,
        &req,
        &token,
        asked,
        "me-erase-sent",
    )))
}

/// The page after a link was asked for by mail: the same whether one went.
fn asked_page(
    state: &AppState,
    req: &HttpRequest,
    token: &str,
    asked: Asked,
    message: &str,
) -> HttpResponse {
    match asked {
        Asked::Asked(lang) => {
            let site = state.site().with_lang(lang);
            error_page(
                &site,
                StatusCode::OK,
                &site.t("me-check-inbox-title"),
                &site.t(message),
                Some((&own_page(token), &site.t("me-back"))),
            )
        }
        Asked::NotFound => link::not_found(req),
    }
}

/// The page a mailed link leads to once its hour is over.
fn link_expired(state: &AppState, lang: Lang) -> HttpResponse {
    let site = state.site().with_lang(lang);
    error_page(
        &site,
        StatusCode::GONE,
        &site.t("link-expired-title"),
        &site.t("own-link-expired"),
        None,
    )
}

/// `GET /record/{token}`: the person's consent record, the same document
/// as the operators' `consent.json`, through the link mailed for it.
pub async fn record(
    state: web::Data<AppState>,
    req: HttpRequest,
    link: Link,
) -> Result<HttpResponse, ServerError> {
    let link = link.link;
    let response = match preferences::record(&state.services, link).await? {
        OwnLinkState::Open(record) => HttpResponse::Ok()
            .insert_header((
                actix_web::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"consent.json\"",
            ))
            .json(record),
        OwnLinkState::Expired(lang) => link_expired(&state, lang),
        OwnLinkState::NotFound => link::not_found(&req),
    };
    Ok(with_token_headers(response))
}

/// `GET /erase/{token}`: the page whose button erases; changes nothing.
pub async fn erase_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    link: Link,
) -> Result<HttpResponse, ServerError> {
    let link = link.link;
    let response = match preferences::inspect_erasure(&state.services, link).await? {
        OwnLinkState::Open(lang) => render(
            StatusCode::OK,
            &ErasePage {
                site: &state.site().with_lang(lang),
            },
        ),
        OwnLinkState::Expired(lang) => link_expired(&state, lang),
        OwnLinkState::NotFound => link::not_found(&req),
    };
    Ok(with_token_headers(response))
}

/// `POST /erase/{token}`, with the box `confirm` ticked.
pub async fn erase(
    state: web::Data<AppState>,
    req: HttpRequest,
    link: Link,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    let link = link.link;
    if let Some(refused) = unticked(&state, &req, payload, None).await {
        return Ok(with_token_headers(refused));
    }
    let response = match preferences::erase(&state.services, link).await? {
        OwnLinkState::Open(lang) => {
            let site = state.site().with_lang(lang);
            error_page(
                &site,
                StatusCode::OK,
                &site.t("me-erased-title"),
                &site.t("me-erased"),
                None,
            )
        }
        OwnLinkState::Expired(lang) => link_expired(&state, lang),
        OwnLinkState::NotFound => link::not_found(&req),
    };
    Ok(with_token_headers(response))
}

/// The answer to an erasure form whose box `confirm` was not ticked, or
/// that could not be read; `None` when it was ticked.
async fn unticked(
    state: &AppState,
    req: &HttpRequest,
    payload: web::Payload,
    back: Option<&str>,
) -> Option<HttpResponse> {
    let confirmed = match body::read_form(req, payload).await {
        Ok(fields) => body::field(&fields, "confirm") == Some("yes"),
        Err(e) => return Some(refused_body(state, &e)),
    };
    if confirmed {
        return None;
    }
    let site = super::public_site(state, req);
    let back = back.map(|path| (path, site.t("me-back")));
    Some(error_page(
        &site,
        StatusCode::UNPROCESSABLE_ENTITY,
        &site.t("me-erase-unticked-title"),
        &site.t("me-erase-unticked"),
        back.as_ref().map(|(path, label)| (*path, label.as_str())),
    ))
}

fn refused_body(state: &AppState, error: &BodyError) -> HttpResponse {
    let (status, title) = match error {
        BodyError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too-large-title"),
        BodyError::TimedOut => (StatusCode::REQUEST_TIMEOUT, "request-timeout-title"),
        _ => (StatusCode::BAD_REQUEST, "unreadable-form-title"),
    };
    let site = &state.site();
    error_page(site, status, &site.t(title), &site.t("press-again"), None)
}
