use assent::domain::{Act, Channel};

use crate::support::app::{link, spawn_app};
use crate::support::smtp::ReceivedMail;

async fn confirmed(app: &crate::support::app::TestApp, email: &str) -> ReceivedMail {
    let mail = app.signup_and_get_mail(email).await;
    let before = app.smtp.messages().len();
    app.client
        .post(app.url(&link(&mail, "confirm")))
        .send()
        .await
        .unwrap();
    app.mails(before + 1)
        .await
        .into_iter()
        .rev()
        .find(|m| m.rcpt_to == [email])
        .expect("a welcome message")
}

#[tokio::test]
async fn the_unsubscribe_page_shows_a_button_and_changes_nothing() {
    let app = spawn_app().await;
    let welcome = confirmed(&app, "ada@example.com").await;
    let path = link(&welcome, "unsubscribe");
    for _ in 0..2 {
        let page = app.get(&path).await;
        assert_eq!(page.status(), 200);
        assert_eq!(page.headers()["cache-control"], "no-store");
        assert_eq!(page.headers()["referrer-policy"], "no-referrer");
        assert_eq!(page.headers()["x-robots-tag"], "noindex");
        let html = page.text().await.unwrap();
        assert!(html.contains(r#"<form method="post">"#) && html.contains("Unsubscribe"));
        app.client.head(app.url(&path)).send().await.unwrap();
    }
    assert_eq!(app.status("ada@example.com").as_deref(), Some("confirmed"));
}

#[tokio::test]
async fn the_rfc_8058_one_click_post_unsubscribes_without_cookies_or_redirects() {
    let app = spawn_app().await;
    let welcome = confirmed(&app, "ada@example.com").await;
    let url = welcome.header("List-Unsubscribe").unwrap();
    let url = url.trim_start_matches('<').trim_end_matches('>');

    // What a mail provider's server sends: no cookie, no Origin, no Referer.
    let response = app
        .client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("set-cookie").is_none());
    assert!(response.headers().get("location").is_none());
    assert!(
        response
            .text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("unsubscribed")
    );

    let row = app.subscription("ada@example.com").unwrap();
    assert_eq!(row[2], "unsubscribed");
    assert!(!row[5].is_empty(), "unsubscribed_at is set");
    let event = app.events("ada@example.com").pop().unwrap();
    assert_eq!(
        (event.act.as_str(), event.channel.as_str()),
        ("unsubscribed", "one_click")
    );

    // Idempotent: the same answer, nothing more recorded.
    let again = app
        .client
        .post(url)
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(app.events("ada@example.com").len(), 3);
}

#[tokio::test]
async fn the_page_button_and_multipart_and_empty_bodies_work() {
    let app = spawn_app().await;
    for (i, body) in ["empty", "multipart", "button"].iter().enumerate() {
        let email = format!("u{i}@example.com");
        let welcome = confirmed(&app, &email).await;
        let url = app.url(&link(&welcome, "unsubscribe"));
        let request = app.client.post(&url);
        let request = match *body {
            "empty" => request,
            "multipart" => request
                .multipart(reqwest::multipart::Form::new().text("List-Unsubscribe", "One-Click")),
            _ => request.form(&[("via", "page")]),
        };
        assert_eq!(request.send().await.unwrap().status(), 200, "{body}");
        assert_eq!(
            app.status(&email).as_deref(),
            Some("unsubscribed"),
            "{body}"
        );
        let channel = app.events(&email).pop().unwrap().channel;
        let expected = if *body == "multipart" {
            Channel::OneClick
        } else {
            Channel::UnsubscribePage
        };
        assert_eq!(channel, expected, "{body}");
    }
}

#[tokio::test]
async fn the_confirmation_mails_unsubscribe_link_declines_the_request() {
    let app = spawn_app().await;
    let mail = app.signup_and_get_mail("notme@example.com").await;
    let confirm = link(&mail, "confirm");
    let response = app
        .client
        .post(app.url(&link(&mail, "unsubscribe")))
        .body("List-Unsubscribe=One-Click")
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        app.status("notme@example.com").as_deref(),
        Some("unsubscribed")
    );
    assert_eq!(
        app.events("notme@example.com").pop().unwrap().act,
        Act::Declined
    );

    // The confirm link no longer confirms.
    assert_eq!(app.get(&confirm).await.status(), 410);
    assert_eq!(
        app.client
            .post(app.url(&confirm))
            .send()
            .await
            .unwrap()
            .status(),
        410
    );
    assert_eq!(
        app.status("notme@example.com").as_deref(),
        Some("unsubscribed")
    );
    app.settle().await;
    assert_eq!(app.smtp.messages().len(), 1, "no welcome, nothing more");
}

#[tokio::test]
async fn unknown_unsubscribe_tokens_are_a_404() {
    let app = spawn_app().await;
    let path = format!("/unsubscribe/{}", "B".repeat(43));
    assert_eq!(app.get(&path).await.status(), 404);
    assert_eq!(
        app.client
            .post(app.url(&path))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        app.client
            .post(app.url("/unsubscribe/short"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}
