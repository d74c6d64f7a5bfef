//! `/admin/lists`: create, edit, archive; every wording kept as a version.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{SignedIn, admin_page, csrf_refused, not_found, see_other};
use crate::db::models::List;
use crate::db::{audit, lists, now_ms, rfc3339};
use crate::domain::list::{is_slug, slugify};
use crate::double_opt_in::FlowError;
use crate::pages::admin::{
    EmbedSnippet, ListForm, ListFormErrors, ListPage, ListRow, ListsPage, WordingVersion,
};
use crate::routes::body::field;
use crate::routes::{ServerError, render};

fn row(list: List, subscribers: i64, base: &str) -> ListRow {
    ListRow {
        signup_url: format!("{base}/subscribe?list={}", list.slug),
        id: list.id,
        name: list.name,
        slug: list.slug,
        description: list.description,
        archived: list.archived_at.is_some(),
        consent_version: list.consent_version,
        subscribers,
    }
}

fn base_url(signed_in: &SignedIn) -> String {
    signed_in
        .state
        .flow
        .composer
        .base_url()
        .as_str()
        .trim_end_matches('/')
        .to_owned()
}

async fn list_rows(signed_in: &SignedIn) -> Result<Vec<ListRow>, ServerError> {
    let (all, counts) = signed_in
        .state
        .db
        .read(|c| Ok::<_, FlowError>((lists::all(c)?, lists::subscription_counts(c)?)))
        .await?;
    let counts: HashMap<i64, i64> = counts.into_iter().collect();
    let base = base_url(signed_in);
    Ok(all
        .into_iter()
        .map(|l| {
            let n = counts.get(&l.id).copied().unwrap_or(0);
            row(l, n, &base)
        })
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
        let f = form.clone();
        let email = signed_in.session.email.clone();
        let created = signed_in
            .state
            .db
            .write(move |c| {
                if lists::slug_taken(c, &f.slug)? {
                    return Ok::<_, FlowError>(None);
                }
                let now = now_ms();
                let list =
                    lists::create(c, &f.name, &f.slug, &f.description, &f.consent_wording, now)?;
                audit::record(
                    c,
                    &email,
                    "create_list",
                    &format!("list {}", list.slug),
                    &f.name,
                    now,
                )?;
                Ok(Some(list.id))
            })
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

async fn list_page(
    signed_in: &SignedIn,
    id: i64,
    status: StatusCode,
    form: Option<ListForm>,
    errors: ListFormErrors,
    flash: Option<&str>,
) -> Result<HttpResponse, ServerError> {
    let found = signed_in
        .state
        .db
        .read(move |c| {
            let Some(list) = lists::find(c, id)? else {
                return Ok::<_, FlowError>(None);
            };
            let versions = lists::versions(c, id)?;
            let count = lists::subscription_counts(c)?
                .into_iter()
                .find(|(l, _)| *l == id)
                .map_or(0, |(_, n)| n);
            Ok(Some((list, versions, count)))
        })
        .await?;
    let Some((list, versions, count)) = found else {
        return Ok(not_found(&signed_in.state));
    };
    let base = base_url(signed_in);
    let action = format!("{base}/subscribe");
    let embed_snippet = EmbedSnippet {
        action: &action,
        slug: &list.slug,
        name: &list.name,
        wording: &list.consent_wording,
    }
    .render()
    .map_err(|e| FlowError::from(crate::mail::ComposeError::from(e)))?;
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
                .map(|(version, at, sha256, wording)| WordingVersion {
                    version,
                    created_at: rfc3339(at),
                    sha256,
                    wording,
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
    id: web::Path<i64>,
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
    id: web::Path<i64>,
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
    let email = signed_in.session.email.clone();
    let saved = signed_in
        .state
        .db
        .write(move |c| {
            use diesel::Connection;
            c.transaction(|c| {
                let Some(list) = lists::find(c, id)? else {
                    return Ok::<_, FlowError>(false);
                };
                let now = now_ms();
                lists::update(c, id, &form.name, &form.description)?;
                let mut detail = String::from("name and description");
                if form.consent_wording != list.consent_wording {
                    let version = lists::new_wording(c, id, &form.consent_wording, now)?;
                    detail = format!("consent wording version {version}");
                }
                audit::record(
                    c,
                    &email,
                    "edit_list",
                    &format!("list {}", list.slug),
                    &detail,
                    now,
                )?;
                Ok(true)
            })
        })
        .await?;
    Ok(if saved {
        see_other(&format!("/admin/lists/{id}?done=saved"))
    } else {
        not_found(&signed_in.state)
    })
}

pub async fn archive(
    signed_in: SignedIn,
    id: web::Path<i64>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    let id = *id;
    let Some(fields) = signed_in.checked_form(&req, payload).await else {
        return Ok(csrf_refused(&signed_in.state));
    };
    // The form says which state it wants, so a second press changes nothing.
    let archive = field(&fields, "archive") != Some("no");
    let email = signed_in.session.email.clone();
    let outcome = signed_in
        .state
        .db
        .write(move |c| {
            let Some(list) = lists::find(c, id)? else {
                return Ok::<_, FlowError>(None);
            };
            let now = now_ms();
            if list.archived_at.is_some() == archive {
                return Ok(Some(archive));
            }
            lists::set_archived(c, id, archive.then_some(now))?;
            let action = if archive {
                "archive_list"
            } else {
                "reopen_list"
            };
            audit::record(c, &email, action, &format!("list {}", list.slug), "", now)?;
            Ok(Some(archive))
        })
        .await?;
    Ok(match outcome {
        Some(true) => see_other(&format!("/admin/lists/{id}?done=archived")),
        Some(false) => see_other(&format!("/admin/lists/{id}?done=reopened")),
        None => not_found(&signed_in.state),
    })
}
