use std::time::Duration;

use assent::domain::{Act, Channel};

use crate::support::app::{link, spawn_app, spawn_app_with};

fn assert_token_headers(response: &reqwest::Response) {
    let headers = response.headers();
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["x-robots-tag"], "noindex");
}

#[tokio::test]
async fn the_confirm_page_shows_a_button_and_changes_nothing() {
    let app = spawn_app().await;
    let mail = app.signup_and_get_mail("ada@example.com").await;
    let confirm = link(&mail, "confirm");

    let page = app.get(&confirm).await;
    assert_eq!(page.status(), 200);
    assert_token_headers(&page);
    let html = page.text().await.unwrap();
    assert!(html.contains("Newsletter"));
    assert!(html.contains(r#"<form method="post">"#));
    assert!(html.contains("Confirm my subscription"));

    let head = app.client.head(app.url(&confirm)).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_token_headers(&head);
    assert_eq!(app.status("ada@example.com").as_deref(), Some("pending"));
}

#[tokio::test]
async fn pressing_confirm_records_the_act_and_sends_a_welcome() {
    let app = spawn_app().await;
    let mail = app.signup_and_get_mail("ada@example.com").await;
    let confirm = link(&mail, "confirm");

    let response = app
        .client
        .post(app.url(&confirm))
        .header("User-Agent", "Test Browser/1.0")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_token_headers(&response);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("subscription confirmed")
    );

    let row = app.subscription("ada@example.com").unwrap();
    assert_eq!(row[2], "confirmed");
    assert!(!row[4].is_empty(), "confirmed_at is set");

    let events = app.events("ada@example.com");
    let act = events.last().unwrap();
    assert_eq!(act.act, Act::Confirmed);
    assert_eq!(act.channel, Channel::ConfirmButton);
    assert_eq!(act.user_agent.as_deref(), Some("Test Browser/1.0"));
    assert_eq!(act.client_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(act.wording_version, events[0].wording_version);
    assert_eq!(act.wording_sha256, events[0].wording_sha256);
    assert!(
        !act.source
            .as_deref()
            .unwrap_or_default()
            .contains(&confirm[9..]),
        "the token is not stored"
    );

    let welcome = &app.mails(2).await[1];
    assert!(
        welcome
            .decoded_header("Subject")
            .unwrap()
            .contains("Welcome")
    );
    assert_eq!(welcome.rcpt_to, ["ada@example.com"]);

    // The GET page now says it is done, without a form.
    let html = app.get(&confirm).await.text().await.unwrap();
    assert!(!html.contains("<form"));
}

#[tokio::test]
async fn a_second_confirm_answers_the_same_and_records_nothing() {
    let app = spawn_app().await;
    let mail = app.signup_and_get_mail("ada@example.com").await;
    let confirm = app.url(&link(&mail, "confirm"));
    let first = app.client.post(&confirm).send().await.unwrap();
    assert_eq!(first.status(), 200);
    let first = first.text().await.unwrap();
    let second = app.client.post(&confirm).send().await.unwrap();
    assert_eq!(second.status(), 200);
    assert_eq!(second.text().await.unwrap(), first);
    assert_eq!(app.events("ada@example.com").len(), 2);
    app.settle().await;
    assert_eq!(app.smtp.messages().len(), 2, "one welcome only");
}

#[tokio::test]
async fn unknown_tokens_are_a_404_page() {
    let app = spawn_app().await;
    let well_formed = format!("/confirm/{}", "A".repeat(43));
    for path in ["/confirm/nope", well_formed.as_str(), "/confirm/%00%0d%0a"] {
        let get = app.get(path).await;
        assert_eq!(get.status(), 404, "{path}");
        assert_token_headers(&get);
        assert!(get.text().await.unwrap().contains("<html lang=\"en\">"));
        let post = app.client.post(app.url(path)).send().await.unwrap();
        assert_eq!(post.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn a_link_naming_a_real_row_with_another_secret_is_a_404_and_confirms_nothing() {
    let app = spawn_app().await;
    let mail = app.signup_and_get_mail("ada@example.com").await;
    let confirm = link(&mail, "confirm");
    let (row, _) = confirm.rsplit_once('.').expect("/confirm/ID.SECRET");
    let secret = assent::domain::Token::generate().expect("entropy");
    let forged = format!("{row}.{}", secret.expose());

    assert_eq!(app.get(&forged).await.status(), 404);
    let post = app.post(&forged).await;
    assert_eq!(post.status(), 404);
    assert_eq!(app.status("ada@example.com").as_deref(), Some("pending"));
    assert_eq!(app.get(&confirm).await.status(), 200);
}

#[tokio::test]
async fn an_expired_link_is_a_410_with_a_way_to_sign_up_again() {
    let app = spawn_app_with(&[("ASSENT_CONFIRM_TTL", "2d")]).await;
    let mail = app.signup_and_get_mail("late@example.com").await;
    let confirm = link(&mail, "confirm");
    app.advance(Duration::from_secs(2 * 86_400 + 1)).await;

    let page = app.get(&confirm).await;
    assert_eq!(page.status(), 410);
    assert_token_headers(&page);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains(r#"href="/subscribe?list=newsletter""#)
    );
    let post = app.post(&confirm).await;
    assert_eq!(post.status(), 410);
    assert_eq!(app.status("late@example.com").as_deref(), Some("pending"));
}
