//! The operators' fields, the lists that ask for them and subscribers'
//! values (contract §16).

use diesel::prelude::*;

use super::DbConn;
use super::schema::{fields, list_fields, subscriber_fields};
use crate::domain::SubscriberId;
use crate::domain::field::{FieldDef, FieldKind, read_labels, read_options, write_labels};

type Row = (i64, String, FieldKind, String, String, bool);

/// Every field, oldest first, with the lists that ask for it.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<FieldDef>> {
    let rows: Vec<Row> = fields::table
        .order(fields::id)
        .select((
            fields::id,
            fields::key,
            fields::kind,
            fields::labels,
            fields::options,
            fields::required,
        ))
        .load(conn)?;
    let asked: Vec<(i64, i64)> = list_fields::table
        .select((list_fields::field_id, list_fields::list_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, key, kind, labels, options, required)| FieldDef {
            id,
            key,
            kind,
            labels: read_labels(&labels),
            options: read_options(&options),
            required,
            lists: asked
                .iter()
                .filter(|(field, _)| *field == id)
                .map(|(_, list)| *list)
                .collect(),
        })
        .collect())
}

/// Stores a new field, or the new definition of the one with its id;
/// `None` when another field has the new one's key.
pub fn save(conn: &mut DbConn, field: &FieldDef, now: i64) -> QueryResult<Option<i64>> {
    let labels = write_labels(&field.labels);
    let options = field.options.join("\n");
    let id = if field.id == 0 {
        let values = (
            fields::key.eq(&field.key),
            fields::kind.eq(field.kind),
            fields::labels.eq(&labels),
            fields::options.eq(&options),
            fields::required.eq(field.required),
            fields::created_at.eq(now),
        );
        // A key taken in another process since this one last read the
        // fields inserts nothing.
        let inserted: Option<i64> = on_backend!(conn, |c| diesel::insert_into(fields::table)
            .values(values)
            .on_conflict_do_nothing()
            .returning(fields::id)
            .get_result(c)
            .optional())?;
        match inserted {
            Some(id) => id,
            None => return Ok(None),
        }
    } else {
        diesel::update(fields::table.find(field.id))
            .set((
                fields::labels.eq(&labels),
                fields::options.eq(&options),
                fields::required.eq(field.required),
            ))
            .execute(conn)?;
        field.id
    };
    diesel::delete(list_fields::table.filter(list_fields::field_id.eq(id))).execute(conn)?;
    for list in &field.lists {
        diesel::insert_into(list_fields::table)
            .values((list_fields::list_id.eq(list), list_fields::field_id.eq(id)))
            .execute(conn)?;
    }
    Ok(Some(id))
}

/// A subscriber's values, as (field id, value).
pub fn values_of(conn: &mut DbConn, subscriber: SubscriberId) -> QueryResult<Vec<(i64, String)>> {
    subscriber_fields::table
        .filter(subscriber_fields::subscriber_id.eq(subscriber.0))
        .select((subscriber_fields::field_id, subscriber_fields::value))
        .load(conn)
}

/// The values of many subscribers, as (subscriber id, field id, value).
pub fn values_of_many(
    conn: &mut DbConn,
    subscribers: &[i64],
) -> QueryResult<Vec<(i64, i64, String)>> {
    subscriber_fields::table
        .filter(subscriber_fields::subscriber_id.eq_any(subscribers))
        .select((
            subscriber_fields::subscriber_id,
            subscriber_fields::field_id,
            subscriber_fields::value,
        ))
        .load(conn)
}

/// Sets a subscriber's value of a field; `None` removes it.
pub fn set(
    conn: &mut DbConn,
    subscriber: SubscriberId,
    field: i64,
    value: Option<&str>,
) -> QueryResult<()> {
    let current = subscriber_fields::table
        .filter(subscriber_fields::subscriber_id.eq(subscriber.0))
        .filter(subscriber_fields::field_id.eq(field));
    diesel::delete(current).execute(conn)?;
    if let Some(value) = value {
        diesel::insert_into(subscriber_fields::table)
            .values((
                subscriber_fields::subscriber_id.eq(subscriber.0),
                subscriber_fields::field_id.eq(field),
                subscriber_fields::value.eq(value),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Gives a subscriber the values of a signup for the fields that have none
/// yet: a signup never changes a value already kept, so a stranger who
/// signs up with someone's address cannot rewrite what is known of them.
pub fn fill_blanks(
    conn: &mut DbConn,
    subscriber: SubscriberId,
    values: &[(i64, String)],
) -> QueryResult<()> {
    if values.is_empty() {
        return Ok(());
    }
    let kept: Vec<i64> = subscriber_fields::table
        .filter(subscriber_fields::subscriber_id.eq(subscriber.0))
        .select(subscriber_fields::field_id)
        .load(conn)?;
    for (field, value) in values.iter().filter(|(f, _)| !kept.contains(f)) {
        diesel::insert_into(subscriber_fields::table)
            .values((
                subscriber_fields::subscriber_id.eq(subscriber.0),
                subscriber_fields::field_id.eq(field),
                subscriber_fields::value.eq(value),
            ))
            .execute(conn)?;
    }
    Ok(())
}
