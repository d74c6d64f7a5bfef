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
use crate::domain::{Status, SubscriberId, SubscriptionId};
use crate::pages::admin::{
    EventView, FieldInput, ListOption, SubscriberPage, SubscriberRow, SubscriberView,
    SubscribersPage, SubscriptionView,
};
use crate::routes::body::field;
use crate::routes::{ServerError, render};
use crate::services::{Outcome, consent, export, lists, subscribers};

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    list: String,
    #[serde(default)]
    status: String,
    before: Option<i64>,
}

pub async fn search(
    signed_in: SignedIn,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, ServerError> {
    let query = query.into_inner();
    let q = query.q.trim().chars().take(254).collect::<String>();
    let status = Status::parse(&query.status);
    let services = &signed_in.state.services;
    let found = subscribers::search(
        services,
        subscribers::Filter {
            q: q.clone(),
            list: Some(query.list.clone()).filter(|s| !s.is_empty()),
            status,
            before: query.before.map(SubscriberId),
        },
    )
    .await?;
    let all_lists = lists::all(services).await?;
    let status_text = status.map_or("", Status::as_str);
    let next_url = (found.len() as i64 == subscribers::PAGE).then(|| {
        let last = found.last().map_or(0, |f| f.subscriber.id.0);
        format!(
            "/admin/subscribers?q={}&list={}&status={}&before={last}",
            urlencode(&q),
            urlencode(&query.list),
            status_text
        )
    });
    let rows = found
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
    Ok(admin_page(&SubscribersPage {
        site: &signed_in.site(),
        nav: signed_in.nav("subscribers"),
        q: &q,
        list: &query.list,
        status: status_text,
        lists: all_lists
            .into_iter()
            .map(|l| ListOption {
                slug: l.slug,
                name: l.name,
            })
            .collect(),
        rows,
        next_url,
    }))
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
    let page = SubscriberPage {
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

#[derive(Deserialize)]
pub struct ExportQuery {
    list: Option<String>,
    status: Option<String>,
}

/// The CSV of `assent export`, read and sent a page at a time.
pub async fn export_csv(
    signed_in: SignedIn,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ServerError> {
    // A list named by something that cannot be a slug is no list at all.
    if query
        .list
        .as_deref()
        .is_some_and(|l| !l.is_empty() && !crate::domain::list::is_slug(l))
    {
        return Ok(not_found(&signed_in.site()));
    }
    let filter = export::Filter {
        list: query.list.clone().filter(|s| !s.is_empty()),
        status: query.status.as_deref().and_then(Status::parse),
    };
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
