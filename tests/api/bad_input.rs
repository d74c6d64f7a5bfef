use serde_json::json;

use crate::support::app::{link, spawn_app};

/// Invalid addresses, one per rule, with a word the error message must hold.
const BAD_ADDRESSES: &[(&str, &str)] = &[
    ("", "enter your email"),
    ("   ", "enter your email"),
    ("no-at-sign.example.com", "@"),
    ("two@@example.com", "only one @"),
    ("a@b@example.com", "only one @"),
    ("@example.com", "before the @"),
    ("ada@", "after the @"),
    ("jürgen@example.com", "ASCII"),
    ("Ada Lovelace@example.com", "spaces"),
    ("\"quoted\"@example.com", "before the @"),
    ("(comment)ada@example.com", "before the @"),
    ("ada@[192.0.2.1]", "IP address"),
    ("ada@192.0.2.1", "IP address"),
    ("ada@-example.com", "domain"),
    ("ada@example..com", "domain"),
    ("ada@example.com.", "domain"),
    ("ada@exa_mple.com", "domain"),
    ("<script>@example.com", "before the @"),
    ("ada@example.com\r\nBcc: victim@example.org", "line breaks"),
    ("ada@example.com\nSubject: hi", "line breaks"),
];

fn too_long_local() -> String {
    format!("{}@example.com", "a".repeat(65))
}

fn too_long_address() -> String {
    let label = "d".repeat(60);
    format!("{}@{label}.{label}.{label}.{label}.com", "a".repeat(7))
}

#[tokio::test]
async fn every_address_rule_is_enforced_by_the_form_with_a_clear_message() {
    let app = spawn_app().await;
    let long_local = too_long_local();
    let long_address = too_long_address();
    assert_eq!(long_address.len(), 255);
    let mut cases: Vec<(&str, &str)> = BAD_ADDRESSES.to_vec();
    cases.push((&long_local, "at most 64"));
    cases.push((&long_address, "at most 254"));
    for (email, message) in cases {
        let response = app
            .post_form(
                "/subscribe",
                &[
                    ("email", email),
                    ("name", "Kept Name"),
                    ("list", "newsletter"),
                ],
            )
            .await;
        assert_eq!(response.status(), 422, "{email:?}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains(message),
            "{email:?}: expected {message:?} in\n{html}"
        );
        assert!(
            html.contains(r#"aria-describedby="email-error""#),
            "error tied to its field"
        );
        assert!(html.contains(r#"value="Kept Name""#), "values are kept");
    }
    assert!(app.export().is_empty(), "nothing was stored");
    assert!(app.smtp.messages().is_empty());
}

#[tokio::test]
async fn every_address_rule_is_enforced_by_the_api() {
    let app = spawn_app().await;
    let long_local = too_long_local();
    let long_address = too_long_address();
    let mut cases: Vec<&str> = BAD_ADDRESSES.iter().map(|(e, _)| *e).collect();
    cases.push(&long_local);
    cases.push(&long_address);
    for email in cases {
        let response = app.post_json(&json!({"email": email})).await;
        assert_eq!(response.status(), 422, "{email:?}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["field"], "email", "{email:?}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    for body in [
        json!({}),
        json!({"email": 42}),
        json!({"email": null}),
        json!({"email": ["a@b.c"]}),
    ] {
        let response = app.post_json(&body).await;
        assert_eq!(response.status(), 422, "{body}");
        assert_eq!(
            response.json::<serde_json::Value>().await.unwrap()["error"]["field"],
            "email"
        );
    }
    assert!(app.export().is_empty());
}

#[tokio::test]
async fn a_non_ascii_local_part_is_refused_with_a_message_that_says_so() {
    let app = spawn_app().await;
    let response = app.post_json(&json!({"email": "josé@example.com"})).await;
    assert_eq!(response.status(), 422);
    let message =
        response.json::<serde_json::Value>().await.unwrap()["error"]["message"].to_string();
    assert!(message.contains("ASCII"), "{message}");
}

#[tokio::test]
async fn markup_in_the_name_is_escaped_and_never_mailed() {
    let app = spawn_app().await;
    let name = "<script>alert(1)</script> Visit http://spam.example";
    // Shown back on a refused form: escaped.
    let html = app
        .post_form("/subscribe", &[("email", "bad"), ("name", name)])
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("&#60;script&#62;alert(1)") || html.contains("&lt;script&gt;alert(1)"));

    // Accepted with a valid address: stored, but not in the mail.
    let response = app
        .post_form(
            "/subscribe",
            &[("email", "victim@example.org"), ("name", name)],
        )
        .await;
    assert_eq!(response.status(), 200);
    let mail = &app.mails(1).await[0];
    assert!(!mail.data.contains("spam.example"));
    assert!(!mail.data.contains("alert"));
}

#[tokio::test]
async fn a_name_with_line_breaks_is_refused() {
    let app = spawn_app().await;
    let response = app
        .post_form(
            "/subscribe",
            &[
                ("email", "ok@example.com"),
                ("name", "Eve\r\nBcc: x@example.org"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains(r#"aria-describedby="name-error""#)
    );
    let response = app
        .post_json(&json!({"email": "ok@example.com", "name": "a".repeat(101)}))
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap()["error"]["field"],
        "name"
    );
    assert!(app.export().is_empty());
}

#[tokio::test]
async fn an_unknown_list_is_a_422_next_to_the_form() {
    let app = spawn_app().await;
    let response = app
        .post_form(
            "/subscribe",
            &[("email", "ok@example.com"), ("list", "does-not-exist")],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("does not exist"));
    let response = app
        .post_json(&json!({"email": "ok@example.com", "list": "Not A Slug!"}))
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap()["error"]["field"],
        "list"
    );
    assert!(app.export().is_empty());
}

#[tokio::test]
async fn bodies_over_16_kib_are_refused() {
    let app = spawn_app().await;
    let padding = "x".repeat(17 * 1024);
    let form = app
        .post_form(
            "/subscribe",
            &[("email", "big@example.com"), ("name", &padding)],
        )
        .await;
    assert_eq!(form.status(), 413);
    let api = app
        .post_json(&json!({"email": "big@example.com", "name": padding}))
        .await;
    assert_eq!(api.status(), 413);
    // Without a Content-Length, the stream is cut at the limit.
    let chunks: Vec<Result<String, std::io::Error>> =
        (0..20).map(|_| Ok("a".repeat(1024))).collect();
    let streamed = app
        .client
        .post(app.url("/subscribe"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(streamed.status(), 413);
    assert!(app.export().is_empty());
}

#[tokio::test]
async fn malformed_json_is_a_400_and_other_types_a_415() {
    let app = spawn_app().await;
    for body in ["{", "not json", "[1,2]", "\"a@b.c\"", ""] {
        let response = app
            .client
            .post(app.url("/api/v1/subscribe"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{body:?}");
    }
    let response = app
        .client
        .post(app.url("/api/v1/subscribe"))
        .form(&[("email", "a@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    let response = app
        .client
        .post(app.url("/subscribe"))
        .json(&json!({"email": "a@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    let response = app
        .client
        .post(app.url("/subscribe"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'e', b'm', b'a', b'i', b'l', b'=', 0xff, 0xfe])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error());
    assert!(app.export().is_empty());
}

/// Mail scanners fetch every link they see; none of those fetches may act.
#[tokio::test]
async fn get_and_head_never_change_state() {
    let app = spawn_app().await;
    let mail = app.signup_and_get_mail("scan@example.com").await;
    let confirm = link(&mail, "confirm");
    let unsubscribe = link(&mail, "unsubscribe");
    for path in [
        confirm.as_str(),
        unsubscribe.as_str(),
        "/subscribe?email=other@example.com&list=newsletter",
        "/api/v1/subscribe?email=other@example.com",
    ] {
        for _ in 0..2 {
            app.get(path).await;
            app.client.head(app.url(path)).send().await.unwrap();
        }
    }
    assert_eq!(app.status("scan@example.com").as_deref(), Some("pending"));
    assert_eq!(app.status("other@example.com"), None);
    assert_eq!(app.events("scan@example.com").len(), 1);
    assert_eq!(app.smtp.messages().len(), 1);
    // The links still work for the person.
    assert_eq!(
        app.client
            .post(app.url(&confirm))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}
