//! `/admin/tokens`: the tokens of the API for scripts; revoking one. They
//! are made with `assent admin token create NAME`, which shows each once.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::{CsrfForm, SignedIn, admin_page, see_other, when};
use crate::pages::admin::{TokenRow, TokensPage};
use crate::routes::ServerError;
use crate::routes::body::field;
use crate::services::api;

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

pub async fn index(
    signed_in: SignedIn,
    done: web::Query<Done>,
) -> Result<HttpResponse, ServerError> {
    let tokens = api::tokens(&signed_in.state.services.db).await?;
    let site = signed_in.site();
    let flash = match done.done.as_deref() {
        Some("revoked") => Some("admin-tokens-flash-revoked"),
        Some("unchanged") => Some("admin-tokens-flash-unchanged"),
        _ => None,
    };
    let at = |t: Option<i64>| t.map(|t| when(&site, t));
    Ok(admin_page(&TokensPage {
        site: &site,
        nav: signed_in.nav("tokens"),
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                created_at: when(&site, t.created_at),
                last_used_at: at(t.last_used_at),
                revoked_at: at(t.revoked_at),
                name: t.name,
            })
            .collect(),
        flash,
    }))
}

pub async fn revoke(form: CsrfForm) -> Result<HttpResponse, ServerError> {
    let CsrfForm { signed_in, fields } = form;
    let name = field(&fields, "name").unwrap_or_default();
    let by = signed_in.session.email.clone();
    let revoked = api::revoke(
        &signed_in.state.services.db,
        &signed_in.state.services.clock,
        &by,
        name,
    )
    .await?;
    Ok(see_other(if revoked {
        "/admin/tokens?done=revoked"
    } else {
        "/admin/tokens?done=unchanged"
    }))
}
