//! `/admin/lists`: create, edit, archive; every wording kept as a version.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{SignedIn, admin_page, csrf_refused, not_found, see_other};
use crate::db::models::List;
use crate::db::rfc3339;
use crate::domain::ListId;
use crate::domain::list::{is_slug, slugify};
use crate::pages::admin::{
    EmbedSnippet, ListForm, ListFormErrors, ListPage, ListRow, ListsPage, WordingVersion,
};
use crate::routes::body::field;
use crate::routes::{ServerError, render};
use crate::services::lists::{self, ListFields};

fn row(list: List, subscribers: i64, base: &str) -> ListRow {
    ListRow {
        signup_url: format!("{base}/subscribe?list={}", list.slug),
        id: list.id.0,
        name: list.name,
        slug: list.slug,
        description: list.description,
        archived: list.archived_at.is_some(),
        consent_version: list.consent_version,
        subscribers,
    }
}

fn base_url(signed_in: &SignedIn) -> String {
    signed_in.state.services.composer.url("")
}

async fn list_rows(signed_in: &SignedIn) -> Result<Vec<ListRow>, ServerError> {
    let base = base_url(signed_in);
    Ok(lists::all_with_counts(&signed_in.state.services)
        .await?
        .into_iter()
        .map(|(l, n)| row(l, n, &base))
        .collect())
}

pub async fn index(signed_in: SignedIn) -> Result<HttpResponse, ServerError> {
    let lists = list_rows(&signed_in).await?;
    Ok(admin_page(&ListsPage {
        site: &signed_in.state.site,
        nav: signed_in.nav("lists"),
        lists,
        form: ListForm::default(),
        errors: ListFormErrors::default(),
    }))
}

/// The form's values, checked; with `new` the slug is checked too.
fn validate(fields: &[(String, String)], new: bool) -> (ListForm, ListFormErrors) {
    let text = |name| field(fields, name).unwrap_or_default().trim().to_owned();
    let mut form = ListForm {
        name: text("name"),
        slug: text("slug"),
        description: text("description"),
        consent_wording: text("consent_wording"),
    };
    let mut errors = ListFormErrors::default();
    let bad = |t: &str, max: usize| {
        t.chars().count() > max || t.chars().any(|c| c.is_control() && c != '\n' && c != '\r')
    };
    if form.name.is_empty() || bad(&form.name, 100) || form.name.contains(['\r', '\n']) {
        errors.name = Some("Give the list a name of at most 100 characters, on one line.".into());
    }
    if bad(&form.description, 1000) {
        errors.description = Some("Keep the description under 1000 characters.".into());
    }
    if form.consent_wording.is_empty() || bad(&form.consent_wording, 2000) {
        errors.consent_wording =
            Some("Write the sentence visitors agree to, at most 2000 characters.".into());
    }
    if new {
        if form.slug.is_empty() {
            form.slug = slugify(&form.name);
        }
        if !is_slug(&form.slug) {
            errors.slug =
                Some("Use lowercase letters, digits and hyphens, e.g. weekly-news.".into());
        }
    }
    (form, errors)
}

pub async fn create(
    signed_in: SignedIn,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    let Some(fields) = signed_in.checked_form(&req, payload).await else {
        return Ok(csrf_refused(&signed_in.state));
    };
    let (form, mut errors) = validate(&fields, true);
    if !errors.any() {
        let created = lists::create(
            &signed_in.state.services,
            &signed_in.operator(),
            fields_of(&form),
        )
        .await?;
        match created {
            Some(id) => return Ok(see_other(&format!("/admin/lists/{id}?done=created"))),
            None => errors.slug = Some("Another list already has this slug.".into()),
        }
    }
    let lists = list_rows(&signed_in).await?;
    Ok(render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ListsPage {
            site: &signed_in.state.site,
            nav: signed_in.nav("lists"),
            lists,
            form,
            errors,
        },
    ))
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

fn fields_of(form: &ListForm) -> ListFields {
    ListFields {
        name: form.name.clone(),
        slug: form.slug.clone(),
        description: form.description.clone(),
        consent_wording: form.consent_wording.clone(),
    }
}

async fn list_page(
    signed_in: &SignedIn,
    id: ListId,
    status: StatusCode,
    form: Option<ListForm>,
    errors: ListFormErrors,
    flash: Option<&str>,
) -> Result<HttpResponse, ServerError> {
    let Some(detail) = lists::detail(&signed_in.state.services, id).await? else {
        return Ok(not_found(&signed_in.state));
    };
    let (list, versions, count) = (detail.list, detail.versions, detail.subscriptions);
    let base = base_url(signed_in);
    let action = format!("{base}/subscribe");
    let embed_snippet = EmbedSnippet {
        action: &action,
        slug: &list.slug,
        name: &list.name,
        wording: &list.consent_wording,
    }
    .render()
    .unwrap_or_default();
    let form = form.unwrap_or_else(|| ListForm {
        name: list.name.clone(),
        slug: list.slug.clone(),
        description: list.description.clone(),
        consent_wording: list.consent_wording.clone(),
    });
    let mut response = render(
        status,
        &ListPage {
            site: &signed_in.state.site,
            nav: signed_in.nav("lists"),
            list: row(list, count, &base),
            form,
            errors,
            versions: versions
                .into_iter()
                .map(|v| WordingVersion {
                    version: v.version,
                    created_at: rfc3339(v.created_at),
                    sha256: v.sha256,
                    wording: v.wording,
                })
                .collect(),
            embed_snippet,
            flash,
        },
    );
    response.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

pub async fn show(
    signed_in: SignedIn,
    id: web::Path<ListId>,
    done: web::Query<Done>,
) -> Result<HttpResponse, ServerError> {
    let flash = match done.done.as_deref() {
        Some("created") => Some("The list was created."),
        Some("saved") => Some("The changes were saved."),
        Some("archived") => Some("The list is archived: its signup page no longer takes signups."),
        Some("reopened") => Some("The list takes signups again."),
        _ => None,
    };
    list_page(
        &signed_in,
        *id,
        StatusCode::OK,
        None,
        ListFormErrors::default(),
        flash,
    )
    .await
}

pub async fn update(
    signed_in: SignedIn,
    id: web::Path<ListId>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    let id = *id;
    let Some(fields) = signed_in.checked_form(&req, payload).await else {
        return Ok(csrf_refused(&signed_in.state));
    };
    let (form, errors) = validate(&fields, false);
    if errors.any() {
        return list_page(
            &signed_in,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(form),
            errors,
            None,
        )
        .await;
    }
    let saved = lists::update(
        &signed_in.state.services,
        &signed_in.operator(),
        id,
        fields_of(&form),
    )
    .await?;
    Ok(if saved {
        see_other(&format!("/admin/lists/{id}?done=saved"))
    } else {
        not_found(&signed_in.state)
    })
}

pub async fn archive(
    signed_in: SignedIn,
    id: web::Path<ListId>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    let id = *id;
    let Some(fields) = signed_in.checked_form(&req, payload).await else {
        return Ok(csrf_refused(&signed_in.state));
    };
    // The form says which state it wants, so a second press changes nothing.
    let archive = field(&fields, "archive") != Some("no");
    let outcome = lists::set_archived(
        &signed_in.state.services,
        &signed_in.operator(),
        id,
        archive,
    )
    .await?;
    Ok(match outcome {
        Some(true) => see_other(&format!("/admin/lists/{id}?done=archived")),
        Some(false) => see_other(&format!("/admin/lists/{id}?done=reopened")),
        None => not_found(&signed_in.state),
    })
}
