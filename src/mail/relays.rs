//! Several relays (contract §19): messages go through the first relay that
//! is up and has room under its own `?rate=`; a relay that refuses
//! connections or does not greet within 10 seconds rests for a minute,
//! its messages going through the others meanwhile. When every relay
//! rests, the one whose rest ends first is tried.

use std::sync::atomic::{AtomicI64, Ordering};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use lettre::address::Envelope;

use super::smtp::SmtpRelay;
use super::transport::SendError;
use crate::config::SmtpUrl;
use crate::domain::Clock;

/// How long a relay that could not be reached is left alone.
pub const REST_MS: i64 = 60_000;

struct Relay {
    smtp: SmtpRelay,
    /// Its `?rate=`: messages a second at most through it.
    rate: Option<DefaultDirectRateLimiter>,
    /// Until when it rests, in the clock's milliseconds; 0 when it is up.
    resting_until: AtomicI64,
}

/// The relays of `ASSENT_SMTP_URL`, in the order given.
pub struct Relays {
    relays: Vec<Relay>,
    clock: Clock,
}

/// Which relay a message was handed to, and what came of it.
pub struct Handed {
    /// `host:port`.
    pub relay: String,
    pub result: Result<(), SendError>,
}

impl Relays {
    pub fn new(urls: &[SmtpUrl], clock: Clock) -> Result<Self, String> {
        let relays = urls
            .iter()
            .map(|url| {
                Ok(Relay {
                    smtp: SmtpRelay::new(url)?,
                    rate: url.rate.map(|n| RateLimiter::direct(Quota::per_second(n))),
                    resting_until: AtomicI64::new(0),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        if relays.is_empty() {
            return Err("no relay".into());
        }
        Ok(Relays { relays, clock })
    }

    /// `host:port` of each, for the start-up log.
    pub fn names(&self) -> Vec<String> {
        self.relays.iter().map(|r| r.smtp.name()).collect()
    }

    /// The relays to try, in order: those up, in the order given, or when
    /// every one rests, the one whose rest ends first.
    fn in_turn(&self, now: i64) -> Vec<&Relay> {
        let up: Vec<&Relay> = self
            .relays
            .iter()
            .filter(|r| r.resting_until.load(Ordering::Relaxed) <= now)
            .collect();
        if !up.is_empty() {
            return up;
        }
        self.relays
            .iter()
            .min_by_key(|r| r.resting_until.load(Ordering::Relaxed))
            .into_iter()
            .collect()
    }

    /// Hands one message to the first relay that is up and has room; one
    /// that cannot be reached rests, and the next is tried.
    pub async fn send(&self, envelope: &Envelope, message: &[u8]) -> Handed {
        let turn = self.in_turn(self.clock.now().ms());
        // The first with room under its rate; or, when each is at its
        // rate, the first, once it has room.
        let with_room: Vec<&Relay> = turn
            .iter()
            .copied()
            .filter(|r| r.rate.as_ref().is_none_or(|rate| rate.check().is_ok()))
            .collect();
        let order = if with_room.is_empty() {
            if let Some(rate) = turn.first().and_then(|r| r.rate.as_ref()) {
                rate.until_ready().await;
            }
            turn.into_iter().take(1).collect()
        } else {
            with_room
        };
        let mut last = None;
        for relay in order {
            let result = relay.smtp.send(envelope, message).await;
            if let Err(SendError::Unreachable(_)) = &result {
                let until = self.clock.now().ms() + REST_MS;
                relay.resting_until.store(until, Ordering::Relaxed);
                tracing::warn!(relay = %relay.smtp.name(), "relay unreachable: resting a minute");
                last = Some(Handed {
                    relay: relay.smtp.name(),
                    result,
                });
                continue;
            }
            if result.is_ok() {
                relay.resting_until.store(0, Ordering::Relaxed);
            }
            return Handed {
                relay: relay.smtp.name(),
                result,
            };
        }
        last.unwrap_or_else(|| Handed {
            relay: String::new(),
            result: Err(SendError::Unreachable("no relay could be tried".into())),
        })
    }
}
