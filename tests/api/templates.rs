//! Message templates edited from the admin (contract §15): in force for
//! the next message without a restart, refused when they would lose what
//! a message must carry, kept as versions, previewed with sample data.

use std::time::Duration;

use crate::support::admin::Operator;
use crate::support::app::{TestApp, link, spawn_app};
use crate::support::smtp::ReceivedMail;

const CONFIRMATION: &str = "/admin/templates/confirmation/en";

async fn save(operator: &Operator, path: &str, subject: &str, html: &str, text: &str) -> u16 {
    operator
        .post(
            path,
            path,
            &[("subject", subject), ("html", html), ("text", text)],
        )
        .await
        .status()
        .as_u16()
}

fn saved_versions(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    assent::db::schema::message_templates::table
        .count()
        .get_result(&mut *app.conn())
        .expect("the database answers")
}

async fn confirmed(app: &TestApp, email: &str, name: &str) -> ReceivedMail {
    let before = app.smtp.messages().len();
    let signed = app
        .post_form("/subscribe", &[("email", email), ("name", name)])
        .await;
    assert_eq!(signed.status(), 200);
    let confirmation = app.mails(before + 1).await.swap_remove(before);
    app.client
        .post(app.url(&link(&confirmation, "confirm")))
        .send()
        .await
        .unwrap();
    app.mails(before + 2).await.swap_remove(before + 1)
}

#[tokio::test]
async fn a_saved_confirmation_is_the_next_one_sent_with_assents_headers() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    let status = save(
        &operator,
        CONFIRMATION,
        "Say yes to {{ list.name }}",
        "<p>Press <a href=\"{{ confirm_url }}\">here</a> for {{ list.name }}.</p><p><a href=\"{{ unsubscribe_url }}\">Not me</a></p>",
        "Open {{ confirm_url }}\nNot you? {{ unsubscribe_url }}\n{{ organisation.name }}",
    )
    .await;
    assert_eq!(status, 303);

    let mail = app.signup_and_get_mail("ada@example.com").await;
    assert_eq!(
        mail.decoded_header("Subject").as_deref(),
        Some("Say yes to Newsletter")
    );
    let text = mail.text_part().unwrap();
    assert!(text.starts_with("Open http"), "{text}");
    let html = mail.html_part().unwrap();
    assert!(html.contains("Press <a href=\"http"), "{html}");
    let unsubscribe = link(&mail, "unsubscribe");
    assert!(
        mail.data
            .contains(&format!("List-Unsubscribe: <{}", app.url(&unsubscribe))),
        "the headers stay assent's"
    );
    assert!(
        mail.data
            .contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
    );
    // The HTML part names neither the organisation nor its address: the
    // footer is added to it.
    assert!(html.contains("Example Org"), "{html}");

    let confirmed = app
        .client
        .post(app.url(&link(&mail, "confirm")))
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 200);
    assert_eq!(app.status("ada@example.com").as_deref(), Some("confirmed"));

    let audit = operator.html("/admin/audit").await;
    assert!(audit.contains("change_template"), "{audit}");
    assert!(audit.contains("confirmation/en"), "{audit}");
    let list = operator.html("/admin/templates").await;
    assert!(list.contains("Edited "), "{list}");
}

#[tokio::test]
async fn a_template_that_would_lose_what_a_message_carries_is_refused() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    let link = "{{ unsubscribe_url }}";
    let confirm = "{{ confirm_url }} {{ unsubscribe_url }}";
    let cases = [
        (
            CONFIRMATION,
            "<p>no link</p> {{ confirm_url }}",
            confirm,
            "unsubscribe_url",
        ),
        (
            CONFIRMATION,
            confirm,
            "{{ confirm_url }}",
            "unsubscribe_url",
        ),
        (CONFIRMATION, link, confirm, "confirm_url is missing"),
        (
            CONFIRMATION,
            "{{ subscriber.name }} {{ confirm_url }} {{ unsubscribe_url }}",
            confirm,
            "no variable subscriber.name",
        ),
        (CONFIRMATION, "{% if %}", confirm, "line 1"),
        (
            "/admin/templates/reconfirmation/en",
            link,
            "{{ keep_url }} {{ unsubscribe_url }}",
            "keep_url is missing",
        ),
        (
            "/admin/templates/broadcast/fr",
            "{{ content }} {{ unsubscribe_url }}",
            link,
            "content is missing",
        ),
        (
            "/admin/templates/welcome/en",
            "{{ password }} {{ unsubscribe_url }}",
            link,
            "no variable password",
        ),
        (
            "/admin/templates/welcome/en",
            "{% include 'secrets.html' %} {{ unsubscribe_url }}",
            link,
            "cannot include",
        ),
        (
            "/admin/templates/welcome/en",
            "{% for a in range(99999) %}{% for b in range(99999) %}.{% endfor %}{% endfor %}{{ unsubscribe_url }}",
            link,
            "loop without end",
        ),
    ];
    for (path, html, text, said) in cases {
        let response = operator
            .post(
                path,
                path,
                &[("subject", "S"), ("html", html), ("text", text)],
            )
            .await;
        assert_eq!(response.status(), 422, "{path}: {html} / {text}");
        let page = response.text().await.unwrap();
        assert!(page.contains(said), "{path}: {said} in\n{page}");
        assert!(page.contains(text), "the form is kept");
    }
    assert_eq!(saved_versions(&app), 0, "nothing was saved");
    let mail = app.signup_and_get_mail("ada@example.com").await;
    assert!(
        mail.text_part()
            .unwrap()
            .contains("To confirm, open this link")
    );
}

#[tokio::test]
async fn the_welcome_shows_the_subscribers_name_escaped_in_html_only() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    let status = save(
        &operator,
        "/admin/templates/welcome/en",
        "Welcome, {{ subscriber.name | default('friend') }}",
        "<p>Hello {{ subscriber.name }} from {{ organisation.name }}, {{ organisation.address }}</p><a href=\"{{ unsubscribe_url }}\">leave</a> <a href=\"{{ preferences_url }}\">you</a>",
        "Hello {{ subscriber.name }}\n{{ unsubscribe_url }}\n{{ preferences_url }}\n{{ organisation.name }}\n{{ organisation.address }}",
    )
    .await;
    assert_eq!(status, 303);
    let welcome = confirmed(&app, "tom@example.com", "Tom & \"Jerry\"").await;
    assert_eq!(
        welcome.decoded_header("Subject").as_deref(),
        Some("Welcome, Tom & \"Jerry\"")
    );
    let html = welcome.html_part().unwrap();
    assert!(
        html.contains("Hello Tom &amp; &quot;Jerry&quot; from"),
        "{html}"
    );
    let text = welcome.text_part().unwrap();
    assert_eq!(text.lines().next(), Some("Hello Tom & \"Jerry\""), "{text}");
    let own = link(&welcome, "me");
    assert_eq!(
        own,
        link(&welcome, "unsubscribe").replace("/unsubscribe/", "/me/")
    );
    assert_eq!(app.get(&own).await.status(), 200, "the person's own page");
    assert!(
        !text.contains("You are receiving this"),
        "no footer added to a complete part"
    );
}

#[tokio::test]
async fn the_built_in_messages_link_the_persons_own_page() {
    let app = spawn_app().await;
    let mail = app.signup_and_get_mail("ada@example.com").await;
    let own = link(&mail, "me");
    assert_eq!(
        own,
        link(&mail, "unsubscribe").replace("/unsubscribe/", "/me/")
    );
    assert!(mail.html_part().unwrap().contains(&app.url(&own)));
}

#[tokio::test]
async fn versions_can_be_restored_and_the_built_in_one_comes_back() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    let text = |word: &str| format!("{word} {{{{ confirm_url }}}} {{{{ unsubscribe_url }}}}");
    for word in ["First", "Second"] {
        let status = save(&operator, CONFIRMATION, word, &text(word), &text(word)).await;
        assert_eq!(status, 303);
    }
    let subject = async |email: &str| {
        app.signup_and_get_mail(email)
            .await
            .decoded_header("Subject")
            .unwrap_or_default()
    };
    assert_eq!(subject("a@example.com").await, "Second");

    let page = operator.html(CONFIRMATION).await;
    assert_eq!(
        page.matches("name=\"version\"").count(),
        1,
        "the one not in force"
    );
    let first = page
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let restored = operator
        .post(
            CONFIRMATION,
            &format!("{CONFIRMATION}/restore"),
            &[("version", &first)],
        )
        .await;
    assert_eq!(restored.status(), 303);
    assert_eq!(subject("b@example.com").await, "First");

    let reset = operator
        .post(CONFIRMATION, &format!("{CONFIRMATION}/reset"), &[])
        .await;
    assert_eq!(reset.status(), 303);
    assert_eq!(
        subject("c@example.com").await,
        "Please confirm your subscription to Newsletter"
    );
    let page = operator.html(CONFIRMATION).await;
    assert_eq!(
        page.matches("name=\"version\"").count(),
        3,
        "every version is kept"
    );
    let missing = operator
        .post(
            CONFIRMATION,
            &format!("{CONFIRMATION}/restore"),
            &[("version", "999999")],
        )
        .await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn the_preview_shows_sample_data_and_an_unsaved_form() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    let current = operator.get(&format!("{CONFIRMATION}/preview")).await;
    assert_eq!(current.status(), 200);
    let policy = current
        .headers()
        .get("Content-Security-Policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(policy.contains("frame-ancestors 'self'"), "{policy}");
    assert!(!policy.contains("script-src"), "nothing runs: {policy}");
    let sheet = current.text().await.unwrap();
    assert!(
        sheet.contains("Please confirm your subscription to Newsletter"),
        "{sheet}"
    );
    assert!(sheet.contains("/confirm/sample"), "{sheet}");

    let welcome = "/admin/templates/welcome/en";
    let unsaved = operator
        .post(
            welcome,
            &format!("{welcome}/preview"),
            &[
                ("subject", "Hi {{ subscriber.name }}"),
                (
                    "html",
                    "<p>Dear {{ subscriber.name }}</p>{{ unsubscribe_url }}",
                ),
                ("text", "Dear {{ subscriber.name }} {{ unsubscribe_url }}"),
            ],
        )
        .await;
    assert_eq!(unsaved.status(), 200);
    let sheet = unsaved.text().await.unwrap();
    assert!(sheet.contains("Hi Ada Lovelace"), "{sheet}");
    assert!(sheet.contains("Dear Ada Lovelace http"), "{sheet}");
    assert_eq!(saved_versions(&app), 0, "a preview saves nothing");

    let editor = operator.get(welcome).await;
    let policy = editor
        .headers()
        .get("Content-Security-Policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(policy.contains("frame-src 'self'"), "{policy}");
    assert_eq!(
        operator.get("/admin/templates/nonsense/en").await.status(),
        404
    );
    assert_eq!(
        operator.get("/admin/templates/welcome/xx").await.status(),
        404
    );
}

/// A template saved through one process is in force in another process
/// on the same database within 10 s, without a restart.
#[tokio::test]
async fn a_template_saved_in_one_process_is_in_force_in_another_within_ten_seconds() {
    use crate::support::app::test_env;
    use crate::support::process::{free_port, spawn, wait_until_up};

    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let bind = format!("127.0.0.1:{}", free_port());
    let vars = test_env(
        &dir,
        Some(&app.smtp),
        &[
            ("ASSENT_BIND", &bind),
            ("ASSENT_DATABASE_URL", &app.database_url),
        ],
    );
    let base = format!("http://{bind}");
    let _other = spawn(&vars, &["serve"]);
    wait_until_up(&base).await;

    let operator = app.signed_in().await;
    let link = "{{ confirm_url }} {{ unsubscribe_url }}";
    let status = save(&operator, CONFIRMATION, "Saved next door", link, link).await;
    assert_eq!(status, 303);

    let client = crate::support::app::client();
    let mut n = 0;
    let in_force = async || {
        n += 1;
        let before = app.smtp.messages().len();
        let email = format!("p{n}@example.com");
        let signed = client
            .post(format!("{base}/subscribe"))
            .form(&[("email", email.as_str())])
            .send()
            .await
            .expect("POST");
        assert_eq!(signed.status(), 200);
        let mail = app.mails(before + 1).await.swap_remove(before);
        mail.decoded_header("Subject").as_deref() == Some("Saved next door")
    };
    let limit = Duration::from_secs(10);
    crate::support::eventually(
        "the template in force in the other process",
        limit,
        in_force,
    )
    .await;
}

#[tokio::test]
async fn a_broadcast_is_poured_into_the_saved_layout() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    let status = save(
        &operator,
        "/admin/templates/broadcast/en",
        "ignored",
        "<h2>{{ subject }}</h2><div class=\"layout\">{{ content }}</div><a href=\"{{ unsubscribe_url }}\">x</a>",
        "LAYOUT {{ subject }}\n{{ content }}\n{{ unsubscribe_url }}",
    )
    .await;
    assert_eq!(status, 303);
    let created = operator
        .post(
            "/admin/broadcasts/new",
            "/admin/broadcasts",
            &[
                ("list", "newsletter"),
                ("subject", "Spring <news>"),
                ("body", "Hello **there**."),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let page = created.headers()["location"].to_str().unwrap();
    let page = page.split('?').next().unwrap().to_owned();
    let tested = operator
        .post(
            &page,
            &format!("{page}/test"),
            &[("email", "me@example.org")],
        )
        .await;
    assert_eq!(tested.status(), 303);
    let copy = app.mails(1).await.swap_remove(0);
    assert_eq!(
        copy.decoded_header("Subject").as_deref(),
        Some("[Test] Spring <news>"),
        "a copy takes its broadcast's subject"
    );
    let html = copy.html_part().unwrap();
    assert!(
        html.contains("<h2>[Test] Spring &lt;news&gt;</h2><div class=\"layout\">"),
        "{html}"
    );
    assert!(
        html.contains("<strong>there</strong>"),
        "the body as it is: {html}"
    );
    let text = copy.text_part().unwrap();
    assert!(text.starts_with("LAYOUT [Test] Spring <news>"), "{text}");
    assert!(text.contains("This is a test copy"), "{text}");
}
