//! Sequences (contract §18): a list's series of messages after a person
//! confirms, each step a delay after the one before was sent.
//!
//! A person enters at their confirmation while the sequence is active
//! (see [`crate::services::double_opt_in`]) and is one row that says which
//! step is next and when. The sequences job ([`work`]) queues the due
//! steps through the outbox, behind transactional mail and at the pace of
//! broadcasts, taking each person off the due index in the transaction
//! that queues their copy; delivery moves them to the next step when the
//! copy has gone. So each step reaches each person once across pause,
//! restart and a killed process: only a copy in flight may go twice. Each
//! copy is checked as it is queued and again as it goes out, so that no
//! step reaches someone who left or whose address was suppressed.

use diesel::Connection;

use super::broadcasts::{Preview, body_problem, render_preview};
use super::{Operator, Outcome, ServiceError, Services};
use crate::db::models::List;
use crate::db::outbox::Recipient;
use crate::db::sequences::{self, Sequence, Step, Written};
use crate::db::{DbConn, audit, lists, outbox, tokens};
use crate::domain::message::Of;
use crate::domain::{
    Draft, Lane, LinkToken, MessageStatus, SequenceId, Status, SubscriberEmail, Token, TokenPurpose,
};
use crate::mail::personal::BodyProblem;

/// People a turn of the job enrols or queues at most per sequence, in one
/// transaction each.
const BATCH: i64 = 1000;
/// The longest delay a step may have.
const LONGEST_DELAY_MS: i64 = 366 * 86_400_000;

/// Why a sequence or step was not written as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    UnknownList,
    /// The body's variables do not read.
    Body(BodyProblem),
    /// An active sequence needs a step to send.
    NoSteps,
    NotFound,
}

/// A step as an operator writes it, already checked.
#[derive(Debug, Clone)]
pub struct StepFields {
    pub subject: String,
    /// Markdown.
    pub body: String,
    pub delay_ms: i64,
}

impl StepFields {
    fn written(&self) -> Written<'_> {
        Written {
            subject: &self.subject,
            body: &self.body,
            delay_ms: self.delay_ms,
        }
    }
}

/// A step's delay as an operator writes it (`90s`, `2h`, `3d`), in
/// milliseconds; `None` when it does not read or exceeds a year.
pub fn read_delay(text: &str) -> Option<i64> {
    let delay = crate::config::parse_duration(text.trim()).ok()?;
    let ms = i64::try_from(delay.as_millis()).ok()?;
    (ms <= LONGEST_DELAY_MS).then_some(ms)
}

/// A delay as the operator wrote it: the largest unit that divides it.
pub fn delay_text(ms: i64) -> String {
    let seconds = ms / 1000;
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] {
        if seconds > 0 && seconds % size == 0 {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}

/// Where a step's copies are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub sent: i64,
    /// People whose turn for it has not come, and copies not yet sent.
    pub waiting: i64,
    /// Not sent: the person was no longer confirmed, or bounced, when it
    /// was due.
    pub skipped: i64,
    pub failed: i64,
}

/// A sequence on the list of sequences.
pub struct Summary {
    pub sequence: Sequence,
    pub list_name: String,
    pub steps: usize,
    pub enrolled: i64,
}

/// A sequence's page.
pub struct View {
    pub sequence: Sequence,
    pub list: List,
    pub steps: Vec<(Step, Counts)>,
    pub enrolled: i64,
}

pub async fn all(services: &Services) -> Result<Vec<Summary>, ServiceError> {
    services
        .db
        .read(|c| {
            let mut summaries = Vec::new();
            for (sequence, list_name) in sequences::all(c)? {
                let steps = sequences::steps(c, sequence.id)?.len();
                let enrolled = sequences::enrolled(c, sequence.id)?;
                summaries.push(Summary {
                    sequence,
                    list_name,
                    steps,
                    enrolled,
                });
            }
            Ok(summaries)
        })
        .await
}

pub async fn view(services: &Services, id: SequenceId) -> Result<Option<View>, ServiceError> {
    services
        .db
        .read(move |c| {
            let Some(sequence) = sequences::by_id(c, id)? else {
                return Ok(None);
            };
            let list = lists::by_id(c, sequence.list_id)?;
            let copies = sequences::copy_counts(c, id)?;
            let waiting = sequences::waiting_counts(c, id)?;
            let steps = sequences::steps(c, id)?
                .into_iter()
                .map(|step| {
                    let mut counts = Counts::default();
                    for (_, status, n) in copies.iter().filter(|(s, ..)| *s == Some(step.id)) {
                        match status {
                            MessageStatus::Sent => counts.sent += n,
                            MessageStatus::Failed => counts.failed += n,
                            MessageStatus::Queued | MessageStatus::Held => counts.waiting += n,
                            MessageStatus::Skipped | MessageStatus::Cancelled => {
                                counts.skipped += n
                            }
                        }
                    }
                    counts.waiting += waiting
                        .iter()
                        .filter(|(p, _)| *p == step.position)
                        .map(|(_, n)| n)
                        .sum::<i64>();
                    (step, counts)
                })
                .collect();
            let enrolled = sequences::enrolled(c, id)?;
            Ok(Some(View {
                sequence,
                list,
                steps,
                enrolled,
            }))
        })
        .await
}

/// What a step of `view` says now, rendered as its copies are: the
/// step's own page shows it beside the editor.
pub fn preview(services: &Services, view: &View, step: &Step) -> Result<Preview, ServiceError> {
    render_preview(services, &view.list, &step.subject, &step.body)
}

/// A new sequence, paused until it has its steps.
pub async fn create(
    services: &Services,
    operator: &Operator,
    name: String,
    list: String,
) -> Result<Result<SequenceId, Refusal>, ServiceError> {
    let clock = services.clock.clone();
    let email = operator.email.clone();
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let Some(list) = lists::by_slug(c, &list)? else {
                    return Ok(Err(Refusal::UnknownList));
                };
                let now = clock.now().ms();
                let id = sequences::create(c, list.id, &name, &email, now)?;
                audit::record(
                    c,
                    &email,
                    "create_sequence",
                    &format!("sequence #{id}"),
                    &format!("list {}: {name}", list.slug),
                    now,
                )?;
                Ok(Ok(id))
            })
        })
        .await
}

/// Adds a step after the last; returns its position.
pub async fn add_step(
    services: &Services,
    operator: &Operator,
    id: SequenceId,
    fields: StepFields,
) -> Result<Result<i32, Refusal>, ServiceError> {
    if let Some(problem) = body_problem(services, &fields.body) {
        return Ok(Err(Refusal::Body(problem)));
    }
    let clock = services.clock.clone();
    let email = operator.email.clone();
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                if sequences::by_id(c, id)?.is_none() {
                    return Ok(Err(Refusal::NotFound));
                }
                let now = clock.now().ms();
                let position = sequences::add_step(c, id, &fields.written(), now)?;
                audit::record(
                    c,
                    &email,
                    "add_sequence_step",
                    &format!("sequence #{id} step {position}"),
                    &format!("after {}: {}", delay_text(fields.delay_ms), fields.subject),
                    now,
                )?;
                Ok(Ok(position))
            })
        })
        .await
}

/// Rewrites a step: the copies not yet sent say what it says now.
pub async fn edit_step(
    services: &Services,
    operator: &Operator,
    id: SequenceId,
    position: i32,
    fields: StepFields,
) -> Result<Result<(), Refusal>, ServiceError> {
    if let Some(problem) = body_problem(services, &fields.body) {
        return Ok(Err(Refusal::Body(problem)));
    }
    let clock = services.clock.clone();
    let email = operator.email.clone();
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let Some(step) = sequences::step_at(c, id, position)? else {
                    return Ok(Err(Refusal::NotFound));
                };
                let now = clock.now().ms();
                sequences::edit_step(c, &step, &fields.written(), now)?;
                audit::record(
                    c,
                    &email,
                    "edit_sequence_step",
                    &format!("sequence #{id} step {position}"),
                    &format!("after {}: {}", delay_text(fields.delay_ms), fields.subject),
                    now,
                )?;
                Ok(Ok(()))
            })
        })
        .await
}

/// Pauses a sequence: no step goes out, the copies not yet handed over
/// wait. Nothing else changes: on resume, the steps due meanwhile go.
pub async fn pause(
    services: &Services,
    operator: &Operator,
    id: SequenceId,
) -> Result<Outcome, ServiceError> {
    let clock = services.clock.clone();
    let email = operator.email.clone();
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let Some(sequence) = sequences::by_id(c, id)? else {
                    return Ok(Outcome::NotFound);
                };
                if !sequence.active {
                    return Ok(Outcome::NotApplicable);
                }
                let now = clock.now().ms();
                sequences::set_active(c, id, false, false, now)?;
                sequences::hold(c, id)?;
                audit::record(
                    c,
                    &email,
                    "pause_sequence",
                    &format!("sequence #{id}"),
                    "",
                    now,
                )?;
                Ok(Outcome::Done)
            })
        })
        .await
}

/// Activates a sequence, or resumes it; `enrol_existing` puts the list's
/// subscribers confirmed already at its start.
pub async fn resume(
    services: &Services,
    operator: &Operator,
    id: SequenceId,
    enrol_existing: bool,
) -> Result<Result<Outcome, Refusal>, ServiceError> {
    let clock = services.clock.clone();
    let email = operator.email.clone();
    let outcome = services
        .db
        .write(move |c| {
            c.transaction(|c| {
                let Some(sequence) = sequences::by_id(c, id)? else {
                    return Ok(Ok(Outcome::NotFound));
                };
                if sequence.active {
                    return Ok(Ok(Outcome::NotApplicable));
                }
                if sequences::step_at(c, id, 1)?.is_none() {
                    return Ok(Err(Refusal::NoSteps));
                }
                let now = clock.now().ms();
                sequences::set_active(c, id, true, enrol_existing, now)?;
                sequences::release(c, id)?;
                let detail = if enrol_existing {
                    "with the subscribers confirmed already"
                } else {
                    ""
                };
                audit::record(
                    c,
                    &email,
                    "resume_sequence",
                    &format!("sequence #{id}"),
                    detail,
                    now,
                )?;
                Ok::<_, ServiceError>(Ok(Outcome::Done))
            })
        })
        .await?;
    if outcome == Ok(Outcome::Done) {
        services.wake.delivery();
    }
    Ok(outcome)
}

/// One turn of the sequences job, in one transaction per sequence: enrols
/// the next of those confirmed already when it was activated with them,
/// then queues the steps due now. Returns how many people it moved.
pub fn work(conn: &mut DbConn, services: &Services) -> Result<usize, ServiceError> {
    let mut moved = 0;
    for sequence in sequences::active(conn)? {
        moved += conn.transaction(|c| {
            let now = services.clock.now().ms();
            let enrolled = sequences::enrol_existing(c, &sequence, BATCH, now)?;
            let queued = queue_due(c, services, &sequence, now)?;
            Ok::<_, ServiceError>(enrolled + queued)
        })?;
    }
    Ok(moved)
}

/// Queues the copies of the steps due now for up to [`BATCH`] people of
/// `sequence`; returns how many.
fn queue_due(
    conn: &mut DbConn,
    services: &Services,
    sequence: &Sequence,
    now: i64,
) -> Result<usize, ServiceError> {
    let due = sequences::take_due(conn, sequence.id, now, BATCH)?;
    if due.is_empty() {
        return Ok(0);
    }
    let steps = sequences::steps(conn, sequence.id)?;
    let sender = services.policy().envelope_sender();
    for person in &due {
        // No step at this position: nothing is left to send them.
        let Some(step) = steps.iter().find(|s| s.position == person.position) else {
            continue;
        };
        let email = SubscriberEmail::parse(&person.email);
        let to = match (&email, person.status, person.bounced_at) {
            (Ok(email), Status::Confirmed, None) => email,
            // Left, or suppressed, since the last step: counted, not sent,
            // and no later step follows.
            _ => {
                let of = Of::Step(step.id);
                outbox::enqueue_skipped(conn, of, person.subscription, &person.email, now)?;
                continue;
            }
        };
        let secret = Token::generate()?;
        let token = tokens::insert(
            conn,
            person.subscription,
            TokenPurpose::Unsubscribe,
            &secret.hash(),
            now,
            None,
        )?;
        let draft = Draft::Sequence {
            step: step.id,
            unsubscribe: LinkToken::new(token, secret),
        };
        let target = Recipient {
            subscription_id: Some(person.subscription),
            email: to,
            sender: &sender,
        };
        outbox::enqueue(conn, &draft, &target, Lane::Newsletters, now)?;
    }
    Ok(due.len())
}
