//! `/admin/templates`: the wording of the confirmation, the welcome, the
//! reconfirmation and the broadcast layout in each language, with a
//! preview, earlier versions and a way back to the built-in one (contract
//! §15). A template that would send a message without its unsubscribe
//! link is refused with 422 and the form as it was sent.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::{CsrfForm, SignedIn, admin_page, not_found, see_other};
use crate::db::templates::Parts;
use crate::domain::TemplateKind;
use crate::i18n::Lang;
use crate::mail::templates::{Part, Problem, variables};
use crate::pages::Site;
use crate::pages::admin::{
    TemplateEntry, TemplatePage, TemplatePreview, TemplateVersion, TemplatesPage,
};
use crate::routes::body::field;
use crate::routes::{ServerError, render};
use crate::services::templates::{self, NotRestored};

/// The admin's policy, with frames of its own origin allowed: the
/// template's page shows its preview in one.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The preview is the operator's own message: its inline styles apply, its
/// images may come from anywhere, nothing runs, and only the template's
/// page may frame it.
const PREVIEW_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-src 'self'; form-action 'none'; frame-ancestors 'self'; base-uri 'none'; sandbox";

pub async fn index(signed_in: SignedIn) -> Result<HttpResponse, ServerError> {
    let entries = templates::overview(&signed_in.state.services)
        .await?
        .into_iter()
        .map(|e| TemplateEntry {
            kind: e.kind,
            lang: e.lang,
            edited: e.edited.map(|v| (v.saved_at / 1000, v.saved_by)),
        })
        .collect();
    Ok(admin_page(&TemplatesPage {
        site: &signed_in.site(),
        nav: signed_in.nav("templates"),
        entries,
    }))
}

/// `{kind}/{lang}` of a template's path, or `None` for one that is none.
fn which(path: &(String, String)) -> Option<(TemplateKind, Lang)> {
    Some((TemplateKind::parse(&path.0)?, Lang::parse(&path.1)?))
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

pub async fn page(
    signed_in: SignedIn,
    path: web::Path<(String, String)>,
    done: web::Query<Done>,
) -> Result<HttpResponse, ServerError> {
    let Some((kind, lang)) = which(&path) else {
        return Ok(not_found(&signed_in.site()));
    };
    let flash = match done.done.as_deref() {
        Some("saved") => Some("admin-template-saved"),
        Some("restored") => Some("admin-template-restored"),
        Some("reset") => Some("admin-template-reset-done"),
        _ => None,
    };
    let editing = templates::editing(&signed_in.state.services, kind, lang).await?;
    let parts = editing.parts.clone();
    Ok(editor(
        &signed_in,
        StatusCode::OK,
        kind,
        lang,
        &parts,
        &editing,
        Vec::new(),
        flash,
    ))
}

#[allow(clippy::too_many_arguments)]
fn editor(
    signed_in: &SignedIn,
    status: StatusCode,
    kind: TemplateKind,
    lang: Lang,
    parts: &Parts,
    editing: &templates::Editing,
    problems: Vec<String>,
    flash: Option<&'static str>,
) -> HttpResponse {
    let versions = editing
        .history
        .iter()
        .enumerate()
        .map(|(i, v)| TemplateVersion {
            id: v.id,
            saved_at: v.saved_at / 1000,
            saved_by: v.saved_by.clone(),
            builtin: v.parts.is_none(),
            in_force: i == 0,
        })
        .collect();
    let page = TemplatePage {
        site: &signed_in.site(),
        nav: signed_in.nav("templates"),
        kind,
        lang,
        subject: &parts.subject,
        html: &parts.html,
        text: &parts.text,
        edited: editing.edited,
        problems,
        variables: variables(kind),
        versions,
        flash,
    };
    let mut response = if status == StatusCode::OK {
        admin_page(&page)
    } else {
        render(status, &page)
    };
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(PAGE_POLICY),
    );
    response
}

/// The page again with 422 and every problem named: with the form as it
/// was sent, or, for a version that could not be restored, the one in force.
async fn refused(
    signed_in: &SignedIn,
    kind: TemplateKind,
    lang: Lang,
    sent: Option<&Parts>,
    problems: &[Problem],
) -> Result<HttpResponse, ServerError> {
    let site = signed_in.site();
    let problems = problems.iter().map(|p| in_words(&site, p)).collect();
    let editing = templates::editing(&signed_in.state.services, kind, lang).await?;
    let parts = sent.unwrap_or(&editing.parts);
    Ok(editor(
        signed_in,
        StatusCode::UNPROCESSABLE_ENTITY,
        kind,
        lang,
        parts,
        &editing,
        problems,
        None,
    ))
}

/// The three parts as the form sent them; a part left out is empty.
fn sent(fields: &[(String, String)]) -> Parts {
    let part = |name| {
        field(fields, name)
            .unwrap_or_default()
            .replace("\r\n", "\n")
    };
    Parts {
        subject: part("subject"),
        html: part("html"),
        text: part("text"),
    }
}

pub async fn save(
    form: CsrfForm,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, fields } = form;
    let Some((kind, lang)) = which(&path) else {
        return Ok(not_found(&signed_in.site()));
    };
    let parts = sent(&fields);
    let services = &signed_in.state.services;
    let operator = signed_in.operator();
    match templates::save(services, &operator, kind, lang, parts.clone()).await? {
        Ok(()) => Ok(see_other(&format!(
            "/admin/templates/{kind}/{lang}?done=saved"
        ))),
        Err(problems) => refused(&signed_in, kind, lang, Some(&parts), &problems).await,
    }
}

/// `GET …/preview`: the template in force, with sample values.
pub async fn preview_current(
    signed_in: SignedIn,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ServerError> {
    let Some((kind, lang)) = which(&path) else {
        return Ok(not_found(&signed_in.site()));
    };
    let editing = templates::editing(&signed_in.state.services, kind, lang).await?;
    preview(&signed_in, kind, lang, &editing.parts).await
}

/// `POST …/preview`: the form as it stands, unsaved; the template's page
/// sends it into its preview frame.
pub async fn preview_sent(
    form: CsrfForm,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, fields } = form;
    let Some((kind, lang)) = which(&path) else {
        return Ok(not_found(&signed_in.site()));
    };
    preview(&signed_in, kind, lang, &sent(&fields)).await
}

async fn preview(
    signed_in: &SignedIn,
    kind: TemplateKind,
    lang: Lang,
    parts: &Parts,
) -> Result<HttpResponse, ServerError> {
    let site = signed_in.site();
    let made = templates::preview(&signed_in.state.services, kind, lang, parts).await?;
    let (status, page) = match &made {
        Ok(made) => (
            StatusCode::OK,
            TemplatePreview {
                site: &site,
                subject: &made.subject,
                html: &made.html,
                text: &made.text,
                problems: Vec::new(),
            },
        ),
        Err(problems) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            TemplatePreview {
                site: &site,
                subject: "",
                html: "",
                text: "",
                problems: problems.iter().map(|p| in_words(&site, p)).collect(),
            },
        ),
    };
    let mut response = render(status, &page);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(PREVIEW_POLICY),
    );
    headers.insert(
        header::X_FRAME_OPTIONS,
        header::HeaderValue::from_static("SAMEORIGIN"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

pub async fn restore(
    form: CsrfForm,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, fields } = form;
    let Some((kind, lang)) = which(&path) else {
        return Ok(not_found(&signed_in.site()));
    };
    let site = signed_in.site();
    let Some(version) = field(&fields, "version").and_then(|v| v.trim().parse::<i64>().ok()) else {
        return Ok(not_found(&site));
    };
    let services = &signed_in.state.services;
    match templates::restore(services, &signed_in.operator(), kind, lang, version).await? {
        Ok(()) => Ok(see_other(&format!(
            "/admin/templates/{kind}/{lang}?done=restored"
        ))),
        Err(NotRestored::NoSuchVersion) => Ok(not_found(&site)),
        Err(NotRestored::Refused(problems)) => {
            refused(&signed_in, kind, lang, None, &problems).await
        }
    }
}

pub async fn reset(
    form: CsrfForm,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, .. } = form;
    let Some((kind, lang)) = which(&path) else {
        return Ok(not_found(&signed_in.site()));
    };
    templates::reset(&signed_in.state.services, &signed_in.operator(), kind, lang).await?;
    Ok(see_other(&format!(
        "/admin/templates/{kind}/{lang}?done=reset"
    )))
}

/// A problem in the operator's language, naming the part it is in.
fn in_words(site: &Site, problem: &Problem) -> String {
    let part = site.t(match problem.part() {
        Part::Subject => "admin-template-subject",
        Part::Html => "admin-template-html",
        Part::Text => "admin-template-text",
    });
    let what = match problem {
        Problem::Syntax { line, detail, .. } => site.t2(
            "admin-template-problem-syntax",
            "line",
            line.unwrap_or(1),
            "detail",
            detail,
        ),
        Problem::Unknown { variable, .. } => {
            site.t1("admin-template-problem-unknown", "variable", variable)
        }
        Problem::NoUnsubscribe { .. } => site.t("admin-template-problem-unsubscribe"),
        Problem::Missing { variable, .. } => {
            site.t1("admin-template-problem-missing", "variable", variable)
        }
        Problem::Includes { .. } => site.t("admin-template-problem-includes"),
        Problem::Endless { .. } => site.t("admin-template-problem-endless"),
        Problem::Fails { detail, .. } => site.t1("admin-template-problem-fails", "detail", detail),
    };
    format!("{part}: {what}")
}
