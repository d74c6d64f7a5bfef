//! The per-client signup limit (`ASSENT_SIGNUP_RATE`), shared by the form and
//! the API. Counters live in the process: behind several processes each
//! one counts on its own.
//!
//! An IPv6 client is counted by its /64, the block one customer is given,
//! so that an attacker cannot make a fresh key of every address it owns. The
//! counters are a sharded map (governor's GCRA over DashMap): a check costs
//! the same however many clients are tracked, and clients idle for a full
//! window are forgotten by [`RateLimiter::forget_idle`], off the request path.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

/// A burst of `per_minute` signups, then one more every `60 / per_minute`
/// seconds. The rate is the one in force at each check: when the settings
/// change it, the counting starts over at the new rate.
pub struct RateLimiter {
    limit: RwLock<Limit>,
    clock: DefaultClock,
}

struct Limit {
    per_minute: u32,
    limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
}

impl Limit {
    fn new(per_minute: u32) -> Self {
        Limit {
            per_minute,
            limiter: NonZeroU32::new(per_minute)
                .map(|n| DefaultKeyedRateLimiter::dashmap(Quota::per_minute(n))),
        }
    }
}

impl RateLimiter {
    /// `per_minute = 0` turns the limit off.
    pub fn new(per_minute: u32) -> Self {
        Self {
            limit: RwLock::new(Limit::new(per_minute)),
            clock: DefaultClock::default(),
        }
    }

    /// `Ok` to go ahead, or how long the client must wait, at `per_minute`
    /// signups a minute (0: no limit).
    pub fn check(&self, per_minute: u32, client: IpAddr) -> Result<(), Duration> {
        if self.read().per_minute != per_minute {
            let mut limit = self.limit.write().unwrap_or_else(PoisonError::into_inner);
            if limit.per_minute != per_minute {
                *limit = Limit::new(per_minute);
            }
        }
        let limit = self.read();
        let Some(limiter) = &limit.limiter else {
            return Ok(());
        };
        limiter
            .check_key(&client_key(client))
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Limit> {
        self.limit.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets the clients whose bucket is full again; run now and then.
    pub fn forget_idle(&self) {
        if let Some(limiter) = &self.read().limiter {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    /// How many clients are being counted.
    pub fn tracked(&self) -> usize {
        self.read().limiter.as_ref().map_or(0, |l| l.len())
    }
}

/// The key a client is counted under, by every limit: its IPv4 address,
/// or its IPv6 /64, the block one customer is given.
pub fn client_key(client: IpAddr) -> IpAddr {
    match client {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(prefix))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_the_rate_then_refuses_with_a_wait() {
        let limiter = RateLimiter::new(3);
        let ip: IpAddr = [192, 0, 2, 1].into();
        let other: IpAddr = [192, 0, 2, 2].into();
        for _ in 0..3 {
            assert!(limiter.check(3, ip).is_ok());
        }
        let wait = limiter.check(3, ip).expect_err("over the limit");
        assert!(
            wait > Duration::from_secs(15) && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert!(limiter.check(3, other).is_ok(), "clients are counted apart");
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_slash_64() {
        let limiter = RateLimiter::new(2);
        let same_block: [IpAddr; 3] = [
            "2001:db8:1:2::1".parse().unwrap(),
            "2001:db8:1:2:ffff::9".parse().unwrap(),
            "2001:db8:1:2:dead:beef:0:1".parse().unwrap(),
        ];
        assert!(limiter.check(2, same_block[0]).is_ok());
        assert!(limiter.check(2, same_block[1]).is_ok());
        assert!(
            limiter.check(2, same_block[2]).is_err(),
            "one /64, one bucket"
        );
        let next_block: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert!(
            limiter.check(2, next_block).is_ok(),
            "another /64 counts apart"
        );
        // An IPv4 client reaching an IPv6 socket is still itself.
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(client_key(mapped), IpAddr::from([192, 0, 2, 7]));
    }

    #[test]
    fn idle_clients_are_forgotten_and_the_map_stays_small() {
        // One signup every 100 ms refills a bucket.
        let limiter = RateLimiter::new(600);
        for i in 0..20_000u32 {
            let ip = IpAddr::from(i.to_be_bytes());
            assert!(limiter.check(600, ip).is_ok());
        }
        assert_eq!(limiter.tracked(), 20_000);
        // Once each bucket is as full as a new one, the client is forgotten.
        std::thread::sleep(Duration::from_millis(300));
        limiter.forget_idle();
        assert_eq!(limiter.tracked(), 0);
    }

    #[test]
    fn zero_turns_the_limit_off() {
        let limiter = RateLimiter::new(0);
        let ip: IpAddr = [192, 0, 2, 1].into();
        for _ in 0..1000 {
            assert!(limiter.check(0, ip).is_ok());
        }
    }

    #[test]
    fn a_new_rate_in_force_starts_the_counting_over() {
        let limiter = RateLimiter::new(1);
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        assert!(limiter.check(1, ip).is_ok());
        assert!(limiter.check(1, ip).is_err());
        assert!(limiter.check(5, ip).is_ok(), "the settings raised it");
        assert!(limiter.check(0, ip).is_ok(), "and turned it off");
    }
}
