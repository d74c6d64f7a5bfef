//! `/archive`, `/archive/{slug}`, `/archive.atom`: the public archive of
//! broadcasts (contract §17).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{AppState, ServerError, error_page, public_site, render};
use crate::domain::Timestamp;
use crate::pages::{ArchiveFeed, ArchiveIssuePage, ArchivePage, ArchiveRow, Site};
use crate::services::archive::{self, Issue};

/// Readers may keep a page this long; a new issue shows within it.
const CACHE: &str = "public, max-age=300";

#[derive(Deserialize)]
pub struct ArchiveQuery {
    list: Option<String>,
}

fn row(site: &Site, issue: &Issue) -> ArchiveRow {
    ArchiveRow {
        path: issue.path(),
        subject: issue.subject.clone(),
        list_name: issue.list_name.clone(),
        list_slug: issue.list_slug.clone(),
        date: site.date(issue.sent_at / 1000),
    }
}

fn not_found(site: &Site) -> HttpResponse {
    error_page(
        site,
        StatusCode::NOT_FOUND,
        &site.t("not-found-title"),
        &site.t("archive-not-found"),
        Some(("/archive", &site.t("archive-title"))),
    )
}

fn cached(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static(CACHE),
    );
    response
}

pub async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ArchiveQuery>,
) -> Result<HttpResponse, ServerError> {
    let site = public_site(&state, &req);
    let list = query.into_inner().list.filter(|l| !l.is_empty());
    let Some(index) = archive::index(&state.services, list).await? else {
        return Ok(not_found(&site));
    };
    Ok(cached(render(
        StatusCode::OK,
        &ArchivePage {
            rows: index.issues.iter().map(|i| row(&site, i)).collect(),
            filtered: index.list_name.is_some(),
            list_name: index.list_name,
            site: &site,
        },
    )))
}

pub async fn issue(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, ServerError> {
    let found = match archive::id_of(&slug) {
        Some(id) => archive::one(&state.services, id).await?,
        None => None,
    };
    let Some(shown) = found else {
        return Ok(not_found(&public_site(&state, &req)));
    };
    // One address per issue: an old or shortened one leads to it.
    if shown.issue.slug != *slug {
        return Ok(HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, shown.issue.path()))
            .finish());
    }
    let site = state.site().with_lang(shown.issue.lang);
    Ok(cached(render(
        StatusCode::OK,
        &ArchiveIssuePage {
            issue: row(&site, &shown.issue),
            html: shown.html,
            site: &site,
        },
    )))
}

pub async fn feed(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ServerError> {
    let site = public_site(&state, &req);
    let shown = archive::feed(&state.services).await?;
    let policy = state.services.policy();
    let updated = shown.iter().map(|s| s.issue.sent_at).max().unwrap_or(0);
    let feed = ArchiveFeed {
        title: site.t1("archive-feed-title", "org", &site.org_name),
        author: site.org_name.clone(),
        self_url: policy.url("/archive.atom"),
        archive_url: policy.url("/archive"),
        updated: Timestamp::from_ms(updated).rfc3339(),
        entries: shown
            .into_iter()
            .map(|s| crate::pages::ArchiveEntry {
                url: policy.url(&s.issue.path()),
                title: s.issue.subject,
                category: s.issue.list_name,
                updated: Timestamp::from_ms(s.issue.sent_at).rfc3339(),
                html: s.html,
            })
            .collect(),
    };
    let response = render(StatusCode::OK, &feed);
    let mut response = cached(response);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/atom+xml; charset=utf-8"),
    );
    Ok(response)
}
