//! Segments and the subscriber list (contract §16): conditions built from
//! form selects, the people they choose, the list's search, pages and
//! total, actions on several, and exports that follow the filter.

use assent::domain::{Act, Channel};

use crate::fields::company_and_plan;
use crate::support::admin::Operator;
use crate::support::app::{TestApp, link, spawn_app};
use crate::support::seed::{Seeded, addresses};

/// Signs `email` up with a name, a company and a plan; confirms when asked.
async fn person(app: &TestApp, email: &str, name: &str, company: &str, plan: &str, confirm: bool) {
    let before = app.smtp.messages().len();
    let signed = app
        .post_form(
            "/subscribe",
            &[
                ("email", email),
                ("name", name),
                ("field.company", company),
                ("field.plan", plan),
            ],
        )
        .await;
    assert_eq!(signed.status(), 200);
    let mail = app.mails(before + 1).await.swap_remove(before);
    if confirm {
        assert_eq!(app.post(&link(&mail, "confirm")).await.status(), 200);
        app.mails(before + 2).await; // the welcome
    }
}

/// Ada and Bob confirmed, on the pro and free plans; Cy pro but pending.
async fn three_people(app: &TestApp, operator: &Operator) {
    company_and_plan(operator).await;
    person(
        app,
        "ada@example.com",
        "Ada Lovelace",
        "Analytical Engines",
        "pro",
        true,
    )
    .await;
    person(
        app,
        "bob@example.com",
        "Bob Babbage",
        "Difference Ltd",
        "free",
        true,
    )
    .await;
    person(app, "cy@example.com", "Cy Young", "Cy Corp", "pro", false).await;
}

async fn save_segment(operator: &Operator, fields: &[(&str, &str)]) -> reqwest::Response {
    operator
        .post("/admin/segments", "/admin/segments", fields)
        .await
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"]
        .to_str()
        .expect("a location")
        .to_owned()
}

#[tokio::test]
async fn a_segment_of_confirmed_pro_subscribers_chooses_and_exports_exactly_them() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    three_people(&app, &operator).await;

    let saved = save_segment(
        &operator,
        &[
            ("name", "Pro readers"),
            ("match", "all"),
            ("what.0", "list:1"),
            ("op.0", "is"),
            ("value.0", "confirmed"),
            ("what.1", "field:plan"),
            ("op.1", "is"),
            ("value.1", "pro"),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    let page_url = location(&saved);
    assert!(page_url.starts_with("/admin/segments/"), "{page_url}");
    app.settle().await;
    let page = operator.html(&page_url).await;
    assert!(page.contains("1 subscriber matches now"), "{page}");
    assert!(page.contains("ada@example.com"), "{page}");
    assert!(!page.contains("bob@example.com") && !page.contains("cy@example.com"));
    let id = page_url
        .trim_start_matches("/admin/segments/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();

    let csv = operator
        .get(&format!("/admin/export.csv?segment={id}"))
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "email,list,status,created_at,confirmed_at,unsubscribed_at,name,field.company,field.plan"
    );
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].starts_with("ada@example.com,"), "{csv}");
    assert!(
        lines[1].ends_with(",Ada Lovelace,Analytical Engines,pro"),
        "{csv}"
    );

    let list = operator
        .html(&format!("/admin/subscribers?segment={id}"))
        .await;
    assert!(list.contains("1 subscriber"), "{list}");
    assert!(list.contains("ada@example.com") && !list.contains("cy@example.com"));

    // The API for scripts follows the same filter.
    let token = app.api_token("crm").await;
    let api = |path: String| {
        let (app, token) = (&app, &token);
        async move {
            let response = app
                .client
                .get(app.url(&path))
                .bearer_auth(token)
                .send()
                .await
                .expect("the server answers");
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.expect("JSON");
            (status, body)
        }
    };
    let (status, chosen) = api(format!("/api/v1/subscribers?segment={id}")).await;
    assert_eq!(status, 200);
    let emails: Vec<&str> = chosen["subscribers"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|s| s["email"].as_str())
        .collect();
    assert_eq!(emails, ["ada@example.com"]);
    let (_, found) = api("/api/v1/subscribers?q=LOVELACE".to_owned()).await;
    assert_eq!(found["subscribers"][0]["email"], "ada@example.com");
    let (status, unknown) = api("/api/v1/subscribers?segment=99".to_owned()).await;
    assert_eq!(status, 422);
    assert_eq!(unknown["error"]["field"], "segment", "{unknown}");

    // The members follow what changes: Bob moves to pro.
    let edited = operator
        .post(
            "/admin/subscribers/2",
            "/admin/subscribers/2/fields",
            &[("field.company", "Difference Ltd"), ("field.plan", "pro")],
        )
        .await;
    assert_eq!(edited.status(), 303);
    app.settle().await;
    let page = operator.html(&page_url).await;
    assert!(page.contains("2 subscribers match now"), "{page}");
    assert!(page.contains("bob@example.com"), "{page}");

    // Any of: on the free plan, or a company holding "corp" in any case.
    let any = save_segment(
        &operator,
        &[
            ("name", "Free or corporate"),
            ("match", "any"),
            ("what.0", "field:company"),
            ("op.0", "is"),
            ("value.0", "Difference Ltd"),
            ("what.1", "field:company"),
            ("op.1", "contains"),
            ("value.1", "CORP"),
        ],
    )
    .await;
    assert_eq!(any.status(), 303);
    app.settle().await;
    let page = operator.html(&location(&any)).await;
    assert!(page.contains("2 subscribers match now"), "{page}");
    assert!(page.contains("bob@example.com") && page.contains("cy@example.com"));
    assert!(!page.contains("ada@example.com"), "{page}");

    let index = operator.html("/admin/segments").await;
    assert!(index.contains("Pro readers") && index.contains("Free or corporate"));
}

#[tokio::test]
async fn a_condition_that_does_not_read_is_refused_and_nothing_is_saved() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    company_and_plan(&operator).await;

    let refused = save_segment(
        &operator,
        &[
            ("name", "Broken"),
            ("match", "all"),
            ("what.0", "subscribers.id; DROP TABLE subscribers"),
            ("op.0", "is"),
            ("value.0", "1"),
            ("what.1", "field:plan"),
            ("op.1", "is"),
            ("value.1", "gold"),
            ("what.2", "field:plan"),
            ("op.2", "lt"),
            ("value.2", "pro"),
        ],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("Condition 1: there is no such list, field or property."),
        "{page}"
    );
    assert!(page.contains("Condition 2: that value does not fit the test."));
    assert!(page.contains("Condition 3: that test does not apply to what it looks at."));
    assert!(page.contains("value=\"Broken\""), "the form is kept");
    let index = operator.html("/admin/segments").await;
    assert!(index.contains("No segment yet."), "{index}");
    assert_eq!(operator.get("/admin/segments/1").await.status(), 404);
    assert_eq!(
        operator.get("/admin/subscribers?segment=99").await.status(),
        404
    );
}

#[tokio::test]
async fn the_list_finds_names_and_text_fields_and_pages_both_ways_with_its_total() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    three_people(&app, &operator).await;

    for (q, found, not) in [
        ("lovelace", "ada@example.com", "bob@example.com"),
        ("difference", "bob@example.com", "ada@example.com"),
        ("Cy", "cy@example.com", "ada@example.com"),
    ] {
        let page = operator.html(&format!("/admin/subscribers?q={q}")).await;
        assert!(page.contains(found), "{q}: {page}");
        assert!(!page.contains(not), "{q}");
        assert!(page.contains("1 subscriber"), "{q}");
    }
    // A plan is a choice, not text: it is not searched.
    let page = operator.html("/admin/subscribers?q=pro").await;
    assert!(page.contains("No subscribers match."), "{page}");

    app.seed(&addresses("many", 120), Seeded::Confirmed);
    let first = operator.html("/admin/subscribers").await;
    assert!(first.contains("123 subscribers"), "{first}");
    let confirmed = operator
        .html("/admin/subscribers?list=newsletter&status=confirmed")
        .await;
    assert!(confirmed.contains("122 subscribers"), "{confirmed}");
    assert!(!first.contains("rel=\"prev\""));
    let next = href(&first, "rel=\"next\"");
    let second = operator.html(&next).await;
    let back = href(&second, "rel=\"prev\"");
    assert_eq!(rows(&operator.html(&back).await), rows(&first));
    assert_eq!(rows(&first).len(), 50);
    assert_ne!(rows(&second), rows(&first));
    let third = operator.html(&href(&second, "rel=\"next\"")).await;
    assert!(!third.contains("rel=\"next\""), "the last page");
    assert!(third.contains("ada@example.com"), "the oldest come last");
}

/// The link of the anchor holding `marker`.
fn href(page: &str, marker: &str) -> String {
    let at = page.find(marker).expect("the link is there");
    let start = page[..at].rfind("href=\"").expect("an href") + 6;
    let end = start + page[start..].find('"').expect("its end");
    page[start..end].replace("&amp;", "&").replace("&#38;", "&")
}

/// The ids of the subscribers a page of the list shows.
fn rows(page: &str) -> Vec<String> {
    page.split("id=\"select-")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn actions_on_several_invite_unsubscribe_and_erase_without_subscribing_anyone() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    three_people(&app, &operator).await;
    let created = operator
        .post(
            "/admin/lists",
            "/admin/lists",
            &[
                ("name", "Weekly News"),
                ("slug", "weekly"),
                ("description", "Every Friday."),
                ("consent_wording", "Yes, weekly."),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);

    // Invite the two ticked: each is asked, none is subscribed.
    let mails = app.smtp.messages().len();
    let invited = operator
        .post(
            "/admin/subscribers",
            "/admin/subscribers/bulk",
            &[
                ("scope", "selected"),
                ("action", "invite"),
                ("target", "weekly"),
                ("id", "1"),
                ("id", "2"),
            ],
        )
        .await;
    assert_eq!(invited.status(), 303);
    let page = operator.html(&location(&invited)).await;
    assert!(page.contains("Invited: 2"), "{page}");
    let asked = app.mails(mails + 2).await;
    assert!(
        asked[mails..]
            .iter()
            .all(|m| m.text_part().unwrap_or_default().contains("Weekly News")),
        "each is asked to confirm the new list"
    );
    let on_weekly = |email: &str| {
        app.export()
            .into_iter()
            .filter(|row| row[0] == email && row[1] == "weekly")
            .map(|row| row[2].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(on_weekly("ada@example.com"), ["pending"]);
    assert_eq!(on_weekly("bob@example.com"), ["pending"]);
    assert!(on_weekly("cy@example.com").is_empty());

    // Unsubscribe every confirmed reader of the default list, by a job.
    let all = operator
        .post(
            "/admin/subscribers",
            "/admin/subscribers/bulk",
            &[
                ("status", "confirmed"),
                ("list", "newsletter"),
                ("scope", "all"),
                ("action", "unsubscribe"),
                ("target", "newsletter"),
            ],
        )
        .await;
    assert_eq!(all.status(), 303);
    app.settle().await;
    let page = operator.html(&location(&all)).await;
    assert!(page.contains("Done with every match: 2 changed"), "{page}");
    assert_eq!(
        app.status("ada@example.com").as_deref(),
        Some("unsubscribed")
    );
    assert_eq!(
        app.status("bob@example.com").as_deref(),
        Some("unsubscribed")
    );
    assert_eq!(app.status("cy@example.com").as_deref(), Some("pending"));
    let ended = app.events("ada@example.com");
    assert!(
        ended
            .iter()
            .any(|e| e.act == Act::Unsubscribed && e.channel == Channel::Operator),
        "{ended:?}"
    );

    // Erasing asks for the box ticked, then erases.
    let unticked = operator
        .post(
            "/admin/subscribers",
            "/admin/subscribers/bulk",
            &[("scope", "selected"), ("action", "erase"), ("id", "3")],
        )
        .await;
    assert!(location(&unticked).contains("refused=erase"));
    assert!(app.status("cy@example.com").is_some(), "nothing erased");
    let erased = operator
        .post(
            "/admin/subscribers",
            "/admin/subscribers/bulk",
            &[
                ("scope", "selected"),
                ("action", "erase"),
                ("confirm", "yes"),
                ("id", "3"),
            ],
        )
        .await;
    assert!(location(&erased).contains("done=erase&changed=1"));
    assert!(app.status("cy@example.com").is_none(), "erased");
}
