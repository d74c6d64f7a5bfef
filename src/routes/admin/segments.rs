//! `/admin/segments`: saved segments (contract §16), built from form
//! selects, with how many they choose now and the first of them.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::subscribers::filter_query;
use super::{CsrfForm, SignedIn, admin_page, not_found, see_other};
use crate::db::rfc3339;
use crate::db::subscribers::Cursor;
use crate::domain::SegmentId;
use crate::domain::segment::{MAX_RULES, REQUEST_CHANNELS, Rule};
use crate::i18n::Lang;
use crate::pages::admin::{SegmentFormView, SegmentView, SegmentsPage, SubscriberRow};
use crate::routes::body::field;
use crate::routes::{ServerError, render};
use crate::services::segments::{self, Refusal, SegmentForm};
use crate::services::{lists, subscribers};

/// Blank condition rows offered under the ones a segment has.
const BLANK_ROWS: usize = 3;

const OPS: [&str; 8] = [
    "is", "is_not", "contains", "lt", "gt", "before", "after", "empty",
];

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

fn flash(done: &Done) -> Option<&'static str> {
    match done.done.as_deref() {
        Some("saved") => Some("admin-segment-saved"),
        Some("deleted") => Some("admin-segment-deleted"),
        _ => None,
    }
}

fn with_blanks(mut rules: Vec<(String, String, String)>) -> Vec<(String, String, String)> {
    let blanks = BLANK_ROWS.min(MAX_RULES.saturating_sub(rules.len()));
    rules.extend(std::iter::repeat_n(Default::default(), blanks));
    rules
}

pub async fn index(
    signed_in: SignedIn,
    done: web::Query<Done>,
) -> Result<HttpResponse, ServerError> {
    let form = SegmentFormView {
        matching: "all".to_owned(),
        rules: with_blanks(Vec::new()),
        ..SegmentFormView::default()
    };
    page(
        &signed_in,
        StatusCode::OK,
        None,
        form,
        Vec::new(),
        flash(&done),
    )
    .await
}

pub async fn show(
    signed_in: SignedIn,
    id: web::Path<SegmentId>,
    done: web::Query<Done>,
) -> Result<HttpResponse, ServerError> {
    let Some(segment) = segments::get(&signed_in.state.services, *id).await? else {
        return Ok(not_found(&signed_in.site()));
    };
    let form = SegmentFormView {
        name: segment.name,
        matching: segment.matching.to_string(),
        rules: with_blanks(
            segment
                .rules
                .into_iter()
                .map(|r| (r.what, r.op, r.value))
                .collect(),
        ),
    };
    page(
        &signed_in,
        StatusCode::OK,
        Some(*id),
        form,
        Vec::new(),
        flash(&done),
    )
    .await
}

/// The segment's members now: the count and the first page.
async fn members(signed_in: &SignedIn, id: SegmentId) -> Result<SegmentView, ServerError> {
    let services = &signed_in.state.services;
    let filter = subscribers::Filter {
        segment: Some(id),
        ..subscribers::Filter::default()
    };
    let site = signed_in.site();
    let count = segments::count(services, id).await?;
    let rows = subscribers::search(services, filter.clone(), Cursor::First)
        .await?
        .map(|page| page.found)
        .unwrap_or_default()
        .into_iter()
        .map(|f| SubscriberRow {
            id: f.subscriber.id.0,
            email: f.subscriber.email,
            name: f.subscriber.name.unwrap_or_default(),
            created_at: rfc3339(f.subscriber.created_at),
            subscriptions: Vec::new(),
        })
        .collect();
    Ok(SegmentView {
        id: id.0,
        count: match count.building {
            None => site.n("admin-segment-count", count.members),
            Some((at, of)) => site.t2(
                "admin-segment-counting",
                "count",
                count.members,
                "percent",
                at.saturating_mul(100) / of.max(1),
            ),
        },
        rows,
        list_url: format!("/admin/subscribers?{}", filter_query(&filter)),
        broken: count.broken,
    })
}

async fn page(
    signed_in: &SignedIn,
    status: StatusCode,
    editing: Option<SegmentId>,
    form: SegmentFormView,
    errors: Vec<(String, String)>,
    flash: Option<&'static str>,
) -> Result<HttpResponse, ServerError> {
    let services = &signed_in.state.services;
    let site = signed_in.site();
    let all_lists = lists::all(services).await?;
    let defs = services.fields.get();
    let saved = segments::all(services).await?;
    let editing = match editing {
        Some(id) => Some(members(signed_in, id).await?),
        None => None,
    };
    let mut person: Vec<(String, String)> = [
        "signed_up",
        "confirmed",
        "language",
        "channel",
        "bounced",
        "complained",
    ]
    .into_iter()
    .map(|w| (w.to_owned(), site.t(&format!("admin-segment-what-{w}"))))
    .collect();
    person.sort_by(|a, b| a.1.cmp(&b.1));
    let whats = vec![
        (
            site.t("admin-segment-group-lists"),
            all_lists
                .iter()
                .map(|l| (format!("list:{}", l.id), l.name.clone()))
                .collect(),
        ),
        (
            site.t("admin-segment-group-fields"),
            defs.iter()
                .map(|f| {
                    (
                        format!("field:{}", f.key),
                        f.label(site.lang.code()).to_owned(),
                    )
                })
                .collect(),
        ),
        (site.t("admin-segment-group-person"), person),
    ];
    let mut suggestions: Vec<String> = ["any", "confirmed", "pending", "unsubscribed", "yes", "no"]
        .into_iter()
        .map(str::to_owned)
        .chain(Lang::all().map(|l| l.code().to_owned()))
        .chain(REQUEST_CHANNELS.iter().map(|c| c.as_str().to_owned()))
        .chain(defs.iter().flat_map(|f| f.options.clone()))
        .collect();
    suggestions.dedup();
    let page = SegmentsPage {
        site: &site,
        nav: signed_in.nav("segments"),
        segments: saved
            .into_iter()
            .map(|s| {
                let summary = site.n(
                    &format!("admin-segment-summary-{}", s.matching),
                    s.rules.len(),
                );
                (s.id.0, s.name, summary)
            })
            .collect(),
        editing,
        form,
        errors,
        whats,
        ops: OPS
            .into_iter()
            .map(|op| (op, site.t(&format!("admin-segment-op-{op}"))))
            .collect(),
        suggestions,
        flash,
    };
    Ok(if status == StatusCode::OK {
        admin_page(&page)
    } else {
        render(status, &page)
    })
}

fn form_of(fields: &[(String, String)]) -> SegmentForm {
    let rules = (0..MAX_RULES + BLANK_ROWS)
        .map(|n| Rule {
            what: field(fields, &format!("what.{n}"))
                .unwrap_or_default()
                .to_owned(),
            op: field(fields, &format!("op.{n}"))
                .unwrap_or_default()
                .to_owned(),
            value: field(fields, &format!("value.{n}"))
                .unwrap_or_default()
                .trim()
                .to_owned(),
        })
        .filter(|r| !r.what.is_empty())
        .collect();
    SegmentForm {
        name: field(fields, "name").unwrap_or_default().to_owned(),
        matching: field(fields, "match").unwrap_or_default().to_owned(),
        rules,
    }
}

pub async fn create(form: CsrfForm) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, fields } = form;
    save(signed_in, None, form_of(&fields)).await
}

pub async fn update(form: CsrfForm, id: web::Path<SegmentId>) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, fields } = form;
    save(signed_in, Some(*id), form_of(&fields)).await
}

async fn save(
    signed_in: SignedIn,
    id: Option<SegmentId>,
    sent: SegmentForm,
) -> Result<HttpResponse, ServerError> {
    let services = &signed_in.state.services;
    match segments::save(services, &signed_in.operator(), id, sent.clone()).await? {
        Ok(Some(saved)) => Ok(see_other(&format!("/admin/segments/{saved}?done=saved"))),
        Ok(None) => Ok(not_found(&signed_in.site())),
        Err(refused) => {
            let site = signed_in.site();
            let errors = refused
                .iter()
                .map(|r| match r {
                    Refusal::Name => ("name".to_owned(), site.t("admin-segment-name-error")),
                    Refusal::Matching => ("match".to_owned(), site.t("admin-segment-match-error")),
                    Refusal::TooMany => (
                        "rule-0".to_owned(),
                        site.n("admin-segment-too-many", MAX_RULES),
                    ),
                    Refusal::Rule(n, e) => {
                        (format!("rule-{n}"), site.t1(e.message_id(), "n", n + 1))
                    }
                })
                .collect();
            let form = SegmentFormView {
                name: sent.name,
                matching: sent.matching,
                rules: with_blanks(
                    sent.rules
                        .into_iter()
                        .map(|r| (r.what, r.op, r.value))
                        .collect(),
                ),
            };
            // The count and members shown are those of the segment as saved.
            let editing = match id {
                Some(id) if segments::get(services, id).await?.is_some() => Some(id),
                Some(_) => return Ok(not_found(&signed_in.site())),
                None => None,
            };
            page(
                &signed_in,
                StatusCode::UNPROCESSABLE_ENTITY,
                editing,
                form,
                errors,
                None,
            )
            .await
        }
    }
}

pub async fn delete(form: CsrfForm, id: web::Path<SegmentId>) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, .. } = form;
    if segments::delete(&signed_in.state.services, &signed_in.operator(), *id).await? {
        Ok(see_other("/admin/segments?done=deleted"))
    } else {
        Ok(not_found(&signed_in.site()))
    }
}
