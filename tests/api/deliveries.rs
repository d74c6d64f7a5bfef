//! The delivery record (contract §19): each message with its fate, the
//! relay it went to and the relay's last reply, filtered, and on the
//! subscriber's page.

use crate::support::app::spawn_app_with;
use crate::support::smtp::Behaviour;

/// The rows of the record's table, as (recipient, status) pairs.
fn rows(html: &str) -> Vec<(String, String)> {
    html.split("<tr>")
        .skip(2)
        .filter_map(|row| {
            let cells: Vec<&str> = row.split("<td").collect();
            let recipient = cells.get(3)?.split('>').nth(1)?.split('<').next()?;
            let status = row
                .split("class=\"badge badge-")
                .nth(1)?
                .split('"')
                .next()?;
            Some((recipient.to_owned(), status.to_owned()))
        })
        .collect()
}

#[tokio::test]
async fn an_operator_finds_each_message_s_fate_and_the_relay_s_reply() {
    let secret = "a bounce secret of some length";
    let app = spawn_app_with(&[("ASSENT_BOUNCE_SECRET", secret)]).await;
    app.signup("ok@example.com").await;
    app.settle().await;
    app.smtp.refuse("gone@example.com");
    app.signup("gone@example.com").await;
    app.settle().await;
    app.smtp.set_behaviour(Behaviour::TempFail);
    app.signup("later@example.com").await;
    app.settle().await;
    app.smtp.set_behaviour(Behaviour::Accept);
    let operator = app.signed_in().await;

    let all = operator.html("/admin/deliveries").await;
    assert_eq!(
        rows(&all),
        [
            ("later@example.com".to_owned(), "queued".to_owned()),
            ("gone@example.com".to_owned(), "bounced".to_owned()),
            ("ok@example.com".to_owned(), "sent".to_owned()),
        ],
        "{all}"
    );
    let relay = format!("127.0.0.1:{}", app.smtp.port());
    assert_eq!(
        all.matches(&format!("<td>{relay}</td>")).count(),
        3,
        "{all}"
    );
    assert!(all.contains("451"), "the 4xx it is waiting on: {all}");
    assert!(all.contains("550"), "the refusal: {all}");
    assert!(
        all.contains("The mailbox does not exist."),
        "what the refusal means: {all}"
    );

    let bounced = operator.html("/admin/deliveries?status=bounced").await;
    assert_eq!(
        rows(&bounced),
        [("gone@example.com".to_owned(), "bounced".to_owned())]
    );
    let one = operator.html("/admin/deliveries?q=OK%40example.com").await;
    assert_eq!(
        rows(&one),
        [("ok@example.com".to_owned(), "sent".to_owned())]
    );
    let welcomes = operator.html("/admin/deliveries?kind=welcome").await;
    assert!(rows(&welcomes).is_empty(), "{welcomes}");
    let confirmations = operator
        .html("/admin/deliveries?kind=confirmation&status=sent")
        .await;
    assert_eq!(rows(&confirmations).len(), 1);

    for (query, says) in [
        ("kind=nope", "Choose a kind from the list."),
        ("status=lost", "Choose a status from the list."),
        ("broadcast=x", "A broadcast is named by its number."),
        (
            "q=nobody%40example.com",
            "No subscriber has the address nobody@example.com.",
        ),
    ] {
        let refused = operator.get(&format!("/admin/deliveries?{query}")).await;
        assert_eq!(refused.status(), 422, "{query}");
        assert!(refused.text().await.unwrap().contains(says), "{query}");
    }

    // A complaint about a recipient after their message went marks it
    // (another domain: example.com is held after the 451).
    app.signup("angry@elsewhere.example").await;
    app.settle().await;
    let complaint = app
        .client
        .post(app.url("/webhooks/bounce"))
        .bearer_auth(secret)
        .json(&serde_json::json!({"email": "angry@elsewhere.example", "kind": "complaint"}))
        .send()
        .await
        .unwrap();
    assert!(complaint.status().is_success(), "{}", complaint.status());
    let complained = operator.html("/admin/deliveries?status=complained").await;
    assert_eq!(
        rows(&complained),
        [(
            "angry@elsewhere.example".to_owned(),
            "complained".to_owned()
        )],
        "{complained}"
    );
    let sent = operator.html("/admin/deliveries?status=sent").await;
    assert_eq!(
        rows(&sent),
        [("ok@example.com".to_owned(), "sent".to_owned())]
    );

    // The person's own page shows their messages.
    let page = operator.html("/admin/subscribers/1").await;
    assert_eq!(
        rows(&page),
        [("ok@example.com".to_owned(), "sent".to_owned())],
        "{page}"
    );
}
