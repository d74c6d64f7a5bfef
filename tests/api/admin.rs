//! The operators' area (contract §6), over HTTP.

use assent::domain::Channel;

use crate::support::admin::{OPERATOR, PASSWORD, csrf_of};
use crate::support::app::{link, spawn_app, spawn_app_with};

const PAGES: &[&str] = &[
    "/admin",
    "/admin/subscribers",
    "/admin/subscribers/1",
    "/admin/subscribers/1/consent.json",
    "/admin/export.csv",
    "/admin/lists",
    "/admin/lists/1",
    "/admin/import",
    "/admin/import/1",
    "/admin/audit",
    "/admin/segments",
    "/admin/segments/1",
];

const ACTIONS: &[&str] = &[
    "/admin/logout",
    "/admin/subscribers/1/erase",
    "/admin/subscribers/1/subscriptions/1/resend",
    "/admin/subscribers/1/subscriptions/1/unsubscribe",
    "/admin/lists",
    "/admin/lists/1",
    "/admin/lists/1/archive",
    "/admin/import",
    "/admin/segments",
    "/admin/segments/1",
    "/admin/segments/1/delete",
    "/admin/subscribers/bulk",
];

#[tokio::test]
async fn without_a_session_every_admin_page_redirects_to_the_login() {
    let app = spawn_app().await;
    app.signup("ada@example.com").await;
    let anonymous = app.operator_client();
    for path in PAGES {
        let response = anonymous.get(path).await;
        assert_eq!(response.status(), 303, "{path}");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/admin/login"), "{path}: {location}");
        if *path != "/admin" {
            assert!(location.contains("next="), "{path}: {location}");
        }
    }
    for path in ACTIONS {
        let response = anonymous
            .client
            .post(anonymous.url(path))
            .form(&[("confirm", "yes")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{path}");
    }
    assert_eq!(app.status("ada@example.com").as_deref(), Some("pending"));
    let login = anonymous.get("/admin/login").await;
    assert_eq!(login.status(), 200);
    let html = login.text().await.unwrap();
    assert!(html.contains(r#"name="email""#) && html.contains(r#"name="password""#));
    assert!(!csrf_of(&html).is_empty());
}

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_cookie_and_follows_next() {
    let app = spawn_app().await;
    app.create_operator(OPERATOR, PASSWORD);
    let operator = app.operator_client();
    let page = operator.html("/admin/login?next=/admin/lists").await;
    let response = operator
        .client
        .post(operator.url("/admin/login"))
        .form(&[
            ("email", OPERATOR),
            ("password", PASSWORD),
            ("csrf_token", &csrf_of(&page)),
            ("next", "/admin/lists"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/admin/lists");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("assent_session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
    assert_eq!(operator.get("/admin").await.status(), 200);

    // An offsite `next` is not followed.
    let other = app.operator_client();
    let page = other.html("/admin/login").await;
    let response = other
        .client
        .post(other.url("/admin/login"))
        .form(&[
            ("email", OPERATOR),
            ("password", PASSWORD),
            ("csrf_token", &csrf_of(&page)),
            ("next", "//evil.example/admin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/admin");
}

#[tokio::test]
async fn the_session_cookie_is_secure_behind_https() {
    let app = spawn_app_with(&[("ASSENT_BASE_URL", "https://news.example.com")]).await;
    app.create_operator(OPERATOR, PASSWORD);
    let operator = app.operator_client();
    let response = operator.login(OPERATOR, PASSWORD).await;
    let cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("assent_session=") && c.contains("Secure")),
        "{cookies:?}"
    );
}

#[tokio::test]
async fn a_failed_login_says_one_generic_thing() {
    let app = spawn_app().await;
    app.create_operator(OPERATOR, PASSWORD);
    let operator = app.operator_client();
    let wrong_password = operator.login(OPERATOR, "not the password at all").await;
    assert_eq!(wrong_password.status(), 401);
    let wrong_password = wrong_password.text().await.unwrap();
    let unknown = operator.login("nobody@example.com", PASSWORD).await;
    assert_eq!(unknown.status(), 401);
    let unknown = unknown.text().await.unwrap();
    let message = "That address and password do not match an operator account.";
    assert!(wrong_password.contains(message) && unknown.contains(message));
    assert_eq!(operator.get("/admin").await.status(), 303);
}

#[tokio::test]
async fn a_login_without_its_csrf_token_is_refused() {
    let app = spawn_app().await;
    app.create_operator(OPERATOR, PASSWORD);
    let operator = app.operator_client();
    operator.html("/admin/login").await;
    let response = operator
        .client
        .post(operator.url("/admin/login"))
        .form(&[
            ("email", OPERATOR),
            ("password", PASSWORD),
            ("csrf_token", "forged"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(operator.get("/admin").await.status(), 303, "not signed in");
}

#[tokio::test]
async fn ten_failures_pause_sign_in_for_the_account_and_the_client() {
    let app = spawn_app().await;
    app.create_operator(OPERATOR, PASSWORD);
    app.create_operator("second@example.com", PASSWORD);
    let operator = app.operator_client();
    for _ in 0..10 {
        assert_eq!(
            operator
                .login(OPERATOR, "wrong password, again")
                .await
                .status(),
            401
        );
    }
    let paused = operator.login(OPERATOR, PASSWORD).await;
    assert_eq!(paused.status(), 429, "even the right password waits");
    assert!(paused.headers().contains_key("retry-after"));
    // The same client is paused for other accounts too.
    assert_eq!(
        operator
            .login("second@example.com", PASSWORD)
            .await
            .status(),
        429
    );
    assert_eq!(operator.get("/admin").await.status(), 303);
}

#[tokio::test]
async fn logout_ends_the_session_for_good() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    let stolen = operator.client.clone();
    let response = operator.post("/admin", "/admin/logout", &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/admin/login");
    // Replaying the old cookie no longer works: the session is gone server-side.
    assert_eq!(
        stolen
            .get(operator.url("/admin"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
}

#[tokio::test]
async fn posts_without_the_sessions_csrf_token_change_nothing() {
    let app = spawn_app().await;
    app.signup("ada@example.com").await;
    let operator = app.signed_in().await;
    for path in ACTIONS {
        let response = operator
            .client
            .post(operator.url(path))
            .form(&[
                ("csrf_token", "forged"),
                ("confirm", "yes"),
                ("name", "X"),
                ("consent_wording", "Y"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{path}");
    }
    assert_eq!(app.status("ada@example.com").as_deref(), Some("pending"));
    assert_eq!(
        operator.get("/admin").await.status(),
        200,
        "still signed in"
    );
}

#[tokio::test]
async fn the_dashboard_shows_lists_activity_and_delivery() {
    let app = spawn_app().await;
    let mail = app.signup_and_get_mail("ada@example.com").await;
    app.client
        .post(app.url(&link(&mail, "confirm")))
        .send()
        .await
        .unwrap();
    app.signup("bob@example.com").await;
    let operator = app.signed_in().await;
    let html = operator.html("/admin").await;
    assert!(html.contains("Newsletter"));
    assert!(html.contains("<svg"), "the chart is drawn on the server");
    assert!(html.contains("<polyline"));
    assert!(html.contains("50 %"), "one of two signups confirmed");
    assert!(!html.contains("<script"));
}

#[tokio::test]
async fn search_filters_and_pages_through_subscribers() {
    let app = spawn_app().await;
    for i in 0..55 {
        app.post_json(&serde_json::json!({"email": format!("reader{i:02}@example.com")}))
            .await;
    }
    app.signup("other_person@example.org").await;
    let operator = app.signed_in().await;

    let first = operator.html("/admin/subscribers").await;
    assert_eq!(
        first.matches("href=\"/admin/subscribers/").count(),
        50,
        "a page holds 50"
    );
    assert!(first.contains("other_person@example.org"), "newest first");
    let next = first
        .split("href=\"")
        .find(|s| s.starts_with("/admin/subscribers?") && s.contains("before="))
        .map(|s| {
            s.split('"')
                .next()
                .unwrap()
                .replace("&amp;", "&")
                .replace("&#38;", "&")
        })
        .expect("a next page link");
    let second = operator.html(&next).await;
    assert!(second.contains("reader00@example.com"));
    assert!(!second.contains("other_person@example.org"));

    let found = operator.html("/admin/subscribers?q=person@").await;
    assert!(found.contains("other_person@example.org") && !found.contains("reader01"));
    // In any case, with or without a wildcard character, however short.
    for q in ["PERSON@EX", "Other_Person", "rg"] {
        let found = operator.html(&format!("/admin/subscribers?q={q}")).await;
        assert!(found.contains("other_person@example.org"), "{q}");
        assert!(!found.contains("reader01"), "{q}");
    }
    // LIKE wildcards in the query are taken literally.
    let literal = operator.html("/admin/subscribers?q=r_ader").await;
    assert!(!literal.contains("reader01@example.com"));
    let none = operator.html("/admin/subscribers?status=confirmed").await;
    assert!(!none.contains("reader01@example.com"));
    let pending = operator
        .html("/admin/subscribers?list=newsletter&status=pending&q=reader07")
        .await;
    assert!(pending.contains("reader07@example.com"));
}

#[tokio::test]
async fn a_subscribers_page_and_consent_proof_show_the_whole_history() {
    let app = spawn_app().await;
    let mail = app.signup_and_get_mail("ada@example.com").await;
    app.client
        .post(app.url(&link(&mail, "confirm")))
        .header("User-Agent", "Proof Browser/2")
        .send()
        .await
        .unwrap();
    let operator = app.signed_in().await;
    let html = operator.html("/admin/subscribers/1").await;
    assert!(html.contains("ada@example.com"));
    assert!(html.contains("requested") && html.contains("confirmed"));
    assert!(html.contains("confirm_button") && html.contains("Proof Browser/2"));

    let response = operator.get("/admin/subscribers/1/consent.json").await;
    assert_eq!(response.status(), 200);
    let proof: serde_json::Value = response.json().await.unwrap();
    assert_eq!(proof["subscriber"]["email"], "ada@example.com");
    let events = proof["subscriptions"][0]["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1]["act"], "confirmed");
    assert_eq!(events[1]["user_agent"], "Proof Browser/2");
    assert_eq!(events[1]["wording"]["version"], 1);
    assert!(
        events[1]["wording"]["text"]
            .as_str()
            .unwrap()
            .starts_with("I agree")
    );
    assert_eq!(
        operator
            .get("/admin/subscribers/999/consent.json")
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn operators_can_resend_and_unsubscribe_and_each_act_is_recorded() {
    let app = spawn_app().await;
    app.signup_and_get_mail("ada@example.com").await;
    let operator = app.signed_in().await;
    let page = "/admin/subscribers/1";
    let response = operator
        .post(page, "/admin/subscribers/1/subscriptions/1/resend", &[])
        .await;
    assert_eq!(response.status(), 303);
    let mails = app.mails(2).await;
    assert_eq!(mails[1].rcpt_to, ["ada@example.com"]);
    let act = app.events("ada@example.com").pop().unwrap();
    assert_eq!(
        (act.act.as_str(), act.channel.as_str()),
        ("confirmation_resent", "operator")
    );

    let response = operator
        .post(
            page,
            "/admin/subscribers/1/subscriptions/1/unsubscribe",
            &[],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        app.status("ada@example.com").as_deref(),
        Some("unsubscribed")
    );
    let act = app.events("ada@example.com").pop().unwrap();
    assert_eq!(
        (act.act.as_str(), act.channel.as_str()),
        ("declined", "operator")
    );

    let audit = operator.html("/admin/audit").await;
    assert!(audit.contains("resend_confirmation") && audit.contains("unsubscribe"));
    assert!(audit.contains(OPERATOR));
}

#[tokio::test]
async fn erasing_deletes_the_person_and_keeps_only_a_keyed_hash() {
    let app = spawn_app().await;
    app.signup_and_get_mail("erase.me@example.com").await;
    app.signup("keep@example.com").await;
    // The same mailbox, typed with capitals: erased with it.
    app.signup("Erase.Me@example.com").await;
    let operator = app.signed_in().await;

    // Without the confirmation box ticked nothing happens.
    operator
        .post("/admin/subscribers/1", "/admin/subscribers/1/erase", &[])
        .await;
    assert!(app.status("erase.me@example.com").is_some());

    let response = operator
        .post(
            "/admin/subscribers/1",
            "/admin/subscribers/1/erase",
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(app.status("erase.me@example.com"), None);
    assert_eq!(app.status("Erase.Me@example.com"), None);
    assert!(app.events("erase.me@example.com").is_empty());
    assert!(app.status("keep@example.com").is_some());
    assert_eq!(operator.get("/admin/subscribers/1").await.status(), 404);

    let audit = operator.html("/admin/audit").await;
    assert!(audit.contains("erase") && audit.contains("subscriber #1"));
    assert!(
        !audit.contains("erase.me"),
        "the address never appears in the audit log"
    );
    let csv = operator
        .get("/admin/export.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(!csv.to_ascii_lowercase().contains("erase.me"));

    // An import cannot bring the address back.
    let report = import(&app, &operator, "email\nerase.me@example.com\n").await;
    assert!(report.contains("line 2: erased earlier"), "{report}");
    assert_eq!(app.status("erase.me@example.com"), None);
}

/// Uploads a CSV into the default list and returns the finished import's page.
async fn import(
    app: &crate::support::app::TestApp,
    operator: &crate::support::admin::Operator,
    csv: &str,
) -> String {
    let response = operator.upload(csv.as_bytes().to_vec()).await;
    assert_eq!(response.status(), 303);
    let status_page = response.headers()["location"].to_str().unwrap().to_owned();
    app.settle().await;
    let html = operator.html(&status_page).await;
    assert!(
        !html.contains("http-equiv=\"refresh\""),
        "the import has finished"
    );
    html
}

#[tokio::test]
async fn an_import_adds_pending_addresses_and_reports_every_refused_line() {
    let app = spawn_app().await;
    app.signup_and_get_mail("already@example.com").await;
    let operator = app.signed_in().await;
    let csv = "email,name\nnew.one@example.com,New One\nnot-an-address\nnew.two@example.com\nNEW.ONE@example.com\nalready@example.com\n";
    let report = import(&app, &operator, csv).await;
    assert!(report.contains("line 3: invalid address"), "{report}");
    assert!(report.contains("line 5: duplicate of line 2"), "{report}");
    assert!(report.contains("line 6: already on the list"), "{report}");
    assert!(
        !report.contains("line 2:") && !report.contains("line 4:"),
        "{report}"
    );

    assert_eq!(
        app.status("new.one@example.com").as_deref(),
        Some("pending")
    );
    assert_eq!(
        app.status("new.two@example.com").as_deref(),
        Some("pending")
    );
    assert_eq!(
        app.events("new.one@example.com")[0].channel,
        Channel::Import
    );
    // Both get their confirmation request, paced but promptly.
    let mails = app.mails(3).await;
    let mut to: Vec<&str> = mails[1..].iter().map(|m| m.rcpt_to[0].as_str()).collect();
    to.sort();
    assert_eq!(to, ["new.one@example.com", "new.two@example.com"]);
    assert_eq!(app.export().len(), 3, "nothing else was added");
}

#[tokio::test]
async fn lists_are_created_edited_with_versioned_wording_and_archived() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    let created = operator
        .post(
            "/admin/lists",
            "/admin/lists",
            &[
                ("name", "Weekly News"),
                ("slug", ""),
                ("description", "Every Friday."),
                ("consent_wording", "Yes, weekly."),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let list_page = created.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let html = operator.html(&list_page).await;
    assert!(
        html.contains("/subscribe?list=weekly-news"),
        "shows the signup URL"
    );
    assert!(
        html.contains("&lt;form") || html.contains("&#60;form"),
        "shows the embed snippet as code"
    );

    let duplicate = operator
        .post(
            "/admin/lists",
            "/admin/lists",
            &[
                ("name", "Weekly news"),
                ("description", ""),
                ("consent_wording", "x"),
            ],
        )
        .await;
    assert_eq!(duplicate.status(), 422);
    assert!(
        duplicate
            .text()
            .await
            .unwrap()
            .contains("already has this slug")
    );

    assert_eq!(
        app.post_form(
            "/subscribe",
            &[("email", "v1@example.com"), ("list", "weekly-news")]
        )
        .await
        .status(),
        200
    );
    let saved = operator
        .post(
            &list_page,
            &list_page,
            &[
                ("name", "Weekly News"),
                ("description", "Every Friday."),
                ("consent_wording", "Yes, weekly, and I read the terms."),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let signup_page = app
        .get("/subscribe?list=weekly-news")
        .await
        .text()
        .await
        .unwrap();
    assert!(signup_page.contains("Yes, weekly, and I read the terms."));
    app.post_form(
        "/subscribe",
        &[("email", "v2@example.com"), ("list", "weekly-news")],
    )
    .await;
    assert_eq!(
        app.events("v1@example.com")[0].wording_version,
        Some(1),
        "old consent keeps its version"
    );
    assert_eq!(app.events("v2@example.com")[0].wording_version, Some(2));
    assert_ne!(
        app.events("v1@example.com")[0].wording_sha256,
        app.events("v2@example.com")[0].wording_sha256
    );

    let archived = operator
        .post(
            &list_page,
            &format!("{list_page}/archive"),
            &[("archive", "yes")],
        )
        .await;
    assert_eq!(archived.status(), 303);
    assert_eq!(app.get("/subscribe?list=weekly-news").await.status(), 404);
    let refused = app
        .post_form(
            "/subscribe",
            &[("email", "v3@example.com"), ("list", "weekly-news")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    // Pressed twice, the archive form changes nothing more.
    operator
        .post(
            &list_page,
            &format!("{list_page}/archive"),
            &[("archive", "yes")],
        )
        .await;
    assert_eq!(app.get("/subscribe?list=weekly-news").await.status(), 404);

    let audit = operator.html("/admin/audit").await;
    assert!(
        audit.contains("create_list")
            && audit.contains("edit_list")
            && audit.contains("archive_list")
    );
}

#[tokio::test]
async fn the_export_streams_the_same_csv_as_the_command() {
    let app = spawn_app().await;
    for i in 0..3 {
        app.signup(&format!("x{i}@example.com")).await;
    }
    let operator = app.signed_in().await;
    let response = operator.get("/admin/export.csv?status=pending").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = response.text().await.unwrap();
    let mut expected =
        String::from("email,list,status,created_at,confirmed_at,unsubscribed_at,name\n");
    for row in app.export() {
        expected.push_str(&row.join(","));
        expected.push('\n');
    }
    assert_eq!(csv, expected);
}

#[tokio::test]
async fn a_session_unused_for_twelve_hours_has_ended() {
    use assent::db::schema::admin_sessions;
    use diesel::prelude::*;

    let app = spawn_app().await;
    let operator = app.signed_in().await;
    assert_eq!(operator.get("/admin").await.status(), 200);
    let twelve_hours_ago = crate::support::wall_ms() - 12 * 3600 * 1000 - 1000;
    diesel::update(admin_sessions::table)
        .set(admin_sessions::last_seen_at.eq(twelve_hours_ago))
        .execute(&mut *app.conn())
        .unwrap();
    assert_eq!(operator.get("/admin").await.status(), 303);
}

/// What the database holds, counted now: (status, subscriptions, of which
/// ever confirmed).
fn recount(app: &crate::support::app::TestApp) -> Vec<(String, i64, i64)> {
    use assent::db::schema::subscriptions;
    use diesel::prelude::*;
    let mut conn = app.conn();
    let all: Vec<(String, Option<i64>)> = subscriptions::table
        .select((subscriptions::status, subscriptions::confirmed_at))
        .load(&mut conn)
        .expect("subscriptions");
    ["pending", "confirmed", "unsubscribed"]
        .into_iter()
        .map(|status| {
            let of: Vec<_> = all.iter().filter(|(s, _)| s == status).collect();
            let ever = of.iter().filter(|(_, at)| at.is_some()).count();
            (status.to_owned(), of.len() as i64, ever as i64)
        })
        .collect()
}

/// The counts of list `newsletter` as the API gives them, and the
/// dashboard's page.
async fn shown(
    app: &crate::support::app::TestApp,
    operator: &crate::support::admin::Operator,
    token: &str,
) -> (Vec<(String, i64)>, String) {
    let lists: serde_json::Value = app
        .client
        .get(app.url("/api/v1/lists"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let list = &lists["lists"][0];
    let counts = ["pending", "confirmed", "unsubscribed"]
        .into_iter()
        .map(|s| (s.to_owned(), list[s].as_i64().expect(s)))
        .collect();
    (counts, operator.html("/admin").await)
}

#[tokio::test]
async fn the_dashboard_counts_follow_every_change_without_counting_rows() {
    use crate::support::seed::{Seeded, addresses};
    let app = spawn_app().await;
    app.seed(&addresses("kept", 30), Seeded::Confirmed);
    app.seed(&addresses("waiting", 20), Seeded::Pending);
    app.seed(&addresses("left", 10), Seeded::Unsubscribed);
    let mail = app.signup_and_get_mail("ada@example.com").await;
    app.client
        .post(app.url(&link(&mail, "confirm")))
        .send()
        .await
        .unwrap();
    app.signup("bob@example.com").await;
    let token = app.api_token("counts").await;
    let operator = app.signed_in().await;
    // An erasure through the operators' area, and one straight in the
    // database, as an operator's script might do it.
    let response = operator
        .post(
            "/admin/subscribers/1",
            "/admin/subscribers/1/erase",
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(response.status(), 303);
    {
        use diesel::RunQueryDsl;
        diesel::sql_query("DELETE FROM subscribers WHERE email LIKE 'waiting1%'")
            .execute(&mut app.conn())
            .expect("delete");
    }

    let expected = recount(&app);
    let total: i64 = expected.iter().map(|(_, n, _)| n).sum();
    assert_eq!(total, 60 + 2 - 1 - 11, "{expected:?}");
    let ever: i64 = expected.iter().map(|(_, _, e)| e).sum();
    let rate = format!("{} %", ever * 100 / total);
    let counts: Vec<_> = expected.iter().map(|(s, n, _)| (s.clone(), *n)).collect();
    let (api, dashboard) = shown(&app, &operator, &token).await;
    assert_eq!(api, counts);
    assert!(dashboard.contains(&rate), "{rate} confirmed");

    // The heartbeat folds the +1 and -1 rows into one per key; the figures
    // stay the same.
    let folded = async || {
        use assent::db::schema::subscription_tallies;
        use diesel::prelude::*;
        let rows: i64 = subscription_tallies::table
            .count()
            .get_result(&mut app.conn())
            .expect("tallies");
        rows <= 6
    };
    let limit = std::time::Duration::from_secs(15);
    crate::support::eventually("the tallies folded", limit, folded).await;
    let (api, dashboard) = shown(&app, &operator, &token).await;
    assert_eq!(api, counts);
    assert!(dashboard.contains(&rate), "{rate} confirmed");
}

/// Mail to a relay with http links, or from localhost, reaches people
/// without the one-click unsubscribe providers ask for, or not at all:
/// the dashboard says so until the configuration is fixed.
#[tokio::test]
async fn the_dashboard_warns_of_a_configuration_providers_will_not_accept() {
    let app = spawn_app_with(&[("ASSENT_MAIL_FROM", "News <news@localhost>")]).await;
    let dashboard = app.signed_in().await.html("/admin").await;
    assert!(dashboard.contains("warnings-heading"), "{dashboard}");
    assert!(
        dashboard.contains("ASSENT_BASE_URL is not https"),
        "{dashboard}"
    );
    assert!(dashboard.contains("an address at localhost"), "{dashboard}");

    let real_sender = spawn_app().await;
    let dashboard = real_sender.signed_in().await.html("/admin").await;
    assert!(
        !dashboard.contains("an address at localhost"),
        "{dashboard}"
    );
}

/// An erasure leaves the address nowhere: not in a row (the webhook
/// events that named it included), and on SQLite not in the bytes of the
/// file or its log, where the search index's pages would keep its
/// three-letter fragments. The address's fragments that hold `.` or `@`
/// cannot come from the hex and base64 the database also holds.
#[tokio::test]
async fn an_erasure_leaves_the_address_and_its_fragments_nowhere_in_the_database() {
    let receiver = crate::support::receiver::Receiver::start(&[]).await;
    let app = spawn_app_with(&[
        ("ASSENT_WEBHOOK_URL", receiver.url.as_str()),
        ("ASSENT_WEBHOOK_SECRET", "a-secret-of-at-least-16"),
    ])
    .await;
    let address = "vq.zj@xk.qz";
    let mail = app.signup_and_get_mail(address).await;
    assert_eq!(app.post(&link(&mail, "confirm")).await.status(), 200);
    app.signup_and_get_mail("keep.me@example.com").await;
    receiver
        .wait_for(1, std::time::Duration::from_secs(15))
        .await;
    let operator = app.signed_in().await;
    let found = operator.html("/admin/subscribers?q=zj%40xk").await;
    assert!(found.contains(address), "{found}");
    assert!(app.holds(address) && app.holds("zj@"));

    let erased = operator
        .post(
            "/admin/subscribers/1",
            "/admin/subscribers/1/erase",
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(erased.status(), 303);
    app.settle().await;
    assert!(!app.holds(address), "the address is still in the database");
    if app.database_url.starts_with("sqlite://") {
        let chars: Vec<char> = address.chars().collect();
        for fragment in chars.windows(3) {
            let fragment: String = fragment.iter().collect();
            if fragment.contains(['.', '@']) {
                assert!(!app.holds(&fragment), "{fragment:?} is still in the file");
            }
        }
    }
    let found = operator.html("/admin/subscribers?q=zj%40xk").await;
    assert!(!found.contains(address), "{found}");
}
