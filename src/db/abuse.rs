//! What the signup door turned away, by day, and the proof-of-work
//! challenges already spent.

use diesel::prelude::*;
use diesel::upsert::excluded;

use super::schema::{spent_challenges, turned_away};
use super::{DbConn, is_unique_violation};

/// Adds `n` to the day's count of `reason`.
pub fn tally(conn: &mut DbConn, day: i64, reason: &str, n: i64) -> QueryResult<()> {
    on_backend!(conn, |c| diesel::insert_into(turned_away::table)
        .values((
            turned_away::day.eq(day),
            turned_away::reason.eq(reason),
            turned_away::count.eq(n),
        ))
        .on_conflict((turned_away::day, turned_away::reason))
        .do_update()
        .set(turned_away::count.eq(turned_away::count + excluded(turned_away::count)))
        .execute(c))?;
    Ok(())
}

/// Each reason's total over the days from `since` on.
pub fn totals_since(conn: &mut DbConn, since: i64) -> QueryResult<Vec<(String, i64)>> {
    // A month of days per reason: summed here, where both backends agree
    // on the type.
    let rows: Vec<(String, i64)> = turned_away::table
        .filter(turned_away::day.ge(since))
        .select((turned_away::reason, turned_away::count))
        .load(conn)?;
    let mut totals: Vec<(String, i64)> = Vec::new();
    for (reason, n) in rows {
        match totals.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, total)) => *total += n,
            None => totals.push((reason, n)),
        }
    }
    Ok(totals)
}

/// Marks a challenge used. `false` when it already was, by any process.
pub fn spend_challenge(conn: &mut DbConn, challenge: &str, expires_at: i64) -> QueryResult<bool> {
    let inserted = diesel::insert_into(spent_challenges::table)
        .values((
            spent_challenges::challenge.eq(challenge),
            spent_challenges::expires_at.eq(expires_at),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Forgets the challenges that have expired: they are refused for that.
pub fn forget_spent(conn: &mut DbConn, now: i64) -> QueryResult<usize> {
    diesel::delete(spent_challenges::table.filter(spent_challenges::expires_at.lt(now)))
        .execute(conn)
}
