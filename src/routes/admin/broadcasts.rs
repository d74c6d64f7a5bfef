//! `/admin/broadcasts`: write, preview, test, send, pause, resume, cancel.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::{CsrfForm, SignedIn, admin_page, not_found, see_other, when};
use crate::db::models::{BroadcastStatus, List};
use crate::domain::{BroadcastId, SegmentId, SubscriberEmail};
use crate::mail::personal::BodyProblem;
use crate::pages::Site;
use crate::pages::admin::{
    BroadcastConfirmPage, BroadcastErrors, BroadcastForm, BroadcastNewPage, BroadcastPage,
    BroadcastRow, BroadcastsPage, ListOption,
};
use crate::policy::TimeZone;
use crate::routes::body::field;
use crate::routes::{ServerError, render};
use crate::services::broadcasts::{self, Control, Fields, Refusal, Summary};
use crate::services::{Outcome, lists, segments};

fn row(site: &Site, summary: &Summary) -> BroadcastRow {
    let c = summary.counts;
    let done = c.sent + c.failed + c.skipped;
    BroadcastRow {
        id: summary.broadcast.id.0,
        subject: summary.broadcast.subject.clone(),
        list_name: summary.list_name.clone(),
        status: summary.broadcast.status.as_str().to_owned(),
        total: c.total,
        sent: c.sent,
        waiting: c.waiting,
        failed: c.failed,
        skipped: c.skipped,
        percent: if c.total > 0 {
            done * 100 / c.total
        } else {
            100
        },
        created_at: when(site, summary.broadcast.created_at),
    }
}

fn options(lists: Vec<List>) -> Vec<ListOption> {
    lists
        .into_iter()
        .filter(|l| l.archived_at.is_none())
        .map(|l| ListOption {
            slug: l.slug,
            name: l.name,
        })
        .collect()
}

/// The segments a broadcast may be narrowed to: (id, name).
async fn segment_options(signed_in: &SignedIn) -> Result<Vec<(String, String)>, ServerError> {
    Ok(segments::all(&signed_in.state.services)
        .await?
        .into_iter()
        .map(|s| (s.id.0.to_string(), s.name))
        .collect())
}

pub async fn index(
    signed_in: SignedIn,
    done: web::Query<Done>,
) -> Result<HttpResponse, ServerError> {
    let all = broadcasts::all(&signed_in.state.services).await?;
    let site = signed_in.site();
    Ok(admin_page(&BroadcastsPage {
        site: &site,
        nav: signed_in.nav("broadcasts"),
        rows: all.iter().map(|s| row(&site, s)).collect(),
        flash: (done.done.as_deref() == Some("deleted")).then_some("admin-broadcast-flash-deleted"),
    }))
}

pub async fn new(signed_in: SignedIn) -> Result<HttpResponse, ServerError> {
    let lists = options(lists::all(&signed_in.state.services).await?);
    Ok(admin_page(&BroadcastNewPage {
        site: &signed_in.site(),
        nav: signed_in.nav("broadcasts"),
        form: BroadcastForm {
            lists: lists.first().map(|l| l.slug.clone()).into_iter().collect(),
            ..BroadcastForm::default()
        },
        lists,
        segments: segment_options(&signed_in).await?,
        errors: BroadcastErrors::default(),
        html: String::new(),
        text: String::new(),
    }))
}

/// The form's values, checked.
fn validate(site: &Site, fields: &[(String, String)]) -> (BroadcastForm, BroadcastErrors) {
    let form = BroadcastForm {
        lists: fields
            .iter()
            .filter(|(k, v)| k == "list" && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect(),
        segment: field(fields, "segment")
            .unwrap_or_default()
            .trim()
            .to_owned(),
        subject: field(fields, "subject")
            .unwrap_or_default()
            .trim()
            .to_owned(),
        body: field(fields, "body").unwrap_or_default().to_owned(),
        public: field(fields, "public") == Some("yes"),
    };
    let mut errors = BroadcastErrors::default();
    if form.lists.is_empty() {
        errors.list = Some(site.t("admin-broadcast-error-list"));
    }
    if !form.segment.is_empty() && form.segment.parse::<i64>().is_err() {
        errors.segment = Some(site.t("admin-broadcast-error-segment"));
    }
    if form.subject.is_empty()
        || form.subject.chars().count() > 200
        || form.subject.chars().any(char::is_control)
    {
        errors.subject = Some(site.t("admin-broadcast-error-subject"));
    }
    if form.body.trim().is_empty() || form.body.len() > 200_000 {
        errors.body = Some(site.t("admin-broadcast-error-body"));
    }
    (form, errors)
}

/// What is wrong with the body's variables, in the operator's words.
pub(super) fn body_problem(site: &Site, problem: &BodyProblem) -> String {
    match problem {
        BodyProblem::Unknown(name) => site.t1("admin-broadcast-error-variable", "name", name),
        BodyProblem::Broken { line, detail } => site.t2(
            "admin-broadcast-error-template",
            "line",
            line.unwrap_or(1),
            "detail",
            detail,
        ),
    }
}

fn fields_of(form: &BroadcastForm) -> Fields {
    Fields {
        lists: form.lists.clone(),
        segment: form.segment.parse().ok().map(SegmentId),
        subject: form.subject.clone(),
        body: form.body.clone(),
        public: form.public,
    }
}

pub async fn create(form: CsrfForm) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, fields } = form;
    let site = signed_in.site();
    let (form, mut errors) = validate(&site, &fields);
    if !errors.any() {
        let services = &signed_in.state.services;
        match broadcasts::create(services, &signed_in.operator(), fields_of(&form)).await? {
            Ok(id) => return Ok(see_other(&format!("/admin/broadcasts/{id}?done=created"))),
            Err(Refusal::Body(problem)) => errors.body = Some(body_problem(&site, &problem)),
            Err(Refusal::UnknownSegment) => {
                errors.segment = Some(site.t("admin-broadcast-error-segment"));
            }
            Err(_) => errors.list = Some(site.t("admin-broadcast-error-list")),
        }
    }
    let lists = options(lists::all(&signed_in.state.services).await?);
    Ok(render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &BroadcastNewPage {
            site: &site,
            nav: signed_in.nav("broadcasts"),
            lists,
            segments: segment_options(&signed_in).await?,
            form,
            errors,
            html: String::new(),
            text: String::new(),
        },
    ))
}

/// The editor's live preview (`static/editor.js`): the form as it is
/// now, rendered, as JSON; nothing is stored.
pub async fn preview(form: CsrfForm) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, fields } = form;
    let site = signed_in.site();
    let text = |name: &str| field(&fields, name).unwrap_or_default().to_owned();
    let previewed = broadcasts::preview(
        &signed_in.state.services,
        text("list"),
        text("subject"),
        text("body"),
    )
    .await?;
    let answer = match previewed {
        Ok(preview) => serde_json::json!({ "html": preview.html, "text": preview.text }),
        Err(Refusal::Body(problem)) => {
            serde_json::json!({ "problem": body_problem(&site, &problem) })
        }
        Err(_) => serde_json::json!({ "problem": site.t("admin-broadcast-error-list") }),
    };
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(answer))
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

pub async fn show(
    signed_in: SignedIn,
    id: web::Path<BroadcastId>,
    done: web::Query<Done>,
) -> Result<HttpResponse, ServerError> {
    let flash = match done.done.as_deref() {
        Some("created") => Some("admin-broadcast-flash-created"),
        Some("cloned") => Some("admin-broadcast-flash-cloned"),
        Some("saved") => Some("admin-broadcast-flash-saved"),
        Some("tested") => Some("admin-broadcast-flash-tested"),
        Some("sent") => Some("admin-broadcast-flash-started"),
        Some("scheduled") => Some("admin-broadcast-flash-scheduled"),
        Some("paused") => Some("admin-broadcast-flash-paused"),
        Some("resumed") => Some("admin-broadcast-flash-resumed"),
        Some("retried") => Some("admin-broadcast-flash-retried"),
        Some("cancelled") => Some("admin-broadcast-flash-cancelled"),
        Some("unchanged") => Some("admin-broadcast-flash-unchanged"),
        _ => None,
    };
    page(
        &signed_in,
        *id,
        StatusCode::OK,
        None,
        BroadcastErrors::default(),
        flash,
    )
    .await
}

async fn page(
    signed_in: &SignedIn,
    id: BroadcastId,
    status: StatusCode,
    form: Option<BroadcastForm>,
    errors: BroadcastErrors,
    flash: Option<&'static str>,
) -> Result<HttpResponse, ServerError> {
    let services = &signed_in.state.services;
    let site = signed_in.site();
    let Some(view) = broadcasts::view(services, id).await? else {
        return Ok(not_found(&site));
    };
    let lists = options(lists::all(services).await?);
    let b = &view.summary.broadcast;
    let time = |t: Option<i64>| t.map(|t| when(&site, t)).unwrap_or_default();
    use BroadcastStatus::*;
    let page = BroadcastPage {
        site: &site,
        nav: signed_in.nav("broadcasts"),
        broadcast: row(&site, &view.summary),
        send_at: if b.status == Scheduled {
            time(b.send_at)
        } else {
            String::new()
        },
        started_at: time(b.started_at),
        finished_at: time(b.finished_at),
        html: view.html.clone(),
        text: view.text.clone(),
        draft: b.status == Draft,
        form: form.unwrap_or_else(|| BroadcastForm {
            lists: view.list_slugs.clone(),
            segment: b.segment_id.map(|s| s.0.to_string()).unwrap_or_default(),
            subject: b.subject.clone(),
            body: b.body.clone(),
            public: b.public,
        }),
        lists,
        segments: segment_options(signed_in).await?,
        errors,
        can_send: b.status == Draft,
        can_pause: b.status == Sending,
        can_resume: b.status == Paused,
        can_cancel: matches!(b.status, Scheduled | Sending | Paused),
        can_delete: b.status == Draft,
        retryable: view.retryable,
        refresh: matches!(b.status, Scheduled | Sending),
        flash,
    };
    Ok(if status == StatusCode::OK {
        admin_page(&page)
    } else {
        render(status, &page)
    })
}

pub async fn update(
    form: CsrfForm,
    id: web::Path<BroadcastId>,
) -> Result<HttpResponse, ServerError> {
    let id = *id;
    let CsrfForm { signed_in, fields } = form;
    let site = signed_in.site();
    let (form, mut errors) = validate(&site, &fields);
    if !errors.any() {
        let services = &signed_in.state.services;
        match broadcasts::edit(services, &signed_in.operator(), id, fields_of(&form)).await? {
            Ok(()) => return Ok(see_other(&format!("/admin/broadcasts/{id}?done=saved"))),
            Err(Refusal::NotFound) => return Ok(not_found(&signed_in.site())),
            Err(Refusal::NotDraft) => {
                return Ok(crate::routes::error_page(
                    &site,
                    StatusCode::CONFLICT,
                    &site.t("admin-broadcast-not-draft-title"),
                    &site.t("admin-broadcast-not-draft"),
                    Some((
                        &format!("/admin/broadcasts/{id}"),
                        &site.t("admin-broadcast-back"),
                    )),
                ));
            }
            Err(Refusal::UnknownList) => {
                errors.list = Some(site.t("admin-broadcast-error-list"));
            }
            Err(Refusal::Body(problem)) => errors.body = Some(body_problem(&site, &problem)),
            Err(Refusal::UnknownSegment) => {
                errors.segment = Some(site.t("admin-broadcast-error-segment"));
            }
        }
    }
    page(
        &signed_in,
        id,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(form),
        errors,
        None,
    )
    .await
}

pub async fn test(form: CsrfForm, id: web::Path<BroadcastId>) -> Result<HttpResponse, ServerError> {
    let id = *id;
    let CsrfForm { signed_in, fields } = form;
    let to = match SubscriberEmail::parse(field(&fields, "email").unwrap_or_default()) {
        Ok(to) => to,
        Err(e) => {
            let errors = BroadcastErrors {
                email: Some(e.describe(signed_in.lang)),
                ..BroadcastErrors::default()
            };
            return page(
                &signed_in,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                errors,
                None,
            )
            .await;
        }
    };
    let outcome =
        broadcasts::test_send(&signed_in.state.services, &signed_in.operator(), id, to).await?;
    Ok(after(&signed_in, id, outcome, "tested"))
}

/// `YYYY-MM-DDTHH:MM` as a datetime-local field sends it, read in the time
/// zone of the settings, or RFC 3339.
fn parse_at(text: &str, zone: &TimeZone) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    let text = text.trim();
    if let Ok(at) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return Some((at.unix_timestamp_nanos() / 1_000_000) as i64);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let at = time::PrimitiveDateTime::parse(text, format).ok()?;
    zone.unix_ms_of(at)
}

pub async fn send(form: CsrfForm, id: web::Path<BroadcastId>) -> Result<HttpResponse, ServerError> {
    let clock = form.signed_in.state.services.clock.clone();
    let id = *id;
    let CsrfForm { signed_in, fields } = form;
    let at = field(&fields, "at")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|text| parse_at(text, &signed_in.site().timezone));
    // A time that has passed is a typo, not "now": the form's minute that
    // is running still counts as now.
    let refused = match at {
        Some(None) => Some("admin-broadcast-error-at"),
        Some(Some(at)) if at + 60_000 <= clock.now().ms() => Some("admin-broadcast-error-past"),
        _ => None,
    };
    if let Some(message) = refused {
        let errors = BroadcastErrors {
            at: Some(signed_in.site().t(message)),
            ..BroadcastErrors::default()
        };
        return page(
            &signed_in,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            errors,
            None,
        )
        .await;
    }
    let at = at.flatten();
    if field(&fields, "confirm") != Some("yes") {
        return confirm(&signed_in, id, at, field(&fields, "at").unwrap_or_default()).await;
    }
    let outcome =
        broadcasts::send(&signed_in.state.services, &signed_in.operator(), id, at).await?;
    let done = if at.is_some_and(|at| at > clock.now().ms()) {
        "scheduled"
    } else {
        "sent"
    };
    Ok(after(&signed_in, id, outcome, done))
}

/// The page between the send button and the send: who, how many, when.
async fn confirm(
    signed_in: &SignedIn,
    id: BroadcastId,
    at: Option<i64>,
    typed: &str,
) -> Result<HttpResponse, ServerError> {
    let audience = match broadcasts::audience(&signed_in.state.services, id).await? {
        Ok(audience) => audience,
        Err(outcome) => return Ok(after(signed_in, id, outcome, "unchanged")),
    };
    let site = signed_in.site();
    Ok(admin_page(&BroadcastConfirmPage {
        nav: signed_in.nav("broadcasts"),
        id: id.0,
        subject: audience.subject,
        list_name: audience.list_name,
        total: audience.total,
        first: audience.first,
        at: if at.is_some() {
            typed.trim().to_owned()
        } else {
            String::new()
        },
        at_shown: at.map(|at| when(&site, at)).unwrap_or_default(),
        site: &site,
    }))
}

pub async fn clone(
    form: CsrfForm,
    id: web::Path<BroadcastId>,
) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, .. } = form;
    match broadcasts::clone(&signed_in.state.services, &signed_in.operator(), *id).await? {
        Some(copy) => Ok(see_other(&format!("/admin/broadcasts/{copy}?done=cloned"))),
        None => Ok(not_found(&signed_in.site())),
    }
}

pub async fn delete(
    form: CsrfForm,
    id: web::Path<BroadcastId>,
) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, .. } = form;
    let id = *id;
    match broadcasts::delete(&signed_in.state.services, &signed_in.operator(), id).await? {
        Outcome::Done => Ok(see_other("/admin/broadcasts?done=deleted")),
        outcome => Ok(after(&signed_in, id, outcome, "unchanged")),
    }
}

async fn control(
    form: CsrfForm,
    id: BroadcastId,
    which: Control,
    done: &str,
) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, .. } = form;
    let outcome =
        broadcasts::control(&signed_in.state.services, &signed_in.operator(), id, which).await?;
    Ok(after(&signed_in, id, outcome, done))
}

pub async fn pause(
    form: CsrfForm,
    id: web::Path<BroadcastId>,
) -> Result<HttpResponse, ServerError> {
    control(form, *id, Control::Pause, "paused").await
}

pub async fn resume(
    form: CsrfForm,
    id: web::Path<BroadcastId>,
) -> Result<HttpResponse, ServerError> {
    control(form, *id, Control::Resume, "resumed").await
}

pub async fn retry(
    form: CsrfForm,
    id: web::Path<BroadcastId>,
) -> Result<HttpResponse, ServerError> {
    control(form, *id, Control::Retry, "retried").await
}

pub async fn cancel(
    form: CsrfForm,
    id: web::Path<BroadcastId>,
) -> Result<HttpResponse, ServerError> {
    control(form, *id, Control::Cancel, "cancelled").await
}

fn after(signed_in: &SignedIn, id: BroadcastId, outcome: Outcome, done: &str) -> HttpResponse {
    match outcome {
        Outcome::Done => see_other(&format!("/admin/broadcasts/{id}?done={done}")),
        Outcome::NotApplicable => see_other(&format!("/admin/broadcasts/{id}?done=unchanged")),
        Outcome::NotFound => not_found(&signed_in.site()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_send_time_is_read_in_the_zone_of_the_settings() {
        let utc = TimeZone::utc();
        assert_eq!(parse_at("1970-01-01T00:01", &utc), Some(60_000));
        assert_eq!(parse_at("1970-01-01T01:00:00+01:00", &utc), Some(0));
        assert_eq!(parse_at("tomorrow", &utc), None);
        let paris = TimeZone::named("Europe/Paris").expect("a zone");
        // 10:00 in Paris on a summer day is 08:00 UTC.
        let summer = parse_at("2026-07-01T10:00", &paris).expect("a time");
        let utc_summer = parse_at("2026-07-01T08:00", &utc).expect("a time");
        assert_eq!(summer, utc_summer);
        // An offset written out wins over the zone.
        assert_eq!(parse_at("1970-01-01T01:00:00+01:00", &paris), Some(0));
    }
}
