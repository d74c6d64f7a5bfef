//! Recipient domains held after a 4xx reply (contract §19).

use diesel::prelude::*;

use super::schema::domain_deferrals;
use super::{DbConn, at_most_one};

/// The longest a domain is held.
pub const MAX_WAIT_MS: i64 = 3_600_000;

/// Every held domain and until when, expired ones included: a message
/// accepted for a domain in this list ends its deferral.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<(String, i64)>> {
    domain_deferrals::table
        .select((domain_deferrals::domain, domain_deferrals::until))
        .load(conn)
}

/// Holds `domain` after a 4xx at `now`: for `first_wait_ms` the first time,
/// then twice the last wait each time, up to an hour. Returns until when.
/// A 4xx while the domain is held already (a message that was in flight
/// when the hold began) leaves the hold as it is: only a try after the hold
/// ended counts as the next refusal in a row.
pub fn defer(conn: &mut DbConn, domain: &str, now: i64, first_wait_ms: i64) -> QueryResult<i64> {
    let last: Option<(i64, i64)> = at_most_one(
        domain_deferrals::table
            .find(domain)
            .select((domain_deferrals::wait_ms, domain_deferrals::until))
            .load(conn),
    )?;
    let wait = match last {
        Some((_, until)) if until > now => return Ok(until),
        Some((last, _)) => last.saturating_mul(2).min(MAX_WAIT_MS),
        None => first_wait_ms.min(MAX_WAIT_MS),
    };
    let until = now + wait;
    let moved = diesel::update(domain_deferrals::table.find(domain))
        .set((
            domain_deferrals::until.eq(until),
            domain_deferrals::wait_ms.eq(wait),
        ))
        .execute(conn)?;
    if moved == 0 {
        on_backend!(conn, |c| diesel::insert_into(domain_deferrals::table)
            .values((
                domain_deferrals::domain.eq(domain),
                domain_deferrals::until.eq(until),
                domain_deferrals::wait_ms.eq(wait),
            ))
            .on_conflict(domain_deferrals::domain)
            .do_update()
            .set((
                domain_deferrals::until.eq(until),
                domain_deferrals::wait_ms.eq(wait),
            ))
            .execute(c))?;
    }
    Ok(until)
}

/// A message was accepted for `domain`: it is held no more.
pub fn end(conn: &mut DbConn, domain: &str) -> QueryResult<()> {
    diesel::delete(domain_deferrals::table.find(domain))
        .execute(conn)
        .map(|_| ())
}
