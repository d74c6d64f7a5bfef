//! Sequences (contract §18) over HTTP, with a real SMTP server and the
//! server's clock moved through the delays: the steps in order at their
//! delays, nobody who left, pause and resume, edits, those confirmed
//! already, and a process killed in the middle of a step.

use std::time::Duration;

use assent::db::schema::outbox;
use assent::domain::{MessageKind, MessageStatus};
use diesel::prelude::*;

use crate::support::admin::{OPERATOR, Operator, PASSWORD, create_operator_in};
use crate::support::app::{TestApp, connect, link, spawn_app_with, test_env};
use crate::support::eventually;
use crate::support::process::{free_port, spawn, wait_until_up};
use crate::support::seed::{Seeded, addresses, seed};
use crate::support::smtp::{ReceivedMail, SmtpServer};

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(86_400);
/// Steps go out as soon as they are due: the pace of mail to many counts
/// its slots on the server's clock, which these tests hold still.
const UNPACED: &[(&str, &str)] = &[("ASSENT_SEND_RATE", "0")];

/// The operator signed in afresh: a session ends after 12 hours unused,
/// and these tests move the clock by days.
async fn sign_in_again(app: &TestApp) -> Operator {
    let operator = app.operator_client();
    assert_eq!(operator.login(OPERATOR, PASSWORD).await.status(), 303);
    operator
}

/// Where a 303 leads, without its query.
fn path_of(response: &reqwest::Response) -> String {
    let location = response.headers()["location"].to_str().unwrap();
    location.split('?').next().unwrap().to_owned()
}

/// Creates a sequence on the list `newsletter` with these steps (subject,
/// delay, body); returns its page's path. It is paused.
async fn sequence(operator: &Operator, name: &str, steps: &[(&str, &str, &str)]) -> String {
    let created = operator
        .post(
            "/admin/sequences",
            "/admin/sequences",
            &[("name", name), ("list", "newsletter")],
        )
        .await;
    assert_eq!(created.status(), 303);
    let page = path_of(&created);
    for (subject, delay, body) in steps {
        let added = operator
            .post(
                &page,
                &format!("{page}/steps"),
                &[("subject", subject), ("delay", delay), ("body", body)],
            )
            .await;
        assert_eq!(added.status(), 303, "{subject}");
    }
    page
}

/// Presses one of the sequence page's buttons; returns the status.
async fn press(operator: &Operator, page: &str, action: &str, fields: &[(&str, &str)]) -> u16 {
    operator
        .post(page, &format!("{page}/{action}"), fields)
        .await
        .status()
        .as_u16()
}

/// Signs `email` up with `name` and presses the confirm button.
async fn confirmed(app: &TestApp, email: &str, name: &str) {
    let before = app.smtp.messages().len();
    let signed = app
        .post_form("/subscribe", &[("email", email), ("name", name)])
        .await;
    assert_eq!(signed.status(), 200);
    let mail = app.mails(before + 1).await.swap_remove(before);
    let pressed = app
        .client
        .post(app.url(&link(&mail, "confirm")))
        .send()
        .await
        .unwrap();
    assert_eq!(pressed.status(), 200);
    app.settle().await;
}

/// The messages `email` received with this subject.
fn received(app: &TestApp, email: &str, subject: &str) -> Vec<ReceivedMail> {
    app.smtp
        .messages()
        .into_iter()
        .filter(|m| m.rcpt_to == [email] && m.decoded_header("Subject").as_deref() == Some(subject))
        .collect()
}

/// The subjects `email` received, in order.
fn subjects(app: &TestApp, email: &str) -> Vec<String> {
    app.smtp
        .messages()
        .into_iter()
        .filter(|m| m.rcpt_to == [email])
        .filter_map(|m| m.decoded_header("Subject"))
        .collect()
}

/// The counts the sequence page shows for step `position`: sent, waiting,
/// skipped, failed.
async fn counts(operator: &Operator, page: &str, position: u32) -> [i64; 4] {
    let html = operator.html(page).await;
    let row = html
        .split("<tr>")
        .find(|row| row.contains(&format!("/steps/{position}\"")))
        .unwrap_or_else(|| panic!("no row for step {position} in:\n{html}"));
    let numbers: Vec<i64> = row
        .split("<td class=\"num\">")
        .skip(1)
        .map(|cell| cell.split('<').next().unwrap().parse().unwrap())
        .collect();
    // The first number is the step's position.
    [numbers[1], numbers[2], numbers[3], numbers[4]]
}

#[tokio::test]
async fn a_new_subscriber_gets_a_welcome_series_in_order_at_its_delays() {
    let app = spawn_app_with(UNPACED).await;
    let operator = app.signed_in().await;
    let hello = "Hello {{ subscriber.name | default(\"friend\") }}, welcome aboard.";
    let page = sequence(
        &operator,
        "Welcome",
        &[
            ("Day one", "1h", hello),
            ("Day two", "1d", "The second lesson."),
            ("Day three", "2d", "The last lesson."),
        ],
    )
    .await;
    assert_eq!(press(&operator, &page, "resume", &[]).await, 303);
    assert!(operator.html(&page).await.contains("badge-active"));

    confirmed(&app, "ada@example.com", "Ada").await;
    app.advance(59 * MINUTE).await;
    assert!(received(&app, "ada@example.com", "Day one").is_empty());
    assert_eq!(counts(&operator, &page, 1).await, [0, 1, 0, 0]);

    app.advance(2 * MINUTE).await;
    let day_one = received(&app, "ada@example.com", "Day one");
    assert_eq!(day_one.len(), 1, "step one, once");
    let text = day_one[0].text_part().unwrap();
    assert!(text.contains("Hello Ada, welcome aboard."), "{text}");
    assert!(day_one[0].header("List-Unsubscribe").is_some());
    assert_eq!(
        day_one[0].header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert_eq!(counts(&operator, &page, 1).await, [1, 0, 0, 0]);
    assert_eq!(counts(&operator, &page, 2).await, [0, 1, 0, 0]);

    // The second step's day counts from when the first was sent.
    app.advance(23 * HOUR).await;
    assert!(received(&app, "ada@example.com", "Day two").is_empty());
    app.advance(2 * HOUR).await;
    assert_eq!(received(&app, "ada@example.com", "Day two").len(), 1);

    app.advance(2 * DAY).await;
    app.advance(10 * DAY).await;
    let mut got = subjects(&app, "ada@example.com");
    got.retain(|s| s.starts_with("Day"));
    assert_eq!(
        got,
        ["Day one", "Day two", "Day three"],
        "in order, once each"
    );
    let operator = sign_in_again(&app).await;
    assert_eq!(counts(&operator, &page, 3).await, [1, 0, 0, 0]);

    // The delivery record names them as a sequence's.
    let record = operator.html("/admin/deliveries?kind=sequence").await;
    assert_eq!(record.matches("ada@example.com").count(), 3, "{record}");
}

#[tokio::test]
async fn someone_who_leaves_after_step_one_never_gets_step_two_and_joining_again_starts_over() {
    let app = spawn_app_with(UNPACED).await;
    let operator = app.signed_in().await;
    let page = sequence(
        &operator,
        "Course",
        &[("Lesson one", "1h", "One."), ("Lesson two", "1h", "Two.")],
    )
    .await;
    assert_eq!(press(&operator, &page, "resume", &[]).await, 303);
    confirmed(&app, "ada@example.com", "Ada").await;
    confirmed(&app, "bob@example.com", "Bob").await;
    app.advance(61 * MINUTE).await;
    let bobs = received(&app, "bob@example.com", "Lesson one");
    assert_eq!(bobs.len(), 1);
    assert_eq!(received(&app, "ada@example.com", "Lesson one").len(), 1);

    // Bob leaves through the one-click link of step one.
    let url = bobs[0].header("List-Unsubscribe").unwrap();
    let url = url.trim_start_matches('<').trim_end_matches('>');
    let left = app
        .client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(left.status(), 200);

    app.advance(61 * MINUTE).await;
    assert_eq!(received(&app, "ada@example.com", "Lesson two").len(), 1);
    assert!(received(&app, "bob@example.com", "Lesson two").is_empty());
    assert_eq!(counts(&operator, &page, 2).await, [1, 0, 1, 0]);

    // Joining again starts at the first step.
    confirmed(&app, "bob@example.com", "Bob").await;
    app.advance(61 * MINUTE).await;
    assert_eq!(received(&app, "bob@example.com", "Lesson one").len(), 2);
    app.advance(61 * MINUTE).await;
    assert_eq!(received(&app, "bob@example.com", "Lesson two").len(), 1);
    assert_eq!(
        received(&app, "ada@example.com", "Lesson one").len(),
        1,
        "Ada, who finished, gets nothing more"
    );
}

#[tokio::test]
async fn a_paused_sequence_sends_nothing_and_on_resume_the_due_steps_go() {
    let app = spawn_app_with(UNPACED).await;
    let operator = app.signed_in().await;
    let page = sequence(
        &operator,
        "Tips",
        &[("Tip one", "90s", "A tip."), ("Tip two", "1h", "Another.")],
    )
    .await;
    // Nobody enters a paused sequence.
    confirmed(&app, "early@example.com", "Early").await;
    assert_eq!(press(&operator, &page, "resume", &[]).await, 303);
    confirmed(&app, "ada@example.com", "Ada").await;
    assert_eq!(press(&operator, &page, "pause", &[]).await, 303);
    assert!(operator.html(&page).await.contains("badge-paused"));

    app.advance(HOUR).await;
    assert!(received(&app, "ada@example.com", "Tip one").is_empty());
    assert_eq!(counts(&operator, &page, 1).await, [0, 1, 0, 0]);

    assert_eq!(press(&operator, &page, "resume", &[]).await, 303);
    app.settle().await;
    app.advance(Duration::from_secs(6)).await;
    assert_eq!(received(&app, "ada@example.com", "Tip one").len(), 1);
    assert!(
        received(&app, "early@example.com", "Tip one").is_empty(),
        "confirmed while it was paused"
    );

    // The second step's hour counts from when the first went, an hour
    // late, not from when it was due.
    app.advance(59 * MINUTE).await;
    assert!(received(&app, "ada@example.com", "Tip two").is_empty());
    app.advance(2 * MINUTE).await;
    assert_eq!(received(&app, "ada@example.com", "Tip two").len(), 1);
}

#[tokio::test]
async fn an_edited_step_reaches_those_still_waiting_for_it() {
    let app = spawn_app_with(UNPACED).await;
    let operator = app.signed_in().await;
    let page = sequence(&operator, "Onboarding", &[("Day one", "1h", "Old words.")]).await;
    assert_eq!(press(&operator, &page, "resume", &[]).await, 303);
    confirmed(&app, "ada@example.com", "Ada").await;

    let step = format!("{page}/steps/1");
    let edited = operator
        .post(
            &step,
            &step,
            &[
                ("subject", "First day"),
                ("delay", "2h"),
                ("body", "New words."),
            ],
        )
        .await;
    assert_eq!(edited.status(), 303);
    let shown = operator.html(&step).await;
    assert!(shown.contains("value=\"2h\""), "{shown}");
    assert!(shown.contains("New words."));

    app.advance(61 * MINUTE).await;
    assert!(received(&app, "ada@example.com", "First day").is_empty());
    app.advance(HOUR).await;
    let got = received(&app, "ada@example.com", "First day");
    assert_eq!(got.len(), 1);
    assert!(got[0].text_part().unwrap().contains("New words."));
    assert!(received(&app, "ada@example.com", "Day one").is_empty());
}

#[tokio::test]
async fn activating_may_enrol_the_subscribers_confirmed_already() {
    let app = spawn_app_with(UNPACED).await;
    let readers = addresses("reader", 3);
    app.seed(&readers, Seeded::Confirmed);
    app.seed(&addresses("pending", 2), Seeded::Pending);
    let operator = app.signed_in().await;
    let with = sequence(&operator, "Everyone", &[("For all", "90s", "Hi.")]).await;
    let without = sequence(&operator, "Newcomers", &[("For new", "90s", "Hi.")]).await;
    assert_eq!(
        press(&operator, &with, "resume", &[("enrol_existing", "yes")]).await,
        303
    );
    assert_eq!(press(&operator, &without, "resume", &[]).await, 303);
    app.advance(Duration::from_secs(6)).await;
    app.advance(2 * MINUTE).await;
    for reader in &readers {
        assert_eq!(received(&app, reader, "For all").len(), 1, "{reader}");
        assert!(received(&app, reader, "For new").is_empty(), "{reader}");
    }
    let pending_got: usize = addresses("pending", 2)
        .iter()
        .map(|p| received(&app, p, "For all").len())
        .sum();
    assert_eq!(pending_got, 0, "only the confirmed");
    assert!(
        operator
            .html(&with)
            .await
            .contains("3 people have entered it.")
    );
}

#[tokio::test]
async fn a_sequence_refuses_what_does_not_read_and_changes_nothing() {
    let app = spawn_app_with(UNPACED).await;
    let operator = app.signed_in().await;
    let unnamed = operator
        .post(
            "/admin/sequences",
            "/admin/sequences",
            &[("name", " "), ("list", "newsletter")],
        )
        .await;
    assert_eq!(unnamed.status(), 422);
    let unknown_list = operator
        .post(
            "/admin/sequences",
            "/admin/sequences",
            &[("name", "Lost"), ("list", "nowhere")],
        )
        .await;
    assert_eq!(unknown_list.status(), 422);
    assert!(
        operator
            .html("/admin/sequences")
            .await
            .contains("No sequence yet.")
    );

    let page = sequence(&operator, "Welcome", &[]).await;
    // Nothing to send: it stays paused.
    let empty = operator.post(&page, &format!("{page}/resume"), &[]).await;
    assert_eq!(empty.status(), 422);
    assert!(
        empty
            .text()
            .await
            .unwrap()
            .contains("A sequence needs a step before it can be activated.")
    );

    for (delay, body) in [
        ("soon", "Hello."),
        ("0s", "Hello."),
        ("400d", "Hello."),
        ("1h", "Hello {{ subscriber.fields.nope }}."),
        ("1h", "Hello {{ subscriber.name"),
    ] {
        let refused = operator
            .post(
                &page,
                &format!("{page}/steps"),
                &[("subject", "Hi"), ("delay", delay), ("body", body)],
            )
            .await;
        assert_eq!(refused.status(), 422, "{delay} {body}");
        let html = refused.text().await.unwrap();
        assert!(html.contains(body), "the form is kept: {html}");
    }
    let html = operator.html(&page).await;
    assert!(html.contains("No step yet"), "{html}");
    assert!(html.contains("badge-paused"));

    for missing in ["/admin/sequences/999", &format!("{page}/steps/1")] {
        assert_eq!(operator.get(missing).await.status(), 404, "{missing}");
    }
    let nowhere = operator
        .post(
            &page,
            "/admin/sequences/999/steps",
            &[("subject", "Hi"), ("delay", "1h"), ("body", "Hello.")],
        )
        .await;
    assert_eq!(nowhere.status(), 404);
}

/// Killed with SIGKILL while a step goes out: after the restart everyone
/// has the step, and only the copies in flight at the kill went twice.
#[tokio::test]
async fn a_step_cut_short_by_a_kill_resumes_with_at_most_the_in_flight_sent_twice() {
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
    let readers = addresses("reader", 600);
    seed(&mut connect(&url), &readers, Seeded::Confirmed);
    create_operator_in(&url);
    let operator = Operator::at(&base);
    assert_eq!(operator.login(OPERATOR, PASSWORD).await.status(), 303);
    let page = sequence(&operator, "Welcome", &[("Resilient", "1s", "Hello.")]).await;
    assert_eq!(
        press(&operator, &page, "resume", &[("enrol_existing", "yes")]).await,
        303
    );
    let copies = |smtp: &SmtpServer| {
        let mut counts = std::collections::HashMap::<String, usize>::new();
        for mail in smtp.messages() {
            if mail.decoded_header("Subject").as_deref() == Some("Resilient") {
                *counts.entry(mail.rcpt_to[0].clone()).or_default() += 1;
            }
        }
        counts
    };
    let begun = async || copies(&smtp).len() >= 100;
    eventually("100 copies sent", Duration::from_secs(30), begun).await;
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    smtp.wait_for_quiet(Duration::from_millis(200));
    let received_before: usize = copies(&smtp).values().sum();
    let recorded: i64 = outbox::table
        .filter(outbox::kind.eq(MessageKind::Sequence))
        .filter(outbox::status.eq(MessageStatus::Sent))
        .count()
        .get_result(&mut connect(&url))
        .unwrap();
    let in_flight = received_before - recorded as usize;
    assert!(in_flight <= assent::mail::CONCURRENCY, "{in_flight}");

    smtp.set_delay(Duration::ZERO);
    let _server = spawn(&vars, &["serve"]);
    // Every copy recorded as sent: those the killed process had claimed
    // are given back once its heartbeat is seen to have stopped.
    let all_sent = async || {
        let sent: i64 = outbox::table
            .filter(outbox::kind.eq(MessageKind::Sequence))
            .filter(outbox::status.eq(MessageStatus::Sent))
            .count()
            .get_result(&mut connect(&url))
            .unwrap();
        sent == readers.len() as i64
    };
    eventually(
        "every copy recorded as sent",
        Duration::from_secs(60),
        all_sent,
    )
    .await;
    smtp.wait_for_quiet(Duration::from_secs(1));
    let got = copies(&smtp);
    let twice = got.values().filter(|n| **n > 1).count();
    assert!(got.values().all(|n| *n <= 2), "never more than twice");
    assert_eq!(
        twice, in_flight,
        "only the copies in flight at the kill went twice"
    );
}
