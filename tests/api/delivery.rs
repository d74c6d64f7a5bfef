//! Nothing is lost: the outbox survives an SMTP outage and a killed process.

use std::time::{Duration, Instant};

use assent::db::DbConn;
use assent::db::schema::{outbox, tokens};
use diesel::prelude::*;

use crate::support::app::{MAIL_WAIT, TestApp, client, link, spawn_app, test_env};
use crate::support::process::{free_port, spawn, wait_until_up};
use crate::support::smtp::{Behaviour, SmtpServer};

#[tokio::test]
async fn signups_made_while_smtp_is_down_are_all_delivered_when_it_is_back() {
    let mut app = spawn_app().await;
    let port = app.smtp.port();
    // The relay goes down; a stand-in that nothing is sent to takes its place.
    std::mem::replace(&mut app.smtp, SmtpServer::start()).stop();
    for i in 0..5 {
        assert_eq!(app.signup(&format!("d{i}@example.com")).await.status(), 200);
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
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
    let mails = back.wait_for_async(5, Duration::from_secs(30)).await;
    let mut to: Vec<String> = mails.iter().map(|m| m.rcpt_to[0].clone()).collect();
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
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(app.outbox().iter().all(|(status, _, _)| status == "sent"));
}

#[tokio::test]
async fn one_smtp_connection_carries_message_after_message() {
    let app = spawn_app().await;
    for i in 0..3 {
        app.signup(&format!("c{i}@example.com")).await;
        app.mails(i + 1).await;
    }
    assert_eq!(app.smtp.connection_count(), 1);
}

#[tokio::test]
async fn a_connection_the_server_closed_is_replaced_at_once() {
    let app = spawn_app().await;
    app.signup("first@example.com").await;
    app.mails(1).await;
    app.smtp.close_connections();

    app.signup("second@example.com").await;
    let mails = app.mails(2).await;
    assert_eq!(mails[1].rcpt_to, ["second@example.com"]);
    // Sent on the first attempt: the closed connection cost no retry.
    let outbox = outbox_until(&app, |o| o.iter().all(|(status, ..)| status != "queued")).await;
    assert_eq!(
        outbox,
        [("sent".to_owned(), 1, None), ("sent".to_owned(), 1, None)]
    );
    assert_eq!(app.smtp.connection_count(), 2);
}

#[tokio::test]
async fn a_temporary_refusal_is_retried_and_a_permanent_one_is_not() {
    let app = spawn_app().await;
    app.smtp.set_behaviour(Behaviour::TempFail);
    app.signup("later@example.com").await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    app.smtp.set_behaviour(Behaviour::Accept);
    // The first retry comes within 10 seconds.
    let mails = app.smtp.wait_for_async(1, Duration::from_secs(10)).await;
    assert_eq!(mails.len(), 1);

    app.smtp.set_behaviour(Behaviour::PermFail);
    app.signup("nobody@example.com").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let outbox = app.outbox();
    let (status, attempts, error) = outbox.last().unwrap();
    assert_eq!(status, "failed");
    assert_eq!(*attempts, 1);
    assert!(
        error.as_deref().unwrap_or_default().contains("550"),
        "{error:?}"
    );
    app.smtp.set_behaviour(Behaviour::Accept);
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(app.smtp.messages().len(), 1, "never retried");
}

/// Polls the outbox until `done` holds for it, at most `MAIL_WAIT`.
async fn outbox_until(
    app: &TestApp,
    done: impl Fn(&[(String, i32, Option<String>)]) -> bool,
) -> Vec<(String, i32, Option<String>)> {
    let deadline = Instant::now() + MAIL_WAIT;
    loop {
        let outbox = app.outbox();
        if done(&outbox) || Instant::now() >= deadline {
            return outbox;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_message_still_refused_after_three_days_is_given_up() {
    let app = spawn_app().await;
    app.smtp.set_behaviour(Behaviour::TempFail);
    app.signup("patient@example.com").await;
    outbox_until(&app, |o| {
        o.first().is_some_and(|(_, attempts, _)| *attempts >= 1)
    })
    .await;

    // As if it had been queued four days ago, and its next try were due.
    let four_days_ago = assent::db::now_ms() - 4 * 86_400_000;
    diesel::update(outbox::table)
        .set((
            outbox::created_at.eq(four_days_ago),
            outbox::next_attempt_at.eq(0),
        ))
        .execute(&mut *app.conn() as &mut DbConn)
        .unwrap();
    let outbox = outbox_until(&app, |o| o[0].0 != "queued").await;
    let (status, _, error) = &outbox[0];
    assert_eq!(status, "failed");
    assert!(
        error
            .as_deref()
            .unwrap_or_default()
            .starts_with("gave up after"),
        "{error:?}"
    );
    app.smtp.set_behaviour(Behaviour::Accept);
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert!(app.smtp.messages().is_empty(), "not tried again");
}

#[tokio::test]
async fn housekeeping_deletes_what_is_older_than_thirty_days_and_done() {
    let app = spawn_app().await;
    app.signup("old@example.com").await;
    app.mails(1).await;
    outbox_until(&app, |o| o[0].0 == "sent").await;
    app.smtp.set_behaviour(Behaviour::TempFail);
    app.signup("stuck@example.com").await;

    let day: i64 = 86_400_000;
    let now = assent::db::now_ms();
    let mut conn = app.conn();
    let conn: &mut DbConn = &mut conn;
    // Everything is 31 days old; only the sent message is finished.
    diesel::update(outbox::table)
        .set(outbox::created_at.eq(now - 31 * day))
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

    assert_eq!(assent::jobs::prune(conn, now).unwrap(), (1, 1));
    let left: Vec<String> = outbox::table.select(outbox::recipient).load(conn).unwrap();
    assert_eq!(left, ["stuck@example.com"], "a queued message is kept");
    assert_eq!(assent::jobs::prune(conn, now).unwrap(), (0, 0));
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
    // Let the worker fail its first attempt against the closed port.
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.0.kill().unwrap(); // SIGKILL: no chance to clean up
    server.0.wait().unwrap();
    drop(server);

    let smtp = SmtpServer::start_on(smtp_port);
    let _server = spawn(&vars, &["serve"]);
    wait_until_up(&base).await;
    let mails = smtp.wait_for_async(1, MAIL_WAIT).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].rcpt_to, ["survivor@example.com"]);
}

#[tokio::test]
async fn a_claim_left_by_a_dead_process_is_taken_over_when_its_lease_ends() {
    use assent::db::schema::outbox;
    use diesel::prelude::*;

    let app = spawn_app().await;
    app.smtp.set_behaviour(Behaviour::TempFail);
    app.signup("orphan@example.com").await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while app.outbox()[0].1 == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // As if another process had claimed the message and died, with two
    // seconds of its lease left.
    let now = assent::db::now_ms();
    diesel::update(outbox::table)
        .set((
            outbox::claimed_by.eq("a-process-that-died"),
            outbox::claimed_until.eq(now + 2000),
            outbox::next_attempt_at.eq(now),
        ))
        .execute(&mut *app.conn())
        .unwrap();
    app.smtp.set_behaviour(Behaviour::Accept);

    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(
        app.smtp.messages().is_empty(),
        "the claim is respected while it lasts"
    );
    let mails = app.smtp.wait_for_async(1, Duration::from_secs(10)).await;
    assert_eq!(mails.len(), 1, "and taken over once it lapses");
    assert_eq!(mails[0].rcpt_to, ["orphan@example.com"]);
}

/// A queued message holds the links it is to carry, not the composed
/// message, and once the relay has it the database keeps no live link.
#[tokio::test]
async fn a_queued_message_holds_only_its_links_and_none_once_sent() {
    let app = spawn_app().await;
    app.smtp.set_behaviour(Behaviour::TempFail);
    assert_eq!(app.signup("ada@example.com").await.status(), 200);
    outbox_until(&app, |o| o.iter().any(|(_, attempts, _)| *attempts >= 1)).await;
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
    let mail = app.mails(1).await.swap_remove(0);
    assert_eq!(link(&mail, "confirm"), format!("/confirm/{confirm}"));
    assert_eq!(
        link(&mail, "unsubscribe"),
        format!("/unsubscribe/{unsubscribe}")
    );
    outbox_until(&app, |o| o.iter().all(|(status, _, _)| status == "sent")).await;
    assert_eq!(stored(), (Vec::new(), None, None));
}
