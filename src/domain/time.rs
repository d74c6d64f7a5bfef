//! Time as assent stores it, and the one clock it reads.
//!
//! Every time a row holds is a [`Timestamp`]: Unix milliseconds, UTC. The
//! time of "now" comes from a [`Clock`] built once at start and handed down,
//! never from the system directly, so that the tests can move it: a
//! retention of three years or a sequence step a week away is reached by
//! moving the clock, not by waiting.

use std::fmt;
use std::ops::{Add, Sub};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// A moment, as stored: milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_ms(ms: i64) -> Self {
        Timestamp(ms)
    }

    /// The milliseconds a row stores.
    pub const fn ms(self) -> i64 {
        self.0
    }

    /// RFC 3339 UTC to the second, e.g. `2026-11-28T15:44:23Z`.
    pub fn rfc3339(self) -> String {
        let nanos = i128::from(self.0) * 1_000_000;
        time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .ok()
            .and_then(|t| t.replace_nanosecond(0).ok())
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_default()
    }

    /// The time from `earlier` to this one; zero if `earlier` is later.
    pub fn since(self, earlier: Timestamp) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0).max(0) as u64)
    }

    /// The start of this moment's UTC day.
    pub fn day_start(self) -> Timestamp {
        const DAY_MS: i64 = 86_400_000;
        Timestamp(self.0.div_euclid(DAY_MS) * DAY_MS)
    }
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Add<Duration> for Timestamp {
    type Output = Timestamp;
    fn add(self, d: Duration) -> Timestamp {
        Timestamp(self.0.saturating_add(millis(d)))
    }
}

impl Sub<Duration> for Timestamp {
    type Output = Timestamp;
    fn sub(self, d: Duration) -> Timestamp {
        Timestamp(self.0.saturating_sub(millis(d)))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

/// Where "now" comes from: the system's clock, plus an offset that only a
/// test build can move (the `test-clock` feature, which no release build
/// and no route has). Clones share the offset, so moving the clock of a
/// test moves it for the server's every service and job.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    ahead_ms: Arc<AtomicI64>,
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Self {
        Clock::default()
    }

    pub fn now(&self) -> Timestamp {
        let wall = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
        Timestamp(wall as i64 + self.ahead_ms.load(Ordering::Relaxed))
    }

    /// A clock `by` ahead of the system's.
    #[cfg(any(test, feature = "test-clock"))]
    pub fn ahead(by: Duration) -> Self {
        let clock = Clock::system();
        clock.advance(by);
        clock
    }

    /// Moves this clock, and every clone of it, forward by `by`.
    #[cfg(any(test, feature = "test-clock"))]
    pub fn advance(&self, by: Duration) {
        self.ahead_ms.fetch_add(millis(by), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timestamp_reads_as_rfc3339_to_the_second() {
        assert_eq!(
            Timestamp::from_ms(1_764_344_663_999).rfc3339(),
            "2025-11-28T15:44:23Z"
        );
    }

    #[test]
    fn durations_move_a_timestamp_and_measure_between_two() {
        let t = Timestamp::from_ms(10_000);
        assert_eq!((t + Duration::from_secs(2)).ms(), 12_000);
        assert_eq!((t - Duration::from_secs(2)).ms(), 8_000);
        assert_eq!(
            (t + Duration::from_secs(2)).since(t),
            Duration::from_secs(2)
        );
        assert_eq!(t.since(t + Duration::from_secs(2)), Duration::ZERO);
        assert_eq!(
            Timestamp::from_ms(86_400_000 + 5).day_start().ms(),
            86_400_000
        );
    }

    #[test]
    fn clones_of_a_clock_read_the_same_time() {
        let clock = Clock::system();
        let other = clock.clone();
        let (a, b) = (clock.now(), other.now());
        assert!(b.since(a) < Duration::from_secs(1));
    }
}
