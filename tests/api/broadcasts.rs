//! Broadcasts (contract §7) over HTTP, with a real SMTP server: who gets a
//! copy, once; unsubscribes, pauses and a killed process mid-send;
//! transactional mail first; what the Markdown may not carry.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use assent::db::DbConn;
use assent::db::schema::outbox;
use assent::domain::{MessageKind, MessageStatus};
use diesel::prelude::*;

use crate::support::admin::{OPERATOR, Operator, PASSWORD, create_operator_in};
use crate::support::app::{MAIL_WAIT, TestApp, connect, link, spawn_app_with, test_env};
use crate::support::eventually;
use crate::support::process::{free_port, spawn, wait_until_up};
use crate::support::seed::{Seeded, addresses, seed};
use crate::support::smtp::{Behaviour, SmtpServer};

/// Where a 303 leads, without its query.
fn path_of(response: &reqwest::Response) -> String {
    let location = response.headers()["location"].to_str().unwrap();
    location.split('?').next().unwrap().to_owned()
}

/// Writes a draft to the list `newsletter`; returns its page's path.
async fn write(operator: &Operator, subject: &str, body: &str) -> String {
    let response = operator
        .post(
            "/admin/broadcasts/new",
            "/admin/broadcasts",
            &[("list", "newsletter"), ("subject", subject), ("body", body)],
        )
        .await;
    assert_eq!(response.status(), 303);
    path_of(&response)
}

/// Presses one of the broadcast page's buttons; returns the status.
async fn press(operator: &Operator, page: &str, action: &str, fields: &[(&str, &str)]) -> u16 {
    operator
        .post(page, &format!("{page}/{action}"), fields)
        .await
        .status()
        .as_u16()
}

/// Recipient → copies received, broadcast copies only.
fn copies(smtp: &SmtpServer, subject: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for mail in smtp.messages() {
        if mail.decoded_header("Subject").as_deref() == Some(subject) {
            *counts.entry(mail.rcpt_to[0].clone()).or_default() += 1;
        }
    }
    counts
}

/// Waits until the broadcast's page says it was sent: every copy went and
/// the broadcast's job has seen it.
async fn until_sent(app: &TestApp, operator: &Operator, page: &str) -> String {
    let sent = async || operator.html(page).await.contains("badge-sent");
    eventually("the broadcast sent", Duration::from_secs(30), sent).await;
    app.settle().await;
    operator.html(page).await
}

fn waiting(app: &TestApp) -> i64 {
    outbox::table
        .filter(outbox::kind.eq(MessageKind::Broadcast))
        .filter(outbox::status.eq_any([MessageStatus::Queued, MessageStatus::Held]))
        .count()
        .get_result(&mut *app.conn() as &mut DbConn)
        .unwrap()
}

#[tokio::test]
async fn each_confirmed_subscriber_gets_one_copy_and_nobody_else_any() {
    let app = spawn_app_with(&[("ASSENT_SEND_RATE", "0")]).await;
    let confirmed = addresses("reader", 1000);
    app.seed(&confirmed, Seeded::Confirmed);
    app.seed(&addresses("pending", 5), Seeded::Pending);
    app.seed(&addresses("gone", 5), Seeded::Unsubscribed);
    app.seed(&addresses("bounced", 3), Seeded::Bounced);
    let operator = app.signed_in().await;
    let page = write(&operator, "Our first issue", "# Hello\n\nThe **news**.").await;
    // The send button asks first: how many, and who comes first.
    let asked = operator
        .post(&page, &format!("{page}/send"), &[("at", "")])
        .await;
    assert_eq!(asked.status(), 200);
    let asked = asked.text().await.unwrap();
    assert!(
        asked.contains("This broadcast goes to 1003 subscribers"),
        "{asked}"
    );
    assert!(
        asked.contains(&format!("<li>{}</li>", confirmed[0])),
        "{asked}"
    );
    assert!(asked.contains("Send to 1003 subscribers"), "{asked}");
    assert!(
        operator.html(&page).await.contains("badge-draft"),
        "nothing goes before the confirmation"
    );
    assert_eq!(
        press(&operator, &page, "send", &[("confirm", "yes")]).await,
        303
    );
    let done = until_sent(&app, &operator, &page).await;

    let got = copies(&app.smtp, "Our first issue");
    let expected: HashSet<&String> = confirmed.iter().collect();
    let received: HashSet<&String> = got.keys().collect();
    assert_eq!(
        received, expected,
        "exactly the confirmed, not bounced subscribers"
    );
    assert!(got.values().all(|n| *n == 1), "one copy each");

    // Each copy carries its own unsubscribe link and the RFC 8058 headers.
    let mails = app.smtp.messages();
    let mut links = HashSet::new();
    for mail in mails
        .iter()
        .filter(|m| m.decoded_header("Subject").as_deref() == Some("Our first issue"))
    {
        let header = mail.header("List-Unsubscribe").expect("List-Unsubscribe");
        assert_eq!(
            mail.header("List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        let path = link(mail, "unsubscribe");
        assert!(header.contains(&path), "{header} {path}");
        assert!(mail.html_part().unwrap().contains("<strong>news</strong>"));
        links.insert(path);
    }
    assert_eq!(links.len(), 1000, "a link of its own in each copy");

    for (label, figure) in [
        ("Recipients", 1003),
        ("Sent", 1000),
        ("Waiting", 0),
        ("Skipped", 3),
    ] {
        assert!(
            done.contains(&format!("<dt>{label}</dt>\n          <dd>{figure}</dd>")),
            "{label} {figure}: {done}"
        );
    }
    // A copy's unsubscribe link works like any other.
    let one = mails
        .iter()
        .find(|m| m.decoded_header("Subject").as_deref() == Some("Our first issue"))
        .unwrap();
    assert_eq!(app.post(&link(one, "unsubscribe")).await.status(), 200);
    assert_eq!(app.status(&one.rcpt_to[0]).as_deref(), Some("unsubscribed"));
    // Once sending has begun the broadcast cannot be edited.
    let edit = operator
        .post(
            &page,
            &page,
            &[
                ("list", "newsletter"),
                ("subject", "Changed"),
                ("body", "x"),
            ],
        )
        .await;
    assert_eq!(edit.status(), 409);
}

#[tokio::test]
async fn an_unsubscribe_during_the_send_stops_that_copy() {
    let app = spawn_app_with(&[("ASSENT_SEND_RATE", "100")]).await;
    let readers = addresses("reader", 300);
    app.seed(&readers, Seeded::Confirmed);
    let operator = app.signed_in().await;
    let page = write(&operator, "Midway", "Hello.").await;
    assert_eq!(
        press(&operator, &page, "send", &[("confirm", "yes")]).await,
        303
    );
    // The last reader's copy is queued but not yet sent: they leave.
    let last = readers.last().unwrap().clone();
    let queued = || -> Option<String> {
        outbox::table
            .filter(outbox::recipient.eq(&last))
            .filter(outbox::status.eq(MessageStatus::Queued))
            .select(outbox::unsubscribe_link)
            .first::<Option<String>>(&mut *app.conn() as &mut DbConn)
            .optional()
            .unwrap()
            .flatten()
    };
    eventually("the copy queued", MAIL_WAIT, async || queued().is_some()).await;
    let unsubscribe = queued().expect("queued");
    assert!(!copies(&app.smtp, "Midway").is_empty() || waiting(&app) > 0);
    assert_eq!(
        app.post(&format!("/unsubscribe/{unsubscribe}"))
            .await
            .status(),
        200
    );
    until_sent(&app, &operator, &page).await;
    let got = copies(&app.smtp, "Midway");
    assert!(!got.contains_key(&last), "no copy after the unsubscribe");
    assert_eq!(got.len(), 299);
}

#[tokio::test]
async fn a_paused_broadcast_stops_and_resumes_where_it_was() {
    let app = spawn_app_with(&[("ASSENT_SEND_RATE", "100")]).await;
    let readers = addresses("reader", 400);
    app.seed(&readers, Seeded::Confirmed);
    let operator = app.signed_in().await;
    let page = write(&operator, "Paused", "Hello.").await;
    assert_eq!(
        press(&operator, &page, "send", &[("confirm", "yes")]).await,
        303
    );
    app.smtp.wait_for_async(50, MAIL_WAIT).await;
    assert_eq!(press(&operator, &page, "pause", &[]).await, 303);
    app.settle().await;
    let at_pause = copies(&app.smtp, "Paused").len();
    assert!(at_pause < 400, "paused before the end: {at_pause}");
    app.advance(Duration::from_secs(3600)).await;
    assert_eq!(
        copies(&app.smtp, "Paused").len(),
        at_pause,
        "nothing goes while paused, an hour later"
    );
    let paused = operator.html(&page).await;
    assert!(paused.contains("badge-paused"));
    // The progress label is a whole phrase: "38 % done".
    let label = paused
        .split("<label for=\"broadcast-progress\">")
        .nth(1)
        .and_then(|rest| rest.split("</label>").next())
        .expect("a progress label");
    assert!(label.ends_with("% done"), "{label}");

    assert_eq!(press(&operator, &page, "resume", &[]).await, 303);
    until_sent(&app, &operator, &page).await;
    let got = copies(&app.smtp, "Paused");
    assert_eq!(got.len(), 400);
    assert!(
        got.values().all(|n| *n == 1),
        "one copy each across the pause"
    );
    // Pausing what is not sending changes nothing.
    assert_eq!(press(&operator, &page, "pause", &[]).await, 303);
    assert!(operator.html(&page).await.contains("badge-sent"));
}

#[tokio::test]
async fn a_new_signup_is_confirmed_at_once_while_a_large_broadcast_goes_out() {
    let app = spawn_app_with(&[("ASSENT_SEND_RATE", "0")]).await;
    app.seed(&addresses("reader", 3000), Seeded::Confirmed);
    let operator = app.signed_in().await;
    let page = write(&operator, "Big", "Hello.").await;
    assert_eq!(
        press(&operator, &page, "send", &[("confirm", "yes")]).await,
        303
    );
    app.smtp.wait_for_async(200, MAIL_WAIT).await;
    let signed_up = Instant::now();
    assert_eq!(app.signup("newcomer@example.com").await.status(), 200);
    let confirmation = async || {
        let mails = app.smtp.messages();
        mails.iter().any(|m| m.rcpt_to[0] == "newcomer@example.com")
    };
    eventually("the confirmation sent", MAIL_WAIT, confirmation).await;
    assert!(
        signed_up.elapsed() < Duration::from_secs(2),
        "the confirmation waited behind the broadcast"
    );
    assert!(waiting(&app) > 0, "the broadcast was still going out");
    app.settle().await;
}

#[tokio::test]
async fn markdown_cannot_carry_a_script_and_a_test_copy_says_what_it_is() {
    let app = spawn_app_with(&[]).await;
    app.seed(&addresses("reader", 2), Seeded::Confirmed);
    let operator = app.signed_in().await;
    let body = "Hi <script>alert('x')</script>!\n\n<a href=\"javascript:alert(1)\" onclick=\"steal()\">click</a> <em>kept</em>";
    let page = write(&operator, "Careful", body).await;
    let preview = operator.html(&page).await;
    assert!(!preview.contains("<script>alert"), "{preview}");
    assert_eq!(
        press(&operator, &page, "test", &[("email", "me@example.org")]).await,
        303
    );
    app.settle().await;
    let mails = app.smtp.messages();
    assert_eq!(mails.len(), 1, "one test copy and nothing else");
    let test = &mails[0];
    assert_eq!(test.rcpt_to, ["me@example.org"]);
    assert_eq!(
        test.decoded_header("Subject").as_deref(),
        Some("[Test] Careful")
    );
    let html = test.html_part().unwrap();
    for banned in ["<script", "alert(", "javascript:", "onclick", "steal("] {
        assert!(!html.contains(banned), "{banned}: {html}");
    }
    assert!(html.contains("<em>kept</em>"), "{html}");
    assert!(html.contains("This is a test copy"));
    // Its unsubscribe link explains, and changes nothing.
    let path = link(test, "unsubscribe");
    assert_eq!(path, "/unsubscribe/test-copy");
    let post = app.post(&path).await;
    assert_eq!(post.status(), 200);
    assert!(post.text().await.unwrap().contains("test copy"));
    assert!(
        operator.html(&page).await.contains("badge-draft"),
        "still a draft"
    );
}

#[tokio::test]
async fn a_scheduled_broadcast_waits_for_its_time_and_a_cancelled_one_sends_nothing() {
    let app = spawn_app_with(&[("ASSENT_SEND_RATE", "0")]).await;
    app.seed(&addresses("reader", 20), Seeded::Confirmed);
    let operator = app.signed_in().await;
    let page = write(&operator, "Later", "Hello.").await;
    let tomorrow = assent::domain::Timestamp::from_ms(app.now()) + Duration::from_secs(86_400);
    let at = tomorrow.rfc3339();
    assert_eq!(
        press(&operator, &page, "send", &[("at", &at), ("confirm", "yes")]).await,
        303
    );
    assert!(operator.html(&page).await.contains("badge-scheduled"));
    // Sessions end after a day: the operator acts before the clock moves.
    let other = write(&operator, "Never", "Hello.").await;
    let far = "2099-01-01T00:00";
    assert_eq!(
        press(
            &operator,
            &other,
            "send",
            &[("at", far), ("confirm", "yes")]
        )
        .await,
        303
    );
    assert_eq!(press(&operator, &other, "cancel", &[]).await, 303);
    assert!(operator.html(&other).await.contains("badge-cancelled"));
    assert_eq!(
        press(&operator, &other, "send", &[("at", "not a time")]).await,
        422
    );
    // A typo that lands in the past sends nothing, and says why.
    let typo = write(&operator, "Typo", "Hello.").await;
    let refused = operator
        .post(
            &typo,
            &format!("{typo}/send"),
            &[("at", "2020-01-01T10:00")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("That time has passed."),
        "the reason is given"
    );
    assert!(
        operator.html(&typo).await.contains("badge-draft"),
        "still a draft"
    );
    app.advance(Duration::from_secs(86_000)).await;
    assert!(copies(&app.smtp, "Later").is_empty(), "not before its time");
    app.advance(Duration::from_secs(400)).await;
    let all_sent = async || copies(&app.smtp, "Later").len() == 20;
    eventually("sent at its time", MAIL_WAIT, all_sent).await;
}

/// Killed with SIGKILL in the middle of a broadcast: after the restart every
/// recipient has a copy, and only the copies in flight at the kill went twice.
#[tokio::test]
async fn a_broadcast_cut_short_by_a_kill_resumes_with_at_most_the_in_flight_sent_twice() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start();
    smtp.set_delay(Duration::from_millis(20));
    let bind = format!("127.0.0.1:{}", free_port());
    let vars = test_env(
        &dir,
        Some(&smtp),
        &[("ASSENT_BIND", &bind), ("ASSENT_SEND_RATE", "0")],
    );
    let url = vars["ASSENT_DATABASE_URL"].clone();
    let base = format!("http://{bind}");
    let mut server = spawn(&vars, &["serve"]);
    wait_until_up(&base).await;
    let readers = addresses("reader", 800);
    seed(&mut connect(&url), &readers, Seeded::Confirmed);
    create_operator_in(&url);
    let operator = Operator::at(&base);
    assert_eq!(operator.login(OPERATOR, PASSWORD).await.status(), 303);
    let page = write(&operator, "Resilient", "Hello.").await;
    assert_eq!(
        press(&operator, &page, "send", &[("confirm", "yes")]).await,
        303
    );
    let begun = async || copies(&smtp, "Resilient").len() >= 150;
    eventually("150 copies sent", MAIL_WAIT, begun).await;
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    // The SMTP server has finished reading what the killed process sent.
    smtp.wait_for_quiet(Duration::from_millis(200));
    let received_before: usize = copies(&smtp, "Resilient").values().sum();
    let recorded: i64 = outbox::table
        .filter(outbox::kind.eq(MessageKind::Broadcast))
        .filter(outbox::status.eq(MessageStatus::Sent))
        .count()
        .get_result(&mut connect(&url))
        .unwrap();
    let in_flight = received_before - recorded as usize;
    assert!(in_flight <= assent::mail::CONCURRENCY, "{in_flight}");

    smtp.set_delay(Duration::ZERO);
    let _server = spawn(&vars, &["serve"]);
    let everyone = async || copies(&smtp, "Resilient").len() == readers.len();
    eventually(
        "every recipient got a copy",
        Duration::from_secs(60),
        everyone,
    )
    .await;
    // Anything sent twice would come within the next rounds.
    smtp.wait_for_quiet(Duration::from_secs(1));
    let got = copies(&smtp, "Resilient");
    let twice = got.values().filter(|n| **n > 1).count();
    assert!(got.values().all(|n| *n <= 2), "never more than twice");
    assert_eq!(
        twice, in_flight,
        "only the copies in flight at the kill went twice"
    );
}

/// A long newsletter is saved; a form past what the operators' area takes
/// is told it is too large, not that it expired.
#[tokio::test]
async fn a_long_body_is_saved_and_an_oversized_form_is_named_as_such() {
    let app = spawn_app_with(&[]).await;
    let operator = app.signed_in().await;
    let long = "A paragraph of a long letter, with a few words in it.\n\n".repeat(600);
    assert!(long.len() > 30_000);
    let page = write(&operator, "Long", &long).await;
    assert!(
        operator
            .html(&page)
            .await
            .contains("A paragraph of a long letter")
    );

    let huge = "x".repeat(1_100_000);
    let response = operator
        .post(
            "/admin/broadcasts/new",
            "/admin/broadcasts",
            &[("list", "newsletter"), ("subject", "Huge"), ("body", &huge)],
        )
        .await;
    assert_eq!(response.status(), 413);
    let text = response.text().await.unwrap();
    assert!(text.contains("1 MiB"), "{text}");
}

#[tokio::test]
async fn any_broadcast_is_cloned_into_a_draft_and_only_a_draft_is_deleted() {
    let app = spawn_app_with(&[("ASSENT_SEND_RATE", "0")]).await;
    app.seed(&addresses("reader", 3), Seeded::Confirmed);
    let operator = app.signed_in().await;
    let first = write(&operator, "Spring issue", "Hello, **spring**.").await;
    let draft = operator.html(&first).await;
    // The send panel holds the send and nothing that destroys; the delete
    // is apart, in its own zone.
    let send_panel = draft
        .split("class=\"panel send-panel\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("a send panel");
    assert!(!send_panel.contains("button-danger"), "{send_panel}");
    assert!(draft.contains("Delete the draft"), "{draft}");

    assert_eq!(
        press(&operator, &first, "send", &[("confirm", "yes")]).await,
        303
    );
    until_sent(&app, &operator, &first).await;
    // A sent broadcast cannot be deleted: it is the record of what went.
    let kept = operator.post(&first, &format!("{first}/delete"), &[]).await;
    assert_eq!(kept.status(), 303);
    assert!(operator.html(&first).await.contains("badge-sent"));

    let cloned = operator.post(&first, &format!("{first}/clone"), &[]).await;
    assert_eq!(cloned.status(), 303);
    let location = cloned.headers()["location"].to_str().unwrap().to_owned();
    let copy = location.split('?').next().unwrap().to_owned();
    assert_ne!(copy, first);
    let page = operator.html(&location).await;
    assert!(page.contains("badge-draft"), "{page}");
    assert!(page.contains("Spring issue"), "{page}");
    assert!(
        page.contains("Hello, **spring**."),
        "the body to edit: {page}"
    );

    let deleted = operator.post(&copy, &format!("{copy}/delete"), &[]).await;
    assert_eq!(deleted.status(), 303);
    assert_eq!(
        deleted.headers()["location"].to_str().unwrap(),
        "/admin/broadcasts?done=deleted"
    );
    assert_eq!(operator.get(&copy).await.status(), 404);
    let all = operator.html("/admin/broadcasts?done=deleted").await;
    assert!(all.contains("The draft was deleted."), "{all}");
    assert!(!all.contains(&format!("href=\"{copy}\"")), "{all}");
    assert_eq!(
        copies(&app.smtp, "Spring issue").len(),
        3,
        "sent once, by the first"
    );
}

/// A relay that answers 451 for days fails the copies; once the send is
/// over the operator sends them once more. The copy whose recipient the
/// server refused is a bounce and never goes again.
#[tokio::test]
async fn the_copies_a_relay_outage_failed_are_retried_once_and_a_refused_one_never() {
    let app = spawn_app_with(&[("ASSENT_SEND_RATE", "0")]).await;
    let readers = addresses("reader", 4);
    app.seed(&readers, Seeded::Confirmed);
    app.smtp.set_behaviour(Behaviour::TempFail);
    app.smtp.refuse(&readers[0]);
    let operator = app.signed_in().await;
    let page = write(&operator, "Outage", "Hello.").await;
    assert_eq!(
        press(&operator, &page, "send", &[("confirm", "yes")]).await,
        303
    );
    app.settle().await;
    // Retrying is for a send that is over.
    assert_eq!(press(&operator, &page, "retry", &[]).await, 303);
    assert!(operator.html(&page).await.contains("badge-sending"));

    // The relay keeps answering 451 until the copies are given up.
    for _ in 0..8 {
        app.advance(Duration::from_secs(12 * 3600)).await;
    }
    let operator = app.operator_client();
    assert_eq!(operator.login(OPERATOR, PASSWORD).await.status(), 303);
    let over = until_sent(&app, &operator, &page).await;
    assert!(
        over.contains("<dt>Failed</dt>\n          <dd>4</dd>"),
        "{over}"
    );
    assert!(over.contains("Send the 3 failed copies again"), "{over}");
    assert!(copies(&app.smtp, "Outage").is_empty());

    app.smtp.set_behaviour(Behaviour::Accept);
    let retried = operator.post(&page, &format!("{page}/retry"), &[]).await;
    assert_eq!(retried.status(), 303);
    assert!(
        retried.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("done=retried")
    );
    let done = until_sent(&app, &operator, &page).await;
    let got = copies(&app.smtp, "Outage");
    let expected: HashSet<&String> = readers[1..].iter().collect();
    assert_eq!(got.keys().collect::<HashSet<_>>(), expected);
    assert!(got.values().all(|n| *n == 1));
    assert!(
        done.contains("<dt>Sent</dt>\n          <dd>3</dd>"),
        "{done}"
    );
    assert!(!done.contains("failed copies again"), "{done}");

    // Once each: a second retry finds nothing to send.
    let again = operator.post(&page, &format!("{page}/retry"), &[]).await;
    assert!(
        again.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("done=unchanged")
    );
    app.settle().await;
    assert_eq!(copies(&app.smtp, "Outage").len(), 3);
    // The refusal was a hard bounce, and was recorded as one.
    assert_eq!(app.status(&readers[0]).as_deref(), Some("unsubscribed"));
}

#[tokio::test]
async fn each_copy_greets_its_reader_by_name_or_the_default_and_an_unknown_variable_is_refused() {
    use assent::db::schema::subscribers;
    let app = spawn_app_with(&[("ASSENT_SEND_RATE", "0")]).await;
    let readers = addresses("reader", 2);
    app.seed(&readers, Seeded::Confirmed);
    diesel::update(subscribers::table.filter(subscribers::email.eq(&readers[0])))
        .set(subscribers::name.eq("*Ada* [x](https://evil.example)"))
        .execute(&mut *app.conn() as &mut DbConn)
        .unwrap();
    let operator = app.signed_in().await;

    let refused = operator
        .post(
            "/admin/broadcasts/new",
            "/admin/broadcasts",
            &[
                ("list", "newsletter"),
                ("subject", "Hi"),
                ("body", "Hello {{ subscriber.fields.plan }}"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    assert!(
        refused.contains("The message names subscriber.fields.plan"),
        "{refused}"
    );

    let body = "Hello {{ subscriber.name | default(\"reader\") }}, **welcome**.";
    let page = write(&operator, "Greetings", body).await;
    let preview = operator.html(&page).await;
    assert!(
        preview.contains("Hello reader, <strong>welcome</strong>."),
        "{preview}"
    );
    assert_eq!(
        press(&operator, &page, "send", &[("confirm", "yes")]).await,
        303
    );
    until_sent(&app, &operator, &page).await;
    let mails = app.smtp.messages();
    let to = |who: &str| {
        mails
            .iter()
            .find(|m| {
                m.rcpt_to[0] == who && m.decoded_header("Subject").as_deref() == Some("Greetings")
            })
            .expect("a copy")
    };
    let ada = to(&readers[0]);
    assert!(
        ada.text_part()
            .unwrap()
            .contains("Hello *Ada* [x](https://evil.example), welcome."),
        "{:?}",
        ada.text_part()
    );
    let html = ada.html_part().unwrap();
    assert!(
        !html.contains("evil.example\""),
        "the name is no link: {html}"
    );
    assert!(
        to(&readers[1])
            .text_part()
            .unwrap()
            .contains("Hello reader, welcome.")
    );
}

/// Confirmed subscriptions of `email`, by list slug.
fn confirmed_lists(app: &TestApp, email: &str) -> Vec<String> {
    use assent::db::schema::{lists, subscribers, subscriptions};
    subscriptions::table
        .inner_join(subscribers::table)
        .inner_join(lists::table)
        .filter(subscribers::email.eq(email))
        .filter(subscriptions::status.eq(assent::domain::Status::Confirmed))
        .order(lists::slug)
        .select(lists::slug)
        .load(&mut *app.conn() as &mut DbConn)
        .unwrap()
}

#[tokio::test]
async fn a_person_on_two_lists_gets_one_copy_whose_link_leaves_both_and_a_segment_narrows() {
    let app = spawn_app_with(&[("ASSENT_SEND_RATE", "0")]).await;
    let operator = app.signed_in().await;
    let created = operator
        .post(
            "/admin/lists",
            "/admin/lists",
            &[("name", "Events"), ("slug", "events"), ("language", "en")],
        )
        .await;
    assert_eq!(created.status(), 303);
    let both = addresses("both", 2);
    let newsletter_only = addresses("news", 1);
    let events_only = addresses("events", 1);
    app.seed(&both, Seeded::Confirmed);
    app.seed(&newsletter_only, Seeded::Confirmed);
    app.seed(&events_only, Seeded::Confirmed);
    {
        let mut conn = app.conn();
        let conn: &mut DbConn = &mut conn;
        let quoted = |emails: &[String]| {
            emails
                .iter()
                .map(|e| format!("'{e}'"))
                .collect::<Vec<_>>()
                .join(",")
        };
        let on_events = [both.clone(), events_only.clone()].concat();
        diesel::sql_query(format!(
            "INSERT INTO subscriptions (subscriber_id, list_id, status, created_at, confirmed_at) \
             SELECT id, (SELECT id FROM lists WHERE slug = 'events'), 'confirmed', 0, 0 \
             FROM subscribers WHERE email IN ({})",
            quoted(&on_events)
        ))
        .execute(conn)
        .unwrap();
        diesel::sql_query(format!(
            "UPDATE subscriptions SET status = 'unsubscribed', unsubscribed_at = 0 \
             WHERE list_id = (SELECT id FROM lists WHERE slug = 'newsletter') \
             AND subscriber_id IN (SELECT id FROM subscribers WHERE email IN ({}))",
            quoted(&events_only)
        ))
        .execute(conn)
        .unwrap();
    }

    let written = operator
        .post(
            "/admin/broadcasts/new",
            "/admin/broadcasts",
            &[
                ("list", "newsletter"),
                ("list", "events"),
                ("subject", "Both lists"),
                ("body", "Hello."),
            ],
        )
        .await;
    assert_eq!(written.status(), 303);
    let page = path_of(&written);
    let asked = operator
        .post(&page, &format!("{page}/send"), &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        asked.contains("This broadcast goes to 4 subscribers"),
        "{asked}"
    );
    assert!(asked.contains("Newsletter, Events"), "{asked}");
    assert_eq!(
        press(&operator, &page, "send", &[("confirm", "yes")]).await,
        303
    );
    until_sent(&app, &operator, &page).await;
    let got = copies(&app.smtp, "Both lists");
    let expected: HashSet<String> = [&both[..], &newsletter_only[..], &events_only[..]]
        .concat()
        .into_iter()
        .collect();
    assert_eq!(got.keys().cloned().collect::<HashSet<_>>(), expected);
    assert!(got.values().all(|n| *n == 1), "one copy a person: {got:?}");

    // The one-click unsubscribe of that copy leaves both lists.
    let mails = app.smtp.messages();
    let copy = mails
        .iter()
        .find(|m| {
            m.rcpt_to[0] == both[0] && m.decoded_header("Subject").as_deref() == Some("Both lists")
        })
        .unwrap();
    assert_eq!(confirmed_lists(&app, &both[0]), ["events", "newsletter"]);
    let one_click = app
        .client
        .post(app.url(&link(copy, "unsubscribe")))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(one_click.status(), 200);
    assert!(confirmed_lists(&app, &both[0]).is_empty());
    assert_eq!(confirmed_lists(&app, &both[1]), ["events", "newsletter"]);

    // A segment narrows the lists to its members: of the newsletter, only
    // those also on the events list.
    let events_id: i64 = {
        use assent::db::schema::lists;
        lists::table
            .filter(lists::slug.eq("events"))
            .select(lists::id)
            .first(&mut *app.conn() as &mut DbConn)
            .unwrap()
    };
    let segment = operator
        .post(
            "/admin/segments",
            "/admin/segments",
            &[
                ("name", "At events"),
                ("match", "all"),
                ("what.0", &format!("list:{events_id}")),
                ("op.0", "is"),
                ("value.0", "confirmed"),
            ],
        )
        .await;
    assert_eq!(segment.status(), 303);
    app.settle().await;
    let segment_id = segment.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/admin/segments/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let narrowed = operator
        .post(
            "/admin/broadcasts/new",
            "/admin/broadcasts",
            &[
                ("list", "newsletter"),
                ("segment", &segment_id),
                ("subject", "Narrowed"),
                ("body", "Hello."),
            ],
        )
        .await;
    assert_eq!(narrowed.status(), 303);
    let narrowed = path_of(&narrowed);
    assert!(
        operator
            .html(&narrowed)
            .await
            .contains("Newsletter · At events")
    );
    assert_eq!(
        press(&operator, &narrowed, "send", &[("confirm", "yes")]).await,
        303
    );
    until_sent(&app, &operator, &narrowed).await;
    let got = copies(&app.smtp, "Narrowed");
    assert_eq!(got.keys().collect::<Vec<_>>(), [&both[1]], "{got:?}");

    // A segment that does not exist is named as the problem.
    let unknown = operator
        .post(
            "/admin/broadcasts/new",
            "/admin/broadcasts",
            &[
                ("list", "newsletter"),
                ("segment", "999"),
                ("subject", "Nobody"),
                ("body", "Hello."),
            ],
        )
        .await;
    assert_eq!(unknown.status(), 422);
}
