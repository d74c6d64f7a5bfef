//! `/admin/lists`: create, edit, archive; every wording kept as a version.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{CsrfForm, SignedIn, admin_page, not_found, see_other, when};
use crate::db::models::List;
use crate::domain::ListId;
use crate::domain::list::{is_slug, slugify};
use crate::i18n::Lang;
use crate::pages::Site;
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
    signed_in.state.services.policy().url("")
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
        site: &signed_in.site(),
        nav: signed_in.nav("lists"),
        lists,
        form: ListForm {
            language: signed_in
                .state
                .services
                .policy()
                .default_lang
                .code()
                .to_owned(),
            ..ListForm::default()
        },
        errors: ListFormErrors::default(),
    }))
}

/// The form's values, checked. A new list also has its slug checked, and
/// may leave its wording empty for the default one in its language.
fn validate(
    site: &Site,
    fields: &[(String, String)],
    new: bool,
    default_lang: Lang,
) -> (ListForm, ListFormErrors) {
    let text = |name| field(fields, name).unwrap_or_default().trim().to_owned();
    let mut form = ListForm {
        name: text("name"),
        slug: text("slug"),
        description: text("description"),
        consent_wording: text("consent_wording"),
        language: text("language"),
    };
    let mut errors = ListFormErrors::default();
    let bad = |t: &str, max: usize| {
        t.chars().count() > max || t.chars().any(|c| c.is_control() && c != '\n' && c != '\r')
    };
    if form.name.is_empty() || bad(&form.name, 100) || form.name.contains(['\r', '\n']) {
        errors.name = Some(site.t("admin-list-error-name"));
    }
    if bad(&form.description, 1000) {
        errors.description = Some(site.t("admin-list-error-description"));
    }
    if (form.consent_wording.is_empty() && !new) || bad(&form.consent_wording, 2000) {
        errors.consent_wording = Some(site.t("admin-list-error-wording"));
    }
    if form.language.is_empty() {
        form.language = default_lang.code().to_owned();
    } else if Lang::parse(&form.language).is_none() {
        errors.language = Some(site.t("admin-list-error-language"));
    }
    if new {
        if form.slug.is_empty() {
            form.slug = slugify(&form.name);
        }
        if !is_slug(&form.slug) {
            errors.slug = Some(site.t("admin-list-error-slug"));
        }
    }
    (form, errors)
}

pub async fn create(form: CsrfForm) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, fields } = form;
    let site = signed_in.site();
    let default_lang = signed_in.state.services.policy().default_lang;
    let (form, mut errors) = validate(&site, &fields, true, default_lang);
    if !errors.any() {
        let created = lists::create(
            &signed_in.state.services,
            &signed_in.operator(),
            fields_of(&form),
        )
        .await?;
        match created {
            Some(id) => return Ok(see_other(&format!("/admin/lists/{id}?done=created"))),
            None => errors.slug = Some(site.t("admin-list-error-slug-taken")),
        }
    }
    let lists = list_rows(&signed_in).await?;
    Ok(render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ListsPage {
            site: &site,
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
        lang: Lang::parse(&form.language).unwrap_or_default(),
    }
}

async fn list_page(
    signed_in: &SignedIn,
    id: ListId,
    status: StatusCode,
    form: Option<ListForm>,
    errors: ListFormErrors,
    flash: Option<&'static str>,
) -> Result<HttpResponse, ServerError> {
    let site = signed_in.site();
    let Some(detail) = lists::detail(&signed_in.state.services, id).await? else {
        return Ok(not_found(&site));
    };
    let (list, versions, count) = (detail.list, detail.versions, detail.subscriptions);
    let base = base_url(signed_in);
    let action = format!("{base}/subscribe");
    let embed_snippet = EmbedSnippet {
        lang: list.lang(),
        base: &base,
        pow: signed_in.state.services.pow().is_some(),
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
        language: list.language.clone(),
    });
    let mut response = render(
        status,
        &ListPage {
            site: &site,
            nav: signed_in.nav("lists"),
            list: row(list, count, &base),
            form,
            errors,
            versions: versions
                .into_iter()
                .map(|v| WordingVersion {
                    version: v.version,
                    created_at: when(&site, v.created_at),
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
        Some("created") => Some("admin-list-flash-created"),
        Some("saved") => Some("admin-list-flash-saved"),
        Some("archived") => Some("admin-list-flash-archived"),
        Some("reopened") => Some("admin-list-flash-reopened"),
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

pub async fn update(form: CsrfForm, id: web::Path<ListId>) -> Result<HttpResponse, ServerError> {
    let id = *id;
    let CsrfForm { signed_in, fields } = form;
    let default_lang = signed_in.state.services.policy().default_lang;
    let (form, errors) = validate(&signed_in.site(), &fields, false, default_lang);
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
        not_found(&signed_in.site())
    })
}

pub async fn archive(form: CsrfForm, id: web::Path<ListId>) -> Result<HttpResponse, ServerError> {
    let id = *id;
    let CsrfForm { signed_in, fields } = form;
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
        None => not_found(&signed_in.site()),
    })
}
