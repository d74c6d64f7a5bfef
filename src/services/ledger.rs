//! The consent ledger (contract §11): chaining the events recorded before
//! it existed, and checking that every event still matches its digest and
//! its place in the chain.

use diesel::Connection;

use super::ServiceError;
use crate::db::{Database, DbConn, ledger, now_ms};
use crate::domain::EventId;
use crate::domain::ledger::{GENESIS, link};

/// Links read per query while verifying.
const PAGE: i64 = 1000;

/// What `assent verify-ledger` and the daily check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Links checked.
    pub events: i64,
    /// The newest link's chain.
    pub head: String,
    /// The first event that no longer matches, and how.
    pub broken: Option<(EventId, &'static str)>,
}

impl std::fmt::Display for Verification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.broken {
            None => write!(
                f,
                "{} events, chain intact, head {}",
                self.events, self.head
            ),
            Some((event, problem)) => write!(f, "event {event}: {problem}"),
        }
    }
}

/// Walks the whole chain, in pages, from the first link to the head as it
/// was when the walk began.
pub fn verify(conn: &mut DbConn) -> Result<Verification, ServiceError> {
    let (last, head) = ledger::head(conn)?;
    let broken = |event, problem| Verification {
        events: last,
        head: head.clone(),
        broken: Some((event, problem)),
    };
    let (mut position, mut chain) = (0, GENESIS.to_owned());
    let mut last_event = None;
    while position < last {
        let page = ledger::links_after(conn, position, last, PAGE)?;
        if page.is_empty() {
            break;
        }
        for (entry, event) in page {
            if entry.position != position + 1 {
                return Ok(broken(entry.event_id, "the link before it is missing"));
            }
            match &event {
                Some(event) if event.facts().digest() != entry.digest => {
                    return Ok(broken(
                        entry.event_id,
                        "its content no longer matches its digest",
                    ));
                }
                None if entry.erased_at.is_none() => {
                    return Ok(broken(
                        entry.event_id,
                        "it was deleted, and not by an erasure",
                    ));
                }
                _ => {}
            }
            if link(&chain, &entry.digest) != entry.chain {
                return Ok(broken(
                    entry.event_id,
                    "its place in the chain no longer matches",
                ));
            }
            position = entry.position;
            chain = entry.chain;
            last_event = Some(entry.event_id);
        }
    }
    if let Some(event) = ledger::first_unlinked(conn)? {
        return Ok(broken(event, "it is not in the chain"));
    }
    if position != last || chain != head {
        return Ok(broken(
            last_event.unwrap_or(EventId(0)),
            "the chain ends after it, before its recorded head",
        ));
    }
    Ok(Verification {
        events: last,
        head,
        broken: None,
    })
}

/// Verifies the chain and records the result for the dashboard.
pub async fn check(db: &Database) -> Result<Verification, ServiceError> {
    let verification = db.read(verify).await?;
    let recorded = verification.clone();
    db.write(move |c| {
        ledger::record_check(
            c,
            &ledger::Check {
                checked_at: now_ms(),
                events: recorded.events,
                head: recorded.head,
                broken_event: recorded.broken.map(|(event, _)| event),
                problem: recorded.broken.map(|(_, problem)| problem.to_owned()),
            },
        )?;
        Ok::<_, ServiceError>(())
    })
    .await?;
    Ok(verification)
}

/// Chains, once, the events recorded before the ledger existed, in the
/// order of their ids. Returns how many.
pub fn chain_legacy(conn: &mut DbConn) -> Result<usize, ServiceError> {
    conn.transaction(|c| {
        let until = ledger::legacy_until(c)?;
        if until == 0 {
            return Ok(0);
        }
        let events = ledger::unlinked_up_to(c, EventId(until))?;
        for event in &events {
            ledger::append(c, event.id, &event.facts().digest())?;
        }
        ledger::set_legacy_done(c)?;
        Ok(events.len())
    })
}
