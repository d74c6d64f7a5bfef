//! Mailing lists and the consent wording each has shown.

use diesel::prelude::*;

use super::models::List;
use super::schema::{consent_wordings, lists};
use super::{DbConn, at_most_one, exactly_one, is_unique_violation};
use crate::domain::ListId;
use crate::domain::list::{default_wording, slugify, wording_hash};
use crate::i18n::Lang;

/// Creates the default list when the database has none.
pub fn ensure_default(
    conn: &mut DbConn,
    name: &str,
    org_name: &str,
    lang: Lang,
    now: i64,
) -> QueryResult<()> {
    conn.transaction(|conn| {
        let existing: i64 = lists::table.count().get_result(conn)?;
        if existing > 0 {
            return Ok(());
        }
        let wording = default_wording(name, org_name, lang);
        let description = lang.t1("default-list-description", "org", org_name);
        let slug = slugify(name);
        create(conn, name, &slug, &description, &wording, lang, now).map(|_| ())
    })
    .or_else(|e| {
        if is_unique_violation(&e) {
            Ok(())
        } else {
            Err(e)
        }
    })
}

/// Creates a list with version 1 of its consent wording.
pub fn create(
    conn: &mut DbConn,
    name: &str,
    slug: &str,
    description: &str,
    wording: &str,
    lang: Lang,
    now: i64,
) -> QueryResult<List> {
    diesel::insert_into(lists::table)
        .values((
            lists::language.eq(lang.code()),
            lists::slug.eq(slug),
            lists::name.eq(name),
            lists::description.eq(description),
            lists::consent_wording.eq(wording),
            lists::consent_version.eq(1),
            lists::created_at.eq(now),
        ))
        .execute(conn)?;
    let list: List = lists::table
        .filter(lists::slug.eq(slug))
        .select(List::as_select())
        .first(conn)?;
    diesel::insert_into(consent_wordings::table)
        .values((
            consent_wordings::list_id.eq(list.id),
            consent_wordings::version.eq(1),
            consent_wordings::wording.eq(wording),
            consent_wordings::sha256.eq(wording_hash(wording)),
            consent_wordings::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(list)
}

/// A list that takes signups.
pub fn by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<Option<List>> {
    // No slug holds a NUL, and PostgreSQL refuses one in text: whatever a
    // client sent with it names no list.
    if slug.contains('\0') {
        return Ok(None);
    }
    at_most_one(on_backend!(conn, |c| lists::table
        .filter(lists::slug.eq(slug))
        .filter(lists::archived_at.is_null())
        .select(List::as_select())
        .load(c)))
}

pub fn by_id(conn: &mut DbConn, id: ListId) -> QueryResult<List> {
    exactly_one(lists::table.find(id).select(List::as_select()).load(conn))
}

/// The list a plain `GET /` offers: the one named by the configuration if it
/// exists, else the oldest open list.
pub fn default_list(conn: &mut DbConn, preferred_slug: &str) -> QueryResult<Option<List>> {
    if let Some(list) = by_slug(conn, preferred_slug)? {
        return Ok(Some(list));
    }
    lists::table
        .filter(lists::archived_at.is_null())
        .order(lists::id)
        .select(List::as_select())
        .first(conn)
        .optional()
}

/// Every list, open ones first, then by age.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<List>> {
    lists::table
        .order((lists::archived_at.is_not_null(), lists::id))
        .select(List::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConn, id: ListId) -> QueryResult<Option<List>> {
    at_most_one(lists::table.find(id).select(List::as_select()).load(conn))
}

pub fn slug_taken(conn: &mut DbConn, slug: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        lists::table.filter(lists::slug.eq(slug)),
    ))
    .get_result(conn)
}

/// Renames a list, or changes its description or language.
pub fn update(
    conn: &mut DbConn,
    id: ListId,
    name: &str,
    description: &str,
    lang: Lang,
) -> QueryResult<()> {
    diesel::update(lists::table.find(id))
        .set((
            lists::name.eq(name),
            lists::description.eq(description),
            lists::language.eq(lang.code()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Makes `wording` the list's next consent wording version, which new
/// signups will see; earlier events keep pointing at theirs. Returns the
/// new version.
pub fn new_wording(conn: &mut DbConn, id: ListId, wording: &str, now: i64) -> QueryResult<i32> {
    let current: i32 = lists::table
        .find(id)
        .select(lists::consent_version)
        .first(conn)?;
    let version = current + 1;
    diesel::insert_into(consent_wordings::table)
        .values((
            consent_wordings::list_id.eq(id),
            consent_wordings::version.eq(version),
            consent_wordings::wording.eq(wording),
            consent_wordings::sha256.eq(wording_hash(wording)),
            consent_wordings::created_at.eq(now),
        ))
        .execute(conn)?;
    diesel::update(lists::table.find(id))
        .set((
            lists::consent_wording.eq(wording),
            lists::consent_version.eq(version),
        ))
        .execute(conn)?;
    Ok(version)
}

pub fn set_archived(conn: &mut DbConn, id: ListId, archived_at: Option<i64>) -> QueryResult<()> {
    diesel::update(lists::table.find(id))
        .set(lists::archived_at.eq(archived_at))
        .execute(conn)
        .map(|_| ())
}

/// (version, created_at, sha256, wording), newest first.
pub fn versions(conn: &mut DbConn, id: ListId) -> QueryResult<Vec<(i32, i64, String, String)>> {
    consent_wordings::table
        .filter(consent_wordings::list_id.eq(id))
        .order(consent_wordings::version.desc())
        .select((
            consent_wordings::version,
            consent_wordings::created_at,
            consent_wordings::sha256,
            consent_wordings::wording,
        ))
        .load(conn)
}

/// (list, version, wording, sha256) of every wording of the lists `ids`.
pub fn wordings_of(
    conn: &mut DbConn,
    ids: &[ListId],
) -> QueryResult<Vec<(ListId, i32, String, String)>> {
    consent_wordings::table
        .filter(consent_wordings::list_id.eq_any(ids))
        .select((
            consent_wordings::list_id,
            consent_wordings::version,
            consent_wordings::wording,
            consent_wordings::sha256,
        ))
        .load(conn)
}
