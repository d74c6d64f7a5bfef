//! Nothing is lost: the outbox survives an SMTP outage and a killed process.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::support::wall_ms;
use assent::db::DbConn;
use assent::db::schema::{outbox, processes, tokens};
use assent::domain::MessageStatus;
use diesel::prelude::*;
use futures_util::StreamExt;

use crate::support::app::{
    MAIL_WAIT, TestApp, client, connect, link, spawn_app, spawn_app_with, test_env,
};
use crate::support::eventually;
use crate::support::process::{free_port, spawn, wait_until_up};
use crate::support::smtp::{Behaviour, SmtpServer};

/// Moves the server's clock past any message's backoff, as if the relay
/// had been down for an hour.
fn make_due(app: &TestApp) {
    app.clock.advance(Duration::from_secs(3600));
    app.wake();
}

#[tokio::test]
async fn signups_made_while_smtp_is_down_are_all_delivered_when_it_is_back() {
    let mut app = spawn_app().await;
    let port = app.smtp.port();
    // The relay goes down; a stand-in that nothing is sent to takes its place.
    std::mem::replace(&mut app.smtp, SmtpServer::start()).stop();
    for i in 0..5 {
        assert_eq!(app.signup(&format!("d{i}@example.com")).await.status(), 200);
    }
    app.settle().await;
    let failing = app.outbox();
    assert!(
        failing
            .iter()
            .all(|(status, attempts, error)| status == "queued"
                && *attempts >= 1
                && error.is_some()),
        "{failing:?}"
    );

    let back = SmtpServer::start_on(port);
    make_due(&app);
    // Waits for the mail itself: settling may end during the pause that
    // follows a round in which every message failed.
    let mut to: Vec<String> = back
        .wait_for_async(5, MAIL_WAIT)
        .await
        .iter()
        .map(|m| m.rcpt_to[0].clone())
        .collect();
    to.sort();
    assert_eq!(
        to,
        [
            "d0@example.com",
            "d1@example.com",
            "d2@example.com",
            "d3@example.com",
            "d4@example.com"
        ]
    );
    // The relay has them; assent marks them sent just after.
    app.settle().await;
    assert!(app.outbox().iter().all(|(status, _, _)| status == "sent"));
}

#[tokio::test]
async fn one_smtp_connection_carries_message_after_message() {
    let app = spawn_app().await;
    for i in 0..3 {
        app.signup(&format!("c{i}@example.com")).await;
        app.settle().await;
    }
    assert_eq!(app.smtp.messages().len(), 3);
    assert_eq!(app.smtp.connection_count(), 1);
}

#[tokio::test]
async fn a_connection_the_server_closed_is_replaced_at_once() {
    let app = spawn_app().await;
    app.signup("first@example.com").await;
    app.mails(1).await;
    // Closed while idle, after assent read the relay's answer to the first.
    app.settle().await;
    app.smtp.close_connections();

    app.signup("second@example.com").await;
    app.settle().await;
    let mails = app.smtp.messages();
    assert_eq!(mails[1].rcpt_to, ["second@example.com"]);
    // Sent on the first attempt: the closed connection cost no retry.
    assert_eq!(
        app.outbox(),
        [("sent".to_owned(), 1, None), ("sent".to_owned(), 1, None)]
    );
    assert_eq!(app.smtp.connection_count(), 2);
}

#[tokio::test]
async fn a_temporary_refusal_is_retried_and_a_permanent_one_is_not() {
    let app = spawn_app().await;
    app.smtp.set_behaviour(Behaviour::TempFail);
    app.signup("later@example.com").await;
    app.settle().await;
    let (status, attempts, error) = app.outbox().swap_remove(0);
    assert_eq!((status.as_str(), attempts), ("queued", 1));
    assert!(error.unwrap_or_default().contains("451"));
    // The retry is not made before its time…
    app.smtp.set_behaviour(Behaviour::Accept);
    app.settle().await;
    assert!(app.smtp.messages().is_empty(), "backing off");
    // …and is made once its domain's hold is over: ten seconds at most
    // after a first 4xx.
    app.advance(Duration::from_secs(10)).await;
    assert_eq!(app.smtp.messages().len(), 1);

    app.smtp.set_behaviour(Behaviour::PermFail);
    app.signup("nobody@example.com").await;
    app.settle().await;
    let (status, attempts, error) = app.outbox().pop().unwrap();
    assert_eq!((status.as_str(), attempts), ("failed", 1));
    assert!(
        error.as_deref().unwrap_or_default().contains("550"),
        "{error:?}"
    );
    app.smtp.set_behaviour(Behaviour::Accept);
    app.advance(Duration::from_secs(86_400)).await;
    assert_eq!(app.smtp.messages().len(), 1, "never retried");
}

#[tokio::test]
async fn a_message_still_refused_after_three_days_is_given_up() {
    let app = spawn_app().await;
    app.smtp.set_behaviour(Behaviour::TempFail);
    app.signup("patient@example.com").await;
    app.settle().await;

    // Tried again and again, with backoff, for four days.
    for _ in 0..8 {
        app.advance(Duration::from_secs(12 * 3600)).await;
    }
    let (status, _, error) = app.outbox().swap_remove(0);
    assert_eq!(status, "failed");
    assert!(
        error
            .as_deref()
            .unwrap_or_default()
            .starts_with("gave up after"),
        "{error:?}"
    );
    app.smtp.set_behaviour(Behaviour::Accept);
    app.advance(Duration::from_secs(86_400)).await;
    assert!(app.smtp.messages().is_empty(), "not tried again");
}

#[tokio::test]
async fn housekeeping_deletes_what_is_past_its_retention_and_done() {
    let app = spawn_app().await;
    app.signup("old@example.com").await;
    app.settle().await;
    app.smtp.set_behaviour(Behaviour::TempFail);
    app.signup("stuck@example.com").await;
    app.settle().await;

    let day: i64 = 86_400_000;
    let now = wall_ms();
    let mut conn = app.conn();
    let conn: &mut DbConn = &mut conn;
    // The record of messages is kept 90 days by default: both are 91 days
    // old, and only the sent one is finished.
    diesel::update(outbox::table)
        .set(outbox::created_at.eq(now - 91 * day))
        .execute(conn)
        .unwrap();
    // One confirmation link ran out 31 days ago, the other is still good.
    let first_link = tokens::table
        .filter(tokens::purpose.eq("confirm"))
        .select(diesel::dsl::min(tokens::id))
        .first::<Option<i64>>(conn)
        .unwrap()
        .unwrap();
    diesel::update(tokens::table.find(first_link))
        .set(tokens::expires_at.eq(now - 31 * day))
        .execute(conn)
        .unwrap();

    let log = Duration::from_secs(90 * 86_400);
    let pruned = assent::jobs::housekeeping::prune(conn, now, log).unwrap();
    assert_eq!((pruned.messages, pruned.links), (1, 1));
    let left: Vec<String> = outbox::table.select(outbox::recipient).load(conn).unwrap();
    assert_eq!(left, ["stuck@example.com"], "a queued message is kept");
    let again = assent::jobs::housekeeping::prune(conn, now, log).unwrap();
    assert_eq!((again.messages, again.links), (0, 0));
}

#[tokio::test]
async fn a_process_killed_before_delivery_delivers_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let smtp_port = free_port();
    let http_port = free_port();
    let bind = format!("127.0.0.1:{http_port}");
    let smtp_url = format!("smtp://127.0.0.1:{smtp_port}");
    let vars = test_env(
        &dir,
        None,
        &[("ASSENT_BIND", &bind), ("ASSENT_SMTP_URL", &smtp_url)],
    );
    let base = format!("http://{bind}");

    // No SMTP server yet: the mail can only wait in the outbox.
    let mut server = spawn(&vars, &["serve"]);
    wait_until_up(&base).await;
    let response = client()
        .post(format!("{base}/subscribe"))
        .form(&[("email", "survivor@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // The worker fails its first attempt against the closed port.
    let url = vars["ASSENT_DATABASE_URL"].clone();
    let attempted = async || {
        let attempts: Vec<i32> = outbox::table
            .select(outbox::attempts)
            .load(&mut connect(&url))
            .unwrap();
        attempts.iter().any(|n| *n > 0)
    };
    eventually("a first attempt", MAIL_WAIT, attempted).await;
    server.0.kill().unwrap(); // SIGKILL: no chance to clean up
    server.0.wait().unwrap();
    drop(server);

    let smtp = SmtpServer::start_on(smtp_port);
    let _server = spawn(&vars, &["serve"]);
    wait_until_up(&base).await;
    // The failed attempt set the next one five seconds later.
    let mails = smtp.wait_for_async(1, MAIL_WAIT).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].rcpt_to, ["survivor@example.com"]);
}

/// A message claimed by another process is left alone while that process's
/// heartbeat goes on, and taken over within seconds once it stops.
#[tokio::test]
async fn a_claim_is_respected_while_its_process_lives_and_taken_over_when_it_dies() {
    let app = spawn_app().await;
    app.smtp.set_behaviour(Behaviour::TempFail);
    app.signup("orphan@example.com").await;
    app.settle().await;
    app.smtp.set_behaviour(Behaviour::Accept);

    let beat = |conn: &mut DbConn| {
        diesel::update(processes::table.find("another-process"))
            .set(processes::heartbeat_at.eq(wall_ms()))
            .execute(conn)
            .unwrap();
    };
    {
        let mut conn = app.conn();
        let conn: &mut DbConn = &mut conn;
        let now = wall_ms();
        diesel::insert_into(processes::table)
            .values((
                processes::id.eq("another-process"),
                processes::role.eq("worker"),
                processes::started_at.eq(now),
                processes::heartbeat_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
        diesel::update(outbox::table)
            .set((
                outbox::claimed_by.eq("another-process"),
                outbox::next_attempt_at.eq(0),
            ))
            .execute(conn)
            .unwrap();
    }
    // The other process lives on for six seconds: its claim holds.
    for _ in 0..6 {
        beat(&mut app.conn());
        tokio::time::sleep(Duration::from_secs(1)).await;
        app.settle().await;
    }
    assert!(
        app.smtp.messages().is_empty(),
        "the claim is respected while its process lives"
    );
    // Then it dies: within the grace period and a heartbeat, the message goes.
    let died = Instant::now();
    let mails = app.smtp.wait_for_async(1, Duration::from_secs(15)).await;
    assert_eq!(mails.len(), 1, "and taken over once it is dead");
    assert_eq!(mails[0].rcpt_to, ["orphan@example.com"]);
    let waited = died.elapsed();
    assert!(
        waited >= Duration::from_secs(5),
        "not before the grace period: {waited:?}"
    );
}

/// A queued message holds the links it is to carry, not the composed
/// message, and once the relay has it the database keeps no live link.
#[tokio::test]
async fn a_queued_message_holds_only_its_links_and_none_once_sent() {
    let app = spawn_app().await;
    app.smtp.set_behaviour(Behaviour::TempFail);
    assert_eq!(app.signup("ada@example.com").await.status(), 200);
    app.settle().await;
    let stored = || -> (Vec<u8>, Option<String>, Option<String>) {
        outbox::table
            .select((
                outbox::message,
                outbox::confirm_link,
                outbox::unsubscribe_link,
            ))
            .first(&mut *app.conn() as &mut DbConn)
            .expect("the queued message")
    };
    let (message, confirm, unsubscribe) = stored();
    assert!(message.is_empty(), "no composed message is stored");
    let (confirm, unsubscribe) = (
        confirm.expect("a confirm link"),
        unsubscribe.expect("an unsubscribe link"),
    );

    app.smtp.set_behaviour(Behaviour::Accept);
    make_due(&app);
    app.wake();
    // Delivery may be in its pause after a round that all failed: wait for
    // the message rather than for the first idle moment.
    let mail = app.mails(1).await.swap_remove(0);
    app.settle().await;
    assert_eq!(link(&mail, "confirm"), format!("/confirm/{confirm}"));
    assert_eq!(
        link(&mail, "unsubscribe"),
        format!("/unsubscribe/{unsubscribe}")
    );
    assert_eq!(stored(), (Vec::new(), None, None));
}

/// A message cancelled before it went (its request declined) keeps no live
/// link either.
#[tokio::test]
async fn a_cancelled_message_keeps_no_link() {
    let app = spawn_app().await;
    let mail = app.signup_and_get_mail("twice@example.com").await;
    // The second request waits out the ten-minute cap…
    app.smtp.set_behaviour(Behaviour::TempFail);
    diesel::update(outbox::table)
        .set(outbox::created_at.eq(wall_ms() - 11 * 60_000))
        .execute(&mut *app.conn() as &mut DbConn)
        .unwrap();
    app.signup("twice@example.com").await;
    app.settle().await;
    let links = || -> Vec<(MessageStatus, Option<String>, Option<String>)> {
        outbox::table
            .order(outbox::id)
            .select((
                outbox::status,
                outbox::confirm_link,
                outbox::unsubscribe_link,
            ))
            .load(&mut *app.conn() as &mut DbConn)
            .unwrap()
    };
    assert!(links()[1].1.is_some(), "queued with its links");
    // …and the person says it was not them.
    assert_eq!(app.post(&link(&mail, "unsubscribe")).await.status(), 200);
    assert_eq!(
        links()[1],
        (MessageStatus::Cancelled, None, None),
        "cancelled, without its links"
    );
}

/// While the relay refuses everything, the worker tries one round of
/// messages a second instead of going through the whole backlog at once.
#[tokio::test]
async fn while_the_relay_refuses_everything_one_round_is_tried_a_second() {
    let batch = assent::jobs::delivery::BATCH as usize;
    let app = spawn_app().await;
    app.smtp.set_behaviour(Behaviour::Unavailable);
    let signups = futures_util::stream::iter(0..3 * batch)
        .map(|i| {
            let app = &app;
            async move { app.signup(&format!("r{i}@example.com")).await.status() }
        })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await;
    assert!(signups.iter().all(|s| *s == 200));
    app.settle().await;
    // Everything falls due at once, as when the relay's outage began hours ago.
    let before = app.smtp.transaction_count();
    make_due(&app);
    app.wake();
    let tried = || app.smtp.transaction_count() - before;
    let round = async || tried() >= batch;
    eventually("a round tried", MAIL_WAIT, round).await;
    let round_ended = std::time::Instant::now();
    // The pause is the relay's, on the wall clock: no clock to move.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(tried(), batch, "one round, then a pause");
    let next_round = async || tried() >= 2 * batch;
    eventually("a second round tried", MAIL_WAIT, next_round).await;
    assert_eq!(tried(), 2 * batch, "the next round after the pause");
    assert!(
        round_ended.elapsed() >= Duration::from_millis(900),
        "the second round waited for the pause"
    );
}

/// The claim reads the due index in its order: no sort of the backlog.
#[tokio::test]
async fn the_claim_query_reads_the_due_index_in_order() {
    let app = spawn_app().await;
    let plan = assent::db::backend::claim_plan(&mut app.conn(), wall_ms(), 128)
        .unwrap()
        .join("\n");
    if app.database_url.starts_with("sqlite:") {
        assert!(plan.contains("USING INDEX outbox_due"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    } else {
        assert!(plan.contains("outbox_due"), "{plan}");
        assert!(!plan.contains("Sort"), "{plan}");
    }
}

/// A process killed by SIGKILL in the middle of a burst of signups: after
/// the restart every accepted signup gets its confirmation within 15 s, and
/// the only messages sent twice are the ones the SMTP server had accepted
/// while the process had not yet recorded them.
#[tokio::test]
async fn a_process_killed_under_load_resends_only_what_was_in_flight() {
    const SIGNUPS: usize = 600;
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start();
    // A slow relay, so that a backlog is being sent when the kill comes.
    smtp.set_delay(Duration::from_millis(50));
    let bind = format!("127.0.0.1:{}", free_port());
    let vars = test_env(&dir, Some(&smtp), &[("ASSENT_BIND", &bind)]);
    let base = format!("http://{bind}");
    let mut server = spawn(&vars, &["serve"]);
    wait_until_up(&base).await;

    let http = client();
    let load = futures_util::stream::iter(0..SIGNUPS)
        .map(|i| {
            let (http, base) = (http.clone(), base.clone());
            async move {
                let email = format!("load{i}@example.com");
                let answer = http
                    .post(format!("{base}/subscribe"))
                    .form(&[("email", email.as_str())])
                    .send()
                    .await;
                matches!(answer, Ok(r) if r.status() == 200).then_some(email)
            }
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>();
    let kill = async {
        let sending = async || smtp.messages().len() >= 40;
        eventually("40 messages sent", MAIL_WAIT, sending).await;
        server.0.kill().unwrap();
        server.0.wait().unwrap();
    };
    let (accepted, ()) = tokio::join!(load, kill);
    let accepted: HashSet<String> = accepted.into_iter().flatten().collect();
    // What the relay had before the kill, against what the process recorded:
    // the relay's threads may still be storing the last messages, so wait
    // until the count holds still.
    smtp.wait_for_quiet(Duration::from_millis(300));
    let received_before = smtp.messages().len();
    let recorded_sent: i64 = {
        let mut conn = connect(&vars["ASSENT_DATABASE_URL"]);
        outbox::table
            .filter(outbox::status.eq(MessageStatus::Sent))
            .count()
            .get_result(&mut conn)
            .unwrap()
    };
    let in_flight = received_before - recorded_sent as usize;
    eprintln!(
        "killed with {received_before} messages received, {recorded_sent} recorded as sent, {} of {SIGNUPS} signups accepted",
        accepted.len()
    );
    assert!(
        in_flight <= assent::mail::CONCURRENCY,
        "at most one round of transactions was open: {in_flight}"
    );

    smtp.set_delay(Duration::ZERO);
    let _server = spawn(&vars, &["serve"]);
    let all_mailed = async || {
        let messages = smtp.messages();
        let got: HashSet<&str> = messages.iter().map(|m| m.rcpt_to[0].as_str()).collect();
        accepted.iter().all(|a| got.contains(a.as_str()))
    };
    let limit = Duration::from_secs(15);
    eventually(
        "every accepted signup mailed after the restart",
        limit,
        all_mailed,
    )
    .await;
    // Anything sent twice more would go within the next rounds.
    smtp.wait_for_quiet(Duration::from_secs(1));
    let messages = smtp.messages();
    let recipients: HashSet<&String> = messages.iter().map(|m| &m.rcpt_to[0]).collect();
    let duplicates = messages.len() - recipients.len();
    // Every accepted signup was mailed (above); what went twice is at most
    // what the relay had accepted and the process not yet recorded.
    assert!(
        duplicates <= in_flight,
        "only the messages accepted but not yet recorded at the kill went twice: {duplicates} > {in_flight}"
    );
}

/// A provider that answers 451 holds its own domain's mail, with a growing
/// wait, and nobody else's; a message it accepts ends the hold.
#[tokio::test]
async fn a_4xx_from_one_domain_holds_only_that_domain_until_it_accepts() {
    let app = spawn_app().await;
    app.smtp.throttle("slow.example");
    app.signup("first@slow.example").await;
    app.settle().await;
    let (status, attempts, error) = app.outbox().swap_remove(0);
    assert_eq!((status.as_str(), attempts), ("queued", 1));
    assert!(error.unwrap_or_default().contains("451"));

    // The next message to that domain waits without being tried; another
    // domain's goes at once.
    app.signup("second@slow.example").await;
    app.signup("reader@fast.example").await;
    app.settle().await;
    let outbox = app.outbox();
    assert_eq!((outbox[1].0.as_str(), outbox[1].1), ("queued", 0), "held");
    assert_eq!((outbox[2].0.as_str(), outbox[2].1), ("sent", 1));

    // After the first hold (ten seconds at most) both are tried, refused
    // again, and held at least twice as long each time.
    app.advance(Duration::from_secs(10)).await;
    let outbox = app.outbox();
    assert_eq!((outbox[0].1, outbox[1].1), (2, 1), "{outbox:?}");
    app.smtp.unthrottle("slow.example");
    app.advance(Duration::from_secs(1)).await;
    assert_eq!(app.outbox()[0].0, "queued", "still held");
    app.advance(Duration::from_secs(60)).await;
    let outbox = app.outbox();
    assert!(
        outbox.iter().all(|(status, ..)| status == "sent"),
        "{outbox:?}"
    );
    let held: i64 = assent::db::schema::domain_deferrals::table
        .count()
        .get_result(&mut *app.conn() as &mut DbConn)
        .unwrap();
    assert_eq!(held, 0, "accepted: the domain is held no more");
}

/// Two relays, the first down: messages go through the second at once, the
/// record names it, and the first is tried again after its minute of rest.
#[tokio::test]
async fn with_the_first_relay_down_mail_goes_through_the_second_and_the_first_comes_back() {
    let down = free_port();
    let relays = format!("smtp://127.0.0.1:{down} {{smtp}}?rate=100");
    let app = spawn_app_with(&[("ASSENT_SMTP_URL", &relays)]).await;
    app.signup("first@example.com").await;
    app.settle().await;
    assert_eq!(app.smtp.messages().len(), 1, "through the second relay");
    let relay_of = |app: &TestApp| -> Vec<Option<String>> {
        outbox::table
            .order(outbox::id)
            .select(outbox::relay)
            .load(&mut *app.conn() as &mut DbConn)
            .unwrap()
    };
    let second = format!("127.0.0.1:{}", app.smtp.port());
    assert_eq!(relay_of(&app), [Some(second.clone())]);

    // Bring a relay up where the first was: while it rests, the second
    // still takes the mail; after a minute, the first is first again.
    let first = SmtpServer::start_on(down);
    app.signup("second@example.com").await;
    app.settle().await;
    assert_eq!(app.smtp.messages().len(), 2);
    assert!(first.messages().is_empty(), "the first rests");
    app.advance(Duration::from_secs(61)).await;
    app.signup("third@example.com").await;
    app.settle().await;
    assert_eq!(first.messages().len(), 1, "the first is back");
    assert_eq!(
        relay_of(&app).last().cloned().flatten(),
        Some(format!("127.0.0.1:{down}"))
    );
}
