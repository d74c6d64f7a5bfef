//! `/admin/deliverability`: the DNS self-check (contract §19).

use actix_web::HttpResponse;

use super::{SignedIn, admin_page};
use crate::pages::admin::{DeliverabilityPage, DnsLine};
use crate::routes::ServerError;
use crate::services::deliverability;

pub async fn page(signed_in: SignedIn) -> Result<HttpResponse, ServerError> {
    let inputs = deliverability::inputs(&signed_in.state.services);
    let (lines, failed) = match deliverability::check(&inputs).await {
        Ok(lines) => (lines, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    let site = signed_in.site();
    Ok(admin_page(&DeliverabilityPage {
        nav: signed_in.nav("deliverability"),
        lines: lines
            .into_iter()
            .map(|l| DnsLine {
                check: l.check,
                name: l.name,
                level: l.level.as_str(),
                finding: l.finding,
                found: l.found.unwrap_or_default(),
                publish: l.publish.unwrap_or_default(),
            })
            .collect(),
        failed,
        site: &site,
    }))
}
