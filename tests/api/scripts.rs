//! The API for scripts (contract §13): tokens, pages of subscribers, one
//! person, an erasure, the lists; every answer JSON.

use std::collections::HashSet;

use serde_json::Value;

use crate::support::app::{TestApp, link, spawn_app};

async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
) -> (u16, Value) {
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(kind.starts_with("application/json"), "{path}: {kind}");
    (status, response.json().await.expect("a JSON body"))
}

async fn get(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    call(app, reqwest::Method::GET, path, Some(token)).await
}

#[tokio::test]
async fn without_a_valid_token_every_route_is_401_in_json() {
    let app = spawn_app().await;
    let token = app.api_token("crm").await;
    let revoked = app.api_token("old-script").await;
    let operator = app.signed_in().await;
    let revoke = operator
        .post(
            "/admin/tokens",
            "/admin/tokens/revoke",
            &[("name", "old-script")],
        )
        .await;
    assert_eq!(revoke.status(), 303);

    let other = if token.ends_with('A') { 'B' } else { 'A' };
    let wrong = format!("{}{other}", &token[..token.len() - 1]);
    for path in [
        "/api/v1/subscribers",
        "/api/v1/subscribers/ada@example.com",
        "/api/v1/lists",
    ] {
        for presented in [
            None,
            Some("assent_nonsense"),
            Some(wrong.as_str()),
            Some(revoked.as_str()),
        ] {
            let (status, body) = call(&app, reqwest::Method::GET, path, presented).await;
            assert_eq!(status, 401, "{path} with {presented:?}");
            assert!(body["error"]["message"].is_string(), "{body}");
        }
    }
    let (status, _) = call(
        &app,
        reqwest::Method::DELETE,
        "/api/v1/subscribers/ada@example.com",
        None,
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = get(&app, "/api/v1/lists", &token).await;
    assert_eq!(status, 200);

    let page = operator.html("/admin/tokens").await;
    assert!(
        page.contains("crm") && page.contains("old-script") && page.contains("revoked"),
        "{page}"
    );
}

#[tokio::test]
async fn pages_of_subscribers_visit_each_one_once() {
    let app = spawn_app().await;
    let token = app.api_token("crm").await;
    for n in 0..7 {
        assert_eq!(
            app.signup(&format!("reader{n}@example.com")).await.status(),
            200
        );
    }
    let mut seen = HashSet::new();
    let mut path = "/api/v1/subscribers?limit=3".to_owned();
    let mut pages = 0;
    loop {
        let (status, page) = get(&app, &path, &token).await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        for subscriber in page["subscribers"].as_array().expect("subscribers") {
            let email = subscriber["email"].as_str().expect("email").to_owned();
            assert!(seen.insert(email.clone()), "{email} twice");
            assert_eq!(subscriber["subscriptions"][0]["list"], "newsletter");
            assert_eq!(subscriber["subscriptions"][0]["status"], "pending");
        }
        match page.get("after") {
            Some(after) => path = format!("/api/v1/subscribers?limit=3&after={after}"),
            None => break,
        }
    }
    assert_eq!((seen.len(), pages), (7, 3));

    let (status, confirmed) = get(&app, "/api/v1/subscribers?status=confirmed", &token).await;
    assert_eq!(status, 200);
    assert_eq!(confirmed["subscribers"].as_array().map(Vec::len), Some(0));
    for bad in [
        "?limit=0",
        "?limit=101",
        "?status=happy",
        "?after=yesterday",
    ] {
        let (status, body) = get(&app, &format!("/api/v1/subscribers{bad}"), &token).await;
        assert_eq!(status, 422, "{bad}: {body}");
        assert!(body["error"]["field"].is_string(), "{body}");
    }

    let (status, lists) = get(&app, "/api/v1/lists", &token).await;
    assert_eq!(status, 200);
    assert_eq!(lists["lists"][0]["slug"], "newsletter");
    assert_eq!(lists["lists"][0]["pending"], 7);
    assert_eq!(lists["lists"][0]["confirmed"], 0);
}

#[tokio::test]
async fn a_script_reads_one_person_and_erases_them_like_an_operator() {
    let app = spawn_app().await;
    let token = app.api_token("crm").await;
    let mail = app.signup_and_get_mail("ada@example.com").await;
    app.post(&link(&mail, "confirm")).await;

    let (status, person) = get(&app, "/api/v1/subscribers/ada@example.com", &token).await;
    assert_eq!(status, 200, "{person}");
    assert_eq!(person["subscriber"]["email"], "ada@example.com");
    let events = person["subscriptions"][0]["events"]
        .as_array()
        .expect("events");
    assert!(events.iter().any(|e| e["act"] == "confirmed"), "{person}");

    let (status, body) = get(&app, "/api/v1/subscribers/not-an-address", &token).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("email"))
    );
    let (status, _) = get(&app, "/api/v1/subscribers/nobody@example.com", &token).await;
    assert_eq!(status, 404);

    // The same mailbox, typed with capitals: erased with it, whichever
    // spelling the call names.
    app.signup("Ada@example.com").await;
    let (status, erased) = call(
        &app,
        reqwest::Method::DELETE,
        "/api/v1/subscribers/ADA@example.com",
        Some(&token),
    )
    .await;
    assert_eq!((status, erased), (200, serde_json::json!({"erased": true})));
    assert_eq!(app.status("ada@example.com"), None);
    assert_eq!(app.status("Ada@example.com"), None);
    assert!(app.events("ada@example.com").is_empty());
    let (status, _) = get(&app, "/api/v1/subscribers/ada@example.com", &token).await;
    assert_eq!(status, 404);

    let operator = app.signed_in().await;
    let audit = operator.html("/admin/audit").await;
    assert!(
        audit.contains("API token crm"),
        "every use is audited under the token's name"
    );
    assert!(audit.contains("title=\"erase\""), "{audit}");
}
