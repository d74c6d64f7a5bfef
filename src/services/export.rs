//! Every subscription as CSV (contract §1): `assent export` and the
//! operators' `export.csv`, read in keyset pages so memory stays flat.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

use diesel::QueryResult;
use futures_util::Stream;

use super::{Operator, ServiceError, Services};
use crate::db::export::{self, ExportRow};
use crate::db::{DbConn, audit, fields, rfc3339, subscribers};
use crate::domain::field::FieldDef;
use crate::domain::{SegmentId, Status, SubscriberId, SubscriptionId};

/// The columns of contract §1; `name` and a `field.KEY` column for each
/// of the operators' fields follow them (§16).
pub const HEADER: [&str; 6] = [
    "email",
    "list",
    "status",
    "created_at",
    "confirmed_at",
    "unsubscribed_at",
];

/// The whole header line's columns, with the fields as they are now.
pub fn header(defs: &[FieldDef]) -> Vec<String> {
    HEADER
        .iter()
        .map(|h| (*h).to_owned())
        .chain(std::iter::once("name".to_owned()))
        .chain(defs.iter().map(FieldDef::input_name))
        .collect()
}
const PAGE: i64 = 1000;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("database: {0}")]
    Db(#[from] diesel::result::Error),
    #[error("writing: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

/// Which subscriptions to export: those of the subscribers the filter
/// selects, on its list and in its status when it names them.
pub use super::subscribers::Filter;

/// Where the next page starts: past a subscription, or, for a filter that
/// chooses people (by text or segment), past a subscriber.
#[derive(Debug, Clone, Copy)]
enum After {
    Subscription(SubscriptionId),
    Subscriber(SubscriberId),
}

/// The page of rows after `after`, and where the one after it starts;
/// `None` when the filter names a segment there is not.
fn next_page(
    conn: &mut DbConn,
    filter: &Filter,
    defs: &[FieldDef],
    after: After,
) -> Result<(Vec<ExportRow>, After), ServiceError> {
    let (list, status) = (filter.list.as_deref(), filter.status);
    match after {
        After::Subscription(after) => {
            let rows = export::page(conn, list, status, after, PAGE)?;
            let next = rows.last().map_or(after, |r| r.id);
            Ok((rows, After::Subscription(next)))
        }
        After::Subscriber(after) => {
            let Some(resolved) = filter.resolve(conn, defs)? else {
                return Ok((Vec::new(), After::Subscriber(after)));
            };
            let ids = subscribers::ids_after(conn, &resolved.db(), after, PAGE)?;
            let next = ids.last().copied().unwrap_or(after);
            // Everyone chosen has a row: the filter asked for one on the
            // list and in the status it names.
            Ok((
                export::rows_of(conn, &ids, list, status)?,
                After::Subscriber(next),
            ))
        }
    }
}

fn first(filter: &Filter) -> After {
    if filter.is_narrow() {
        After::Subscriber(SubscriberId(0))
    } else {
        After::Subscription(SubscriptionId(0))
    }
}

/// Writes the CSV page by page, for code already off the async runtime (the
/// command line); returns the number of rows.
pub fn write_csv(conn: &mut DbConn, filter: &Filter, out: impl Write) -> Result<u64, ExportError> {
    let mut writer = csv::Writer::from_writer(out);
    let defs = fields::all(conn)?;
    writer.write_record(header(&defs))?;
    let mut after = first(filter);
    let mut count = 0;
    loop {
        let (rows, next) = next_page(conn, filter, &defs, after)?;
        if rows.is_empty() {
            break;
        }
        after = next;
        let values = values_of(conn, &rows)?;
        for row in &rows {
            writer.write_record(record(row, &defs, &values))?;
        }
        count += rows.len() as u64;
        writer.flush()?;
    }
    writer.flush()?;
    Ok(count)
}

/// The field values of a page's subscribers: (subscriber, field) → value.
fn values_of(conn: &mut DbConn, rows: &[ExportRow]) -> QueryResult<Values> {
    let ids: Vec<i64> = rows.iter().map(|r| r.subscriber).collect();
    Ok(fields::values_of_many(conn, &ids)?
        .into_iter()
        .map(|(subscriber, field, value)| ((subscriber, field), value))
        .collect())
}

type Values = HashMap<(i64, i64), String>;

fn record(row: &ExportRow, defs: &[FieldDef], values: &Values) -> Vec<String> {
    let time = |t: Option<i64>| t.map(rfc3339).unwrap_or_default();
    let mut record = vec![
        spreadsheet_safe(&row.email),
        row.list.clone(),
        row.status.as_str().to_owned(),
        rfc3339(row.created_at),
        time(row.confirmed_at),
        time(row.unsubscribed_at),
        spreadsheet_safe(row.name.as_deref().unwrap_or_default()),
    ];
    record.extend(defs.iter().map(|def| {
        values
            .get(&(row.subscriber, def.id))
            .map_or_else(String::new, |v| spreadsheet_safe(v))
    }));
    record
}

/// A field a spreadsheet will not run as a formula (OWASP, CSV injection):
/// one that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is
/// written after a `'`. An address may begin with `=`, `+` or `-`.
fn spreadsheet_safe(field: &str) -> String {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}")
    } else {
        field.to_owned()
    }
}

/// A field as [`spreadsheet_safe`] wrote it, read back: the `'` in front
/// of a value beginning with one of those characters goes, so that an
/// import of an export brings back `-x@example.com`, not `'-x@example.com`.
pub(crate) fn from_spreadsheet(field: &str) -> &str {
    match field.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => field,
    }
}

/// Whether there is a segment with this id.
pub fn segment_exists(conn: &mut DbConn, id: SegmentId) -> Result<bool, ExportError> {
    Ok(crate::db::segments::by_id(conn, id)?.is_some())
}

/// Whether a list with this slug exists (open or archived).
pub fn list_exists(conn: &mut DbConn, slug: &str) -> Result<bool, ExportError> {
    Ok(export::list_exists(conn, slug)?)
}

/// The operators' download: audited, then the CSV as a stream of pieces,
/// the header first, each further piece one page of rows.
pub async fn stream(
    services: &Services,
    operator: &Operator,
    filter: Filter,
) -> Result<impl Stream<Item = Result<Vec<u8>, ServiceError>> + use<>, ServiceError> {
    let clock = services.clock.clone();
    let email = operator.email.clone();
    let detail = format!(
        "list={} status={} q={:?} segment={}",
        filter.list.as_deref().unwrap_or("all"),
        filter.status.map_or("all", Status::as_str),
        filter.q,
        filter
            .segment
            .map_or_else(|| "none".to_owned(), |s| s.to_string()),
    );
    services
        .db
        .write(move |c| {
            Ok::<_, ServiceError>(audit::record(
                c,
                &email,
                "export",
                "subscribers",
                &detail,
                clock.now().ms(),
            )?)
        })
        .await?;
    let defs = services.fields.get();
    let header = rows_csv(&[], &defs, &HashMap::new(), Some(&header(&defs)))?;
    let db = services.db.clone();
    let pages = futures_util::stream::unfold(Some(first(&filter)), move |after| {
        let (db, filter, defs) = (db.clone(), filter.clone(), Arc::clone(&defs));
        async move {
            let after = after?;
            let (page_defs, values_defs) = (Arc::clone(&defs), Arc::clone(&defs));
            let page = db
                .read(move |c| {
                    let (rows, next) = next_page(c, &filter, &page_defs, after)?;
                    let values = values_of(c, &rows)?;
                    Ok::<_, ServiceError>((rows, values, next))
                })
                .await;
            match page {
                Ok((rows, _, _)) if rows.is_empty() => None,
                Ok((rows, values, next)) => {
                    Some((rows_csv(&rows, &values_defs, &values, None), Some(next)))
                }
                Err(e) => Some((Err(e), None)),
            }
        }
    });
    let first = futures_util::stream::once(async move { Ok(header) });
    Ok(futures_util::StreamExt::chain(first, pages))
}

/// Rows as CSV, after the header when one is given.
fn rows_csv(
    rows: &[ExportRow],
    defs: &[FieldDef],
    values: &Values,
    header: Option<&[String]>,
) -> Result<Vec<u8>, ServiceError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    if let Some(header) = header {
        writer
            .write_record(header)
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
    }
    for row in rows {
        writer
            .write_record(record(row, defs, values))
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
    }
    writer
        .into_inner()
        .map_err(|e| ServiceError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_a_spreadsheet_would_run_is_written_as_text() {
        for (field, written) in [
            ("=1+1@example.com", "'=1+1@example.com"),
            ("+cmd@example.com", "'+cmd@example.com"),
            ("-2@example.com", "'-2@example.com"),
            ("@sum", "'@sum"),
            ("\tx", "'\tx"),
            ("ada@example.com", "ada@example.com"),
            ("a=b@example.com", "a=b@example.com"),
        ] {
            assert_eq!(spreadsheet_safe(field), written, "{field:?}");
        }
    }
}
