//! The operators' audit log, as operators read it.

use super::{ServiceError, Services};
use crate::db::audit::{self, AuditEntry};
use crate::domain::AuditId;

/// One page of the log.
pub const PAGE: i64 = 100;

/// Newest first, [`PAGE`] entries older than `before` (if given).
pub async fn page(
    services: &Services,
    before: Option<AuditId>,
) -> Result<Vec<AuditEntry>, ServiceError> {
    services
        .db
        .read(move |c| Ok(audit::page(c, before, PAGE)?))
        .await
}
