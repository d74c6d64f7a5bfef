//! `/confirm/{token}`: GET shows the button, POST is the positive act.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::link::{self, Link};
use super::{AppState, ServerError, error_page, evidence, render, with_token_headers};
use crate::pages::{ConfirmPage, ConfirmedPage};
use crate::services::double_opt_in::{self, ConfirmState, ListSummary};

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    link: Link,
) -> Result<HttpResponse, ServerError> {
    let link = link.link;
    let found = double_opt_in::inspect_confirmation(&state.services, link).await?;
    let response = match found {
        ConfirmState::Confirmed { list } => render(
            StatusCode::OK,
            &ConfirmPage {
                site: &state.site().with_lang(list.lang),
                list_name: &list.name,
                list_description: &list.description,
                already_confirmed: true,
            },
        ),
        other => answer(&state, &req, other),
    };
    Ok(with_token_headers(response))
}

pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    link: Link,
) -> Result<HttpResponse, ServerError> {
    let link = link.link;
    let proof = evidence(&req, "/confirm");
    let outcome = double_opt_in::confirm(&state.services, link, proof).await?;
    Ok(with_token_headers(answer(&state, &req, outcome)))
}

/// The page for each state of a confirmation link.
fn answer(state: &AppState, req: &HttpRequest, outcome: ConfirmState) -> HttpResponse {
    match outcome {
        ConfirmState::Pending { list } => render(
            StatusCode::OK,
            &ConfirmPage {
                site: &state.site().with_lang(list.lang),
                list_name: &list.name,
                list_description: &list.description,
                already_confirmed: false,
            },
        ),
        ConfirmState::Confirmed { list } => render(
            StatusCode::OK,
            &ConfirmedPage {
                site: &state.site().with_lang(list.lang),
                list_name: &list.name,
            },
        ),
        ConfirmState::Expired { list } => gone(state, &list, "link-expired"),
        ConfirmState::Withdrawn { list } => gone(state, &list, "link-ended"),
        ConfirmState::NotFound => link::not_found(req),
    }
}

/// 410, in the list's language, with the way to sign up again.
fn gone(state: &AppState, list: &ListSummary, message: &str) -> HttpResponse {
    let site = state.site().with_lang(list.lang);
    let again = format!("/subscribe?list={}", list.slug);
    error_page(
        &site,
        StatusCode::GONE,
        &site.t(&format!("{message}-title")),
        &site.t(message),
        Some((&again, &site.t("sign-up-again"))),
    )
}
