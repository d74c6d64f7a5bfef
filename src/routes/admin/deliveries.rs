//! `/admin/deliveries`: the delivery record (contract §19).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::{SignedIn, admin_page, when};
use crate::domain::{BroadcastId, MessageId};
use crate::pages::Site;
use crate::pages::admin::{DeliveriesPage, DeliveryRow};
use crate::routes::{ServerError, render};
use crate::services::deliveries::{self, Entry, Fate, KINDS, Query};

#[derive(Deserialize)]
pub struct Filter {
    status: Option<String>,
    kind: Option<String>,
    q: Option<String>,
    broadcast: Option<String>,
    before: Option<String>,
}

/// A message as the record's table and the subscriber page show it.
pub fn row(site: &Site, entry: &Entry) -> DeliveryRow {
    let r = &entry.row;
    DeliveryRow {
        at: when(site, r.sent_at.unwrap_or(r.created_at)),
        kind: entry.kind,
        recipient: r.recipient.clone(),
        relay: r.relay.clone().unwrap_or_default(),
        fate: entry.fate.as_str(),
        attempts: r.attempts,
        reply: r.last_error.clone().unwrap_or_default(),
        meaning: r
            .last_error
            .as_deref()
            .and_then(deliveries::meaning)
            .map(|id| site.t(id)),
        broadcast: r.broadcast_id.map(|b| b.0),
    }
}

pub async fn index(
    signed_in: SignedIn,
    filter: web::Query<Filter>,
) -> Result<HttpResponse, ServerError> {
    let filter = filter.into_inner();
    let site = signed_in.site();
    let text = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or_default().to_owned();
    let (fate, kind, q, broadcast) = (
        text(&filter.status),
        text(&filter.kind),
        text(&filter.q),
        text(&filter.broadcast),
    );
    let mut problem = None;
    let fate_asked = match fate.as_str() {
        "" => None,
        name => {
            let parsed = Fate::parse(name);
            if parsed.is_none() {
                problem = Some(site.t("admin-deliveries-unknown-status"));
            }
            parsed
        }
    };
    let broadcast_asked = match broadcast.as_str() {
        "" => None,
        id => {
            let parsed = id.parse().ok().map(BroadcastId);
            if parsed.is_none() {
                problem = Some(site.t("admin-deliveries-unknown-broadcast"));
            }
            parsed
        }
    };
    let query = Query {
        fate: fate_asked,
        kind: (!kind.is_empty()).then(|| kind.clone()),
        q: (!q.is_empty()).then(|| q.clone()),
        broadcast: broadcast_asked,
        before: text(&filter.before).parse().ok().map(MessageId),
    };
    let page = if problem.is_some() {
        deliveries::Page::default()
    } else {
        deliveries::search(&signed_in.state.services, query).await?
    };
    if page.unknown_kind {
        problem = Some(site.t("admin-deliveries-unknown-kind"));
    }
    if page.unknown_address {
        problem = Some(site.t1("admin-deliveries-unknown-address", "q", &q));
    }
    let older = page.older.map(|before| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("status", &fate),
            ("kind", &kind),
            ("q", &q),
            ("broadcast", &broadcast),
        ] {
            if !value.is_empty() {
                query.append_pair(name, value);
            }
        }
        query.append_pair("before", &before.0.to_string());
        format!("/admin/deliveries?{}", query.finish())
    });
    let kept_days = signed_in
        .state
        .services
        .policy()
        .delivery_log_retention
        .as_secs()
        / 86_400;
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let rendered = DeliveriesPage {
        nav: signed_in.nav("deliveries"),
        rows: page.entries.iter().map(|e| row(&site, e)).collect(),
        fate,
        kind,
        q,
        broadcast,
        fates: Fate::ALL.iter().map(|f| f.as_str()).collect(),
        kinds: KINDS.to_vec(),
        older,
        problem,
        kept_days,
        site: &site,
    };
    Ok(if status == StatusCode::OK {
        admin_page(&rendered)
    } else {
        render(status, &rendered)
    })
}
