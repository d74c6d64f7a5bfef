//! `/admin/import`: a CSV of addresses into a list. The upload is streamed
//! into the database and worked through by an import job, with its
//! progress on a page of its own.

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;

use super::{SignedIn, admin_page, csrf_refused, not_found, see_other, when};
use crate::db::models::{Import, ImportStatus};
use crate::domain::ImportId;
use crate::pages::Site;
use crate::pages::admin::{ImportPage, ImportRow, ImportStatusPage, ListOption};
use crate::routes::body::{STALL, next_within, small_field};
use crate::routes::{ServerError, error_page, render};
use crate::services::imports::{self, Problem, UploadError};
use crate::services::lists;
use crate::telemetry::current_request_id;

fn import_row(site: &Site, import: Import, list_name: String) -> ImportRow {
    let percent = if import.total > 0 {
        (i64::from(import.processed) * 100 / i64::from(import.total)) as i32
    } else {
        100
    };
    ImportRow {
        id: import.id.0,
        list_name,
        status: import.status.as_str().to_owned(),
        total: import.total,
        processed: import.processed,
        added: import.added,
        skipped: import.skipped,
        created_at: when(site, import.created_at),
        percent,
    }
}

async fn form(
    signed_in: &SignedIn,
    status: StatusCode,
    error: Option<&str>,
) -> Result<HttpResponse, ServerError> {
    let services = &signed_in.state.services;
    let all = lists::all(services).await?;
    let recent = imports::recent(services).await?;
    let site = signed_in.site();
    let page = ImportPage {
        site: &site,
        nav: signed_in.nav("import"),
        lists: all
            .into_iter()
            .filter(|l| l.archived_at.is_none())
            .map(|l| ListOption {
                slug: l.slug,
                name: l.name,
            })
            .collect(),
        recent: recent
            .into_iter()
            .map(|(i, name)| import_row(&site, i, name))
            .collect(),
        error,
    };
    Ok(if status == StatusCode::OK {
        admin_page(&page)
    } else {
        render(status, &page)
    })
}

pub async fn page(signed_in: SignedIn) -> Result<HttpResponse, ServerError> {
    form(&signed_in, StatusCode::OK, None).await
}

/// The form's fields arrive in its order: the CSRF token first, so nothing
/// is read or stored for a request that does not carry it, then the list,
/// then the file, which is stored as it arrives.
pub async fn upload(
    signed_in: SignedIn,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    let state = &signed_in.state;
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
    // Each upload holds a connection and a stream of writes: a few at once.
    let Ok(_permit) = state.uploads.try_acquire() else {
        let site = signed_in.site();
        let mut response = error_page(
            &site,
            StatusCode::SERVICE_UNAVAILABLE,
            &site.t("admin-import-busy-title"),
            &site.t("admin-import-busy"),
            Some(("/admin/import", &site.t("admin-import-back"))),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("30"));
        return Ok(response);
    };
    let slug = match next_within(&mut multipart).await {
        Some(Ok(mut field)) if field.name() == Some("list") => small_field(&mut field, 200).await,
        _ => None,
    };
    let (Some(slug), Some(Ok(mut file))) = (slug, next_within(&mut multipart).await) else {
        return refused(&signed_in, UploadError::Unreadable).await;
    };
    if file.name() != Some("file") {
        return refused(&signed_in, UploadError::Unreadable).await;
    }
    let operator = signed_in.operator();
    let mut upload = match imports::begin(&state.services, &operator, slug).await {
        Ok(upload) => upload,
        Err(e) => return refused(&signed_in, e).await,
    };
    loop {
        let pushed = match tokio::time::timeout(STALL, file.next()).await {
            Ok(None) => break,
            Ok(Some(Ok(bytes))) => upload.push(&state.services, &bytes).await,
            Ok(Some(Err(_))) | Err(_) => Err(UploadError::Unreadable),
        };
        if let Err(e) = pushed {
            upload.abandon(&state.services).await?;
            return refused(&signed_in, e).await;
        }
    }
    let finished = upload
        .finish(&state.services, &operator, current_request_id(&req))
        .await;
    match finished {
        Ok(id) => Ok(see_other(&format!("/admin/import/{id}"))),
        Err(e) => refused(&signed_in, e).await,
    }
}

/// 422 with the form again, or 500 for a failure of ours.
async fn refused(signed_in: &SignedIn, error: UploadError) -> Result<HttpResponse, ServerError> {
    let site = signed_in.site();
    let message = match error {
        UploadError::Service(e) => return Err(e.into()),
        UploadError::UnknownList => site.t("admin-import-error-list"),
        UploadError::Unreadable => site.t("admin-import-error-unreadable"),
        UploadError::NotUtf8 => site.t("admin-import-error-not-utf8"),
        UploadError::TooLarge => site.t("admin-import-error-too-large"),
        UploadError::LineTooLong(line) => site.t1("admin-import-error-line-too-long", "line", line),
        UploadError::NoAddresses => site.t("admin-import-error-empty"),
    };
    form(signed_in, StatusCode::UNPROCESSABLE_ENTITY, Some(&message)).await
}

pub async fn status(
    signed_in: SignedIn,
    id: web::Path<ImportId>,
) -> Result<HttpResponse, ServerError> {
    let Some(view) = imports::view(&signed_in.state.services, *id).await? else {
        return Ok(not_found(&signed_in.site()));
    };
    let site = signed_in.site();
    let running = view.import.status == ImportStatus::Running;
    let skipped = i64::from(view.import.skipped);
    let mut report: Vec<String> = view
        .problems
        .iter()
        .map(|(line, code)| {
            site.t2(
                "admin-import-problem",
                "line",
                line,
                "reason",
                Problem::describe(code, site.lang),
            )
        })
        .collect();
    if skipped > report.len() as i64 && report.len() as i64 == imports::PROBLEMS_SHOWN {
        report.push(site.n(
            "admin-import-more-skipped",
            skipped - imports::PROBLEMS_SHOWN,
        ));
    }
    Ok(admin_page(&ImportStatusPage {
        site: &site,
        nav: signed_in.nav("import"),
        import: import_row(&site, view.import, view.list_name),
        running,
        report,
    }))
}
