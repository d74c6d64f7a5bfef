//! Uploaded images, kept in the database.

use diesel::prelude::*;

use super::schema::media;
use super::{DbConn, at_most_one};
use crate::domain::MediaId;

/// An image as the media page lists it: everything but its bytes.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = media)]
pub struct MediaItem {
    pub id: MediaId,
    pub name: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub created_by: String,
    pub created_at: i64,
}

/// What an upload stores.
pub struct NewMedia<'a> {
    pub name: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
    pub created_by: &'a str,
    pub now: i64,
}

/// Stores an image under its name; the same bytes uploaded again keep the
/// first row. Returns whether a row was written.
pub fn insert(conn: &mut DbConn, new: &NewMedia<'_>) -> QueryResult<bool> {
    on_backend!(conn, |c| diesel::insert_into(media::table)
        .values((
            media::name.eq(new.name),
            media::filename.eq(new.filename),
            media::content_type.eq(new.content_type),
            media::size.eq(new.bytes.len() as i64),
            media::bytes.eq(new.bytes),
            media::created_by.eq(new.created_by),
            media::created_at.eq(new.now),
        ))
        .on_conflict_do_nothing()
        .execute(c))
    .map(|n| n > 0)
}

/// The newest images first.
pub fn all(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<MediaItem>> {
    media::table
        .order(media::id.desc())
        .limit(limit)
        .select(MediaItem::as_select())
        .load(conn)
}

/// An image's type and bytes, by the name in its URL.
pub fn file(conn: &mut DbConn, name: &str) -> QueryResult<Option<(String, Vec<u8>)>> {
    // No name holds a NUL, and PostgreSQL refuses one in text.
    if name.contains('\0') {
        return Ok(None);
    }
    at_most_one(
        media::table
            .filter(media::name.eq(name))
            .select((media::content_type, media::bytes))
            .load(conn),
    )
}

/// Deletes an image; returns its name, if it was there.
pub fn delete(conn: &mut DbConn, id: MediaId) -> QueryResult<Option<String>> {
    let name = at_most_one(
        media::table
            .find(id)
            .select(media::name)
            .load::<String>(conn),
    )?;
    if name.is_some() {
        diesel::delete(media::table.find(id)).execute(conn)?;
    }
    Ok(name)
}
