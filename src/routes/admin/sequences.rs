//! `/admin/sequences`: a list's series of messages after confirming, its
//! steps, pause and resume (contract §18).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::{CsrfForm, SignedIn, admin_page, not_found, see_other};
use crate::domain::SequenceId;
use crate::pages::Site;
use crate::pages::admin::{
    ListOption, SequenceErrors, SequenceForm, SequencePage, SequenceRow, SequenceStepPage,
    SequencesPage, StepErrors, StepForm, StepRow,
};
use crate::routes::body::field;
use crate::routes::{ServerError, render};
use crate::services::sequences::{self, Counts, Refusal, StepFields, Summary, View};
use crate::services::{Outcome, lists};

fn row(summary: &Summary, list_slug: String) -> SequenceRow {
    let s = &summary.sequence;
    SequenceRow {
        id: s.id.0,
        name: s.name.clone(),
        list_name: summary.list_name.clone(),
        list_slug,
        status: if s.active { "active" } else { "paused" },
        active: s.active,
        steps: summary.steps,
        enrolled: summary.enrolled,
    }
}

fn view_row(view: &View) -> SequenceRow {
    let summary = Summary {
        sequence: view.sequence.clone(),
        list_name: view.list.name.clone(),
        steps: view.steps.len(),
        enrolled: view.enrolled,
    };
    row(&summary, view.list.slug.clone())
}

fn step_row(step: &crate::db::sequences::Step, counts: Counts) -> StepRow {
    StepRow {
        position: step.position,
        subject: step.subject.clone(),
        delay: sequences::delay_text(step.delay_ms),
        sent: counts.sent,
        waiting: counts.waiting,
        skipped: counts.skipped,
        failed: counts.failed,
    }
}

/// What the delay of the step at `position` counts from.
fn delay_hint(position: usize) -> &'static str {
    if position <= 1 {
        "admin-sequence-delay-first-hint"
    } else {
        "admin-sequence-delay-hint"
    }
}

async fn list_options(signed_in: &SignedIn) -> Result<Vec<ListOption>, ServerError> {
    Ok(lists::all(&signed_in.state.services)
        .await?
        .into_iter()
        .filter(|l| l.archived_at.is_none())
        .map(|l| ListOption {
            slug: l.slug,
            name: l.name,
        })
        .collect())
}

async fn index_page(
    signed_in: &SignedIn,
    status: StatusCode,
    form: SequenceForm,
    errors: SequenceErrors,
) -> Result<HttpResponse, ServerError> {
    let services = &signed_in.state.services;
    let rows = sequences::all(services)
        .await?
        .iter()
        .map(|s| row(s, String::new()))
        .collect();
    let page = SequencesPage {
        site: &signed_in.site(),
        nav: signed_in.nav("sequences"),
        rows,
        lists: list_options(signed_in).await?,
        form,
        errors,
    };
    Ok(if status == StatusCode::OK {
        admin_page(&page)
    } else {
        render(status, &page)
    })
}

pub async fn index(signed_in: SignedIn) -> Result<HttpResponse, ServerError> {
    index_page(
        &signed_in,
        StatusCode::OK,
        SequenceForm::default(),
        SequenceErrors::default(),
    )
    .await
}

pub async fn create(form: CsrfForm) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, fields } = form;
    let site = signed_in.site();
    let form = SequenceForm {
        name: field(&fields, "name").unwrap_or_default().trim().to_owned(),
        list: field(&fields, "list").unwrap_or_default().trim().to_owned(),
    };
    let mut errors = SequenceErrors::default();
    if form.name.is_empty()
        || form.name.chars().count() > 200
        || form.name.chars().any(char::is_control)
    {
        errors.name = Some(site.t("admin-sequence-error-name"));
    }
    if !errors.any() {
        let services = &signed_in.state.services;
        let operator = signed_in.operator();
        match sequences::create(services, &operator, form.name.clone(), form.list.clone()).await? {
            Ok(id) => return Ok(see_other(&format!("/admin/sequences/{id}?done=created"))),
            Err(_) => errors.list = Some(site.t("admin-broadcast-error-list")),
        }
    }
    index_page(&signed_in, StatusCode::UNPROCESSABLE_ENTITY, form, errors).await
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

fn flash(done: &Done) -> Option<&'static str> {
    match done.done.as_deref() {
        Some("created") => Some("admin-sequence-flash-created"),
        Some("added") => Some("admin-sequence-flash-added"),
        Some("saved") => Some("admin-sequence-flash-saved"),
        Some("paused") => Some("admin-sequence-flash-paused"),
        Some("resumed") => Some("admin-sequence-flash-resumed"),
        Some("unchanged") => Some("admin-broadcast-flash-unchanged"),
        _ => None,
    }
}

pub async fn show(
    signed_in: SignedIn,
    id: web::Path<SequenceId>,
    done: web::Query<Done>,
) -> Result<HttpResponse, ServerError> {
    let site = signed_in.site();
    let Some(view) = sequences::view(&signed_in.state.services, *id).await? else {
        return Ok(not_found(&site));
    };
    let page = sequence_page(
        &signed_in,
        &site,
        &view,
        StepForm::default(),
        StepErrors::default(),
        flash(&done),
    );
    Ok(admin_page(&page))
}

fn sequence_page<'a>(
    signed_in: &'a SignedIn,
    site: &'a Site,
    view: &View,
    form: StepForm,
    errors: StepErrors,
    flash: Option<&'static str>,
) -> SequencePage<'a> {
    SequencePage {
        site,
        nav: signed_in.nav("sequences"),
        sequence: view_row(view),
        steps: view
            .steps
            .iter()
            .map(|(step, counts)| step_row(step, *counts))
            .collect(),
        form,
        errors,
        html: String::new(),
        text: String::new(),
        delay_hint: delay_hint(view.steps.len() + 1),
        flash,
    }
}

/// The step form's values, checked.
fn read_step(site: &Site, fields: &[(String, String)]) -> (StepForm, StepErrors, Option<i64>) {
    let form = StepForm {
        subject: field(fields, "subject")
            .unwrap_or_default()
            .trim()
            .to_owned(),
        delay: field(fields, "delay").unwrap_or_default().trim().to_owned(),
        body: field(fields, "body").unwrap_or_default().to_owned(),
    };
    let mut errors = StepErrors::default();
    if form.subject.is_empty()
        || form.subject.chars().count() > 200
        || form.subject.chars().any(char::is_control)
    {
        errors.subject = Some(site.t("admin-broadcast-error-subject"));
    }
    let delay = sequences::read_delay(&form.delay);
    if delay.is_none() {
        errors.delay = Some(site.t("admin-sequence-error-delay"));
    }
    if form.body.trim().is_empty() || form.body.len() > 200_000 {
        errors.body = Some(site.t("admin-broadcast-error-body"));
    }
    (form, errors, delay)
}

fn step_fields(form: &StepForm, delay_ms: i64) -> StepFields {
    StepFields {
        subject: form.subject.clone(),
        body: form.body.clone(),
        delay_ms,
    }
}

fn refused_body(site: &Site, refusal: &Refusal) -> Option<String> {
    match refusal {
        Refusal::Body(problem) => Some(super::broadcasts::body_problem(site, problem)),
        _ => None,
    }
}

pub async fn add_step(
    form: CsrfForm,
    id: web::Path<SequenceId>,
) -> Result<HttpResponse, ServerError> {
    let id = *id;
    let CsrfForm { signed_in, fields } = form;
    let site = signed_in.site();
    let services = &signed_in.state.services;
    let (form, mut errors, delay) = read_step(&site, &fields);
    if let (false, Some(delay)) = (errors.any(), delay) {
        let operator = signed_in.operator();
        match sequences::add_step(services, &operator, id, step_fields(&form, delay)).await? {
            Ok(_) => return Ok(see_other(&format!("/admin/sequences/{id}?done=added"))),
            Err(Refusal::NotFound) => return Ok(not_found(&site)),
            Err(refusal) => errors.body = refused_body(&site, &refusal),
        }
    }
    let Some(view) = sequences::view(services, id).await? else {
        return Ok(not_found(&site));
    };
    let page = sequence_page(&signed_in, &site, &view, form, errors, None);
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

pub async fn step(
    signed_in: SignedIn,
    path: web::Path<(SequenceId, i32)>,
    done: web::Query<Done>,
) -> Result<HttpResponse, ServerError> {
    let (id, position) = *path;
    step_page(
        &signed_in,
        id,
        position,
        StatusCode::OK,
        None,
        StepErrors::default(),
        flash(&done),
    )
    .await
}

async fn step_page(
    signed_in: &SignedIn,
    id: SequenceId,
    position: i32,
    status: StatusCode,
    form: Option<StepForm>,
    errors: StepErrors,
    flash: Option<&'static str>,
) -> Result<HttpResponse, ServerError> {
    let services = &signed_in.state.services;
    let site = signed_in.site();
    let Some(view) = sequences::view(services, id).await? else {
        return Ok(not_found(&site));
    };
    let Some((step, counts)) = view.steps.iter().find(|(s, _)| s.position == position) else {
        return Ok(not_found(&site));
    };
    let preview = sequences::preview(services, &view, step)?;
    let page = SequenceStepPage {
        site: &site,
        nav: signed_in.nav("sequences"),
        sequence: view_row(&view),
        step: step_row(step, *counts),
        form: form.unwrap_or_else(|| StepForm {
            subject: step.subject.clone(),
            delay: sequences::delay_text(step.delay_ms),
            body: step.body.clone(),
        }),
        errors,
        html: preview.html,
        text: preview.text,
        delay_hint: delay_hint(position as usize),
        flash,
    };
    Ok(if status == StatusCode::OK {
        admin_page(&page)
    } else {
        render(status, &page)
    })
}

pub async fn edit_step(
    form: CsrfForm,
    path: web::Path<(SequenceId, i32)>,
) -> Result<HttpResponse, ServerError> {
    let (id, position) = *path;
    let CsrfForm { signed_in, fields } = form;
    let site = signed_in.site();
    let (form, mut errors, delay) = read_step(&site, &fields);
    if let (false, Some(delay)) = (errors.any(), delay) {
        let services = &signed_in.state.services;
        let operator = signed_in.operator();
        let fields = step_fields(&form, delay);
        match sequences::edit_step(services, &operator, id, position, fields).await? {
            Ok(()) => {
                return Ok(see_other(&format!(
                    "/admin/sequences/{id}/steps/{position}?done=saved"
                )));
            }
            Err(Refusal::NotFound) => return Ok(not_found(&site)),
            Err(refusal) => errors.body = refused_body(&site, &refusal),
        }
    }
    step_page(
        &signed_in,
        id,
        position,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(form),
        errors,
        None,
    )
    .await
}

pub async fn pause(form: CsrfForm, id: web::Path<SequenceId>) -> Result<HttpResponse, ServerError> {
    let id = *id;
    let CsrfForm { signed_in, .. } = form;
    let operator = signed_in.operator();
    let outcome = sequences::pause(&signed_in.state.services, &operator, id).await?;
    Ok(after(&signed_in, id, outcome, "paused"))
}

pub async fn resume(
    form: CsrfForm,
    id: web::Path<SequenceId>,
) -> Result<HttpResponse, ServerError> {
    let id = *id;
    let CsrfForm { signed_in, fields } = form;
    let enrol_existing = field(&fields, "enrol_existing") == Some("yes");
    let services = &signed_in.state.services;
    let operator = signed_in.operator();
    match sequences::resume(services, &operator, id, enrol_existing).await? {
        Ok(outcome) => Ok(after(&signed_in, id, outcome, "resumed")),
        Err(_) => {
            let site = signed_in.site();
            let Some(view) = sequences::view(services, id).await? else {
                return Ok(not_found(&site));
            };
            let errors = StepErrors {
                steps: Some(site.t("admin-sequence-error-no-steps")),
                ..StepErrors::default()
            };
            let page = sequence_page(&signed_in, &site, &view, StepForm::default(), errors, None);
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

fn after(signed_in: &SignedIn, id: SequenceId, outcome: Outcome, done: &str) -> HttpResponse {
    match outcome {
        Outcome::Done => see_other(&format!("/admin/sequences/{id}?done={done}")),
        Outcome::NotApplicable => see_other(&format!("/admin/sequences/{id}?done=unchanged")),
        Outcome::NotFound => not_found(&signed_in.site()),
    }
}
