//! `/confirm/{token}`: GET shows the button, POST is the positive act.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{AppState, ServerError, error_page, evidence, render, with_token_headers};
use crate::domain::LinkRef;
use crate::pages::{ConfirmPage, ConfirmedPage};
use crate::services::double_opt_in::{self, ConfirmState};

pub async fn page(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ServerError> {
    let Some(link) = LinkRef::parse(&token) else {
        return Ok(with_token_headers(not_found(&state)));
    };
    let found = double_opt_in::inspect_confirmation(&state.services, link).await?;
    let response = match found {
        ConfirmState::Confirmed { list } => render(
            StatusCode::OK,
            &ConfirmPage {
                site: &state.site,
                list_name: &list.name,
                list_description: &list.description,
                already_confirmed: true,
            },
        ),
        other => answer(&state, other),
    };
    Ok(with_token_headers(response))
}

pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, ServerError> {
    let Some(link) = LinkRef::parse(&token) else {
        return Ok(with_token_headers(not_found(&state)));
    };
    let proof = evidence(&req, "/confirm");
    let outcome = double_opt_in::confirm(&state.services, link, proof).await?;
    Ok(with_token_headers(answer(&state, outcome)))
}

/// The page for each state of a confirmation link.
fn answer(state: &AppState, outcome: ConfirmState) -> HttpResponse {
    match outcome {
        ConfirmState::Pending { list } => render(
            StatusCode::OK,
            &ConfirmPage {
                site: &state.site,
                list_name: &list.name,
                list_description: &list.description,
                already_confirmed: false,
            },
        ),
        ConfirmState::Confirmed { list } => render(
            StatusCode::OK,
            &ConfirmedPage {
                site: &state.site,
                list_name: &list.name,
            },
        ),
        ConfirmState::Expired { list } => {
            let again = format!("/subscribe?list={}", list.slug);
            error_page(
                &state.site,
                StatusCode::GONE,
                "This link has expired",
                "Confirmation links work for a limited time, and this one's has run out. Sign up again to get a fresh one.",
                Some((&again, "Sign up again")),
            )
        }
        ConfirmState::Withdrawn { list } => {
            let again = format!("/subscribe?list={}", list.slug);
            error_page(
                &state.site,
                StatusCode::GONE,
                "This link no longer works",
                "This subscription request was declined or ended, so the link cannot confirm it. Sign up again if you want to subscribe.",
                Some((&again, "Sign up again")),
            )
        }
        ConfirmState::NotFound => not_found(state),
    }
}

fn not_found(state: &AppState) -> HttpResponse {
    error_page(
        &state.site,
        StatusCode::NOT_FOUND,
        "Link not found",
        "This confirmation link is not valid. Please check that it was copied whole from the message.",
        Some(("/", "Go to the signup page")),
    )
}
