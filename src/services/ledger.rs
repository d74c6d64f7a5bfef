//! The consent ledger (contract §11): chaining the events recorded before
//! it existed, and checking that every event still matches its digest and
//! its place in the chain.

use std::collections::HashSet;

use diesel::Connection;

use super::ServiceError;
use crate::db::{Database, DbConn, ledger};
use crate::domain::ledger::{ErasureFacts, GENESIS, link};
use crate::domain::{Clock, EventId};

/// Links read per query while verifying.
const PAGE: i64 = 1000;
/// An event may wait this long for its link (contract §11 promises 5 s);
/// one waiting longer is reported.
const UNLINKED_FOR_MS: i64 = 60_000;
/// Events the linker links in one transaction.
const LINK_BATCH: i64 = 1000;

/// What `assent verify-ledger` and the daily check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Links checked.
    pub events: i64,
    /// The newest link's chain.
    pub head: String,
    /// The first link that no longer matches, and how.
    pub broken: Option<(Subject, &'static str)>,
}

/// What a link chains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Event(EventId),
    Erasure(i64),
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Event(id) => write!(f, "event {id}"),
            Subject::Erasure(id) => write!(f, "erasure {id}"),
        }
    }
}

impl std::fmt::Display for Verification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.broken {
            None => write!(
                f,
                "{} events, chain intact, head {}",
                self.events, self.head
            ),
            Some((subject, problem)) => write!(f, "{subject}: {problem}"),
        }
    }
}

/// Walks the whole chain, in pages, from the first link to the head as it
/// was when the walk began. A link whose event is gone must be named by an
/// erasure of the chain; erasures come after what they erased, so those
/// links are kept aside and looked up once the walk is over.
pub fn verify(conn: &mut DbConn, now: i64) -> Result<Verification, ServiceError> {
    let (last, head) = ledger::head(conn)?;
    let broken = |subject, problem| Verification {
        events: last,
        head: head.clone(),
        broken: Some((subject, problem)),
    };
    let (mut position, mut chain) = (0, GENESIS.to_owned());
    let mut last_subject = None;
    let mut erased: Vec<(EventId, String)> = Vec::new();
    let mut named: HashSet<String> = HashSet::new();
    while position < last {
        let page = ledger::links_after(conn, position, last, PAGE)?;
        if page.is_empty() {
            break;
        }
        for (entry, event, erasure) in page {
            let subject = match (entry.event_id, entry.erasure_id) {
                (Some(id), _) => Subject::Event(id),
                (None, Some(id)) => Subject::Erasure(id),
                (None, None) => Subject::Event(EventId(0)),
            };
            if entry.position != position + 1 {
                return Ok(broken(subject, "the link before it is missing"));
            }
            match (subject, &event, &erasure) {
                (Subject::Event(_), Some(event), _) if event.facts().digest() != entry.digest => {
                    return Ok(broken(subject, "its content no longer matches its digest"));
                }
                (Subject::Event(id), None, _) => {
                    if entry.erased_at.is_none() {
                        return Ok(broken(subject, "it was deleted, and not by an erasure"));
                    }
                    erased.push((id, entry.digest.clone()));
                }
                (Subject::Erasure(_), _, Some(erasure)) => {
                    let digests = erasure.named().unwrap_or_default();
                    let facts = ErasureFacts {
                        id: erasure.id,
                        occurred_at: erasure.occurred_at,
                        digests: &digests,
                    };
                    if facts.digest() != entry.digest {
                        return Ok(broken(subject, "its content no longer matches its digest"));
                    }
                    named.extend(digests);
                }
                (Subject::Erasure(_), _, None) => {
                    return Ok(broken(subject, "the erasure it chains was deleted"));
                }
                _ => {}
            }
            if link(&chain, &entry.digest) != entry.chain {
                return Ok(broken(subject, "its place in the chain no longer matches"));
            }
            position = entry.position;
            chain = entry.chain;
            last_subject = Some(subject);
        }
    }
    if let Some((id, _)) = erased.iter().find(|(_, digest)| !named.contains(digest)) {
        return Ok(broken(
            Subject::Event(*id),
            "it is marked erased, and no erasure of the chain names it",
        ));
    }
    if let Some(event) = ledger::first_unlinked(conn, now - UNLINKED_FOR_MS)? {
        return Ok(broken(Subject::Event(event), "it is not in the chain"));
    }
    if position != last || chain != head {
        return Ok(broken(
            last_subject.unwrap_or(Subject::Event(EventId(0))),
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
pub async fn check(db: &Database, clock: &Clock) -> Result<Verification, ServiceError> {
    let checked_at = clock.now().ms();
    let verification = db.read(move |c| verify(c, checked_at)).await?;
    let recorded = verification.clone();
    db.write(move |c| {
        ledger::record_check(
            c,
            &ledger::Check {
                checked_at,
                events: recorded.events,
                head: recorded.head,
                broken_event: match recorded.broken {
                    Some((Subject::Event(id), _)) => Some(id),
                    _ => None,
                },
                problem: recorded.broken.map(|(subject, problem)| match subject {
                    Subject::Event(_) => problem.to_owned(),
                    Subject::Erasure(_) => format!("{subject}: {problem}"),
                }),
            },
        )?;
        Ok::<_, ServiceError>(())
    })
    .await?;
    Ok(verification)
}

/// Links the events appended since the last call, a batch at a time, each
/// batch one transaction that holds the head's lock; returns how many.
pub async fn link_pending(db: &Database) -> Result<usize, ServiceError> {
    let mut linked = 0;
    while db
        .read(|c| Ok::<_, ServiceError>(ledger::any_pending(c)?))
        .await?
    {
        let batch = db
            .write(|c| {
                let linked = c.transaction(|c| ledger::link_pending(c, LINK_BATCH))?;
                Ok::<_, ServiceError>(linked)
            })
            .await?;
        if batch == 0 {
            break;
        }
        linked += batch;
    }
    Ok(linked)
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
