//! `GET /admin/audit`: the operators' actions, newest first.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::{SignedIn, admin_page};
use crate::db::rfc3339;
use crate::domain::AuditId;
use crate::pages::admin::{AuditPage, AuditRow};
use crate::routes::ServerError;
use crate::services::audit::{self, PAGE};

#[derive(Deserialize)]
pub struct Before {
    before: Option<i64>,
}

pub async fn index(
    signed_in: SignedIn,
    query: web::Query<Before>,
) -> Result<HttpResponse, ServerError> {
    let entries = audit::page(&signed_in.state.services, query.before.map(AuditId)).await?;
    let next_url = (entries.len() as i64 == PAGE)
        .then(|| {
            entries
                .last()
                .map(|e| format!("/admin/audit?before={}", e.id))
        })
        .flatten();
    Ok(admin_page(&AuditPage {
        site: &signed_in.site(),
        nav: signed_in.nav("audit"),
        entries: entries
            .into_iter()
            .map(|e| AuditRow {
                at: rfc3339(e.occurred_at),
                admin: e.admin_email,
                action: e.action,
                target: e.target,
                detail: e.detail,
            })
            .collect(),
        next_url,
    }))
}
