//! Broadcasts (contract §7): an operator writes a message once and each
//! confirmed subscriber of a list gets a copy of their own.
//!
//! Sending queues one outbox row per recipient, a thousand at a time, each
//! with its own unsubscribe link, walking the list's subscriptions in id
//! order from a cursor kept on the broadcast; a unique index allows one
//! copy per subscription. The delivery job sends them behind transactional
//! mail, at `ASSENT_SEND_RATE`, and checks each recipient as its copy goes
//! out. Pausing holds the copies not yet handed over; a crash loses
//! nothing but the copies in flight, which may go twice.

use std::sync::Arc;

use diesel::Connection;

use super::{Operator, Outcome, ServiceError, Services};
use crate::db::broadcasts::Addressed;
use crate::db::models::{Broadcast, BroadcastStatus, JobKind, List};
use crate::db::outbox::Recipient;
use crate::db::{self, DbConn, audit, broadcasts, jobs, lists, outbox, tokens};
use crate::domain::message::Of;
use crate::domain::{
    BroadcastId, Draft, Lane, LinkToken, MessageStatus, SegmentId, Status, SubscriberEmail, Token,
};
use crate::mail::personal::{self, BodyProblem};
use crate::mail::{BroadcastCopy, ListInfo};

/// Recipients whose copies one step queues.
const STEP: i64 = 1000;
/// How often a broadcast whose copies are all queued looks whether they
/// have all gone.
const WATCH_MS: i64 = 2000;

/// A broadcast's fields as an operator writes them, already checked.
#[derive(Debug, Clone)]
pub struct Fields {
    /// The lists' slugs: one at least, the first giving the copies their
    /// language and name.
    pub lists: Vec<String>,
    /// Only the members of this segment, of those lists.
    pub segment: Option<SegmentId>,
    pub subject: String,
    /// Markdown.
    pub body: String,
    /// Shown in the public archive once sent.
    pub public: bool,
}

impl Fields {
    fn written<'a>(&'a self, to: &'a Addressed) -> broadcasts::Written<'a> {
        broadcasts::Written {
            to,
            subject: &self.subject,
            body: &self.body,
            public: self.public,
        }
    }

    /// The lists and segment the operator named, if they all exist.
    fn addressed(&self, conn: &mut DbConn) -> Result<Result<Addressed, Refusal>, ServiceError> {
        let mut lists = Vec::new();
        for slug in &self.lists {
            match lists::by_slug(conn, slug)? {
                Some(list) if !lists.contains(&list.id) => lists.push(list.id),
                Some(_) => {}
                None => return Ok(Err(Refusal::UnknownList)),
            }
        }
        if lists.is_empty() {
            return Ok(Err(Refusal::UnknownList));
        }
        if let Some(segment) = self.segment
            && db::segments::by_id(conn, segment)?.is_none()
        {
            return Ok(Err(Refusal::UnknownSegment));
        }
        Ok(Ok(Addressed {
            lists,
            segment: self.segment,
        }))
    }
}

/// Who a broadcast goes to, in words: its lists' names, and its segment's.
fn audience_label(conn: &mut DbConn, broadcast: &Broadcast) -> Result<String, ServiceError> {
    let to = broadcasts::addressed(conn, broadcast)?;
    let mut names = Vec::new();
    for list in &to.lists {
        names.push(lists::by_id(conn, *list)?.name);
    }
    let mut label = names.join(", ");
    if let Some(segment) = to.segment {
        let name = db::segments::by_id(conn, segment)?.map(|s| s.name);
        label.push_str(" · ");
        label.push_str(name.as_deref().unwrap_or("—"));
    }
    Ok(label)
}

/// Where a broadcast's copies are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Recipients: counted when sending started, and until then the list's
    /// confirmed subscribers now.
    pub total: i64,
    pub sent: i64,
    pub waiting: i64,
    pub failed: i64,
    /// Not sent: the recipient was no longer confirmed, or bounced, when
    /// the copy was due, or the broadcast was cancelled.
    pub skipped: i64,
}

fn counts(conn: &mut DbConn, broadcast: &Broadcast) -> Result<Counts, ServiceError> {
    let mut counts = Counts::default();
    let mut rows = 0;
    for (status, n) in outbox::broadcast_counts(conn, broadcast.id)? {
        rows += n;
        match status {
            MessageStatus::Sent => counts.sent += n,
            MessageStatus::Failed => counts.failed += n,
            MessageStatus::Queued | MessageStatus::Held => counts.waiting += n,
            MessageStatus::Skipped | MessageStatus::Cancelled => counts.skipped += n,
        }
    }
    counts.total = match broadcast.status {
        BroadcastStatus::Draft | BroadcastStatus::Scheduled => {
            let to = broadcasts::addressed(conn, broadcast)?;
            broadcasts::confirmed_count(conn, &to)?
        }
        _ => i64::from(broadcast.total).max(rows),
    };
    // Recipients whose copies are not queued yet.
    let unqueued = counts.total - rows;
    match broadcast.status {
        BroadcastStatus::Cancelled => counts.skipped += unqueued.max(0),
        BroadcastStatus::Sent => {}
        _ => counts.waiting += unqueued.max(0),
    }
    Ok(counts)
}

/// A broadcast with its list and counts.
pub struct Summary {
    pub broadcast: Broadcast,
    pub list_name: String,
    pub counts: Counts,
}

/// The most recent broadcasts, newest first.
pub async fn all(services: &Services) -> Result<Vec<Summary>, ServiceError> {
    services
        .db
        .read(|c| {
            let mut all = Vec::new();
            for (broadcast, _) in broadcasts::all(c, 200)? {
                let counts = counts(c, &broadcast)?;
                let list_name = audience_label(c, &broadcast)?;
                all.push(Summary {
                    broadcast,
                    list_name,
                    counts,
                });
            }
            Ok(all)
        })
        .await
}

/// A broadcast as its page shows it: both parts as a recipient will see
/// them.
pub struct View {
    pub summary: Summary,
    /// The slugs of every list it is addressed to, the first first.
    pub list_slugs: Vec<String>,
    /// The HTML part's content, sanitised: safe in a page.
    pub html: String,
    /// The whole text part, footer included.
    pub text: String,
    /// Failed copies that a retry would send.
    pub retryable: i64,
}

pub async fn view(services: &Services, id: BroadcastId) -> Result<Option<View>, ServiceError> {
    let found = services
        .db
        .read(move |c| {
            let Some(broadcast) = broadcasts::by_id(c, id)? else {
                return Ok::<_, ServiceError>(None);
            };
            let list = lists::by_id(c, broadcast.list_id)?;
            let counts = counts(c, &broadcast)?;
            let retryable = match broadcast.status {
                BroadcastStatus::Sent => outbox::retryable_count(c, id)?,
                _ => 0,
            };
            let label = audience_label(c, &broadcast)?;
            let mut list_slugs = Vec::new();
            for list in broadcasts::addressed(c, &broadcast)?.lists {
                list_slugs.push(lists::by_id(c, list)?.slug);
            }
            Ok(Some((
                broadcast, list, counts, retryable, label, list_slugs,
            )))
        })
        .await?;
    let Some((broadcast, list, counts, retryable, label, list_slugs)) = found else {
        return Ok(None);
    };
    let Preview { html, text } =
        render_preview(services, &list, &broadcast.subject, &broadcast.body)?;
    Ok(Some(View {
        summary: Summary {
            list_name: label,
            broadcast,
            counts,
        },
        list_slugs,
        html,
        text,
        retryable,
    }))
}

/// Who a draft would go to if it were sent now: shown before anything
/// goes, so that the operator confirms a number, not a guess.
pub struct Audience {
    pub subject: String,
    pub list_name: String,
    pub total: i64,
    /// The first recipients, in the order their copies would be queued.
    pub first: Vec<String>,
}

/// How many recipients the confirmation page names.
const FIRST_RECIPIENTS: i64 = 10;

/// The audience of a draft; `NotFound`, or `NotApplicable` once it is no
/// longer a draft.
pub async fn audience(
    services: &Services,
    id: BroadcastId,
) -> Result<Result<Audience, Outcome>, ServiceError> {
    let clock = services.clock.clone();
    services
        .db
        .read(move |c| {
            let Some(broadcast) = broadcasts::by_id(c, id)? else {
                return Ok(Err(Outcome::NotFound));
            };
            if broadcast.status != BroadcastStatus::Draft {
                return Ok(Err(Outcome::NotApplicable));
            }
            let to = broadcasts::addressed(c, &broadcast)?;
            let now = clock.now().ms();
            let first = broadcasts::recipients_after(c, &to, now, 0, FIRST_RECIPIENTS)?
                .into_iter()
                .filter(|r| r.bounced_at.is_none())
                .map(|r| r.email)
                .collect();
            Ok(Ok(Audience {
                list_name: audience_label(c, &broadcast)?,
                subject: broadcast.subject,
                total: broadcasts::confirmed_count(c, &to)?,
                first,
            }))
        })
        .await
}

/// Both parts of a broadcast as a reader with no name or field would get
/// them: the HTML part's content, and the whole text part.
pub struct Preview {
    /// Sanitised: safe in a page.
    pub html: String,
    pub text: String,
}

pub(super) fn render_preview(
    services: &Services,
    list: &List,
    subject: &str,
    body: &str,
) -> Result<Preview, ServiceError> {
    let copy = BroadcastCopy::new(subject, body);
    let info = ListInfo {
        lang: list.lang(),
        name: &list.name,
        slug: &list.slug,
        description: &list.description,
    };
    let text = services
        .composer
        .preview_broadcast(&services.policy(), &info, &copy)
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .text;
    Ok(Preview {
        html: copy.body.html,
        text,
    })
}

/// What the editor shows beside the form as the operator types: nothing is
/// stored.
pub async fn preview(
    services: &Services,
    list: String,
    subject: String,
    body: String,
) -> Result<Result<Preview, Refusal>, ServiceError> {
    if let Err(refusal) = check_body(services, &body) {
        return Ok(Err(refusal));
    }
    let found = services
        .db
        .read(move |c| Ok::<_, ServiceError>(lists::by_slug(c, &list)?))
        .await?;
    let Some(list) = found else {
        return Ok(Err(Refusal::UnknownList));
    };
    render_preview(services, &list, &subject, &body).map(Ok)
}

/// Why a broadcast was not written as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    UnknownList,
    UnknownSegment,
    /// The body's variables do not read.
    Body(BodyProblem),
    /// Sending has begun: it can no longer be edited.
    NotDraft,
    NotFound,
}

/// The body's variables name only the reader's name and fields that exist.
fn check_body(services: &Services, body: &str) -> Result<(), Refusal> {
    body_problem(services, body).map_or(Ok(()), |p| Err(Refusal::Body(p)))
}

/// What is wrong with a body's variables (a broadcast's or a sequence
/// step's), if anything: they may name only the reader's name and the
/// fields that exist.
pub(super) fn body_problem(services: &Services, body: &str) -> Option<BodyProblem> {
    let keys: Vec<String> = services
        .fields
        .get()
        .iter()
        .map(|f| f.key.clone())
        .collect();
    personal::check(body, &keys).err()
}

/// Writes a new draft.
pub async fn create(
    services: &Services,
    operator: &Operator,
    fields: Fields,
) -> Result<Result<BroadcastId, Refusal>, ServiceError> {
    if let Err(refusal) = check_body(services, &fields.body) {
        return Ok(Err(refusal));
    }
    let clock = services.clock.clone();
    let email = operator.email.clone();
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let to = match fields.addressed(c)? {
                    Ok(to) => to,
                    Err(refusal) => return Ok(Err(refusal)),
                };
                let now = clock.now().ms();
                let id = broadcasts::create(c, &fields.written(&to), &email, now)?;
                audit::record(
                    c,
                    &email,
                    "create_broadcast",
                    &format!("broadcast #{id}"),
                    &format!("lists {}: {}", fields.lists.join(", "), fields.subject),
                    now,
                )?;
                Ok(Ok(id))
            })
        })
        .await
}

/// Rewrites a draft.
pub async fn edit(
    services: &Services,
    operator: &Operator,
    id: BroadcastId,
    fields: Fields,
) -> Result<Result<(), Refusal>, ServiceError> {
    if let Err(refusal) = check_body(services, &fields.body) {
        return Ok(Err(refusal));
    }
    let clock = services.clock.clone();
    let email = operator.email.clone();
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let Some(broadcast) = broadcasts::locked(c, id)? else {
                    return Ok(Err(Refusal::NotFound));
                };
                if broadcast.status != BroadcastStatus::Draft {
                    return Ok(Err(Refusal::NotDraft));
                }
                let to = match fields.addressed(c)? {
                    Ok(to) => to,
                    Err(refusal) => return Ok(Err(refusal)),
                };
                let now = clock.now().ms();
                broadcasts::edit_draft(c, id, &fields.written(&to), now)?;
                audit::record(
                    c,
                    &email,
                    "edit_broadcast",
                    &format!("broadcast #{id}"),
                    &fields.subject,
                    now,
                )?;
                Ok(Ok(()))
            })
        })
        .await
}

/// Writes a new draft from any broadcast: same list, subject and body.
pub async fn clone(
    services: &Services,
    operator: &Operator,
    id: BroadcastId,
) -> Result<Option<BroadcastId>, ServiceError> {
    let clock = services.clock.clone();
    let email = operator.email.clone();
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let Some(from) = broadcasts::by_id(c, id)? else {
                    return Ok(None);
                };
                let now = clock.now().ms();
                let to = broadcasts::addressed(c, &from)?;
                let written = broadcasts::Written {
                    to: &to,
                    subject: &from.subject,
                    body: &from.body,
                    public: from.public,
                };
                let copy = broadcasts::create(c, &written, &email, now)?;
                audit::record(
                    c,
                    &email,
                    "create_broadcast",
                    &format!("broadcast #{copy}"),
                    &format!("a copy of broadcast #{id}: {}", from.subject),
                    now,
                )?;
                Ok(Some(copy))
            })
        })
        .await
}

/// Deletes a draft; a broadcast that has been sent, even in part, stays as
/// the record of what was sent.
pub async fn delete(
    services: &Services,
    operator: &Operator,
    id: BroadcastId,
) -> Result<Outcome, ServiceError> {
    let clock = services.clock.clone();
    let email = operator.email.clone();
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let Some(broadcast) = broadcasts::locked(c, id)? else {
                    return Ok(Outcome::NotFound);
                };
                if !broadcasts::delete_draft(c, id)? {
                    return Ok(Outcome::NotApplicable);
                }
                audit::record(
                    c,
                    &email,
                    "delete_broadcast",
                    &format!("broadcast #{id}"),
                    &broadcast.subject,
                    clock.now().ms(),
                )?;
                Ok(Outcome::Done)
            })
        })
        .await
}

/// Sends one copy to `to` now, its subject marked `[Test] `; the
/// broadcast's state does not change.
pub async fn test_send(
    services: &Arc<Services>,
    operator: &Operator,
    id: BroadcastId,
    to: SubscriberEmail,
) -> Result<Outcome, ServiceError> {
    let clock = services.clock.clone();
    let (ctx, email) = (Arc::clone(services), operator.email.clone());
    let outcome = services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let Some(broadcast) = broadcasts::by_id(c, id)? else {
                    return Ok::<_, ServiceError>(Outcome::NotFound);
                };
                let now = clock.now().ms();
                let recipient = Recipient {
                    subscription_id: None,
                    email: &to,
                    sender: &ctx.policy().envelope_sender(),
                };
                let draft = Draft::BroadcastTest {
                    broadcast: broadcast.id,
                };
                outbox::enqueue(c, &draft, &recipient, Lane::Transactional, now)?;
                audit::record(
                    c,
                    &email,
                    "test_broadcast",
                    &format!("broadcast #{id}"),
                    "a test copy was sent",
                    now,
                )?;
                Ok(Outcome::Done)
            })
        })
        .await?;
    if outcome == Outcome::Done {
        services.wake.delivery();
    }
    Ok(outcome)
}

/// Starts sending a draft now, or schedules it for `at`.
pub async fn send(
    services: &Services,
    operator: &Operator,
    id: BroadcastId,
    at: Option<i64>,
) -> Result<Outcome, ServiceError> {
    let clock = services.clock.clone();
    let email = operator.email.clone();
    let outcome = services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let Some(broadcast) = broadcasts::locked(c, id)? else {
                    return Ok::<_, ServiceError>(Outcome::NotFound);
                };
                if broadcast.status != BroadcastStatus::Draft {
                    return Ok(Outcome::NotApplicable);
                }
                let now = clock.now().ms();
                let detail = match at.filter(|at| *at > now) {
                    Some(at) => {
                        broadcasts::schedule(c, id, at, now)?;
                        queue_job(c, id, at, now)?;
                        format!("scheduled for {}", db::rfc3339(at))
                    }
                    None => {
                        start(c, &broadcast, now)?;
                        queue_job(c, id, now, now)?;
                        "sending".to_owned()
                    }
                };
                audit::record(
                    c,
                    &email,
                    "send_broadcast",
                    &format!("broadcast #{id}"),
                    &detail,
                    now,
                )?;
                Ok(Outcome::Done)
            })
        })
        .await?;
    if outcome == Outcome::Done {
        services.wake.jobs();
    }
    Ok(outcome)
}

/// Sending starts: the recipients are counted as they are now.
fn start(conn: &mut DbConn, broadcast: &Broadcast, now: i64) -> Result<(), ServiceError> {
    let to = broadcasts::addressed(conn, broadcast)?;
    let total = broadcasts::confirmed_count(conn, &to)?;
    broadcasts::start(
        conn,
        broadcast.id,
        i32::try_from(total).unwrap_or(i32::MAX),
        now,
    )?;
    Ok(())
}

/// Queues the job that sends broadcast `id` from `at` on.
fn queue_job(conn: &mut DbConn, id: BroadcastId, at: i64, now: i64) -> diesel::QueryResult<()> {
    let payload = BroadcastJob { broadcast: id };
    jobs::enqueue(conn, JobKind::Broadcast, &payload, at, None, now).map(|_| ())
}

/// The broadcast job's payload: which broadcast it sends.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct BroadcastJob {
    pub broadcast: BroadcastId,
}

/// Which way a pause, resume, cancel or retry goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Pause,
    Resume,
    Cancel,
    /// Once a broadcast is sent: queues again the copies that failed for a
    /// reason other than their recipient (a relay down, a 4xx until given
    /// up), once each. Copies refused by the recipient's server, and
    /// skipped ones, never go; a recipient who left meanwhile is skipped as
    /// ever.
    Retry,
}

/// Pauses, resumes, cancels or retries a broadcast, when its state allows
/// it.
pub async fn control(
    services: &Services,
    operator: &Operator,
    id: BroadcastId,
    control: Control,
) -> Result<Outcome, ServiceError> {
    let clock = services.clock.clone();
    let email = operator.email.clone();
    let outcome = services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let Some(broadcast) = broadcasts::locked(c, id)? else {
                    return Ok::<_, ServiceError>(Outcome::NotFound);
                };
                let now = clock.now().ms();
                use BroadcastStatus::*;
                let action = match (control, broadcast.status) {
                    (Control::Pause, Sending) => {
                        broadcasts::set_status(c, id, Paused, now)?;
                        outbox::hold_broadcast(c, id)?;
                        "pause_broadcast"
                    }
                    (Control::Resume, Paused) => {
                        broadcasts::set_status(c, id, Sending, now)?;
                        outbox::release_broadcast(c, id)?;
                        queue_job(c, id, now, now)?;
                        "resume_broadcast"
                    }
                    (Control::Cancel, Draft | Scheduled | Sending | Paused) => {
                        broadcasts::set_status(c, id, Cancelled, now)?;
                        outbox::cancel_broadcast(c, id)?;
                        "cancel_broadcast"
                    }
                    (Control::Retry, Sent) => {
                        if outbox::retry_broadcast(c, id, now)? == 0 {
                            return Ok(Outcome::NotApplicable);
                        }
                        // Sending again until the retried copies have gone.
                        broadcasts::set_status(c, id, Sending, now)?;
                        queue_job(c, id, now, now)?;
                        "retry_broadcast"
                    }
                    _ => return Ok(Outcome::NotApplicable),
                };
                audit::record(c, &email, action, &format!("broadcast #{id}"), "", now)?;
                Ok(Outcome::Done)
            })
        })
        .await?;
    if outcome == Outcome::Done {
        services.wake.jobs();
        services.wake.delivery();
    }
    Ok(outcome)
}

/// What one step of a broadcast's job came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Copies were queued; more recipients are left.
    Queued(usize),
    /// Every copy is queued; look again at this time whether all went.
    Watch(i64),
    /// Not before this time (a scheduled broadcast).
    Wait(i64),
    /// The job is over: the broadcast was sent, paused or cancelled.
    Over,
}

/// One step of a broadcast's job, in one transaction: start it if its time
/// has come, queue the next thousand copies, or see whether every copy has
/// gone.
pub fn step(conn: &mut DbConn, services: &Services, id: BroadcastId) -> Result<Step, ServiceError> {
    let clock = services.clock.clone();
    conn.transaction(|conn| {
        let now = clock.now().ms();
        let Some(broadcast) = broadcasts::locked(conn, id)? else {
            return Ok(Step::Over);
        };
        match broadcast.status {
            BroadcastStatus::Scheduled => {
                let at = broadcast.send_at.unwrap_or(now);
                if at > now {
                    return Ok(Step::Wait(at));
                }
                start(conn, &broadcast, now)?;
                Ok(Step::Queued(0))
            }
            BroadcastStatus::Sending if !broadcast.queued_all => {
                queue_copies(conn, services, &broadcast, now).map(Step::Queued)
            }
            BroadcastStatus::Sending => {
                let waiting = outbox::broadcast_counts(conn, id)?
                    .into_iter()
                    .filter(|(s, _)| matches!(s, MessageStatus::Queued | MessageStatus::Held))
                    .map(|(_, n)| n)
                    .sum::<i64>();
                if waiting > 0 {
                    return Ok(Step::Watch(now + WATCH_MS));
                }
                broadcasts::set_status(conn, id, BroadcastStatus::Sent, now)?;
                Ok(Step::Over)
            }
            BroadcastStatus::Draft
            | BroadcastStatus::Paused
            | BroadcastStatus::Sent
            | BroadcastStatus::Cancelled => Ok(Step::Over),
        }
    })
}

/// Queues the copies of the next recipients; returns how many were queued.
fn queue_copies(
    conn: &mut DbConn,
    services: &Services,
    broadcast: &Broadcast,
    now: i64,
) -> Result<usize, ServiceError> {
    let started = broadcast.started_at.unwrap_or(now);
    let to = broadcasts::addressed(conn, broadcast)?;
    let recipients = broadcasts::recipients_after(conn, &to, started, broadcast.cursor, STEP)?;
    let sender = services.policy().envelope_sender();
    let mut queued = 0;
    for recipient in &recipients {
        let email = SubscriberEmail::parse(&recipient.email);
        let to = match (&email, recipient.status, recipient.bounced_at) {
            (Ok(email), Status::Confirmed, None) => email,
            // Confirmed when sending started, not now: counted, not sent.
            _ => {
                outbox::enqueue_skipped(
                    conn,
                    Of::Broadcast(broadcast.id),
                    recipient.subscription,
                    &recipient.email,
                    now,
                )?;
                continue;
            }
        };
        let secret = Token::generate()?;
        let token = tokens::insert_for_copy(
            conn,
            recipient.subscription,
            &secret.hash(),
            broadcast.id,
            now,
        )?;
        let draft = Draft::Broadcast {
            broadcast: broadcast.id,
            unsubscribe: LinkToken::new(token, secret),
        };
        let target = Recipient {
            subscription_id: Some(recipient.subscription),
            email: to,
            sender: &sender,
        };
        outbox::enqueue(conn, &draft, &target, Lane::Newsletters, now)?;
        queued += 1;
    }
    let done = (recipients.len() as i64) < STEP;
    let cursor = recipients
        .last()
        .map_or(broadcast.cursor, |r| r.subscription.0);
    broadcasts::advance(conn, broadcast.id, cursor, done)?;
    if done {
        // The count at the start may differ from the walk by those who
        // joined or left at that very moment.
        let total = outbox::broadcast_counts(conn, broadcast.id)?
            .into_iter()
            .map(|(_, n)| n)
            .sum::<i64>();
        broadcasts::set_total(conn, broadcast.id, i32::try_from(total).unwrap_or(i32::MAX))?;
    }
    Ok(queued)
}
