use assent::domain::{Act, Channel};
use serde_json::json;

use crate::support::app::{link, spawn_app, spawn_app_with};

#[tokio::test]
async fn the_signup_page_works_without_javascript() {
    let app = spawn_app().await;
    for path in ["/", "/subscribe", "/subscribe?list=newsletter"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.unwrap();
        assert!(html.starts_with("<!doctype html>"), "{path}");
        assert!(html.contains(r#"<html lang="en">"#));
        assert!(html.contains(r#"<form method="post" action="/subscribe""#));
        assert!(html.contains(r#"name="email""#) && html.contains("required"));
        assert!(html.contains(r#"name="name""#));
        assert!(html.contains(r#"type="hidden" name="list" value="newsletter""#));
        assert!(html.contains("Newsletter"), "names the list");
        assert!(
            html.contains("I agree to receive"),
            "shows the consent wording"
        );
        assert!(!html.contains("<script"), "needs no JavaScript");
    }
    let css = app.get("/static/style.css").await;
    assert_eq!(css.status(), 200);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

/// What GDPR art. 13 asks at collection: who, why, how long, the rights.
#[tokio::test]
async fn the_signup_page_says_who_keeps_the_data_how_long_and_how_to_act_on_it() {
    let app = spawn_app_with(&[
        ("ASSENT_PRIVACY_URL", "https://example.org/privacy"),
        ("ASSENT_RECONFIRM_AFTER", "0"),
    ])
    .await;
    let html = app.get("/").await.text().await.unwrap();
    assert!(
        html.contains("Example Org, 1 Rue de la Paix, 75002 Paris"),
        "{html}"
    );
    assert!(html.contains("deleted after 30 days"));
    assert!(
        !html.contains("we ask whether you still want it"),
        "that clock is off"
    );
    assert!(html.contains("erase yourself"));
    assert!(html.contains(r#"<a href="https://example.org/privacy">"#));

    let app = spawn_app().await;
    let html = app.get("/").await.text().await.unwrap();
    assert!(html.contains("after 3 years we ask whether you still want it"));
    assert!(
        !html.contains("privacy policy"),
        "no policy link unless one is set"
    );
}

#[tokio::test]
async fn an_unknown_list_page_is_a_404() {
    let app = spawn_app().await;
    assert_eq!(app.get("/subscribe?list=nope").await.status(), 404);
    assert_eq!(app.get("/subscribe?list=..%2F..").await.status(), 404);
    assert_eq!(app.get("/no/such/page").await.status(), 404);
}

#[tokio::test]
async fn a_signup_stores_a_pending_subscription_and_mails_a_confirmation() {
    let app = spawn_app().await;
    let response = app
        .post_form(
            "/subscribe",
            &[
                ("email", "ada@example.com"),
                ("name", "Ada"),
                ("list", "newsletter"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("ada@example.com"));
    assert!(html.to_lowercase().contains("check your inbox"));

    let row = app.subscription("ada@example.com").expect("stored");
    assert_eq!(row[1], "newsletter");
    assert_eq!(row[2], "pending");
    assert!(row[4].is_empty() && row[5].is_empty());

    let mail = &app.mails(1).await[0];
    assert_eq!(mail.rcpt_to, ["ada@example.com"]);
    assert!(link(mail, "confirm").starts_with("/confirm/"));

    let events = app.events("ada@example.com");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].act, Act::Requested);
    assert_eq!(events[0].channel, Channel::Form);
    assert_eq!(events[0].client_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(events[0].wording_version, Some(1));
    assert_eq!(events[0].wording_sha256.as_ref().map(String::len), Some(64));
}

#[tokio::test]
async fn multipart_signups_work_too() {
    let app = spawn_app().await;
    let form = reqwest::multipart::Form::new()
        .text("email", "multi@example.com")
        .text("list", "newsletter");
    let response = app
        .client
        .post(app.url("/subscribe"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(app.status("multi@example.com").as_deref(), Some("pending"));
}

#[tokio::test]
async fn an_internationalised_domain_is_stored_as_its_a_label() {
    let app = spawn_app().await;
    assert_eq!(app.signup("Leser@Bücher.Example").await.status(), 200);
    assert_eq!(
        app.status("Leser@xn--bcher-kva.example").as_deref(),
        Some("pending")
    );
    assert_eq!(
        app.mails(1).await[0].rcpt_to,
        ["Leser@xn--bcher-kva.example"]
    );
}

/// The page must not tell an onlooker whether an address is known.
#[tokio::test]
async fn every_valid_address_gets_the_same_answer_whatever_its_state() {
    let app = spawn_app().await;
    let page = |html: String, email: &str| html.replace(email, "EMAIL");

    let new = page(
        app.signup("new@example.com").await.text().await.unwrap(),
        "new@example.com",
    );

    let pending_mail = app.signup_and_get_mail("pending@example.com").await;
    let _ = pending_mail;
    let pending = page(
        app.signup("pending@example.com")
            .await
            .text()
            .await
            .unwrap(),
        "pending@example.com",
    );

    let mail = app.signup_and_get_mail("confirmed@example.com").await;
    assert_eq!(
        app.client
            .post(app.url(&link(&mail, "confirm")))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let confirmed = app.signup("confirmed@example.com").await;
    assert_eq!(confirmed.status(), 200);
    let confirmed = page(confirmed.text().await.unwrap(), "confirmed@example.com");

    let mail = app.signup_and_get_mail("gone@example.com").await;
    app.client
        .post(app.url(&link(&mail, "unsubscribe")))
        .send()
        .await
        .unwrap();
    let unsubscribed = page(
        app.signup("gone@example.com").await.text().await.unwrap(),
        "gone@example.com",
    );

    assert_eq!(new, pending);
    assert_eq!(new, confirmed);
    assert_eq!(new, unsubscribed);

    for email in [
        "new@example.com",
        "pending@example.com",
        "confirmed@example.com",
        "gone@example.com",
    ] {
        let answer = app.post_json(&json!({"email": email})).await;
        assert_eq!(answer.status(), 202, "{email}");
        assert_eq!(
            answer.json::<serde_json::Value>().await.unwrap(),
            json!({"status": "pending"})
        );
    }
}

#[tokio::test]
async fn a_pending_address_is_not_mailed_again_within_ten_minutes() {
    let app = spawn_app().await;
    app.signup_and_get_mail("twice@example.com").await;
    assert_eq!(app.signup("twice@example.com").await.status(), 200);
    assert_eq!(
        app.post_json(&json!({"email": "twice@example.com"}))
            .await
            .status(),
        202
    );
    app.settle().await;
    assert_eq!(app.smtp.messages().len(), 1);
    // Each request is still on record.
    assert_eq!(app.events("twice@example.com").len(), 3);
}

#[tokio::test]
async fn a_confirmed_address_is_sent_nothing_new() {
    let app = spawn_app().await;
    let mail = app.signup_and_get_mail("done@example.com").await;
    app.client
        .post(app.url(&link(&mail, "confirm")))
        .send()
        .await
        .unwrap();
    app.mails(2).await; // the welcome message
    assert_eq!(app.signup("done@example.com").await.status(), 200);
    app.settle().await;
    assert_eq!(app.smtp.messages().len(), 2);
    assert_eq!(app.status("done@example.com").as_deref(), Some("confirmed"));
}

#[tokio::test]
async fn the_api_accepts_json_and_records_its_channel() {
    let app = spawn_app().await;
    let response = app
        .post_json(&json!({"email": "api@example.com", "name": "Api", "list": "newsletter"}))
        .await;
    assert_eq!(response.status(), 202);
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap(),
        json!({"status": "pending"})
    );
    assert_eq!(app.events("api@example.com")[0].channel, Channel::Api);
    app.mails(1).await;
}

#[tokio::test]
async fn the_client_rate_limit_answers_429_with_retry_after() {
    let app = spawn_app_with(&[("ASSENT_SIGNUP_RATE", "3")]).await;
    for i in 0..3 {
        assert_eq!(app.signup(&format!("r{i}@example.com")).await.status(), 200);
    }
    let refused = app.signup("r3@example.com").await;
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&wait), "{wait}");
    assert!(refused.text().await.unwrap().contains("<html lang=\"en\">"));
    // The form and the API share the limit.
    let api = app.post_json(&json!({"email": "r4@example.com"})).await;
    assert_eq!(api.status(), 429);
    assert!(api.headers().contains_key("retry-after"));
    assert_eq!(app.status("r3@example.com"), None);
    assert_eq!(app.status("r4@example.com"), None);
}

#[tokio::test]
async fn the_api_answers_cors_preflights_for_configured_origins() {
    let app = spawn_app_with(&[("ASSENT_CORS_ORIGINS", "https://shop.example")]).await;
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/subscribe"))
        .header("Origin", "https://shop.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "https://shop.example"
    );

    let other = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/subscribe"))
        .header("Origin", "https://evil.example")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    assert!(!other.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn health_reports_the_database() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap(),
        json!({"status": "ok"})
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_is_recorded_and_limited() {
    let app = spawn_app_with(&[
        ("ASSENT_TRUSTED_PROXIES", "127.0.0.1"),
        ("ASSENT_SIGNUP_RATE", "1"),
    ])
    .await;
    let from = |client: &'static str, email: &'static str| {
        app.client
            .post(app.url("/subscribe"))
            .header("X-Forwarded-For", format!("198.51.100.66, {client}"))
            .form(&[("email", email)])
            .send()
    };
    assert_eq!(
        from("203.0.113.7", "a@example.com").await.unwrap().status(),
        200
    );
    assert_eq!(
        app.events("a@example.com")[0].client_ip.as_deref(),
        Some("203.0.113.7")
    );
    // Each forwarded client has its own allowance.
    assert_eq!(
        from("203.0.113.8", "b@example.com").await.unwrap().status(),
        200
    );
    assert_eq!(
        from("203.0.113.7", "c@example.com").await.unwrap().status(),
        429
    );
}

#[tokio::test]
async fn x_forwarded_for_is_ignored_from_an_untrusted_peer() {
    let app = spawn_app().await;
    app.client
        .post(app.url("/subscribe"))
        .header("X-Forwarded-For", "203.0.113.7")
        .form(&[("email", "a@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        app.events("a@example.com")[0].client_ip.as_deref(),
        Some("127.0.0.1")
    );
}

#[tokio::test]
async fn a_bot_that_fills_the_hidden_field_gets_the_same_page_and_nothing_is_stored() {
    let app = spawn_app().await;
    let form = app.get("/").await.text().await.unwrap();
    let trap = form
        .split("<div class=\"trap\" aria-hidden=\"true\">")
        .nth(1)
        .expect("the trap field, hidden from screen readers");
    assert!(trap.contains("name=\"website\"") && trap.contains("tabindex=\"-1\""));
    assert!(trap.contains("autocomplete=\"off\""));

    let person = app
        .post_form(
            "/subscribe",
            &[("email", "person@example.com"), ("website", "")],
        )
        .await;
    let bot = app
        .post_form(
            "/subscribe",
            &[
                ("email", "bot@example.com"),
                ("website", "https://spam.example"),
            ],
        )
        .await;
    assert_eq!(
        (person.status().as_u16(), bot.status().as_u16()),
        (200, 200)
    );
    let (person, bot) = (person.text().await.unwrap(), bot.text().await.unwrap());
    assert_eq!(
        bot.replace("bot@example.com", "ADDRESS"),
        person.replace("person@example.com", "ADDRESS"),
        "the bot cannot tell"
    );

    app.mails(1).await;
    app.settle().await;
    assert!(app.status("bot@example.com").is_none(), "nothing stored");
    assert_eq!(app.smtp.messages().len(), 1, "only the person is mailed");
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("assent_honeypot_total 1"), "{metrics}");

    // The dashboard counts it too, once the heartbeat has written it: what
    // another process sharing the database would see.
    let operator = app.signed_in().await;
    let written = async || {
        let mut conn = app.conn();
        let totals = assent::db::abuse::totals_since(&mut conn, 0).unwrap();
        let honeypot = totals.iter().filter(|(r, _)| r == "honeypot");
        honeypot.map(|(_, n)| n).sum::<i64>() == 1
    };
    let limit = std::time::Duration::from_secs(10);
    crate::support::eventually("the honeypot written", limit, written).await;
    let dashboard = operator.html("/admin").await;
    let panel = dashboard
        .split("id=\"turned-away-heading\"")
        .nth(1)
        .expect("the panel of signups turned away");
    assert!(
        panel.contains("Trap field filled</dt>\n          <dd>1</dd>"),
        "{panel}"
    );
}
