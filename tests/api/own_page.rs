//! The person's own page (contract §10), reached only with the unsubscribe
//! link of a message they received: their lists, leave and rejoin, their
//! consent record, erasure. `GET` changes nothing.

use assent::domain::{Act, Channel};

use crate::support::app::{TestApp, link, spawn_app};

/// Signs up and confirms; returns the path of the person's own page, as
/// the unsubscribe page of their welcome message links to it.
async fn own_page_of(app: &TestApp, email: &str) -> String {
    let mail = app.signup_and_get_mail(email).await;
    assert_eq!(app.post(&link(&mail, "confirm")).await.status(), 200);
    let welcome = app.mails(2).await.swap_remove(1);
    let unsubscribe = link(&welcome, "unsubscribe");
    let page = app.get(&unsubscribe).await.text().await.expect("a page");
    let token = unsubscribe.trim_start_matches("/unsubscribe/");
    let own = format!("/me/{token}");
    assert!(page.contains(&format!("href=\"{own}\"")), "{page}");
    own
}

#[tokio::test]
async fn the_own_page_shows_the_persons_lists_and_changes_nothing_when_read() {
    let app = spawn_app().await;
    let own = own_page_of(&app, "reader@example.com").await;
    let before = app.events("reader@example.com").len();

    let page = app.get(&own).await;
    assert_eq!(page.status(), 200);
    assert_eq!(
        page.headers().get("cache-control").map(|v| v.as_bytes()),
        Some(&b"no-store"[..])
    );
    let html = page.text().await.expect("html");
    assert!(html.contains("reader@example.com") && html.contains("Newsletter"));
    assert!(html.contains("subscribed") && html.contains("Leave"));
    let head = app.client.head(app.url(&own)).send().await.expect("HEAD");
    assert_eq!(head.status(), 200);

    let record = app.get(&format!("{own}/consent.json")).await;
    assert_eq!(record.status(), 200);
    let json: serde_json::Value = record.json().await.expect("json");
    assert_eq!(json["subscriber"]["email"], "reader@example.com");
    let events = json["subscriptions"][0]["events"]
        .as_array()
        .expect("events");
    assert_eq!(events.len(), 2);
    assert!(
        events
            .iter()
            .all(|e| e["chain"].as_str().map(str::len) == Some(64))
    );

    assert_eq!(
        app.events("reader@example.com").len(),
        before,
        "reading changed nothing"
    );
    assert_eq!(app.get("/me/1.nonsense").await.status(), 404);
    assert_eq!(app.get("/me/garbage").await.status(), 404);
}

#[tokio::test]
async fn leaving_and_joining_again_are_recorded_with_channel_preferences() {
    let app = spawn_app().await;
    let own = own_page_of(&app, "mover@example.com").await;

    let left = app
        .post_form(&format!("{own}/leave"), &[("list", "newsletter")])
        .await;
    assert_eq!(left.status(), 200);
    assert!(left.text().await.unwrap().contains("Join again"));
    assert_eq!(
        app.status("mover@example.com").as_deref(),
        Some("unsubscribed")
    );
    let last = app.events("mover@example.com").pop().expect("an event");
    assert_eq!(
        (last.act, last.channel),
        (Act::Unsubscribed, Channel::Preferences)
    );

    let back = app
        .post_form(&format!("{own}/rejoin"), &[("list", "newsletter")])
        .await;
    assert_eq!(back.status(), 200);
    assert_eq!(
        app.status("mover@example.com").as_deref(),
        Some("confirmed")
    );
    let last = app.events("mover@example.com").pop().expect("an event");
    assert_eq!(
        (last.act, last.channel),
        (Act::Confirmed, Channel::Preferences)
    );
    assert!(
        last.wording_sha256.is_some(),
        "a positive act under a wording"
    );

    // A list the person is not on changes nothing.
    let events = app.events("mover@example.com").len();
    let other = app
        .post_form(&format!("{own}/leave"), &[("list", "someone-elses")])
        .await;
    assert_eq!(other.status(), 422);
    assert_eq!(app.events("mover@example.com").len(), events);
}

#[tokio::test]
async fn a_person_can_erase_themselves_and_the_link_then_opens_nothing() {
    let app = spawn_app().await;
    let own = own_page_of(&app, "leaver@example.com").await;
    app.signup("neighbour@example.com").await;

    let unticked = app.post(&format!("{own}/erase")).await;
    assert_eq!(unticked.status(), 422);
    assert!(app.status("leaver@example.com").is_some(), "nothing erased");

    let erased = app
        .post_form(&format!("{own}/erase"), &[("confirm", "yes")])
        .await;
    assert_eq!(erased.status(), 200);
    assert_eq!(app.status("leaver@example.com"), None);
    assert!(app.events("leaver@example.com").is_empty());
    assert_eq!(app.get(&own).await.status(), 404);
    assert_eq!(app.get(&format!("{own}/consent.json")).await.status(), 404);
    assert_eq!(
        app.status("neighbour@example.com").as_deref(),
        Some("pending")
    );
}
