//! Contract §4, checked on the messages the SMTP server really received.

use std::collections::HashSet;

use crate::support::app::{link, spawn_app};
use crate::support::smtp::ReceivedMail;

fn check_every_rule(app: &crate::support::app::TestApp, mail: &ReceivedMail) {
    let from = mail.header("From").expect("From");
    assert!(
        from == "\"Test News\" <news@assent.test>" || from == "Test News <news@assent.test>",
        "{from}"
    );
    assert_eq!(mail.mail_from, "news@assent.test");
    let message_id = mail.header("Message-ID").expect("Message-ID");
    assert!(message_id.starts_with('<') && message_id.ends_with('>') && message_id.contains('@'));
    assert!(mail.header("Date").is_some());
    assert_eq!(mail.header("MIME-Version").as_deref(), Some("1.0"));
    assert!(
        mail.header("Content-Type")
            .unwrap()
            .starts_with("multipart/alternative")
    );

    assert_eq!(
        mail.header("List-Id").as_deref(),
        Some("Newsletter <newsletter.127.0.0.1>")
    );
    let unsubscribe = mail.header("List-Unsubscribe").expect("List-Unsubscribe");
    let expected = app.url(&link(mail, "unsubscribe"));
    assert_eq!(unsubscribe, format!("<{expected}>"));
    assert!(
        unsubscribe.is_ascii() && !unsubscribe.contains("=?"),
        "never RFC 2047-encoded"
    );
    let raw_post: Vec<&str> = mail
        .data
        .lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("list-unsubscribe-post:"))
        .collect();
    assert_eq!(
        raw_post,
        ["List-Unsubscribe-Post: List-Unsubscribe=One-Click"]
    );

    let text = mail.text_part().expect("text/plain part");
    let html = mail.html_part().expect("text/html part");
    assert!(
        mail.data
            .to_ascii_lowercase()
            .contains("text/plain; charset=utf-8")
    );
    assert!(
        mail.data
            .to_ascii_lowercase()
            .contains("text/html; charset=utf-8")
    );
    for part in [&text, &html] {
        assert!(
            part.contains(&expected),
            "the unsubscribe link is visible in every part"
        );
        assert!(part.contains("Example Org"), "footer names the sender");
        assert!(
            part.contains("1 Rue de la Paix, 75002 Paris"),
            "footer has the postal address"
        );
    }
    assert!(html.contains(&format!(r#"href="{expected}""#)));
}

#[tokio::test]
async fn the_confirmation_follows_every_rule_of_section_4() {
    let app = spawn_app().await;
    let mail = app.signup_and_get_mail("ada@example.com").await;
    check_every_rule(&app, &mail);
    assert_eq!(
        mail.header("Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    let confirm = app.url(&link(&mail, "confirm"));
    assert!(mail.text_part().unwrap().contains(&confirm));
    assert!(mail.html_part().unwrap().contains(&confirm));
    assert_eq!(mail.header("To").as_deref(), Some("ada@example.com"));
}

#[tokio::test]
async fn the_welcome_follows_every_rule_of_section_4() {
    let app = spawn_app().await;
    let mail = app.signup_and_get_mail("ada@example.com").await;
    app.client
        .post(app.url(&link(&mail, "confirm")))
        .send()
        .await
        .unwrap();
    let welcome = app.mails(2).await.swap_remove(1);
    check_every_rule(&app, &welcome);
    assert!(
        welcome
            .decoded_header("Subject")
            .unwrap()
            .contains("Welcome to Newsletter")
    );
    // Its unsubscribe link is its own, and it works.
    assert_ne!(link(&welcome, "unsubscribe"), link(&mail, "unsubscribe"));
}

#[tokio::test]
async fn message_ids_are_unique() {
    let app = spawn_app().await;
    for i in 0..5 {
        app.signup(&format!("m{i}@example.com")).await;
    }
    let ids: HashSet<String> = app
        .mails(5)
        .await
        .iter()
        .map(|m| m.header("Message-ID").unwrap())
        .collect();
    assert_eq!(ids.len(), 5);
}
