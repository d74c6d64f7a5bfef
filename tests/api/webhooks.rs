//! Outgoing webhooks (contract §13) against a real HTTP receiver: each
//! event signed, retried after the receiver failed, and shown to operators.

use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::support::app::{TestApp, link, spawn_app_with};
use crate::support::receiver::{Received, Receiver};

const SECRET: &str = "whsec-0123456789abcdef";

async fn app_posting_to(receiver: &Receiver) -> TestApp {
    spawn_app_with(&[
        ("ASSENT_WEBHOOK_URL", receiver.url.as_str()),
        ("ASSENT_WEBHOOK_SECRET", SECRET),
    ])
    .await
}

/// Checks `Assent-Signature: t=UNIX,v1=HEX` as a receiver would, and that
/// the time is now.
fn assert_signed(request: &Received) {
    let header = request.header("assent-signature").expect("a signature");
    let (t, v1) = header.split_once(",v1=").expect("t=…,v1=…");
    let t = t.strip_prefix("t=").expect("t=");
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).expect("key");
    mac.update(format!("{t}.{}", request.body).as_bytes());
    mac.verify_slice(&hex::decode(v1).expect("hex"))
        .expect("the signature matches");
    let t: i64 = t.parse().expect("a Unix time");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!((now - t).abs() < 120, "signed at {t}, now {now}");
}

#[tokio::test]
async fn a_confirmation_reaches_the_receiver_signed_and_again_after_it_failed() {
    let receiver = Receiver::start(&[500]).await;
    let app = app_posting_to(&receiver).await;
    let mail = app.signup_and_get_mail("ada@example.com").await;
    assert!(receiver.received().is_empty(), "a signup alone is no event");
    assert_eq!(app.post(&link(&mail, "confirm")).await.status(), 200);

    // The first answer is 500: the same event comes again, a few seconds on.
    let received = receiver.wait_for(2, Duration::from_secs(30)).await;
    assert_eq!(received.len(), 2, "{received:?}");
    for request in &received {
        assert_eq!(request.path, "/hooks/assent");
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(
            request.header("assent-event"),
            Some("subscription.confirmed")
        );
        assert_signed(request);
    }
    let (first, retry) = (received[0].json(), received[1].json());
    assert_eq!(first["id"], retry["id"], "a retry is the same event");
    assert_eq!(first["type"], "subscription.confirmed");
    assert_eq!(first["data"]["email"], "ada@example.com");
    assert_eq!(first["data"]["list"], "newsletter");
    assert_eq!(first["data"]["channel"], "confirm_button");
    assert!(
        first["time"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{first}"
    );

    app.settle().await;
    let operator = app.signed_in().await;
    let page = operator.html("/admin/webhooks").await;
    assert!(page.contains(&receiver.url), "{page}");
    assert!(
        page.contains("subscription.confirmed") && page.contains("delivered"),
        "{page}"
    );
}

#[tokio::test]
async fn unsubscribing_and_erasing_are_told_and_the_erasure_names_no_address() {
    let receiver = Receiver::start(&[]).await;
    let app = app_posting_to(&receiver).await;
    let mail = app.signup_and_get_mail("grace@example.com").await;
    app.post(&link(&mail, "confirm")).await;
    let welcome = app.mails(2).await.swap_remove(1);
    let unsubscribe = app.post(&link(&welcome, "unsubscribe")).await;
    assert_eq!(unsubscribe.status(), 200);
    // Delivered before the erasure: an event still to go would go without
    // the address.
    let told = receiver.wait_for(2, Duration::from_secs(15)).await;
    let unsubscribed = told
        .iter()
        .map(Received::json)
        .find(|e| e["type"] == "subscription.unsubscribed")
        .expect("the unsubscribe");
    assert_eq!(unsubscribed["data"]["email"], "grace@example.com");
    assert_eq!(unsubscribed["data"]["channel"], "unsubscribe_page");

    let operator = app.signed_in().await;
    let found = operator.html("/admin/subscribers?q=grace").await;
    let id: String = found
        .split("/admin/subscribers/")
        .nth(1)
        .expect("a subscriber's link")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let erased = operator
        .post(
            &format!("/admin/subscribers/{id}"),
            &format!("/admin/subscribers/{id}/erase"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(erased.status(), 303);

    let received = receiver.wait_for(3, Duration::from_secs(15)).await;
    let mut events: Vec<serde_json::Value> = received.iter().map(Received::json).collect();
    events.sort_by_key(|e| e["time"].as_str().unwrap_or_default().to_owned());
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(
        kinds,
        [
            "subscription.confirmed",
            "subscription.unsubscribed",
            "subscriber.erased"
        ],
        "{events:?}"
    );
    let erasure = &received
        .iter()
        .find(|r| r.header("assent-event") == Some("subscriber.erased"))
        .expect("the erasure")
        .body;
    assert!(
        !erasure.contains("grace"),
        "an erasure names no address: {erasure}"
    );
    assert!(erasure.contains("\"lists\":[\"newsletter\"]"), "{erasure}");
    for request in &received {
        assert_signed(request);
    }
}

#[tokio::test]
async fn the_operators_page_does_not_show_credentials_inside_the_url() {
    let receiver = Receiver::start(&[]).await;
    let url = receiver.url.replacen("://", "://hook:pa55word@", 1);
    let app = spawn_app_with(&[
        ("ASSENT_WEBHOOK_URL", url.as_str()),
        ("ASSENT_WEBHOOK_SECRET", "a-secret-of-at-least-16"),
    ])
    .await;
    let page = app.signed_in().await.html("/admin/webhooks").await;
    assert!(page.contains(&receiver.url), "{page}");
    assert!(
        !page.contains("pa55word") && !page.contains("hook:"),
        "{page}"
    );
}

#[tokio::test]
async fn without_a_receiver_nothing_is_queued() {
    let app = spawn_app_with(&[]).await;
    let mail = app.signup_and_get_mail("ada@example.com").await;
    app.post(&link(&mail, "confirm")).await;
    app.settle().await;
    let operator = app.signed_in().await;
    let page = operator.html("/admin/webhooks").await;
    assert!(page.contains("No receiver is configured") && page.contains("No events yet"));
}
