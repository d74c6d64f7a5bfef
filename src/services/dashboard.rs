//! The figures of the operators' dashboard.

use super::turned_away::Reason;
use super::{ServiceError, Services};
use crate::db::models::List;
use crate::db::stats::{self, DAY_MS, Delivery, ListCounts};
use crate::db::{abuse, ledger, lists, subscriptions};
use crate::domain::{Act, Channel};

/// Days of activity the dashboard shows.
pub const DAYS: i64 = 30;

pub struct ListFigures {
    pub list: List,
    pub counts: ListCounts,
}

/// Acts of one day.
pub struct Day {
    /// Unix milliseconds of 00:00 UTC.
    pub start: i64,
    pub signups: i64,
    pub confirmations: i64,
    pub unsubscribes: i64,
}

pub struct Dashboard {
    pub lists: Vec<ListFigures>,
    /// Oldest first.
    pub days: Vec<Day>,
    pub delivery: Delivery,
    /// How many events the consent ledger holds, and its head.
    pub ledger: (i64, String),
    /// The last verification of the ledger, if any ran.
    pub ledger_check: Option<ledger::Check>,
    pub reconfirmation: Reconfirmation,
    pub turned_away: TurnedAwayFigures,
}

/// Signups turned away over the last [`DAYS`], by every process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TurnedAwayFigures {
    /// The trap field was filled.
    pub honeypot: i64,
    /// The proof of work was missing, wrong, expired or replayed.
    pub pow: i64,
}

/// Where re-permission stands (contract §10).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reconfirmation {
    /// Consent old enough to be asked again at the next run.
    pub due: i64,
    /// Asked, not yet answered.
    pub waiting: i64,
    /// Ended for want of an answer, ever.
    pub expired: i64,
}

pub async fn figures(services: &Services) -> Result<Dashboard, ServiceError> {
    let clock = services.clock.clone();
    let today = clock.now().ms() / DAY_MS * DAY_MS;
    let reconfirm_after = services.policy().clocks.reconfirm_after;
    let mut figures = services
        .db
        .read(move |c| {
            let counts = stats::list_counts(c)?;
            let lists = lists::all(c)?
                .into_iter()
                .map(|list| ListFigures {
                    counts: counts.get(&list.id).copied().unwrap_or_default(),
                    list,
                })
                .collect();
            let first = today - (DAYS - 1) * DAY_MS;
            let acts = stats::acts_since(c, first)?;
            let days = (0..DAYS)
                .map(|i| {
                    let start = first + i * DAY_MS;
                    let n = |wanted: &[Act]| {
                        acts.iter()
                            .filter(|(day, a, _)| *day == start && wanted.contains(a))
                            .map(|(_, _, n)| n)
                            .sum()
                    };
                    Day {
                        start,
                        signups: n(&[Act::Requested]),
                        confirmations: n(&[Act::Confirmed]),
                        unsubscribes: n(&[Act::Unsubscribed, Act::Declined]),
                    }
                })
                .collect();
            let delivery = stats::delivery(c, today)?;
            let mut turned_away = TurnedAwayFigures::default();
            for (code, n) in abuse::totals_since(c, today - (DAYS - 1) * DAY_MS)? {
                match Reason::from_code(&code) {
                    Some(Reason::Honeypot) => turned_away.honeypot += n,
                    Some(Reason::ProofOfWork) => turned_away.pow += n,
                    None => {}
                }
            }
            Ok::<_, ServiceError>(Dashboard {
                lists,
                days,
                delivery,
                ledger: ledger::head(c)?,
                ledger_check: ledger::last_check(c)?,
                reconfirmation: Reconfirmation {
                    due: match reconfirm_after {
                        Some(age) => subscriptions::count_of(
                            c,
                            subscriptions::due_for_reconfirmation(
                                clock.now().ms()
                                    - i64::try_from(age.as_millis()).unwrap_or(i64::MAX),
                            ),
                        )?,
                        None => 0,
                    },
                    waiting: subscriptions::count_of(c, subscriptions::awaiting_reconfirmation())?,
                    expired: stats::events_through(c, Channel::Expiry)?,
                },
                turned_away,
            })
        })
        .await?;
    // This process's counts its heartbeat has not written yet.
    let pending = |r| i64::try_from(services.turned_away.pending(r)).unwrap_or(i64::MAX);
    figures.turned_away.honeypot += pending(Reason::Honeypot);
    figures.turned_away.pow += pending(Reason::ProofOfWork);
    Ok(figures)
}
