//! `assent export`: every subscription as CSV (contract §1).

use std::io::Write;

use crate::db::export::{self, ExportRow};
use crate::db::{DbConn, rfc3339};

pub const HEADER: [&str; 6] = [
    "email",
    "list",
    "status",
    "created_at",
    "confirmed_at",
    "unsubscribed_at",
];
const PAGE: i64 = 1000;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("database: {0}")]
    Db(#[from] diesel::result::Error),
    #[error("writing: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing: {0}")]
    Io(#[from] std::io::Error),
}

/// Writes the CSV page by page; returns the number of rows.
pub fn write_csv(
    conn: &mut DbConn,
    list: Option<&str>,
    status: Option<&str>,
    out: impl Write,
) -> Result<u64, ExportError> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    let mut after = 0;
    let mut count = 0;
    loop {
        let rows = export::page(conn, list, status, after, PAGE)?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for row in &rows {
            writer.write_record(record(row))?;
        }
        count += rows.len() as u64;
        writer.flush()?;
    }
    writer.flush()?;
    Ok(count)
}

fn record(row: &ExportRow) -> [String; 6] {
    let time = |t: Option<i64>| t.map(rfc3339).unwrap_or_default();
    [
        row.email.clone(),
        row.list.clone(),
        row.status.clone(),
        rfc3339(row.created_at),
        time(row.confirmed_at),
        time(row.unsubscribed_at),
    ]
}

/// Rows without the header, for callers that stream pages themselves.
pub fn write_rows(rows: &[ExportRow], out: impl Write) -> Result<(), ExportError> {
    let mut writer = csv::Writer::from_writer(out);
    for row in rows {
        writer.write_record(record(row))?;
    }
    writer.flush()?;
    Ok(())
}
