//! The signup form: `GET /`, `GET /subscribe`, `POST /subscribe`.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::body::{self, BodyError};
use super::{AppState, ServerError, error_page, evidence, render};
use crate::domain::list::is_slug;
use crate::domain::{Channel, SubscriberEmail, SubscriberName};
use crate::pages::{CheckInboxPage, ListView, SignupErrors, SignupPage, SignupValues, Site};
use crate::services::double_opt_in::{self, SignupOutcome, SignupRequest};
use crate::services::lists;
use crate::services::pow::PowError;

#[derive(Deserialize)]
pub struct ListQuery {
    list: Option<String>,
}

pub async fn page(
    state: web::Data<AppState>,
    query: Option<web::Query<ListQuery>>,
) -> Result<HttpResponse, ServerError> {
    let slug = query
        .and_then(|q| q.into_inner().list)
        .filter(|s| !s.is_empty());
    match load_list(&state, slug).await? {
        Some(list) => Ok(form_page(
            &state,
            StatusCode::OK,
            &list,
            &SignupValues::default(),
            &SignupErrors::default(),
        )),
        None => Ok(unknown_list(&state.site())),
    }
}

pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    let limited = super::client_ip(&req).and_then(|client| {
        state
            .limiter
            .check(state.services.policy().signup_rate, client)
            .err()
    });
    let fields = match body::read_form(&req, payload).await {
        Ok(fields) => fields,
        Err(e) => return Ok(body_error(&state.site(), &e)),
    };
    let values = SignupValues {
        email: body::field(&fields, "email").unwrap_or_default().to_owned(),
        name: body::field(&fields, "name").unwrap_or_default().to_owned(),
        fields: fields
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("field.")?.to_owned(), v.clone())))
            .collect(),
    };
    let slug = body::field(&fields, "list")
        .map(str::trim)
        .filter(|s| !s.is_empty());

    // Every answer from here on speaks the list's language.
    let list = load_list(&state, slug.map(str::to_owned)).await?;
    let site = state.site();
    let site = site.with_lang(list.as_ref().map_or(site.lang, |l| l.lang));
    if let Some(wait) = limited {
        return Ok(too_many(&site, wait));
    }

    let mut errors = SignupErrors::default();
    let email = SubscriberEmail::parse(&values.email)
        .map_err(|e| errors.email = Some(e.describe(site.lang)))
        .ok();
    let name = SubscriberName::parse(&values.name)
        .map_err(|e| errors.name = Some(e.describe(site.lang)))
        .ok();
    if slug.is_some_and(|s| !is_slug(s)) {
        errors.list = Some(site.t("unknown-list"));
    }
    let (Some(email), Some(name), false) = (email, name, errors.any()) else {
        return refuse(&state, slug, &values, errors).await;
    };
    // A filled trap field: the page a person would see, and nothing stored
    // or sent (contract §14).
    let request = SignupRequest {
        email: email.clone(),
        name,
        list: slug.map(str::to_owned),
        channel: Channel::Form,
        evidence: evidence(&req, "/subscribe"),
        honeypot: body::field(&fields, "website").is_some_and(|v| !v.trim().is_empty()),
        proof: body::field(&fields, "altcha").map(str::to_owned),
        fields: values.fields.clone(),
    };
    match double_opt_in::signup(&state.services, request).await? {
        SignupOutcome::Accepted { list_name, lang }
        | SignupOutcome::Trapped { list_name, lang } => Ok(render(
            StatusCode::OK,
            &CheckInboxPage {
                site: &state.site().with_lang(lang),
                email: email.as_str(),
                list_name: &list_name,
                confirm_ttl: state.services.policy().confirm_ttl,
            },
        )),
        SignupOutcome::UnknownList => {
            let errors = SignupErrors {
                list: Some(site.t("unknown-list")),
                ..SignupErrors::default()
            };
            refuse(&state, None, &values, errors).await
        }
        SignupOutcome::ProofRefused(e) => {
            let message = match e {
                PowError::Missing => "signup-pow-missing",
                PowError::Wrong | PowError::Expired | PowError::Spent => "signup-pow-failed",
            };
            let errors = SignupErrors {
                altcha: Some(site.t(message)),
                ..SignupErrors::default()
            };
            refuse(&state, slug, &values, errors).await
        }
        SignupOutcome::FieldsRefused(refused) => {
            let errors = SignupErrors {
                fields: refused
                    .into_iter()
                    .map(|(key, e)| (key, site.t(e.message_id())))
                    .collect(),
                ..SignupErrors::default()
            };
            refuse(&state, slug, &values, errors).await
        }
    }
}

async fn refuse(
    state: &AppState,
    slug: Option<&str>,
    values: &SignupValues,
    errors: SignupErrors,
) -> Result<HttpResponse, ServerError> {
    let slug = slug
        .filter(|s| is_slug(s) && errors.list.is_none())
        .map(str::to_owned);
    let list = match load_list(state, slug).await? {
        Some(list) => list,
        // No list at all to show the form for.
        None => return Ok(unknown_list(&state.site())),
    };
    Ok(form_page(
        state,
        StatusCode::UNPROCESSABLE_ENTITY,
        &list,
        values,
        &errors,
    ))
}

fn form_page(
    state: &AppState,
    status: StatusCode,
    list: &ListView,
    values: &SignupValues,
    errors: &SignupErrors,
) -> HttpResponse {
    render(
        status,
        &SignupPage {
            site: &state.site().with_lang(list.lang),
            notice: &state.notice(),
            list,
            values,
            errors,
            pow: state.services.pow().is_some(),
        },
    )
}

/// The named list, or the default one when no slug is given.
async fn load_list(
    state: &AppState,
    slug: Option<String>,
) -> Result<Option<ListView>, ServerError> {
    if slug.as_deref().is_some_and(|s| !is_slug(s)) {
        return Ok(None);
    }
    let list = lists::open_list(&state.services, slug).await?;
    Ok(list.map(|l| ListView {
        fields: state.services.fields.of_list(l.id),
        lang: l.lang(),
        slug: l.slug,
        name: l.name,
        description: l.description,
        consent_wording: l.consent_wording,
    }))
}

fn unknown_list(site: &Site) -> HttpResponse {
    error_page(
        site,
        StatusCode::NOT_FOUND,
        &site.t("list-not-found-title"),
        &site.t("unknown-list"),
        Some(("/", &site.t("to-signup-page"))),
    )
}

fn too_many(site: &Site, wait: std::time::Duration) -> HttpResponse {
    let mut response = error_page(
        site,
        StatusCode::TOO_MANY_REQUESTS,
        &site.t("too-many-signups-title"),
        &site.t("too-many-signups"),
        None,
    );
    let seconds = wait.as_secs().max(1);
    if let Ok(value) = header::HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

fn body_error(site: &Site, error: &BodyError) -> HttpResponse {
    let (status, title, message) = match error {
        BodyError::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large-title",
            "form-too-large",
        ),
        BodyError::UnsupportedType => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-form-title",
            "unsupported-form",
        ),
        BodyError::Malformed => (
            StatusCode::BAD_REQUEST,
            "unreadable-form-title",
            "unreadable-form",
        ),
        BodyError::TimedOut => (
            StatusCode::REQUEST_TIMEOUT,
            "form-timeout-title",
            "form-timeout",
        ),
    };
    error_page(
        site,
        status,
        &site.t(title),
        &site.t(message),
        Some(("/", &site.t("back-to-signup"))),
    )
}
