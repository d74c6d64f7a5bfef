//! Subscribers: search, one person's page and consent proof, the actions on
//! them, and the CSV export.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::json;

use super::{SignedIn, admin_page, csrf_refused, not_found, see_other, urlencode};
use crate::db::models::ConsentEvent;
use crate::db::schema::consent_wordings;
use crate::db::{DbConn, audit, export, lists, now_ms, rfc3339, subscribers, subscriptions};
use crate::double_opt_in::FlowError;
use crate::operator::{self, Outcome};
use crate::pages::admin::{
    EventView, ListOption, SubscriberPage, SubscriberRow, SubscriberView, SubscribersPage,
    SubscriptionView,
};
use crate::routes::ServerError;
use crate::routes::body::field;

const PAGE: i64 = 50;

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
    let list = query.list.clone();
    let status = match query.status.as_str() {
        "pending" | "confirmed" | "unsubscribed" => query.status.clone(),
        _ => String::new(),
    };
    let (q2, list2, status2, before) = (q.clone(), list.clone(), status.clone(), query.before);
    let (all_lists, found, statuses) = signed_in
        .state
        .db
        .read(move |c| {
            let all_lists = lists::all(c)?;
            let found = subscribers::search(
                c,
                &subscribers::Search {
                    q: &q2,
                    list_slug: Some(list2.as_str()).filter(|s| !s.is_empty()),
                    status: Some(status2.as_str()).filter(|s| !s.is_empty()),
                    before,
                    limit: PAGE,
                },
            )?;
            let ids: Vec<i64> = found.iter().map(|s| s.id).collect();
            let statuses = subscribers::statuses(c, &ids)?;
            Ok::<_, FlowError>((all_lists, found, statuses))
        })
        .await?;
    let mut by_subscriber: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for (id, list_name, status) in statuses {
        by_subscriber
            .entry(id)
            .or_default()
            .push((list_name, status));
    }
    let next_url = (found.len() as i64 == PAGE).then(|| {
        let last = found.last().map_or(0, |s| s.id);
        format!(
            "/admin/subscribers?q={}&list={}&status={}&before={last}",
            urlencode(&q),
            urlencode(&list),
            urlencode(&status)
        )
    });
    let rows = found
        .into_iter()
        .map(|s| SubscriberRow {
            id: s.id,
            subscriptions: by_subscriber.remove(&s.id).unwrap_or_default(),
            email: s.email,
            name: s.name.unwrap_or_default(),
            created_at: rfc3339(s.created_at),
        })
        .collect();
    Ok(admin_page(&SubscribersPage {
        site: &signed_in.state.site,
        nav: signed_in.nav("subscribers"),
        q: &q,
        list: &list,
        status: &status,
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

/// A subscriber with each subscription's list name, slug and events.
type Detail = (
    crate::db::models::Subscriber,
    Vec<(
        crate::db::models::Subscription,
        String,
        String,
        Vec<ConsentEvent>,
    )>,
);

async fn load(signed_in: &SignedIn, id: i64) -> Result<Option<Detail>, ServerError> {
    Ok(signed_in
        .state
        .db
        .read(move |c| {
            let Some(subscriber) = subscribers::by_id(c, id)? else {
                return Ok::<_, FlowError>(None);
            };
            let mut subs = Vec::new();
            for (subscription, name, slug) in subscribers::subscriptions_of(c, id)? {
                let events = subscriptions::events(c, subscription.id)?;
                subs.push((subscription, name, slug, events));
            }
            Ok(Some((subscriber, subs)))
        })
        .await?)
}

#[derive(Deserialize)]
pub struct FlashQuery {
    done: Option<String>,
}

pub async fn show(
    signed_in: SignedIn,
    id: web::Path<i64>,
    query: web::Query<FlashQuery>,
) -> Result<HttpResponse, ServerError> {
    let Some((subscriber, subs)) = load(&signed_in, *id).await? else {
        return Ok(not_found(&signed_in.state));
    };
    let flash = match query.done.as_deref() {
        Some("resent") => Some("The confirmation request was queued again."),
        Some("unsubscribed") => Some("The subscription was ended."),
        Some("unchanged") => {
            Some("Nothing changed: the subscription is not in a state this action applies to.")
        }
        _ => None,
    };
    let subscriptions = subs
        .into_iter()
        .map(|(s, list_name, _, events)| SubscriptionView {
            id: s.id,
            list_name,
            can_resend: s.status == "pending",
            can_unsubscribe: s.status != "unsubscribed",
            status: s.status,
            created_at: rfc3339(s.created_at),
            confirmed_at: s.confirmed_at.map(rfc3339).unwrap_or_default(),
            unsubscribed_at: s.unsubscribed_at.map(rfc3339).unwrap_or_default(),
            events: events
                .into_iter()
                .map(|e| EventView {
                    at: rfc3339(e.occurred_at),
                    act: e.act,
                    channel: e.channel,
                    client_ip: e.client_ip.unwrap_or_default(),
                    user_agent: e.user_agent.unwrap_or_default(),
                    source: e.source.unwrap_or_default(),
                    wording_version: e
                        .wording_version
                        .map(|v| format!("v{v}"))
                        .unwrap_or_default(),
                    wording_sha256: e.wording_sha256.unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    Ok(admin_page(&SubscriberPage {
        site: &signed_in.state.site,
        nav: signed_in.nav("subscribers"),
        subscriber: SubscriberView {
            id: subscriber.id,
            email: subscriber.email,
            name: subscriber.name.unwrap_or_default(),
            created_at: rfc3339(subscriber.created_at),
        },
        subscriptions,
        flash,
    }))
}

/// The consent proof of one person (GDPR art. 15 and 20): every
/// subscription with its full history and the wording each act saw.
pub async fn consent_json(
    signed_in: SignedIn,
    id: web::Path<i64>,
) -> Result<HttpResponse, ServerError> {
    let id = *id;
    let Some((subscriber, subs)) = load(&signed_in, id).await? else {
        return Ok(not_found(&signed_in.state));
    };
    let list_ids: Vec<i64> = subs.iter().map(|(s, ..)| s.list_id).collect();
    let wordings: Vec<(i64, i32, String, String)> = signed_in
        .state
        .db
        .read(move |c| {
            use diesel::prelude::*;
            Ok::<_, FlowError>(
                consent_wordings::table
                    .filter(consent_wordings::list_id.eq_any(list_ids))
                    .select((
                        consent_wordings::list_id,
                        consent_wordings::version,
                        consent_wordings::wording,
                        consent_wordings::sha256,
                    ))
                    .load(c)?,
            )
        })
        .await?;
    let subscriptions: Vec<_> = subs
        .iter()
        .map(|(s, name, slug, events)| {
            let events: Vec<_> = events
                .iter()
                .map(|e| {
                    let wording = e.wording_version.and_then(|v| {
                        wordings
                            .iter()
                            .find(|(l, version, ..)| *l == s.list_id && *version == v)
                            .map(|(_, version, text, sha)| json!({"version": version, "sha256": sha, "text": text}))
                    });
                    json!({
                        "occurred_at": rfc3339(e.occurred_at),
                        "act": e.act,
                        "channel": e.channel,
                        "client_ip": e.client_ip,
                        "user_agent": e.user_agent,
                        "source": e.source,
                        "wording": wording,
                    })
                })
                .collect();
            json!({
                "list": {"name": name, "slug": slug},
                "status": s.status,
                "created_at": rfc3339(s.created_at),
                "confirmed_at": s.confirmed_at.map(rfc3339),
                "unsubscribed_at": s.unsubscribed_at.map(rfc3339),
                "events": events,
            })
        })
        .collect();
    let proof = json!({
        "subscriber": {
            "id": subscriber.id,
            "email": subscriber.email,
            "name": subscriber.name,
            "created_at": rfc3339(subscriber.created_at),
        },
        "subscriptions": subscriptions,
        "generated_at": rfc3339(now_ms()),
    });
    let (email, now) = (signed_in.session.email.clone(), now_ms());
    signed_in
        .state
        .db
        .write(move |c| {
            Ok::<_, FlowError>(audit::record(
                c,
                &email,
                "consent_export",
                &format!("subscriber #{id}"),
                "",
                now,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"consent-{id}.json\""),
        ))
        .json(proof))
}

fn after_action(
    subscriber: i64,
    outcome: Outcome,
    done: &str,
    state: &crate::routes::AppState,
) -> HttpResponse {
    match outcome {
        Outcome::Done => see_other(&format!("/admin/subscribers/{subscriber}?done={done}")),
        Outcome::NotApplicable => {
            see_other(&format!("/admin/subscribers/{subscriber}?done=unchanged"))
        }
        Outcome::NotFound => not_found(state),
    }
}

/// Runs an operator action on one subscription of one subscriber, after
/// the CSRF check, and answers with the subscriber's page.
async fn subscription_action<F>(
    signed_in: SignedIn,
    path: web::Path<(i64, i64)>,
    req: HttpRequest,
    payload: web::Payload,
    done: &str,
    action: F,
) -> Result<HttpResponse, ServerError>
where
    F: FnOnce(&mut DbConn, &operator::Operator<'_>, i64, i64) -> Result<Outcome, FlowError>
        + Send
        + 'static,
{
    if signed_in.checked_form(&req, payload).await.is_none() {
        return Ok(csrf_refused(&signed_in.state));
    }
    let (subscriber, subscription) = path.into_inner();
    let (email, evidence) = (signed_in.session.email.clone(), signed_in.evidence.clone());
    let outcome = signed_in
        .state
        .db
        .write(move |c| {
            let operator = operator::Operator {
                email: &email,
                evidence,
            };
            action(c, &operator, subscriber, subscription)
        })
        .await?;
    if outcome == Outcome::Done {
        // A resend queued a message; waking an idle worker costs nothing.
        signed_in.state.wake.notify_one();
    }
    Ok(after_action(subscriber, outcome, done, &signed_in.state))
}

pub async fn resend(
    signed_in: SignedIn,
    path: web::Path<(i64, i64)>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    let ctx = signed_in.state.flow.clone();
    subscription_action(
        signed_in,
        path,
        req,
        payload,
        "resent",
        move |c, operator, subscriber, subscription| {
            operator::resend_confirmation(c, &ctx, operator, subscriber, subscription, now_ms())
        },
    )
    .await
}

pub async fn unsubscribe(
    signed_in: SignedIn,
    path: web::Path<(i64, i64)>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    subscription_action(
        signed_in,
        path,
        req,
        payload,
        "unsubscribed",
        |c, operator, subscriber, subscription| {
            operator::unsubscribe(c, operator, subscriber, subscription, now_ms())
        },
    )
    .await
}

pub async fn erase(
    signed_in: SignedIn,
    id: web::Path<i64>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    let Some(fields) = signed_in.checked_form(&req, payload).await else {
        return Ok(csrf_refused(&signed_in.state));
    };
    let id = *id;
    if field(&fields, "confirm") != Some("yes") {
        return Ok(see_other(&format!("/admin/subscribers/{id}")));
    }
    let key = signed_in.state.secret_key.clone();
    let (email, evidence) = (signed_in.session.email.clone(), signed_in.evidence.clone());
    let outcome = signed_in
        .state
        .db
        .write(move |c| {
            let operator = operator::Operator {
                email: &email,
                evidence,
            };
            operator::erase(c, &operator, &key, id, now_ms())
        })
        .await?;
    Ok(match outcome {
        Outcome::NotFound => not_found(&signed_in.state),
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
    let list = query.list.clone().filter(|s| !s.is_empty());
    let status = query
        .status
        .clone()
        .filter(|s| matches!(s.as_str(), "pending" | "confirmed" | "unsubscribed"));
    let db = signed_in.state.db.clone();
    let (email, now) = (signed_in.session.email.clone(), now_ms());
    let detail = format!(
        "list={} status={}",
        list.as_deref().unwrap_or("all"),
        status.as_deref().unwrap_or("all")
    );
    db.write(move |c| {
        Ok::<_, FlowError>(audit::record(
            c,
            &email,
            "export",
            "subscribers",
            &detail,
            now,
        )?)
    })
    .await?;

    let header_line = Bytes::from(format!("{}\n", crate::export::HEADER.join(",")));
    let pages = futures_util::stream::unfold(Some(0i64), move |after| {
        let (db, list, status) = (db.clone(), list.clone(), status.clone());
        async move {
            let after = after?;
            let page = db
                .read(move |c| {
                    Ok::<_, FlowError>(export::page(
                        c,
                        list.as_deref(),
                        status.as_deref(),
                        after,
                        1000,
                    )?)
                })
                .await;
            match page {
                Ok(rows) if rows.is_empty() => None,
                Ok(rows) => {
                    let next = rows.last().map(|r| r.id);
                    let mut out = Vec::new();
                    let written = crate::export::write_rows(&rows, &mut out);
                    Some((
                        written
                            .map(|_| Bytes::from(out))
                            .map_err(actix_web::error::ErrorInternalServerError),
                        next,
                    ))
                }
                Err(e) => Some((Err(actix_web::error::ErrorInternalServerError(e)), None)),
            }
        }
    });
    let body = futures_util::stream::once(async move { Ok::<_, actix_web::Error>(header_line) })
        .chain(pages);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"subscribers.csv\"",
        ))
        .streaming(body))
}
