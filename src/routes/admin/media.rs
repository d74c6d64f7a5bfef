//! `/admin/media`: images for broadcasts, uploaded and listed with the URL
//! to write in a message (contract §17).

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{CsrfForm, SignedIn, admin_page, csrf_refused, not_found, see_other, when};
use crate::domain::MediaId;
use crate::domain::media::{MAX_BYTES, MediaRefusal};
use crate::pages::admin::{MediaPage, MediaRow};
use crate::routes::body::{file_field, next_within, small_field};
use crate::routes::{ServerError, render};
use crate::services::{Outcome, media};

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

async fn page(
    signed_in: &SignedIn,
    status: StatusCode,
    error: Option<String>,
    flash: Option<&'static str>,
) -> Result<HttpResponse, ServerError> {
    let services = &signed_in.state.services;
    let items = media::all(services).await?;
    let site = signed_in.site();
    let policy = services.policy();
    let page = MediaPage {
        nav: signed_in.nav("media"),
        rows: items
            .into_iter()
            .map(|m| MediaRow {
                id: m.id.0,
                path: format!("/media/{}", m.name),
                url: policy.url(&format!("/media/{}", m.name)),
                filename: m.filename,
                size_kb: (m.size + 1023) / 1024,
                created_at: when(&site, m.created_at),
            })
            .collect(),
        error,
        flash,
        site: &site,
    };
    Ok(if status == StatusCode::OK {
        admin_page(&page)
    } else {
        render(status, &page)
    })
}

pub async fn index(
    signed_in: SignedIn,
    done: web::Query<Done>,
) -> Result<HttpResponse, ServerError> {
    let flash = match done.done.as_deref() {
        Some("uploaded") => Some("admin-media-flash-uploaded"),
        Some("deleted") => Some("admin-media-flash-deleted"),
        _ => None,
    };
    page(&signed_in, StatusCode::OK, None, flash).await
}

/// The CSRF token first, so that nothing is read for a request without
/// it, then the file.
pub async fn upload(
    signed_in: SignedIn,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    let mut multipart = Multipart::new(req.headers(), payload);
    let csrf = match next_within(&mut multipart).await {
        Some(Ok(mut field)) if field.name() == Some("csrf_token") => {
            small_field(&mut field, 256).await
        }
        _ => None,
    };
    if !signed_in.csrf_ok(csrf.as_deref()) {
        return Ok(csrf_refused(&signed_in.site()));
    }
    let site = signed_in.site();
    let Some(Ok(mut file)) = next_within(&mut multipart).await else {
        let error = site.t("admin-media-error-unreadable");
        return page(
            &signed_in,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(error),
            None,
        )
        .await;
    };
    if file.name() != Some("file") {
        let error = site.t("admin-media-error-unreadable");
        return page(
            &signed_in,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(error),
            None,
        )
        .await;
    }
    let filename = file
        .content_disposition()
        .and_then(|d| d.get_filename())
        .unwrap_or_default()
        .to_owned();
    let Some(bytes) = file_field(&mut file, MAX_BYTES).await else {
        let error = site.t("admin-media-error-too-large");
        return page(
            &signed_in,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(error),
            None,
        )
        .await;
    };
    let services = &signed_in.state.services;
    match media::upload(services, &signed_in.operator(), &filename, bytes).await? {
        Ok(_) => Ok(see_other("/admin/media?done=uploaded")),
        Err(refusal) => {
            let error = site.t(match refusal {
                MediaRefusal::NotAnImage => "admin-media-error-type",
                MediaRefusal::TooLarge => "admin-media-error-too-large",
            });
            page(
                &signed_in,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(error),
                None,
            )
            .await
        }
    }
}

pub async fn delete(form: CsrfForm, id: web::Path<MediaId>) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, .. } = form;
    match media::delete(&signed_in.state.services, &signed_in.operator(), *id).await? {
        Outcome::Done => Ok(see_other("/admin/media?done=deleted")),
        _ => Ok(not_found(&signed_in.site())),
    }
}
