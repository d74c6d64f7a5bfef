//! `GET /admin/webhooks`: the receiver of events and the latest deliveries.

use actix_web::HttpResponse;

use super::{SignedIn, admin_page, when};
use crate::pages::admin::{WebhookRow, WebhooksPage};
use crate::routes::ServerError;
use crate::services::webhooks;

pub async fn index(signed_in: SignedIn) -> Result<HttpResponse, ServerError> {
    let services = &signed_in.state.services;
    let deliveries = webhooks::recent(services).await?;
    let site = signed_in.site();
    // The query and any `user:password@` may hold the receiver's secret.
    let target = services.webhooks.target().map(|t| {
        let mut url = t.url.clone();
        url.set_query(None);
        let _ = url.set_password(None);
        let _ = url.set_username("");
        url.to_string()
    });
    Ok(admin_page(&WebhooksPage {
        site: &site,
        nav: signed_in.nav("webhooks"),
        target,
        deliveries: deliveries
            .into_iter()
            .map(|d| WebhookRow {
                queued_at: when(&site, d.queued_at),
                event: d.event,
                status: d.status,
                attempts: d.attempts,
                last_error: d.last_error,
            })
            .collect(),
    }))
}
