//! CSV imports: the uploaded file, the import's place in it, its results.

use diesel::prelude::*;

use super::models::{Import, ImportStatus};
use super::schema::{import_chunks, import_problems, imports, lists};
use super::{DbConn, at_most_one};
use crate::domain::{ImportId, ListId};

/// Starts an import whose file is about to be uploaded.
pub fn create(
    conn: &mut DbConn,
    list_id: ListId,
    admin_email: &str,
    now: i64,
) -> QueryResult<ImportId> {
    on_backend!(conn, |c| diesel::insert_into(imports::table)
        .values((
            imports::list_id.eq(list_id),
            imports::admin_email.eq(admin_email),
            imports::status.eq(ImportStatus::Uploading),
            imports::total.eq(0),
            imports::processed.eq(0),
            imports::added.eq(0),
            imports::skipped.eq(0),
            imports::created_at.eq(now),
        ))
        .returning(imports::id)
        .get_result(c))
}

/// Stores the next piece of an upload.
pub fn add_chunk(conn: &mut DbConn, id: ImportId, seq: i32, data: &[u8]) -> QueryResult<()> {
    diesel::insert_into(import_chunks::table)
        .values((
            import_chunks::import_id.eq(id),
            import_chunks::seq.eq(seq),
            import_chunks::data.eq(data),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The upload is whole: `total` rows in `file_size` bytes, to be read by
/// the job.
pub fn uploaded(
    conn: &mut DbConn,
    id: ImportId,
    total: i32,
    file_size: i64,
    header: Option<&str>,
) -> QueryResult<()> {
    diesel::update(imports::table.find(id))
        .set((
            imports::status.eq(ImportStatus::Running),
            imports::total.eq(total),
            imports::file_size.eq(file_size),
            imports::header.eq(header),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Deletes an import and its file: its upload was refused or broken off.
pub fn delete(conn: &mut DbConn, id: ImportId) -> QueryResult<()> {
    diesel::delete(imports::table.find(id))
        .execute(conn)
        .map(|_| ())
}

/// The chunks `from..=to` of the file, in order.
pub fn chunks(conn: &mut DbConn, id: ImportId, from: i32, to: i32) -> QueryResult<Vec<Vec<u8>>> {
    import_chunks::table
        .filter(import_chunks::import_id.eq(id))
        .filter(import_chunks::seq.between(from, to))
        .order(import_chunks::seq)
        .select(import_chunks::data)
        .load(conn)
}

/// Deletes the pieces before `seq`, which the job has read.
pub fn delete_chunks_before(conn: &mut DbConn, id: ImportId, seq: i32) -> QueryResult<usize> {
    diesel::delete(
        import_chunks::table
            .filter(import_chunks::import_id.eq(id))
            .filter(import_chunks::seq.lt(seq)),
    )
    .execute(conn)
}

/// What one step of the job read and did.
pub struct Progress<'a> {
    pub processed: i32,
    pub added: i32,
    pub cursor_offset: i64,
    pub cursor_line: i64,
    /// (line, reason) of each refused line.
    pub problems: &'a [(i64, String)],
}

/// Records a step: counts, the new place in the file and the refused lines.
pub fn advance(conn: &mut DbConn, id: ImportId, step: &Progress<'_>) -> QueryResult<()> {
    let skipped = step.processed - step.added;
    diesel::update(imports::table.find(id))
        .set((
            imports::processed.eq(imports::processed + step.processed),
            imports::added.eq(imports::added + step.added),
            imports::skipped.eq(imports::skipped + skipped),
            imports::cursor_offset.eq(step.cursor_offset),
            imports::cursor_line.eq(step.cursor_line),
        ))
        .execute(conn)?;
    if !step.problems.is_empty() {
        let rows: Vec<_> = step
            .problems
            .iter()
            .map(|(line, reason)| {
                (
                    import_problems::import_id.eq(id),
                    import_problems::line.eq(*line),
                    import_problems::reason.eq(reason.as_str()),
                )
            })
            .collect();
        on_backend!(conn, |c| diesel::insert_into(import_problems::table)
            .values(&rows)
            .execute(c))?;
    }
    Ok(())
}

/// Ends an import and deletes its file, which holds personal data.
pub fn finish(conn: &mut DbConn, id: ImportId, status: ImportStatus, now: i64) -> QueryResult<()> {
    diesel::update(imports::table.find(id))
        .set((imports::status.eq(status), imports::finished_at.eq(now)))
        .execute(conn)?;
    diesel::delete(import_chunks::table.filter(import_chunks::import_id.eq(id))).execute(conn)?;
    Ok(())
}

pub fn by_id(conn: &mut DbConn, id: ImportId) -> QueryResult<Option<(Import, String)>> {
    at_most_one(
        imports::table
            .inner_join(lists::table)
            .filter(imports::id.eq(id))
            .select((Import::as_select(), lists::name))
            .load(conn),
    )
}

pub fn recent(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<(Import, String)>> {
    imports::table
        .inner_join(lists::table)
        .filter(imports::status.ne(ImportStatus::Uploading))
        .order(imports::id.desc())
        .limit(limit)
        .select((Import::as_select(), lists::name))
        .load(conn)
}

/// The first `limit` refused lines of an import after problem `after`, in
/// the order they were found.
pub fn problems(
    conn: &mut DbConn,
    id: ImportId,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<(i64, i64, String)>> {
    import_problems::table
        .filter(import_problems::import_id.eq(id))
        .filter(import_problems::id.gt(after))
        .order(import_problems::id)
        .limit(limit)
        .select((
            import_problems::id,
            import_problems::line,
            import_problems::reason,
        ))
        .load(conn)
}

/// Deletes uploads that never finished (their process stopped mid-upload).
pub fn delete_abandoned_uploads(conn: &mut DbConn, started_before: i64) -> QueryResult<usize> {
    diesel::delete(
        imports::table
            .filter(imports::status.eq(ImportStatus::Uploading))
            .filter(imports::created_at.lt(started_before)),
    )
    .execute(conn)
}
