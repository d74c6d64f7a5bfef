//! The public archive (contract §17): what a broadcast marked public shows
//! once sent, to anyone, in a page and an Atom feed, with no recipient's
//! data.

use std::time::Duration;

use crate::support::admin::Operator;
use crate::support::app::spawn_app_with;
use crate::support::eventually;
use crate::support::seed::{Seeded, addresses};

/// Writes a draft to `newsletter`, public or not, and sends it; returns its
/// admin page.
async fn sent(operator: &Operator, subject: &str, body: &str, public: bool) -> String {
    let mut fields = vec![("list", "newsletter"), ("subject", subject), ("body", body)];
    if public {
        fields.push(("public", "yes"));
    }
    let response = operator
        .post("/admin/broadcasts/new", "/admin/broadcasts", &fields)
        .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap();
    let page = location.split('?').next().unwrap().to_owned();
    let send = operator
        .post(&page, &format!("{page}/send"), &[("confirm", "yes")])
        .await;
    assert_eq!(send.status(), 303);
    page
}

#[tokio::test]
async fn a_public_broadcast_is_archived_once_sent_without_any_recipient_s_data() {
    let app = spawn_app_with(&[("ASSENT_SEND_RATE", "0")]).await;
    let readers = addresses("reader", 3);
    app.seed(&readers, Seeded::Confirmed);
    let operator = app.signed_in().await;
    assert!(
        app.get("/archive")
            .await
            .text()
            .await
            .unwrap()
            .contains("Nothing has been published here yet.")
    );

    let page = sent(
        &operator,
        "Été : la rentrée",
        "# Back\n\nThe **news** & more.",
        true,
    )
    .await;
    sent(&operator, "Members only", "Private.", false).await;
    let draft = operator
        .post(
            "/admin/broadcasts/new",
            "/admin/broadcasts",
            &[
                ("list", "newsletter"),
                ("subject", "Not yet"),
                ("body", "Soon."),
                ("public", "yes"),
            ],
        )
        .await;
    assert_eq!(draft.status(), 303);
    let all_sent = async || operator.html(&page).await.contains("badge-sent");
    eventually("the broadcast sent", Duration::from_secs(30), all_sent).await;
    app.settle().await;

    let index = app.get("/archive").await;
    assert_eq!(index.status(), 200);
    let index = index.text().await.unwrap();
    assert!(index.contains("Été : la rentrée"), "{index}");
    assert!(!index.contains("Members only"), "not public: {index}");
    assert!(!index.contains("Not yet"), "not sent: {index}");
    let id = page.rsplit('/').next().unwrap();
    let path = format!("/archive/{id}-ete-la-rentree");
    assert!(index.contains(&format!("href=\"{path}\"")), "{index}");
    assert!(
        index.contains("application/atom+xml"),
        "the feed is announced"
    );

    let issue = app.get(&path).await;
    assert_eq!(issue.status(), 200);
    assert!(
        issue.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("public")
    );
    let issue = issue.text().await.unwrap();
    assert!(
        issue.contains("<strong>news</strong> &amp; more"),
        "{issue}"
    );
    for reader in &readers {
        assert!(!issue.contains(reader.as_str()), "no recipient: {issue}");
    }
    assert!(!issue.contains("/unsubscribe/"), "no one's link: {issue}");
    // The address by its id alone leads to the issue's own.
    let short = app.get(&format!("/archive/{id}")).await;
    assert_eq!(short.status(), 301);
    assert_eq!(short.headers()["location"], path.as_str());

    // Per list, and in French for a browser that asks for it.
    let of_list = app
        .get("/archive?list=newsletter")
        .await
        .text()
        .await
        .unwrap();
    assert!(of_list.contains("Archive of Newsletter"), "{of_list}");
    assert_eq!(app.get("/archive?list=nope").await.status(), 404);
    let french = app
        .client
        .get(format!("{}/archive", app.address))
        .header("Accept-Language", "fr-FR,fr;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(french.contains("<h1>Archives</h1>"), "{french}");

    // Neither an unsent nor a private broadcast has an archive page.
    let private = page
        .rsplit('/')
        .next()
        .and_then(|n| n.parse::<i64>().ok())
        .unwrap()
        + 1;
    assert_eq!(app.get(&format!("/archive/{private}")).await.status(), 404);
    assert_eq!(
        app.get(&format!("/archive/{}", private + 1)).await.status(),
        404
    );
    assert_eq!(app.get("/archive/x").await.status(), 404);

    let feed = app.get("/archive.atom").await;
    assert_eq!(feed.status(), 200);
    assert_eq!(
        feed.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let feed = feed.text().await.unwrap();
    assert!(feed.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    assert_eq!(feed.matches("<entry>").count(), 1, "{feed}");
    assert!(feed.contains("<title>Été : la rentrée</title>"), "{feed}");
    assert!(
        feed.contains(&format!("<id>{}{path}</id>", app.address)),
        "{feed}"
    );
    // The content is the issue's HTML, escaped as text.
    assert!(!feed.contains("<strong>"), "{feed}");
    let content = feed
        .replace("&#60;", "<")
        .replace("&lt;", "<")
        .replace("&#62;", ">")
        .replace("&gt;", ">")
        .replace("&#38;", "&");
    assert!(
        content.contains("<strong>news</strong> &amp; more"),
        "{feed}"
    );
    for reader in &readers {
        assert!(!feed.contains(reader.as_str()));
    }
}
