//! Signups turned away at the door: counted in memory as they come, and
//! added to the database's counts of the day by the heartbeat, so that a
//! flood of bots costs a write every few seconds rather than one each, and
//! the dashboard shows what every process turned away.

use std::sync::atomic::{AtomicU64, Ordering};

use super::Services;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The `website` trap field was filled.
    Honeypot,
    /// Proof of work was asked for and missing, wrong, expired or replayed.
    ProofOfWork,
}

impl Reason {
    pub const ALL: [Reason; 2] = [Reason::Honeypot, Reason::ProofOfWork];

    /// How the database names it.
    pub fn code(self) -> &'static str {
        match self {
            Reason::Honeypot => "honeypot",
            Reason::ProofOfWork => "pow",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// This process's counts not yet added to the database.
#[derive(Debug, Default)]
pub struct TurnedAway {
    counts: [AtomicU64; 2],
}

impl TurnedAway {
    fn slot(&self, reason: Reason) -> &AtomicU64 {
        &self.counts[reason as usize]
    }

    /// Takes the counts to write, leaving zero.
    pub fn take(&self) -> Vec<(Reason, u64)> {
        Reason::ALL
            .into_iter()
            .map(|r| (r, self.slot(r).swap(0, Ordering::Relaxed)))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// Puts back counts whose write failed, for the next try.
    pub fn give_back(&self, taken: &[(Reason, u64)]) {
        for (reason, n) in taken {
            self.slot(*reason).fetch_add(*n, Ordering::Relaxed);
        }
    }

    /// Counted here and not yet written.
    pub fn pending(&self, reason: Reason) -> u64 {
        self.slot(reason).load(Ordering::Relaxed)
    }
}

/// Counts a signup turned away, for the dashboard and `/metrics`.
pub fn record(services: &Services, reason: Reason) {
    services
        .turned_away
        .slot(reason)
        .fetch_add(1, Ordering::Relaxed);
    match reason {
        Reason::Honeypot => services.metrics.honeypot.inc(),
        Reason::ProofOfWork => services.metrics.pow_refused.inc(),
    };
}
