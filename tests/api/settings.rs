//! Settings changed from the admin (contract §15): in force for the next
//! page and message without a restart, audited, refused with the field
//! named when bad, and read-only where the environment sets them.

use crate::support::app::{link, spawn_app, spawn_app_with};

/// A server whose environment leaves the organisation and the sender to
/// the settings page.
async fn unset_app() -> crate::support::app::TestApp {
    spawn_app_with(&[
        ("ASSENT_ORG_NAME", ""),
        ("ASSENT_ORG_ADDRESS", ""),
        ("ASSENT_MAIL_FROM", ""),
    ])
    .await
}

#[tokio::test]
async fn a_saved_organisation_and_sender_are_in_force_for_the_next_page_and_message() {
    let app = unset_app().await;
    let operator = app.signed_in().await;
    let before = app.get("/").await.text().await.unwrap();
    assert!(!before.contains("Acme Workshop"));

    let saved = operator
        .post(
            "/admin/settings",
            "/admin/settings",
            &[
                ("org_name", "Acme Workshop"),
                ("org_address", "3 Quai des Orfèvres, 75001 Paris"),
                ("mail_from", "Acme News <news@acme.test>"),
                ("reply_to", "Acme Desk <desk@acme.test>"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let page = operator.html("/admin/settings?done=saved").await;
    assert!(page.contains("value=\"Acme Workshop\""), "{page}");

    let form = app.get("/").await.text().await.unwrap();
    assert!(form.contains("Acme Workshop"), "the signup page names it");
    let mail = app.signup_and_get_mail("reader@example.com").await;
    assert_eq!(mail.mail_from, "news@acme.test");
    assert!(
        mail.decoded_header("From")
            .is_some_and(|from| from.contains("Acme News")),
        "{:?}",
        mail.decoded_header("From")
    );
    assert!(
        mail.decoded_header("Reply-To")
            .is_some_and(|to| to.contains("desk@acme.test")),
        "{:?}",
        mail.decoded_header("Reply-To")
    );
    let text = mail.text_part().expect("a text part");
    assert!(text.contains("Acme Workshop"), "{text}");
    assert!(text.contains("3 Quai des Orfèvres"), "{text}");
    assert!(!link(&mail, "confirm").is_empty());

    let audit = operator.html("/admin/audit").await;
    assert!(audit.contains("org_name"), "{audit}");
    assert!(
        audit.contains("Acme Workshop"),
        "old and new value: {audit}"
    );
}

#[tokio::test]
async fn bad_values_are_refused_with_the_field_named_and_nothing_is_saved() {
    let app = unset_app().await;
    let operator = app.signed_in().await;
    let refused = operator
        .post(
            "/admin/settings",
            "/admin/settings",
            &[
                ("org_name", "Kept Out"),
                ("privacy_url", "javascript:alert(1)"),
                ("mail_from", "not a mailbox"),
                ("pending_retention", "soon"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    for named in [
        "Give an address beginning with https:// or http://",
        "Give a mailbox such as",
        "Give a duration such as 30d or 48h, or 0.",
    ] {
        assert!(page.contains(named), "{named}: {page}");
    }
    assert!(
        page.contains("value=\"Kept Out\""),
        "the form keeps what was typed"
    );
    let form = app.get("/").await.text().await.unwrap();
    assert!(!form.contains("Kept Out"), "nothing was saved");
}

#[tokio::test]
async fn a_setting_the_environment_sets_is_read_only_and_wins() {
    // The test environment sets ASSENT_ORG_NAME to "Example Org".
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    let page = operator.html("/admin/settings").await;
    assert!(page.contains("Set by ASSENT_ORG_NAME"), "{page}");
    assert!(
        !page.contains("name=\"org_name\""),
        "no field to send: {page}"
    );
    assert!(page.contains("Now: 3 years."), "a clock in words: {page}");

    let sent = operator
        .post(
            "/admin/settings",
            "/admin/settings",
            &[
                ("org_name", "Someone Else"),
                ("privacy_url", "https://example.org/privacy"),
            ],
        )
        .await;
    assert_eq!(sent.status(), 303);
    let form = app.get("/").await.text().await.unwrap();
    assert!(form.contains("Example Org") && !form.contains("Someone Else"));
    assert!(
        form.contains("https://example.org/privacy"),
        "the rest is saved"
    );
}

/// A setting saved through another process sharing the database is in
/// force here within 10 s.
#[tokio::test]
async fn a_setting_saved_by_another_process_is_in_force_within_ten_seconds() {
    let app = unset_app().await;
    let mut conn = crate::support::app::connect(&app.database_url);
    assent::db::settings::save(&mut conn, "org_name", "Saved Elsewhere").unwrap();
    let shown = async || {
        let form = app.get("/").await.text().await.unwrap();
        form.contains("Saved Elsewhere")
    };
    let limit = std::time::Duration::from_secs(10);
    crate::support::eventually("the other process's setting in force", limit, shown).await;
}

/// The default consent wording names the organisation the settings give:
/// a change shows on the form at once, and the next consent records the
/// new text as a new version of the wording.
#[tokio::test]
async fn the_default_wording_follows_the_organisation_as_a_new_version() {
    let app = unset_app().await;
    let form = app.get("/").await.text().await.unwrap();
    assert!(form.contains("emails from assent"), "{form}");
    app.signup_and_get_mail("first@example.com").await;

    let operator = app.signed_in().await;
    let saved = operator
        .post(
            "/admin/settings",
            "/admin/settings",
            &[("org_name", "Acme Workshop")],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let form = app.get("/").await.text().await.unwrap();
    assert!(form.contains("emails from Acme Workshop"), "{form}");
    app.signup_and_get_mail("second@example.com").await;

    let version = |email: &str| app.events(email)[0].wording_version;
    assert_eq!(version("first@example.com"), Some(1));
    assert_eq!(
        version("second@example.com"),
        Some(2),
        "what was shown is what is proven"
    );
}

/// The dashboard's warnings follow the settings in force: a sender at
/// localhost is warned about until a real one is saved.
#[tokio::test]
async fn the_dashboard_warns_of_a_localhost_sender_until_a_real_one_is_saved() {
    let app = unset_app().await;
    let operator = app.signed_in().await;
    let warned = |html: &str| html.contains("an address at localhost");
    assert!(warned(&operator.html("/admin").await));
    let saved = operator
        .post(
            "/admin/settings",
            "/admin/settings",
            &[("mail_from", "News <news@example.com>")],
        )
        .await;
    assert_eq!(saved.status(), 303);
    assert!(!warned(&operator.html("/admin").await));
}

/// The pace of mail to many, saved from the settings, holds the next
/// claim: an import's confirmations go one a second.
#[tokio::test]
async fn a_saved_send_rate_paces_the_next_bulk_mail() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    let refused = operator
        .post(
            "/admin/settings",
            "/admin/settings",
            &[("send_rate", "fast")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let saved = operator
        .post("/admin/settings", "/admin/settings", &[("send_rate", "1")])
        .await;
    assert_eq!(saved.status(), 303);

    let mut csv = String::from("email\n");
    for i in 0..20 {
        csv.push_str(&format!("paced{i}@example.com\n"));
    }
    assert_eq!(operator.upload(csv.into_bytes()).await.status(), 303);
    app.settle().await;
    let sent = app.smtp.messages().len();
    assert!((1..=2).contains(&sent), "one a second: {sent}");
}

/// The signup limit and proof of work, turned on from the settings, hold
/// for the next signup.
#[tokio::test]
async fn the_signup_limit_and_proof_of_work_follow_the_settings() {
    // The test environment turns the signup limit off with 0: that wins.
    let app = spawn_app_with(&[("ASSENT_SIGNUP_RATE", "")]).await;
    let operator = app.signed_in().await;
    let saved = operator
        .post(
            "/admin/settings",
            "/admin/settings",
            &[("signup_rate", "2"), ("pow", "on")],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let challenge = app.get("/api/v1/challenge").await;
    assert_eq!(challenge.status(), 200, "proof of work is on");
    let refused = app.signup("no.proof@example.com").await;
    assert_ne!(
        refused.status(),
        200,
        "a signup without the proof is refused"
    );

    let saved = operator
        .post("/admin/settings", "/admin/settings", &[("pow", "off")])
        .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(app.get("/api/v1/challenge").await.status(), 404);
    assert_eq!(app.signup("first@example.com").await.status(), 200);
    assert_eq!(
        app.signup("second@example.com").await.status(),
        429,
        "two a minute from this client, the refused one counted"
    );
}

/// Times in the operators' area show in the time zone of the settings; a
/// zone that does not exist is refused.
#[tokio::test]
async fn the_admin_shows_times_in_the_time_zone_of_the_settings() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    app.api_token("a script").await;
    assert!(operator.html("/admin/tokens").await.contains(" UTC"));
    let refused = operator
        .post(
            "/admin/settings",
            "/admin/settings",
            &[("timezone", "Mars/Olympus_Mons")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let saved = operator
        .post(
            "/admin/settings",
            "/admin/settings",
            &[("timezone", "Europe/Paris")],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let tokens = operator.html("/admin/tokens").await;
    assert!(tokens.contains(" Europe/Paris"), "{tokens}");
    let audit = operator.html("/admin/audit").await;
    assert!(audit.contains("timezone"), "the change is audited: {audit}");
}
