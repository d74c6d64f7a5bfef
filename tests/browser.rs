//! End to end in headless Chromium: an operator signs in, finds a
//! subscriber, reads their consent history and erases them.

#[path = "support/mod.rs"]
mod support;

use support::admin::{OPERATOR, PASSWORD};
use support::app::{link, spawn_app};
use support::webdriver::{Browser, chromedriver};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_finds_a_subscriber_reads_their_consent_and_erases_them() {
    let Some(driver) = chromedriver() else {
        eprintln!("skipped: chromedriver is not installed (apt-get install chromium-driver)");
        return;
    };
    let app = spawn_app().await;
    app.create_operator(OPERATOR, PASSWORD);
    let mail = app.signup_and_get_mail("erase.me@example.com").await;
    app.client
        .post(app.url(&link(&mail, "confirm")))
        .send()
        .await
        .unwrap();
    app.signup("stays@example.com").await;

    let browser = Browser::start(driver).await;
    browser.goto(&app.url("/admin/subscribers")).await;
    browser.wait_for_path("/admin/login").await;
    browser.type_into("input[name=email]", OPERATOR).await;
    browser.type_into("input[name=password]", PASSWORD).await;
    browser.click("button[type=submit]").await;
    browser.wait_for_path("/admin/subscribers").await;

    browser.type_into("input[name=q]", "erase.me").await;
    browser.click("form[method=get] button[type=submit]").await;
    // The unfiltered page links the same subscriber: wait for the search's.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !browser.url().await.contains("q=erase.me") {
        assert!(
            std::time::Instant::now() < deadline,
            "the search page loads"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    browser.find("a[href='/admin/subscribers/1']").await;
    let results = browser.source().await;
    assert!(results.contains("erase.me@example.com") && !results.contains("stays@example.com"));
    browser.click("a[href='/admin/subscribers/1']").await;
    browser.wait_for_path("/admin/subscribers/1").await;

    let history = browser.source().await;
    assert!(
        history.contains("requested") && history.contains("confirm_button"),
        "the consent history is shown"
    );

    browser.click("#erase-confirm").await;
    browser
        .click("form[action$='/erase'] button[type=submit]")
        .await;
    browser.wait_for_path("/admin/subscribers").await;
    assert!(!browser.source().await.contains("erase.me@example.com"));
    assert_eq!(app.status("erase.me@example.com"), None, "erased");
    assert!(app.status("stays@example.com").is_some());
}
