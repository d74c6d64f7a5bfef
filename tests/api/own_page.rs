//! The person's own page (contract §10), reached only with the unsubscribe
//! link of a message they received: their lists, leave and rejoin, their
//! consent record, erasure. `GET` changes nothing. The link may have been
//! forwarded: joining again mails a confirmation, and the record and the
//! erasure mail the address a link good for an hour.

use assent::domain::{Act, Channel};
use diesel::RunQueryDsl;

use crate::support::app::{TestApp, connect, link, spawn_app};
use crate::support::smtp::ReceivedMail;

/// The next message the SMTP server gets after the `seen` it had.
async fn next_mail(app: &TestApp, seen: usize) -> ReceivedMail {
    app.mails(seen + 1).await.swap_remove(seen)
}

/// How many messages reached the SMTP server once nothing is left to send.
async fn mails_sent(app: &TestApp) -> usize {
    app.settle().await;
    app.smtp.messages().len()
}

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

    // The record, with every IP and user agent, is not behind this link.
    assert_eq!(app.get(&format!("{own}/consent.json")).await.status(), 404);

    assert_eq!(
        app.events("reader@example.com").len(),
        before,
        "reading changed nothing"
    );
    assert_eq!(app.get("/me/1.nonsense").await.status(), 404);
    assert_eq!(app.get("/me/garbage").await.status(), 404);
}

#[tokio::test]
async fn leaving_is_recorded_and_joining_again_waits_for_the_press_of_a_mailed_button() {
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

    let events = app.events("mover@example.com").len();
    let seen = mails_sent(&app).await;
    let back = app
        .post_form(&format!("{own}/rejoin"), &[("list", "newsletter")])
        .await;
    assert_eq!(back.status(), 200);
    let page = back.text().await.unwrap();
    assert!(page.contains("a confirmation is on its way"), "{page}");
    assert_eq!(
        app.status("mover@example.com").as_deref(),
        Some("unsubscribed"),
        "nothing changes before the press"
    );
    assert_eq!(app.events("mover@example.com").len(), events);

    let mail = next_mail(&app, seen).await;
    assert_eq!(mail.rcpt_to, ["mover@example.com"]);
    let confirm = link(&mail, "confirm");
    assert_eq!(app.get(&confirm).await.status(), 200);
    assert_eq!(
        app.events("mover@example.com").len(),
        events,
        "GET acts not"
    );
    assert_eq!(app.post(&confirm).await.status(), 200);
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

    // Left again, the link mailed to join does not bring the person back.
    app.post_form(&format!("{own}/leave"), &[("list", "newsletter")])
        .await;
    assert_eq!(app.post(&confirm).await.status(), 410);
    assert_eq!(
        app.status("mover@example.com").as_deref(),
        Some("unsubscribed")
    );

    // A list the person is not on changes nothing.
    let events = app.events("mover@example.com").len();
    let other = app
        .post_form(&format!("{own}/leave"), &[("list", "someone-elses")])
        .await;
    assert_eq!(other.status(), 422);
    assert_eq!(app.events("mover@example.com").len(), events);
}

/// A complaint is not undone by a forwarded message's link: joining again
/// mails a confirmation, and the address stays suppressed until it is
/// pressed.
#[tokio::test]
async fn a_complaint_stands_until_the_person_presses_the_mailed_confirmation() {
    let app =
        crate::support::app::spawn_app_with(&[("ASSENT_BOUNCE_SECRET", "a-bounce-secret-16")])
            .await;
    let own = own_page_of(&app, "annoyed@example.com").await;
    let complaint = app
        .client
        .post(app.url("/webhooks/bounce"))
        .bearer_auth("a-bounce-secret-16")
        .json(&serde_json::json!({"email": "annoyed@example.com", "kind": "complaint"}))
        .send()
        .await
        .expect("POST");
    assert_eq!(complaint.status(), 200);
    let suppressed = || {
        use assent::db::schema::subscribers as s;
        use diesel::prelude::*;
        let mut conn = connect(&app.database_url);
        s::table
            .select(s::bounced_at)
            .first::<Option<i64>>(&mut conn)
            .expect("the subscriber")
            .is_some()
    };
    assert!(suppressed());

    let seen = mails_sent(&app).await;
    let back = app
        .post_form(&format!("{own}/rejoin"), &[("list", "newsletter")])
        .await;
    assert_eq!(back.status(), 200);
    assert!(
        suppressed(),
        "still suppressed after the forwarded link's POST"
    );
    assert_eq!(
        app.status("annoyed@example.com").as_deref(),
        Some("unsubscribed")
    );
    let mail = next_mail(&app, seen).await;
    assert_eq!(app.post(&link(&mail, "confirm")).await.status(), 200);
    assert!(!suppressed(), "the person's own press lifts it");
}

/// The first mail of a kind goes at once; another within 10 minutes does
/// not, and the page says the same either way.
#[tokio::test]
async fn mails_asked_from_the_own_page_are_capped_per_kind() {
    let app = spawn_app().await;
    let own = own_page_of(&app, "asker@example.com").await;
    app.post_form(&format!("{own}/leave"), &[("list", "newsletter")])
        .await;
    let seen = mails_sent(&app).await;
    let mut pages = Vec::new();
    for _ in 0..3 {
        let rejoin = app
            .post_form(&format!("{own}/rejoin"), &[("list", "newsletter")])
            .await;
        pages.push(rejoin.text().await.expect("a page"));
        let record = app.post(&format!("{own}/record")).await;
        assert_eq!(record.status(), 200);
        pages.push(record.text().await.expect("a page"));
    }
    assert_eq!(pages[0], pages[2]);
    assert_eq!(pages[1], pages[3]);
    assert_eq!(mails_sent(&app).await, seen + 2, "one of each kind");
}

#[tokio::test]
async fn the_consent_record_comes_through_a_link_mailed_for_an_hour() {
    let app = spawn_app().await;
    let own = own_page_of(&app, "reader@example.com").await;
    let seen = mails_sent(&app).await;
    let asked = app.post(&format!("{own}/record")).await;
    assert_eq!(asked.status(), 200);
    assert!(asked.text().await.unwrap().contains("Check your inbox"));

    let mail = next_mail(&app, seen).await;
    assert_eq!(mail.rcpt_to, ["reader@example.com"]);
    assert!(mail.header("List-Unsubscribe").is_some());
    let record = link(&mail, "record");
    let response = app.get(&record).await;
    assert_eq!(response.status(), 200);
    let json: serde_json::Value = response.json().await.expect("json");
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

    // An hour later the link opens nothing.
    diesel::sql_query("UPDATE tokens SET expires_at = 1 WHERE purpose = 'record'")
        .execute(&mut connect(&app.database_url))
        .expect("the link aged");
    let stale = app.get(&record).await;
    assert_eq!(stale.status(), 410);
    assert!(!stale.text().await.unwrap().contains("reader@example.com"));
}

#[tokio::test]
async fn a_person_erases_themselves_through_a_mailed_link_and_the_links_then_open_nothing() {
    let app = spawn_app().await;
    let own = own_page_of(&app, "leaver@example.com").await;
    app.signup("neighbour@example.com").await;
    let seen = mails_sent(&app).await;

    let unticked = app.post(&format!("{own}/erase")).await;
    assert_eq!(unticked.status(), 422);
    let asked = app
        .post_form(&format!("{own}/erase"), &[("confirm", "yes")])
        .await;
    assert_eq!(asked.status(), 200);
    assert!(asked.text().await.unwrap().contains("Check your inbox"));
    assert!(
        app.status("leaver@example.com").is_some(),
        "nothing erased yet"
    );

    let mail = next_mail(&app, seen).await;
    assert_eq!(mail.rcpt_to, ["leaver@example.com"]);
    let erase = link(&mail, "erase");
    let page = app.get(&erase).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("name=\"confirm\""));
    assert!(
        app.status("leaver@example.com").is_some(),
        "GET erases nothing"
    );
    assert_eq!(app.post(&erase).await.status(), 422);
    assert!(app.status("leaver@example.com").is_some());

    let erased = app.post_form(&erase, &[("confirm", "yes")]).await;
    assert_eq!(erased.status(), 200);
    assert_eq!(app.status("leaver@example.com"), None);
    assert!(app.events("leaver@example.com").is_empty());
    assert_eq!(app.get(&own).await.status(), 404);
    assert_eq!(app.get(&erase).await.status(), 404);
    assert_eq!(
        app.status("neighbour@example.com").as_deref(),
        Some("pending")
    );
}
