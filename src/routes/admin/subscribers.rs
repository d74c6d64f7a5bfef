//! Subscribers: search, one person's page and consent proof, the actions on
//! them, and the CSV export.

use std::collections::BTreeMap;

use actix_web::http::{StatusCode, header};
use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};
use futures_util::StreamExt;
use serde::Deserialize;

use super::{CsrfForm, SignedIn, admin_page, not_found, see_other, urlencode};
use crate::db::rfc3339;
use crate::db::subscribers::Cursor;
use crate::domain::{SegmentId, Status, SubscriberId, SubscriptionId};
use crate::pages::admin::{
    EventView, FieldInput, ListOption, SubscriberPage, SubscriberRow, SubscriberView,
    SubscribersPage, SubscriptionView,
};
use crate::routes::body::field;
use crate::routes::{ServerError, render};
use crate::services::{Outcome, bulk, consent, export, lists, segments, subscribers};

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    list: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    segment: String,
    before: Option<i64>,
    after: Option<i64>,
    /// What the last action on several did.
    #[serde(default)]
    done: String,
    changed: Option<i64>,
    unchanged: Option<i64>,
    #[serde(default)]
    refused: String,
    /// The bulk action on every match to show the progress of.
    bulk: Option<i64>,
}

impl SearchQuery {
    /// The filter the query names, `q` cut to the longest address.
    fn filter(&self) -> subscribers::Filter {
        subscribers::Filter {
            q: self.q.trim().chars().take(254).collect(),
            list: Some(self.list.clone()).filter(|s| !s.is_empty()),
            status: Status::parse(&self.status),
            segment: self.segment.parse().ok().map(SegmentId),
        }
    }
}

/// The query string of a filter, for links that keep it.
pub(super) fn filter_query(filter: &subscribers::Filter) -> String {
    format!(
        "q={}&list={}&status={}&segment={}",
        urlencode(&filter.q),
        urlencode(filter.list.as_deref().unwrap_or_default()),
        filter.status.map_or("", Status::as_str),
        filter.segment.map(|s| s.to_string()).unwrap_or_default(),
    )
}

pub async fn search(
    signed_in: SignedIn,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, ServerError> {
    let filter = query.filter();
    let cursor = match (query.before, query.after) {
        (Some(id), _) => Cursor::Older(SubscriberId(id)),
        (None, Some(id)) => Cursor::Newer(SubscriberId(id)),
        (None, None) => Cursor::First,
    };
    let services = &signed_in.state.services;
    let Some(page) = subscribers::search(services, filter.clone(), cursor).await? else {
        return Ok(not_found(&signed_in.site()));
    };
    let all_lists = lists::all(services).await?;
    let all_segments = segments::all(services).await?;
    let keep = filter_query(&filter);
    let first = page.found.first().map(|f| f.subscriber.id.0);
    let last = page.found.last().map(|f| f.subscriber.id.0);
    let newer_url = first
        .filter(|_| page.newer)
        .map(|id| format!("/admin/subscribers?{keep}&after={id}"));
    let older_url = last
        .filter(|_| page.older)
        .map(|id| format!("/admin/subscribers?{keep}&before={id}"));
    let rows = page
        .found
        .into_iter()
        .map(|f| SubscriberRow {
            id: f.subscriber.id.0,
            subscriptions: f
                .subscriptions
                .into_iter()
                .map(|(list, status)| (list, status.as_str().to_owned()))
                .collect(),
            email: f.subscriber.email,
            name: f.subscriber.name.unwrap_or_default(),
            created_at: rfc3339(f.subscriber.created_at),
        })
        .collect();
    let site = signed_in.site();
    let flash = flash(&site, services, &query).await?;
    let total = if page.total > subscribers::TOTAL_CAP {
        site.t("admin-subscribers-total-over")
    } else {
        site.n("admin-subscribers-total", page.total)
    };
    Ok(admin_page(&SubscribersPage {
        site: &site,
        nav: signed_in.nav("subscribers"),
        q: &filter.q,
        list: &query.list,
        status: filter.status.map_or("", Status::as_str),
        segment: filter.segment.map(|s| s.0),
        lists: all_lists
            .into_iter()
            .map(|l| ListOption {
                slug: l.slug,
                name: l.name,
            })
            .collect(),
        segments: all_segments.into_iter().map(|s| (s.id.0, s.name)).collect(),
        rows,
        total,
        matches: page.total,
        export_url: format!("/admin/export.csv?{keep}"),
        newer_url,
        older_url,
        flash,
    }))
}

/// What the page says of the last action on several.
async fn flash(
    site: &crate::pages::Site,
    services: &crate::services::Services,
    query: &SearchQuery,
) -> Result<Option<String>, ServerError> {
    if let Some(id) = query.bulk {
        return Ok(bulk::progress(services, id).await?.map(|p| {
            let (id, done) = if p.finished {
                ("admin-bulk-finished", p.tally.changed)
            } else {
                ("admin-bulk-running", p.tally.changed + p.tally.unchanged)
            };
            site.t2(id, "done", done, "unchanged", p.tally.unchanged)
        }));
    }
    Ok(match query.refused.as_str() {
        "none" => Some(site.t("admin-bulk-none-selected")),
        "erase" => Some(site.t("admin-bulk-erase-unconfirmed")),
        _ if !query.done.is_empty() => Some(site.lang.t_with(
            "admin-bulk-done",
            &[
                ("action", query.done.as_str()),
                ("done", &query.changed.unwrap_or(0).to_string()),
                ("unchanged", &query.unchanged.unwrap_or(0).to_string()),
            ],
        )),
        _ => None,
    })
}

#[derive(Deserialize)]
pub struct FlashQuery {
    done: Option<String>,
}

pub async fn show(
    signed_in: SignedIn,
    id: web::Path<SubscriberId>,
    query: web::Query<FlashQuery>,
) -> Result<HttpResponse, ServerError> {
    let flash = match query.done.as_deref() {
        Some("resent") => Some("admin-subscriber-flash-resent"),
        Some("unsubscribed") => Some("admin-subscriber-flash-ended"),
        Some("unchanged") => Some("admin-subscriber-flash-unchanged"),
        Some("fields") => Some("admin-subscriber-flash-fields"),
        _ => None,
    };
    subscriber_page(&signed_in, *id, flash, None).await
}

/// `POST /admin/subscribers/{id}/fields`: the person's values of the
/// operators' fields, each change audited with its old and new value.
pub async fn save_fields(
    form: CsrfForm,
    id: web::Path<SubscriberId>,
) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, fields } = form;
    let sent: BTreeMap<String, String> = fields
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("field.")?.to_owned(), v.clone())))
        .collect();
    let services = &signed_in.state.services;
    let operator = signed_in.operator();
    match crate::services::fields::edit(services, Some(&operator), *id, sent.clone()).await? {
        Ok(()) => Ok(see_other(&format!("/admin/subscribers/{id}?done=fields"))),
        Err(refused) => {
            let site = signed_in.site();
            let errors = refused
                .into_iter()
                .map(|(key, e)| (key, site.t(e.message_id())))
                .collect();
            subscriber_page(&signed_in, *id, None, Some((sent, errors))).await
        }
    }
}

type SentFields = (BTreeMap<String, String>, Vec<(String, String)>);

async fn subscriber_page(
    signed_in: &SignedIn,
    id: SubscriberId,
    flash: Option<&'static str>,
    refused: Option<SentFields>,
) -> Result<HttpResponse, ServerError> {
    let Some(record) = consent::record(&signed_in.state.services, id).await? else {
        return Ok(not_found(&signed_in.site()));
    };
    let site = signed_in.site();
    let defs = signed_in.state.services.fields.get();
    let fields = match &refused {
        Some((sent, errors)) => FieldInput::list(&defs, site.lang, sent, errors),
        None => FieldInput::list(&defs, site.lang, &record.subscriber.fields, &[]),
    };
    let text = |t: Option<consent::Time>| t.map(|t| t.to_string()).unwrap_or_default();
    let subscriptions = record
        .subscriptions
        .into_iter()
        .map(|s| SubscriptionView {
            id: s.id.0,
            list_name: s.list.name,
            can_resend: s.status == Status::Pending,
            can_unsubscribe: s.status != Status::Unsubscribed,
            status: s.status.as_str().to_owned(),
            created_at: s.created_at.to_string(),
            confirmed_at: text(s.confirmed_at),
            unsubscribed_at: text(s.unsubscribed_at),
            events: s
                .events
                .into_iter()
                .map(|e| EventView {
                    at: e.occurred_at.to_string(),
                    act: e.act.as_str().to_owned(),
                    channel: e.channel.as_str().to_owned(),
                    client_ip: e.client_ip.unwrap_or_default(),
                    user_agent: e.user_agent.unwrap_or_default(),
                    source: e.source.unwrap_or_default(),
                    wording_version: e
                        .wording
                        .as_ref()
                        .map(|w| format!("v{}", w.version))
                        .unwrap_or_default(),
                    wording_sha256: e.wording.map(|w| w.sha256).unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    let deliveries = crate::services::deliveries::of_subscriber(&signed_in.state.services, id)
        .await?
        .iter()
        .map(|e| super::deliveries::row(&site, e))
        .collect();
    let page = SubscriberPage {
        deliveries,
        site: &site,
        nav: signed_in.nav("subscribers"),
        subscriber: SubscriberView {
            id: record.subscriber.id.0,
            email: record.subscriber.email,
            name: record.subscriber.name.unwrap_or_default(),
            created_at: record.subscriber.created_at.to_string(),
        },
        subscriptions,
        bounces: record
            .bounces
            .into_iter()
            .map(|b| {
                (
                    b.occurred_at.to_string(),
                    b.kind.as_str().to_owned(),
                    b.source,
                )
            })
            .collect(),
        fields,
        flash,
    };
    Ok(match refused {
        None => admin_page(&page),
        Some(_) => render(StatusCode::UNPROCESSABLE_ENTITY, &page),
    })
}

/// The consent proof of one person (GDPR art. 15 and 20): every
/// subscription with its full history and the wording each act saw.
pub async fn consent_json(
    signed_in: SignedIn,
    id: web::Path<SubscriberId>,
) -> Result<HttpResponse, ServerError> {
    let id = *id;
    let operator = signed_in.operator();
    let Some(record) =
        subscribers::consent_export(&signed_in.state.services, &operator, id).await?
    else {
        return Ok(not_found(&signed_in.site()));
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"consent-{id}.json\""),
        ))
        .json(record))
}

/// Where an action on a subscriber leads.
fn after_action(
    signed_in: &SignedIn,
    subscriber: SubscriberId,
    outcome: Outcome,
    done: &str,
) -> HttpResponse {
    match outcome {
        Outcome::Done => see_other(&format!("/admin/subscribers/{subscriber}?done={done}")),
        Outcome::NotApplicable => {
            see_other(&format!("/admin/subscribers/{subscriber}?done=unchanged"))
        }
        Outcome::NotFound => not_found(&signed_in.site()),
    }
}

pub async fn resend(
    form: CsrfForm,
    path: web::Path<(SubscriberId, SubscriptionId)>,
) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, .. } = form;
    let (subscriber, subscription) = path.into_inner();
    let outcome = subscribers::resend_confirmation(
        &signed_in.state.services,
        &signed_in.operator(),
        subscriber,
        subscription,
    )
    .await?;
    Ok(after_action(&signed_in, subscriber, outcome, "resent"))
}

pub async fn unsubscribe(
    form: CsrfForm,
    path: web::Path<(SubscriberId, SubscriptionId)>,
) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, .. } = form;
    let (subscriber, subscription) = path.into_inner();
    let outcome = subscribers::unsubscribe(
        &signed_in.state.services,
        &signed_in.operator(),
        subscriber,
        subscription,
    )
    .await?;
    Ok(after_action(
        &signed_in,
        subscriber,
        outcome,
        "unsubscribed",
    ))
}

pub async fn erase(
    form: CsrfForm,
    id: web::Path<SubscriberId>,
) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, fields } = form;
    let id = *id;
    if field(&fields, "confirm") != Some("yes") {
        return Ok(see_other(&format!("/admin/subscribers/{id}")));
    }
    let outcome = subscribers::erase(&signed_in.state.services, &signed_in.operator(), id).await?;
    Ok(match outcome {
        Outcome::NotFound => not_found(&signed_in.site()),
        _ => see_other("/admin/subscribers"),
    })
}

/// The CSV of `assent export` for the subscribers the page's filter
/// selects, read and sent a page at a time.
pub async fn export_csv(
    signed_in: SignedIn,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, ServerError> {
    // A list named by something that cannot be a slug is no list at all.
    if !query.list.is_empty() && !crate::domain::list::is_slug(&query.list) {
        return Ok(not_found(&signed_in.site()));
    }
    let filter = query.filter();
    let services = &signed_in.state.services;
    if let Some(id) = filter.segment
        && segments::get(services, id).await?.is_none()
    {
        return Ok(not_found(&signed_in.site()));
    }
    let pieces = export::stream(&signed_in.state.services, &signed_in.operator(), filter).await?;
    let body = pieces.map(|piece| {
        piece
            .map(Bytes::from)
            .map_err(actix_web::error::ErrorInternalServerError)
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"subscribers.csv\"",
        ))
        .streaming(body))
}

/// `POST /admin/subscribers/bulk`: an action on the ticked subscribers, at
/// once, or on every match of the page's filter, by a job.
pub async fn bulk(form: CsrfForm) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, fields } = form;
    let text = |name: &str| field(&fields, name).unwrap_or_default().to_owned();
    let query = SearchQuery {
        q: text("q"),
        list: text("list"),
        status: text("status"),
        segment: text("segment"),
        ..SearchQuery::default()
    };
    let filter = query.filter();
    let back = format!("/admin/subscribers?{}", filter_query(&filter));
    let services = &signed_in.state.services;
    let target = bulk::list_by_slug(services, &text("target")).await?;
    let action = match (text("action").as_str(), target) {
        ("unsubscribe", Some(list)) => bulk::Action::Unsubscribe(list.id),
        ("invite", Some(list)) => bulk::Action::Invite(list.id),
        ("erase", _) if text("confirm") == "yes" => bulk::Action::Erase,
        ("erase", _) => return Ok(see_other(&format!("{back}&refused=erase"))),
        _ => return Ok(see_other(&back)),
    };
    let operator = signed_in.operator();
    if text("scope") == "all" {
        let id = bulk::on_every_match(services, &operator, action, &filter).await?;
        return Ok(see_other(&format!("{back}&bulk={id}")));
    }
    let ids: Vec<SubscriberId> = fields
        .iter()
        .filter(|(k, _)| k == "id")
        .filter_map(|(_, v)| v.trim().parse().ok().map(SubscriberId))
        .take(bulk::MAX_SELECTED)
        .collect();
    if ids.is_empty() {
        return Ok(see_other(&format!("{back}&refused=none")));
    }
    let tally = bulk::on_selected(services, &operator, action, ids).await?;
    Ok(see_other(&format!(
        "{back}&done={}&changed={}&unchanged={}",
        action.name(),
        tally.changed,
        tally.unchanged
    )))
}
