//! The one pace of mail to many at once: the paced lanes of
//! [`Lane`](crate::domain::message::Lane) (an import's confirmation
//! requests, reconfirmation requests, broadcast copies) share
//! `ASSENT_SEND_RATE` messages a second across every process. The pace is
//! a row of its own, locked while a process takes its slots, so that
//! processes take them in turn; transactional mail never waits for it.

use diesel::prelude::*;

use super::{DbConn, backend};

/// Bulk messages a second across every process; `None` for no limit.
#[derive(Debug, Clone, Copy)]
pub struct Pace(pub Option<std::num::NonZeroU32>);

/// Idle time lets at most this much of the rate go out in a burst.
const WINDOW_US: i64 = 1_000_000;
/// The pacing row's name.
const BULK: &str = "broadcasts";

/// Takes up to `want` send slots at `rate` a second, from `now` (µs);
/// returns how many it took and when the next slot is.
pub fn take_slots(
    conn: &mut DbConn,
    rate: std::num::NonZeroU32,
    want: usize,
    now: i64,
) -> QueryResult<(usize, i64)> {
    use super::schema::pacing;
    let interval = (1_000_000 / i64::from(rate.get())).max(1);
    let next_at = backend::lock_pacing(conn, BULK, now)?;
    // Time left unused counts for at most one window's worth of slots.
    let base = next_at.max(now - WINDOW_US);
    let available = if base > now {
        0
    } else {
        ((now - base) / interval + 1) as usize
    };
    let taken = available.min(want);
    let next = base + taken as i64 * interval;
    diesel::update(pacing::table.find(BULK))
        .set(pacing::next_at.eq(next))
        .execute(conn)?;
    Ok((taken, next))
}
