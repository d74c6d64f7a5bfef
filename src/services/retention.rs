//! The law's clocks (contract §10): pending requests are forgotten after
//! `ASSENT_PENDING_RETENTION`; consent older than `ASSENT_RECONFIRM_AFTER`
//! is asked to confirm again, and ends with channel `expiry` when nobody
//! answers within `ASSENT_RECONFIRM_GRACE`. The scheduled job and `assent
//! purge` both run [`run`].

use std::time::Duration;

use diesel::Connection;

use super::ServiceError;
use super::double_opt_in::{end_subscription, issue_token};
use super::webhooks::Webhooks;
use crate::config::Clocks;
use crate::db::outbox::Recipient;
use crate::db::{Database, DbConn, audit, outbox, subscribers, subscriptions};
use crate::domain::{Channel, Clock, Draft, Evidence, Lane, SubscriberEmail, TokenPurpose};

/// Subscriptions one transaction works on.
const STEP: i64 = 500;

/// What a run did, or with `dry_run` would do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    pub purged: i64,
    pub reconfirmations: i64,
    pub expired: i64,
}

impl Report {
    /// One line per kind, as `assent purge` prints them.
    pub fn lines(&self, dry_run: bool) -> [String; 3] {
        let (purged, sent, expired) = if dry_run {
            ("would purge", "would send", "would expire")
        } else {
            ("purged", "sent", "expired")
        };
        [
            format!("pending subscriptions {purged}: {}", self.purged),
            format!("reconfirmation requests {sent}: {}", self.reconfirmations),
            format!("subscriptions {expired}: {}", self.expired),
        ]
    }
}

fn before(now: i64, age: Duration) -> i64 {
    now - i64::try_from(age.as_millis()).unwrap_or(i64::MAX)
}

/// Runs every clock that is on, sending reconfirmations from `sender`.
/// With `dry_run`, only counts. The caller wakes delivery when
/// reconfirmations were queued.
pub async fn run(
    db: &Database,
    clock: &Clock,
    hooks: &Webhooks,
    clocks: Clocks,
    sender: &str,
    dry_run: bool,
) -> Result<Report, ServiceError> {
    let now = clock.now().ms();
    if dry_run {
        return db.read(move |c| due(c, &clocks, now)).await;
    }
    let mut report = Report::default();
    if let Some(age) = clocks.pending_retention {
        report.purged = steps(db, move |c| purge_step(c, before(now, age), now)).await?;
    }
    if let Some(age) = clocks.reconfirm_after {
        let sender = sender.to_owned();
        report.reconfirmations = steps(db, move |c| {
            reconfirm_step(c, &sender, before(now, age), now)
        })
        .await?;
    }
    if let Some(grace) = clocks.reconfirm_grace {
        let hooks = hooks.clone();
        report.expired =
            steps(db, move |c| expire_step(c, &hooks, before(now, grace), now)).await?;
    }
    if report.purged > 0 {
        db.scrub_log().await;
    }
    if report != Report::default() {
        db.write(move |c| {
            audit::record(
                c,
                "assent",
                "retention",
                "subscriptions",
                &report.lines(false).join("; "),
                now,
            )?;
            Ok::<_, ServiceError>(())
        })
        .await?;
    }
    Ok(report)
}

/// How many each clock would act on now.
fn due(conn: &mut DbConn, clocks: &Clocks, now: i64) -> Result<Report, ServiceError> {
    let count = |c: &mut DbConn, age: Option<Duration>, query: fn(i64) -> _| match age {
        Some(age) => subscriptions::count_of(c, query(before(now, age))),
        None => Ok(0),
    };
    Ok(Report {
        purged: count(conn, clocks.pending_retention, subscriptions::stale_pending)?,
        reconfirmations: count(
            conn,
            clocks.reconfirm_after,
            subscriptions::due_for_reconfirmation,
        )?,
        expired: count(
            conn,
            clocks.reconfirm_grace,
            subscriptions::unanswered_reconfirmations,
        )?,
    })
}

/// Runs `step` in a transaction of its own until it finds nothing more;
/// returns how many it acted on.
async fn steps<F>(db: &Database, step: F) -> Result<i64, ServiceError>
where
    F: Fn(&mut DbConn) -> Result<i64, ServiceError> + Clone + Send + 'static,
{
    let mut total = 0;
    loop {
        let step = step.clone();
        let done = db.write(move |c| c.transaction(|c| step(c))).await?;
        total += done;
        if done < STEP {
            return Ok(total);
        }
    }
}

fn purge_step(conn: &mut DbConn, before: i64, now: i64) -> Result<i64, ServiceError> {
    let stale = subscriptions::first_of(conn, subscriptions::stale_pending(before), STEP)?;
    for subscription in &stale {
        subscribers::purge_subscription(conn, subscription, now)?;
    }
    Ok(stale.len() as i64)
}

/// Queues a reconfirmation for each subscription due, as bulk mail.
fn reconfirm_step(
    conn: &mut DbConn,
    sender: &str,
    before: i64,
    now: i64,
) -> Result<i64, ServiceError> {
    let due = subscriptions::first_of(conn, subscriptions::due_for_reconfirmation(before), STEP)?;
    for subscription in &due {
        subscriptions::mark_reconfirm_sent(conn, subscription.id, now)?;
        let subscriber = subscriptions::subscriber_by_id(conn, subscription.subscriber_id)?;
        let Ok(email) = SubscriberEmail::parse(&subscriber.email) else {
            continue;
        };
        let unsubscribe = issue_token(conn, subscription.id, TokenPurpose::Unsubscribe, now, None)?;
        let to = Recipient {
            subscription_id: Some(subscription.id),
            email: &email,
            sender,
        };
        outbox::enqueue(
            conn,
            &Draft::Reconfirmation { unsubscribe },
            &to,
            Lane::Requests,
            now,
        )?;
    }
    Ok(due.len() as i64)
}

fn expire_step(
    conn: &mut DbConn,
    hooks: &Webhooks,
    before: i64,
    now: i64,
) -> Result<i64, ServiceError> {
    let unanswered = subscriptions::first_of(
        conn,
        subscriptions::unanswered_reconfirmations(before),
        STEP,
    )?;
    let evidence = Evidence {
        source: Some("no answer to the reconfirmation request".into()),
        ..Evidence::default()
    };
    for subscription in &unanswered {
        crate::db::backend::lock_subscription(conn, subscription.id)?;
        end_subscription(conn, hooks, subscription, Channel::Expiry, &evidence, now)?;
    }
    Ok(unanswered.len() as i64)
}
