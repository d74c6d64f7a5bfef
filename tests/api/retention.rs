//! The law's clocks (contract §10), with the durations of the law and the
//! server's clock moved past them: pending requests forgotten, old consent
//! asked again, unanswered requests expired, and `assent purge [--dry-run]`.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use assent::domain::{Act, Channel};

use crate::support::app::{TestApp, link, spawn_app_with};
use crate::support::smtp::ReceivedMail;

const DAY: Duration = Duration::from_secs(86_400);

/// `assent purge ARGS` on the app's database, with the clocks given and its
/// own clock `ahead` of the system's.
fn purge(app: &TestApp, args: &[&str], clocks: &[(&str, &str)], ahead: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assent"))
        .arg("purge")
        .args(args)
        .env_clear()
        .env("ASSENT_DATABASE_URL", &app.database_url)
        .env("ASSENT_LOG", "warn")
        .env("ASSENT_TEST_CLOCK_AHEAD", ahead)
        .envs(clocks.iter().copied())
        .current_dir(app.dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("assent runs")
}

#[tokio::test]
async fn a_pending_signup_is_purged_with_everything_personal_and_a_confirmed_one_kept() {
    let app = spawn_app_with(&[("ASSENT_PENDING_RETENTION", "30d")]).await;
    let kept = app.signup_and_get_mail("kept.person@example.com").await;
    assert_eq!(app.post(&link(&kept, "confirm")).await.status(), 200);
    app.signup_and_get_mail("forgotten.person@example.com")
        .await;
    assert!(app.holds("forgotten.person@example.com"));

    app.advance(29 * DAY).await;
    assert!(
        app.holds("forgotten.person@example.com"),
        "kept for 30 days"
    );
    app.advance(2 * DAY).await;
    assert_eq!(app.status("forgotten.person@example.com"), None);
    assert!(
        !app.holds("forgotten.person@example.com"),
        "nothing of the address is left"
    );
    assert_eq!(
        app.status("kept.person@example.com").as_deref(),
        Some("confirmed")
    );
    // The consent ledger still verifies: the purged events keep their links.
    let ledger = Command::new(env!("CARGO_BIN_EXE_assent"))
        .arg("verify-ledger")
        .env_clear()
        .env("ASSENT_DATABASE_URL", &app.database_url)
        .current_dir(app.dir.path())
        .output()
        .expect("assent runs");
    assert!(ledger.status.success(), "{ledger:?}");
}

#[tokio::test]
async fn purge_dry_run_says_what_it_would_do_and_changes_nothing() {
    // The server's own clock is off; the command runs, two days later,
    // with one of a day.
    let app = spawn_app_with(&[("ASSENT_PENDING_RETENTION", "0")]).await;
    app.signup_and_get_mail("waiting@example.com").await;
    let clocks = [("ASSENT_PENDING_RETENTION", "1d")];
    let early = purge(&app, &["--dry-run"], &clocks, "1h");
    assert!(
        String::from_utf8_lossy(&early.stdout).contains("would purge: 0"),
        "{early:?}"
    );

    let dry = purge(&app, &["--dry-run"], &clocks, "2d");
    assert!(dry.status.success(), "{dry:?}");
    let out = String::from_utf8_lossy(&dry.stdout);
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            "pending subscriptions would purge: 1",
            "reconfirmation requests would send: 0",
            "subscriptions would expire: 0",
        ]
    );
    assert_eq!(
        app.status("waiting@example.com").as_deref(),
        Some("pending")
    );
    assert_eq!(app.events("waiting@example.com").len(), 1);

    let real = purge(&app, &[], &clocks, "2d");
    assert!(real.status.success(), "{real:?}");
    let out = String::from_utf8_lossy(&real.stdout);
    assert!(out.contains("pending subscriptions purged: 1"), "{out}");
    assert_eq!(app.status("waiting@example.com"), None);

    let bad = purge(&app, &[], &[("ASSENT_PENDING_RETENTION", "soon")], "2d");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("ASSENT_PENDING_RETENTION"));
}

/// The reconfirmation request sent to `email`.
fn reconfirmation(app: &TestApp, email: &str) -> Option<ReceivedMail> {
    app.smtp.messages().into_iter().find(|m| {
        m.rcpt_to == [email]
            && m.decoded_header("Subject").as_deref() == Some("Do you still want Newsletter?")
    })
}

async fn confirmed(app: &TestApp, email: &str) {
    let mail = app.signup_and_get_mail(email).await;
    assert_eq!(app.post(&link(&mail, "confirm")).await.status(), 200);
}

#[tokio::test]
async fn old_consent_is_asked_again_and_keep_me_subscribed_renews_it() {
    let app = spawn_app_with(&[("ASSENT_RECONFIRM_AFTER", "730d")]).await;
    confirmed(&app, "loyal@example.com").await;
    app.advance(729 * DAY).await;
    assert!(
        reconfirmation(&app, "loyal@example.com").is_none(),
        "not yet"
    );
    app.advance(2 * DAY).await;
    let mail = reconfirmation(&app, "loyal@example.com").expect("asked again");
    // A message like every other: its own unsubscribe link and headers.
    let unsubscribe = link(&mail, "unsubscribe");
    assert_eq!(
        mail.header("List-Unsubscribe"),
        Some(format!("<{}>", app.url(&unsubscribe)))
    );
    assert!(
        mail.html_part()
            .expect("html")
            .contains("Keep me subscribed")
    );
    let keep = link(&mail, "reconfirm");

    let operator = app.signed_in().await;
    let waiting = |html: &str| squeezed(html).contains("<dt>Asked,waiting</dt><dd>1</dd>");
    assert!(waiting(&operator.html("/admin").await));

    let before = app.events("loyal@example.com").len();
    let page = app.get(&keep).await;
    assert_eq!(page.status(), 200);
    assert_eq!(
        page.headers().get("cache-control").map(|v| v.as_bytes()),
        Some(&b"no-store"[..])
    );
    assert!(page.text().await.unwrap().contains("Keep me subscribed"));
    assert_eq!(
        app.client
            .head(app.url(&keep))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        app.events("loyal@example.com").len(),
        before,
        "GET changes nothing"
    );

    let kept = app.post(&keep).await;
    assert_eq!(kept.status(), 200);
    assert!(kept.text().await.unwrap().contains("you stay subscribed"));
    let events = app.events("loyal@example.com");
    let last = events.last().expect("an event");
    assert_eq!(
        (last.act, last.channel),
        (Act::Reconfirmed, Channel::ReconfirmButton)
    );
    assert!(last.wording_sha256.is_some(), "under the wording shown now");
    assert_eq!(
        app.status("loyal@example.com").as_deref(),
        Some("confirmed")
    );
    assert!(!waiting(&operator.html("/admin").await));
}

#[tokio::test]
async fn an_unanswered_request_ends_the_subscription_with_channel_expiry() {
    let app = spawn_app_with(&[
        ("ASSENT_RECONFIRM_AFTER", "730d"),
        ("ASSENT_RECONFIRM_GRACE", "30d"),
    ])
    .await;
    confirmed(&app, "gone.quiet@example.com").await;
    app.advance(731 * DAY).await;
    let mail = reconfirmation(&app, "gone.quiet@example.com").expect("asked");
    app.advance(29 * DAY).await;
    assert_eq!(
        app.status("gone.quiet@example.com").as_deref(),
        Some("confirmed"),
        "the grace lasts 30 days"
    );
    app.advance(2 * DAY).await;
    assert_eq!(
        app.status("gone.quiet@example.com").as_deref(),
        Some("unsubscribed")
    );
    let last = app
        .events("gone.quiet@example.com")
        .pop()
        .expect("an event");
    assert_eq!(
        (last.act, last.channel),
        (Act::Unsubscribed, Channel::Expiry)
    );

    // Pressing the button now keeps nothing.
    let dashboard = app.signed_in().await.html("/admin").await;
    assert!(
        squeezed(&dashboard).contains("<dt>Expired</dt><dd>1</dd>"),
        "{dashboard}"
    );

    let late = app.post(&link(&mail, "reconfirm")).await;
    assert_eq!(late.status(), 410);
    assert_eq!(
        app.status("gone.quiet@example.com").as_deref(),
        Some("unsubscribed")
    );
}

/// A page's HTML without its whitespace, to look for figures in it.
fn squeezed(html: &str) -> String {
    html.split_whitespace().collect()
}
