//! End to end in headless Chromium: an operator signs in, finds a
//! subscriber, reads their consent history and erases them; a person signs
//! up through the proof of work under the page's Content-Security-Policy,
//! and through the form embedded on another site.

#[path = "support/mod.rs"]
mod support;

use support::admin::{OPERATOR, PASSWORD};
use support::app::{link, spawn_app, spawn_app_with};
use support::webdriver::{Browser, chromedriver};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_finds_a_subscriber_reads_their_consent_and_erases_them() {
    let Some(driver) = chromedriver() else {
        support::part_missing("chromedriver", "apt-get install chromium chromium-driver");
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
    let searched = async || browser.url().await.contains("q=erase.me");
    let limit = std::time::Duration::from_secs(10);
    support::eventually("the search page loads", limit, searched).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_up_while_the_browser_solves_the_proof_of_work() {
    let Some(driver) = chromedriver() else {
        support::part_missing("chromedriver", "apt-get install chromium chromium-driver");
        return;
    };
    let app = spawn_app_with(&[("ASSENT_POW", "on")]).await;
    let browser = Browser::start(driver).await;
    browser.goto(&app.url("/")).await;
    browser
        .type_into("input[name=email]", "person@example.com")
        .await;
    // The widget's hidden field appears once its calculation is done: a
    // script blocked by the page's own policy would never get there.
    browser.find("input[type=hidden][name=altcha]").await;
    browser.click("form button[type=submit]").await;
    browser.wait_for_text("Check your inbox").await;
    assert_eq!(app.status("person@example.com").as_deref(), Some("pending"));
    app.mails(1).await;
}

/// The snippet of the list page, pasted into a page of another origin
/// (`localhost` against the server's `127.0.0.1`), signs a person up, with
/// the proof of work solved from there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_embedded_on_another_site_signs_a_person_up() {
    let Some(driver) = chromedriver() else {
        support::part_missing("chromedriver", "apt-get install chromium chromium-driver");
        return;
    };
    let app = spawn_app_with(&[("ASSENT_POW", "on")]).await;
    let operator = app.signed_in().await;
    let list_page = operator.html("/admin/lists/1").await;
    let snippet = list_page
        .split("<pre class=\"code\" tabindex=\"0\"><code>")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .map(unescape)
        .expect("the embed snippet");
    assert!(snippet.contains("altcha-embed.js"), "{snippet}");
    let site = another_site(format!(
        "<!doctype html><html><head><title>A blog</title></head><body><h1>My blog</h1>{snippet}</body></html>"
    ))
    .await;

    let browser = Browser::start(driver).await;
    browser.goto(&format!("http://localhost:{site}/")).await;
    browser
        .type_into("input[name=email]", "reader@example.com")
        .await;
    browser.find("input[type=hidden][name=altcha]").await;
    browser.click("form button[type=submit]").await;
    browser.wait_for_text("Check your inbox").await;
    assert_eq!(app.status("reader@example.com").as_deref(), Some("pending"));
}

/// A web server of someone else's that answers every request with `page`.
async fn another_site(page: String) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let page = page.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request).await;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
                    page.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    port
}

/// The text of HTML escaped as askama escapes it.
fn unescape(html: &str) -> String {
    html.replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#38;", "&")
}

/// On a phone 390 px wide, the person's own page, the operators'
/// subscriber list and the segment form fit the screen: nothing to scroll
/// sideways to reach.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_own_page_and_the_subscriber_list_fit_a_phone() {
    let Some(driver) = chromedriver() else {
        support::part_missing("chromedriver", "apt-get install chromium chromium-driver");
        return;
    };
    let app = spawn_app().await;
    app.create_operator(OPERATOR, PASSWORD);
    let mail = app
        .signup_and_get_mail("a.rather.long.address.for.a.phone@example.com")
        .await;
    let browser = Browser::phone(driver, 390).await;
    let width = async || {
        let widths = browser
            .execute("return [document.documentElement.scrollWidth, window.innerWidth]")
            .await;
        (
            widths[0].as_i64().unwrap_or(0),
            widths[1].as_i64().unwrap_or(0),
        )
    };
    browser.goto(&app.url(&link(&mail, "me"))).await;
    browser.find("form[action$='/leave'] button").await;
    assert_eq!(width().await, (390, 390), "the own page");

    browser.goto(&app.url("/admin/subscribers")).await;
    browser.wait_for_path("/admin/login").await;
    browser.type_into("input[name=email]", OPERATOR).await;
    browser.type_into("input[name=password]", PASSWORD).await;
    browser.click("button[type=submit]").await;
    browser.wait_for_path("/admin/subscribers").await;
    browser.find("a[href='/admin/subscribers/1']").await;
    assert_eq!(width().await, (390, 390), "the subscriber list");

    browser.goto(&app.url("/admin/segments")).await;
    browser.find("select[name='what.0']").await;
    assert_eq!(width().await, (390, 390), "the segment form");
}

/// The editor's preview follows the typing: Markdown, an uploaded image
/// under the admin's Content-Security-Policy, the reader's name at its
/// default, and a variable the body may not name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_broadcast_editor_previews_as_the_operator_types() {
    let Some(driver) = chromedriver() else {
        support::part_missing("chromedriver", "apt-get install chromium chromium-driver");
        return;
    };
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    let stored =
        support::media::upload_image(&operator, "pixel.png", support::media::PIXEL.to_vec()).await;
    assert_eq!(stored.status(), 303);
    let media = operator.html("/admin/media").await;
    let start = media.find("value=\"![](").expect("an image") + "value=\"![](".len();
    let url = media[start..].split(')').next().unwrap().to_owned();

    let browser = Browser::start(driver).await;
    browser.goto(&app.url("/admin/broadcasts/new")).await;
    browser.wait_for_path("/admin/login").await;
    browser.type_into("input[name=email]", OPERATOR).await;
    browser.type_into("input[name=password]", PASSWORD).await;
    browser.click("button[type=submit]").await;
    // Signed in, the browser is led back to the page it asked for.
    browser.wait_for_path("/admin/broadcasts/new").await;
    browser.find("#broadcast-form textarea[name=body]").await;

    browser.type_into("input[name=subject]", "Our news").await;
    let body = format!(
        "Dear {{{{ subscriber.name | default(\"reader\") }}}}, the **news**.\n\n![a pixel]({url})"
    );
    browser.type_into("textarea[name=body]", &body).await;
    let preview = async || {
        browser
            .execute("return document.getElementById('preview-html').innerHTML")
            .await
            .as_str()
            .unwrap_or_default()
            .contains("Dear reader, the <strong>news</strong>.")
    };
    let limit = std::time::Duration::from_secs(10);
    support::eventually("the preview follows the typing", limit, preview).await;
    let image_shows = async || {
        browser
            .execute("var i = document.querySelector('#preview-html img'); return i ? i.complete && i.naturalWidth : 0")
            .await
            .as_i64()
            .unwrap_or(0)
            == 1
    };
    support::eventually("the uploaded image shows", limit, image_shows).await;
    let text = browser
        .execute("return document.getElementById('preview-text').textContent")
        .await;
    assert!(
        text.as_str()
            .unwrap_or_default()
            .contains("Dear reader, the news."),
        "the text part with its footer: {text}"
    );

    browser
        .type_into("textarea[name=body]", " {{ subscriber.plan }}")
        .await;
    let problem = async || {
        browser
            .execute("var p = document.getElementById('preview-problem'); return p.hidden ? '' : p.textContent")
            .await
            .as_str()
            .unwrap_or_default()
            .contains("subscriber.plan")
    };
    support::eventually("the problem is named", limit, problem).await;
}
