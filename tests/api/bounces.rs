//! Bounces and complaints (contract §9): the webhook's secret, each
//! provider's format, the soft-bounce rule, and a 5xx refusal at delivery.

use assent::domain::Channel;
use serde_json::json;

use crate::support::app::{TestApp, spawn_app, spawn_app_with};
use crate::support::seed::Seeded;
use crate::support::smtp::Behaviour;

const SECRET: &str = "a bounce secret of some length";

async fn app() -> TestApp {
    spawn_app_with(&[("ASSENT_BOUNCE_SECRET", SECRET)]).await
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/bounces/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

async fn post(app: &TestApp, body: Vec<u8>, content_type: &str) -> reqwest::Response {
    app.client
        .post(app.url("/webhooks/bounce"))
        .bearer_auth(SECRET)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

fn last_channel(app: &TestApp, email: &str) -> Option<Channel> {
    app.events(email).last().map(|e| e.channel)
}

#[tokio::test]
async fn without_a_secret_configured_there_is_no_webhook() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/webhooks/bounce"))
        .json(&json!({"email": "a@example.com", "kind": "hard"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn the_secret_comes_three_ways_and_a_wrong_one_changes_nothing() {
    let app = app().await;
    app.seed(&["victim@example.com".to_owned()], Seeded::Confirmed);
    let body = json!({"email": "victim@example.com", "kind": "hard"});
    let url = app.url("/webhooks/bounce");
    for wrong in [
        app.client.post(&url).bearer_auth("not the secret"),
        app.client
            .post(&url)
            .basic_auth("user", Some("not the secret")),
        app.client.post(format!("{url}?secret=nope")),
        app.client.post(&url),
    ] {
        let response = wrong.json(&body).send().await.unwrap();
        assert_eq!(response.status(), 401);
    }
    assert_eq!(
        app.status("victim@example.com").as_deref(),
        Some("confirmed")
    );

    for right in [
        app.client.post(&url).bearer_auth(SECRET),
        app.client.post(&url).basic_auth("ses", Some(SECRET)),
        app.client
            .post(format!("{url}?secret={}", SECRET.replace(' ', "%20"))),
    ] {
        let response = right.json(&body).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.json::<serde_json::Value>().await.unwrap(),
            json!({"processed": 1})
        );
    }
    assert_eq!(
        app.status("victim@example.com").as_deref(),
        Some("unsubscribed")
    );
    assert_eq!(
        last_channel(&app, "victim@example.com"),
        Some(Channel::Bounce)
    );
}

#[tokio::test]
async fn each_providers_format_is_read_and_acted_on() {
    let app = app().await;
    let everyone: Vec<String> = [
        "hard.bounce",
        "soft.bounce",
        "complaint",
        "still.ok",
        "pm.hard",
        "pm.soft",
        "pm.spam",
        "sg.bounce",
        "sg.blocked",
        "sg.dropped",
        "sg.spam",
        "sg.delivered",
        "sg.deferred",
    ]
    .iter()
    .map(|name| format!("{name}@example.com"))
    .collect();
    app.seed(&everyone, Seeded::Confirmed);
    for (name, content_type, processed) in [
        ("ses_sns_bounce_permanent", "text/plain; charset=UTF-8", 1),
        ("ses_sns_bounce_transient", "text/plain; charset=UTF-8", 1),
        ("ses_sns_complaint", "text/plain; charset=UTF-8", 1),
        (
            "ses_sns_subscription_confirmation",
            "text/plain; charset=UTF-8",
            0,
        ),
        ("postmark_bounce_hard", "application/json", 1),
        ("postmark_bounce_soft", "application/json", 1),
        ("postmark_spam_complaint", "application/json", 1),
        ("sendgrid_events", "application/json", 4),
    ] {
        let response = post(&app, fixture(name), content_type).await;
        assert_eq!(response.status(), 200, "{name}");
        let answer: serde_json::Value = response.json().await.unwrap();
        assert_eq!(answer, json!({"processed": processed}), "{name}");
    }
    for (email, channel) in [
        ("hard.bounce", Some(Channel::Bounce)),
        ("complaint", Some(Channel::Complaint)),
        ("pm.hard", Some(Channel::Bounce)),
        ("pm.spam", Some(Channel::Complaint)),
        ("sg.bounce", Some(Channel::Bounce)),
        ("sg.dropped", Some(Channel::Bounce)),
        ("sg.spam", Some(Channel::Complaint)),
        // Soft bounces, and events that say nothing, leave the subscription be.
        ("soft.bounce", None),
        ("pm.soft", None),
        ("sg.blocked", None),
        ("still.ok", None),
        ("sg.delivered", None),
        ("sg.deferred", None),
    ] {
        let email = format!("{email}@example.com");
        let status = app.status(&email);
        match channel {
            Some(channel) => {
                assert_eq!(status.as_deref(), Some("unsubscribed"), "{email}");
                assert_eq!(last_channel(&app, &email), Some(channel), "{email}");
            }
            None => assert_eq!(status.as_deref(), Some("confirmed"), "{email}"),
        }
    }
    // A body that is no notification is refused and changes nothing.
    let response = post(&app, b"{\"hello\": 1}".to_vec(), "application/json").await;
    assert_eq!(response.status(), 422);
    let response = post(&app, b"not json".to_vec(), "text/plain").await;
    assert_eq!(response.status(), 422);
}

#[tokio::test]
async fn three_soft_bounces_in_a_week_count_as_a_hard_one() {
    let app = app().await;
    app.seed(&["full@example.com".to_owned()], Seeded::Confirmed);
    let soft =
        || serde_json::to_vec(&json!({"email": "FULL@example.com", "kind": "soft"})).unwrap();
    for _ in 0..2 {
        assert_eq!(post(&app, soft(), "application/json").await.status(), 200);
        assert_eq!(app.status("full@example.com").as_deref(), Some("confirmed"));
    }
    assert_eq!(post(&app, soft(), "application/json").await.status(), 200);
    assert_eq!(
        app.status("full@example.com").as_deref(),
        Some("unsubscribed")
    );
    assert_eq!(
        last_channel(&app, "full@example.com"),
        Some(Channel::Bounce)
    );

    // The subscriber's page shows the reports.
    let operator = app.signed_in().await;
    let found = operator.html("/admin/subscribers?q=full").await;
    let id: String = found
        .split("/admin/subscribers/")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let page = operator.html(&format!("/admin/subscribers/{id}")).await;
    assert!(page.contains("Bounces and complaints"), "{page}");
    assert_eq!(page.matches("<td>Soft bounce</td>").count(), 3, "{page}");
}

#[tokio::test]
async fn a_recipient_the_relay_refuses_for_good_counts_as_a_hard_bounce() {
    let app = spawn_app().await;
    app.smtp.set_behaviour(Behaviour::PermFail);
    assert_eq!(app.signup("nobody@example.com").await.status(), 200);
    app.settle().await;
    assert_eq!(app.outbox()[0].0, "failed");
    assert_eq!(
        app.status("nobody@example.com").as_deref(),
        Some("unsubscribed")
    );
    assert_eq!(
        last_channel(&app, "nobody@example.com"),
        Some(Channel::Bounce)
    );
    // Signing up and confirming again (past the resend cap) lifts the
    // suppression.
    app.smtp.set_behaviour(Behaviour::Accept);
    {
        use assent::db::schema::outbox;
        use diesel::prelude::*;
        diesel::update(outbox::table)
            .set(outbox::created_at.eq(crate::support::wall_ms() - 11 * 60_000))
            .execute(&mut *app.conn() as &mut assent::db::DbConn)
            .unwrap();
    }
    assert_eq!(app.signup("nobody@example.com").await.status(), 200);
    app.settle().await;
    let mail = app.smtp.messages().pop().unwrap();
    let confirm = crate::support::app::link(&mail, "confirm");
    assert_eq!(app.post(&confirm).await.status(), 200);
    assert_eq!(
        app.status("nobody@example.com").as_deref(),
        Some("confirmed")
    );
}

/// With the provider's signing key set, the shared secret alone no longer
/// lets a Mailgun or SendGrid notification act: it must carry the
/// provider's valid signature, or it answers 401 and changes nothing.
#[tokio::test]
async fn with_a_signing_key_a_provider_notification_needs_its_signature() {
    use hmac::{Hmac, KeyInit, Mac};
    const KEY: &str = "key-mailgun-signing-0123456789";
    let app = spawn_app_with(&[
        ("ASSENT_BOUNCE_SECRET", SECRET),
        ("ASSENT_BOUNCE_SIGNING_KEY", KEY),
    ])
    .await;
    app.seed(&["victim@example.com".to_owned()], Seeded::Confirmed);
    let mailgun = |signature: &str| {
        json!({
            "signature": {"timestamp": "1765000000", "token": "0a1b2c3d", "signature": signature},
            "event-data": {"event": "complained", "recipient": "victim@example.com"}
        })
        .to_string()
        .into_bytes()
    };
    let forged = post(&app, mailgun(&"ab".repeat(32)), "application/json").await;
    assert_eq!(forged.status(), 401);
    let sendgrid = json!([{"email": "victim@example.com", "event": "spamreport"}]);
    let unsigned = post(&app, sendgrid.to_string().into_bytes(), "application/json").await;
    assert_eq!(unsigned.status(), 401);
    assert_eq!(
        app.status("victim@example.com").as_deref(),
        Some("confirmed")
    );

    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(KEY.as_bytes()).unwrap();
    mac.update(b"17650000000a1b2c3d");
    let signature = hex::encode(mac.finalize().into_bytes());
    let signed = post(&app, mailgun(&signature), "application/json").await;
    assert_eq!(signed.status(), 200);
    assert_eq!(
        app.status("victim@example.com").as_deref(),
        Some("unsubscribed")
    );
    assert_eq!(
        last_channel(&app, "victim@example.com"),
        Some(Channel::Complaint)
    );
}
