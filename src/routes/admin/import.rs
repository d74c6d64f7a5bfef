//! `/admin/import`: a CSV of addresses into a list, processed in the
//! background with its progress on a page of its own.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use diesel::Connection;
use futures_util::StreamExt;

use super::{SignedIn, admin_page, csrf_refused, not_found, see_other};
use crate::db::imports::{self, Import};
use crate::db::{Database, audit, lists, now_ms, rfc3339};
use crate::domain::{Evidence, SubscriberEmail, SubscriberName};
use crate::double_opt_in::{FlowContext, FlowError};
use crate::operator::{self, ImportResult};
use crate::pages::admin::{ImportPage, ImportRow, ImportStatusPage, ListOption};
use crate::routes::{AppState, ServerError, render};

/// The largest file accepted: about a million addresses.
const MAX_UPLOAD: usize = 64 * 1024 * 1024;
/// Rows written per transaction.
const CHUNK: usize = 200;
/// Confirmation requests of an import go out at this pace, so a large file
/// does not flood the SMTP server or trip its rate limits.
pub const IMPORT_MAILS_PER_MINUTE: i64 = 600;

fn import_row(import: Import, list_name: String) -> ImportRow {
    let percent = if import.total > 0 {
        (i64::from(import.processed) * 100 / i64::from(import.total)) as i32
    } else {
        100
    };
    ImportRow {
        id: import.id,
        list_name,
        status: import.status,
        total: import.total,
        processed: import.processed,
        added: import.added,
        skipped: import.skipped,
        created_at: rfc3339(import.created_at),
        percent,
    }
}

async fn form(
    signed_in: &SignedIn,
    status: StatusCode,
    error: Option<&str>,
) -> Result<HttpResponse, ServerError> {
    let (all, recent) = signed_in
        .state
        .db
        .read(|c| Ok::<_, FlowError>((lists::all(c)?, imports::recent(c, 20)?)))
        .await?;
    let page = ImportPage {
        site: &signed_in.state.site,
        nav: signed_in.nav("import"),
        lists: all
            .into_iter()
            .filter(|l| l.archived_at.is_none())
            .map(|l| ListOption {
                slug: l.slug,
                name: l.name,
            })
            .collect(),
        recent: recent
            .into_iter()
            .map(|(i, name)| import_row(i, name))
            .collect(),
        error,
    };
    Ok(if status == StatusCode::OK {
        admin_page(&page)
    } else {
        render(status, &page)
    })
}

pub async fn page(signed_in: SignedIn) -> Result<HttpResponse, ServerError> {
    form(&signed_in, StatusCode::OK, None).await
}

/// The upload's fields, and what stopped the reading early if anything did
/// (a file over [`MAX_UPLOAD`], a broken body). The fields read before the
/// problem are kept, so the CSRF token (the form's first field) can still
/// be checked.
async fn read_upload(
    req: &HttpRequest,
    payload: web::Payload,
) -> (HashMap<String, Vec<u8>>, Option<&'static str>) {
    const UNREADABLE: &str = "The upload could not be read. Choose the file again and retry.";
    let mut multipart = actix_multipart::Multipart::new(req.headers(), payload);
    let mut fields = HashMap::new();
    let mut total = 0;
    while let Some(field) = multipart.next().await {
        let Ok(mut field) = field else {
            return (fields, Some(UNREADABLE));
        };
        let name = field.name().unwrap_or_default().to_owned();
        let mut value = Vec::new();
        while let Some(chunk) = field.next().await {
            let Ok(chunk) = chunk else {
                return (fields, Some(UNREADABLE));
            };
            total += chunk.len();
            if total > MAX_UPLOAD {
                return (
                    fields,
                    Some("The file is larger than 64 MiB. Split it into smaller files."),
                );
            }
            value.extend_from_slice(&chunk);
        }
        fields.insert(name, value);
    }
    (fields, None)
}

/// One data row of the file: (line number, address, name).
type Row = (u64, String, String);

/// Reads the file a line at a time, so that every report names the line an
/// operator sees in an editor; each line is parsed as CSV (quoted fields may
/// hold commas, not line breaks).
fn parse_rows(bytes: &[u8]) -> Result<Vec<Row>, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| "The file is not UTF-8 text. Save it as UTF-8 CSV.".to_owned())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(line.as_bytes());
        let record = match reader.records().next() {
            Some(Ok(record)) => record,
            _ => {
                rows.push((number, line.trim().to_owned(), String::new()));
                continue;
            }
        };
        let email = record.get(0).unwrap_or_default();
        if rows.is_empty() && email.eq_ignore_ascii_case("email") {
            continue;
        }
        rows.push((
            number,
            email.to_owned(),
            record.get(1).unwrap_or_default().to_owned(),
        ));
    }
    Ok(rows)
}

pub async fn upload(
    signed_in: SignedIn,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ServerError> {
    let (fields, problem) = read_upload(&req, payload).await;
    let text = |name: &str| {
        fields
            .get(name)
            .and_then(|v| std::str::from_utf8(v).ok())
            .unwrap_or_default()
    };
    if !signed_in.csrf_ok(Some(text("csrf_token"))) {
        return Ok(csrf_refused(&signed_in.state));
    }
    if let Some(message) = problem {
        return form(&signed_in, StatusCode::UNPROCESSABLE_ENTITY, Some(message)).await;
    }
    let slug = text("list").to_owned();
    let rows = match parse_rows(fields.get("file").map(Vec::as_slice).unwrap_or_default()) {
        Ok(rows) if rows.is_empty() => {
            return form(
                &signed_in,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("The file holds no addresses."),
            )
            .await;
        }
        Ok(rows) => rows,
        Err(message) => {
            return form(&signed_in, StatusCode::UNPROCESSABLE_ENTITY, Some(&message)).await;
        }
    };
    let email = signed_in.session.email.clone();
    let total = i32::try_from(rows.len()).unwrap_or(i32::MAX);
    let started = signed_in
        .state
        .db
        .write(move |c| {
            let Some(list) = lists::by_slug(c, &slug)? else {
                return Ok::<_, FlowError>(None);
            };
            let now = now_ms();
            let id = imports::create(c, list.id, &email, total, now)?;
            let detail = format!("import #{id}: {total} rows");
            audit::record(
                c,
                &email,
                "import",
                &format!("list {}", list.slug),
                &detail,
                now,
            )?;
            Ok(Some((id, list)))
        })
        .await?;
    let Some((id, list)) = started else {
        return form(
            &signed_in,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Choose a list that takes signups."),
        )
        .await;
    };
    let state = signed_in.state.clone();
    let evidence = Evidence {
        source: Some(format!("import #{id} by {}", signed_in.session.email)),
        ..signed_in.evidence.clone()
    };
    let admin = signed_in.session.email.clone();
    tokio::spawn(run_import(state, id, list, rows, evidence, admin));
    Ok(see_other(&format!("/admin/import/{id}")))
}

/// Works through the rows a chunk at a time, recording progress.
async fn run_import(
    state: web::Data<AppState>,
    id: i64,
    list: crate::db::models::List,
    rows: Vec<Row>,
    evidence: Evidence,
    admin: String,
) {
    let started = now_ms();
    let spacing = 60_000 / IMPORT_MAILS_PER_MINUTE;
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut added_total: i64 = 0;
    let mut failed = false;
    for chunk in rows.chunks(CHUNK) {
        // Checks that need no database first, then the chunk in one transaction.
        let mut report = String::new();
        let mut valid = Vec::new();
        for (line, raw, name) in chunk {
            let email = match SubscriberEmail::parse(raw) {
                Ok(email) => email,
                Err(e) => {
                    report.push_str(&format!("line {line}: invalid address: {e}\n"));
                    continue;
                }
            };
            let name = match SubscriberName::parse(name) {
                Ok(name) => name,
                Err(e) => {
                    report.push_str(&format!("line {line}: invalid name: {e}\n"));
                    continue;
                }
            };
            let key = email.as_str().to_ascii_lowercase();
            if let Some(first) = seen.get(&key) {
                report.push_str(&format!("line {line}: duplicate of line {first}\n"));
                continue;
            }
            seen.insert(key, *line);
            valid.push((*line, email, name));
        }
        let (ctx, key, list, evidence) = (
            state.flow.clone(),
            state.secret_key.clone(),
            list.clone(),
            evidence.clone(),
        );
        let processed = chunk.len() as i32;
        let first_slot = added_total;
        let result = state
            .db
            .write(move |c| {
                c.transaction(|c| {
                    import_chunk(
                        c, &ctx, &key, &list, &evidence, valid, first_slot, started, spacing, id,
                        processed, report,
                    )
                })
            })
            .await;
        match result {
            Ok(added) => added_total += added,
            Err(e) => {
                tracing::error!(import = id, error = %e, "import failed");
                failed = true;
                break;
            }
        }
        state.wake.notify_one();
    }
    let status = if failed { "failed" } else { "done" };
    let detail = format!("import #{id} {status}: {added_total} added");
    let slug = list.slug.clone();
    let finished = state
        .db
        .write(move |c| {
            let now = now_ms();
            imports::finish(c, id, status, now)?;
            audit::record(
                c,
                &admin,
                "import_finished",
                &format!("list {slug}"),
                &detail,
                now,
            )?;
            Ok::<_, FlowError>(())
        })
        .await;
    if let Err(e) = finished {
        tracing::error!(import = id, error = %e, "could not record the end of an import");
    }
}

#[allow(clippy::too_many_arguments)]
fn import_chunk(
    conn: &mut crate::db::DbConn,
    ctx: &FlowContext,
    secret_key: &[u8],
    list: &crate::db::models::List,
    evidence: &Evidence,
    rows: Vec<(u64, SubscriberEmail, Option<SubscriberName>)>,
    first_slot: i64,
    started: i64,
    spacing: i64,
    id: i64,
    processed: i32,
    mut report: String,
) -> Result<i64, FlowError> {
    let now = now_ms();
    let mut added = 0;
    for (line, email, name) in rows {
        let send_at = started + (first_slot + added) * spacing;
        match operator::import_address(
            conn,
            ctx,
            secret_key,
            list,
            &email,
            name.as_ref(),
            evidence,
            now,
            send_at,
        )? {
            ImportResult::Added => added += 1,
            ImportResult::AlreadyOnList => {
                report.push_str(&format!("line {line}: already on the list\n"))
            }
            ImportResult::Suppressed => report.push_str(&format!(
                "line {line}: erased earlier; it cannot be imported again\n"
            )),
        }
    }
    let skipped = processed - added as i32;
    imports::progress(conn, id, processed, added as i32, skipped, &report)?;
    Ok(added)
}

pub async fn status(signed_in: SignedIn, id: web::Path<i64>) -> Result<HttpResponse, ServerError> {
    let id = *id;
    let found = signed_in
        .state
        .db
        .read(move |c| Ok::<_, FlowError>(imports::by_id(c, id)?))
        .await?;
    let Some((import, list_name)) = found else {
        return Ok(not_found(&signed_in.state));
    };
    let running = import.status == "running";
    let report = import.report.lines().map(str::to_owned).collect();
    Ok(admin_page(&ImportStatusPage {
        site: &signed_in.state.site,
        nav: signed_in.nav("import"),
        import: import_row(import, list_name),
        running,
        report,
    }))
}

/// Used by `serve` on SQLite at start: an import cut short by a stop cannot
/// resume.
pub async fn fail_unfinished(db: &Database) {
    if let Err(e) = db
        .write(|c| Ok::<_, FlowError>(imports::fail_unfinished(c, now_ms())?))
        .await
    {
        tracing::warn!(error = %e, "could not close unfinished imports");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_their_line_numbers_and_skip_the_header() {
        let csv = b"email,name\r\nada@example.com, Ada\n\n  bob@example.com\njo@example.com,\"Doe, Jo\"\n";
        let rows = parse_rows(csv).expect("csv");
        assert_eq!(
            rows,
            [
                (2, "ada@example.com".to_owned(), "Ada".to_owned()),
                (4, "bob@example.com".to_owned(), String::new()),
                (5, "jo@example.com".to_owned(), "Doe, Jo".to_owned()),
            ]
        );
        assert!(parse_rows(b"\xff\xfe@x\n").is_err());
    }
}
