//! The versions of the message templates the operators edit (contract
//! §15). Versions are only appended: a save, a restore and a reset each
//! add one, so the history shows what every message said and when.

use diesel::prelude::*;

use super::DbConn;
use super::schema::message_templates;
use crate::domain::TemplateKind;
use crate::i18n::Lang;

/// A template's three parts as the operator wrote them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// One saved version.
#[derive(Debug, Clone)]
pub struct Version {
    pub id: i64,
    pub kind: TemplateKind,
    pub lang: Lang,
    /// `None`: a return to the built-in default.
    pub parts: Option<Parts>,
    pub saved_by: String,
    pub saved_at: i64,
}

type Row = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    i64,
);

const COLUMNS: (
    message_templates::id,
    message_templates::kind,
    message_templates::lang,
    message_templates::subject,
    message_templates::html,
    message_templates::body_text,
    message_templates::saved_by,
    message_templates::saved_at,
) = (
    message_templates::id,
    message_templates::kind,
    message_templates::lang,
    message_templates::subject,
    message_templates::html,
    message_templates::body_text,
    message_templates::saved_by,
    message_templates::saved_at,
);

/// A row of a kind or a language this build does not know is left out.
fn version(row: Row) -> Option<Version> {
    let (id, kind, lang, subject, html, text, saved_by, saved_at) = row;
    let parts = match (subject, html, text) {
        (Some(subject), Some(html), Some(text)) => Some(Parts {
            subject,
            html,
            text,
        }),
        _ => None,
    };
    Some(Version {
        id,
        kind: TemplateKind::parse(&kind)?,
        lang: Lang::parse(&lang)?,
        parts,
        saved_by,
        saved_at,
    })
}

/// The newest version's id, which changes with every save: a process
/// compares it with the one it read to know whether to read again.
pub fn newest_id(conn: &mut DbConn) -> QueryResult<Option<i64>> {
    message_templates::table
        .select(diesel::dsl::max(message_templates::id))
        .first(conn)
}

/// The version in force of every kind and language that was ever edited.
pub fn in_force(conn: &mut DbConn) -> QueryResult<Vec<Version>> {
    let rows: Vec<Row> = message_templates::table
        .select(COLUMNS)
        .order(message_templates::id)
        .load(conn)?;
    let mut newest: Vec<Version> = Vec::new();
    for version in rows.into_iter().filter_map(version) {
        newest.retain(|v| (v.kind, v.lang) != (version.kind, version.lang));
        newest.push(version);
    }
    Ok(newest)
}

/// The versions of one kind and language, newest first.
pub fn history(conn: &mut DbConn, kind: TemplateKind, lang: Lang) -> QueryResult<Vec<Version>> {
    let rows: Vec<Row> = message_templates::table
        .filter(message_templates::kind.eq(kind.as_str()))
        .filter(message_templates::lang.eq(lang.code()))
        .select(COLUMNS)
        .order(message_templates::id.desc())
        .load(conn)?;
    Ok(rows.into_iter().filter_map(version).collect())
}

/// Appends a version: `parts`, or the built-in default when `None`.
pub fn append(
    conn: &mut DbConn,
    kind: TemplateKind,
    lang: Lang,
    parts: Option<&Parts>,
    saved_by: &str,
    now: i64,
) -> QueryResult<()> {
    diesel::insert_into(message_templates::table)
        .values((
            message_templates::kind.eq(kind.as_str()),
            message_templates::lang.eq(lang.code()),
            message_templates::subject.eq(parts.map(|p| p.subject.as_str())),
            message_templates::html.eq(parts.map(|p| p.html.as_str())),
            message_templates::body_text.eq(parts.map(|p| p.text.as_str())),
            message_templates::saved_by.eq(saved_by),
            message_templates::saved_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}
