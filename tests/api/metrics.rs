//! `GET /metrics` (contract §13): what a Prometheus scraper reads, and who
//! may read it.

use crate::support::app::{TestApp, link, spawn_app_with};
use crate::support::smtp::Behaviour;

const TOKEN: &str = "scrape-me-0123456789";

async fn scrape(app: &TestApp) -> String {
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    response.text().await.expect("exposition")
}

/// The value of the sample named exactly `series` (with its labels).
fn sample(exposition: &str, series: &str) -> Option<f64> {
    exposition.lines().find_map(|line| {
        let value = line.strip_prefix(series)?.strip_prefix(' ')?;
        value.trim().parse().ok()
    })
}

#[tokio::test]
async fn the_counters_follow_a_signup_its_confirmation_and_its_mail() {
    let app = spawn_app_with(&[("ASSENT_METRICS_TOKEN", TOKEN)]).await;
    let before = scrape(&app).await;
    assert_eq!(
        sample(&before, "assent_signups_total"),
        Some(0.0),
        "{before}"
    );
    assert_eq!(sample(&before, "assent_confirmations_total"), Some(0.0));
    assert_eq!(sample(&before, "assent_unsubscribes_total"), Some(0.0));
    assert_eq!(
        sample(&before, "assent_messages_failed_total{kind=\"broadcast\"}"),
        Some(0.0),
        "every kind is there from the start"
    );

    let mail = app.signup_and_get_mail("ada@example.com").await;
    assert_eq!(app.post(&link(&mail, "confirm")).await.status(), 200);
    app.mails(2).await;
    app.settle().await;

    let after = scrape(&app).await;
    assert_eq!(sample(&after, "assent_signups_total"), Some(1.0), "{after}");
    assert_eq!(sample(&after, "assent_confirmations_total"), Some(1.0));
    for kind in ["confirmation", "welcome"] {
        let sent = format!("assent_messages_sent_total{{kind=\"{kind}\"}}");
        assert_eq!(sample(&after, &sent), Some(1.0), "{sent} in\n{after}");
    }
    assert_eq!(
        sample(
            &after,
            "assent_http_request_duration_seconds_count{method=\"POST\",route=\"/subscribe\",status=\"200\"}"
        ),
        Some(1.0),
        "{after}"
    );
    assert!(
        after.contains("route=\"/confirm/{token}\""),
        "requests are labelled by their route, never their path:\n{after}"
    );
    assert!(
        !after.contains(&link(&mail, "confirm")),
        "no link token in the metrics"
    );
}

#[tokio::test]
async fn a_scraper_off_the_machine_needs_the_token() {
    let app = spawn_app_with(&[("ASSENT_METRICS_TOKEN", TOKEN)]).await;
    // A request relayed by a reverse proxy on this machine is not local.
    let relayed = |auth: Option<&str>| {
        let mut request = app
            .client
            .get(app.url("/metrics"))
            .header("X-Forwarded-For", "203.0.113.9");
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        request.send()
    };
    assert_eq!(relayed(None).await.expect("GET").status(), 404);
    let wrong = relayed(Some("Bearer not-the-token-at-all"))
        .await
        .expect("GET");
    assert_eq!(wrong.status(), 404);
    assert!(!wrong.text().await.unwrap().contains("assent_signups_total"));
    let right = relayed(Some(&format!("Bearer {TOKEN}")))
        .await
        .expect("GET");
    assert_eq!(right.status(), 200);
    assert!(
        right
            .text()
            .await
            .unwrap()
            .contains("# TYPE assent_signups_total counter")
    );
}

#[tokio::test]
async fn without_a_token_only_this_machine_may_scrape() {
    let app = spawn_app_with(&[]).await;
    assert_eq!(app.get("/metrics").await.status(), 200);
    let relayed = app
        .client
        .get(app.url("/metrics"))
        .header("Forwarded", "for=203.0.113.9")
        .header("Authorization", format!("Bearer {TOKEN}"))
        .send()
        .await
        .expect("GET");
    assert_eq!(relayed.status(), 404);
    for header in ["X-Real-IP", "X-Forwarded-Host", "X-Client-IP"] {
        let relayed = app
            .client
            .get(app.url("/metrics"))
            .header(header, "203.0.113.9")
            .send()
            .await
            .expect("GET");
        assert_eq!(relayed.status(), 404, "{header}");
    }
}

#[tokio::test]
async fn the_outbox_gauges_show_mail_the_relay_will_not_take_yet() {
    let app = spawn_app_with(&[]).await;
    app.smtp.set_behaviour(Behaviour::TempFail);
    assert_eq!(app.signup("ada@example.com").await.status(), 200);
    app.advance(std::time::Duration::from_secs(90)).await;
    // The first scrape of this process counts the outbox.
    let exposition = scrape(&app).await;
    let queued = "assent_outbox_queued{kind=\"confirmation\"}";
    assert_eq!(sample(&exposition, queued), Some(1.0), "{exposition}");
    assert_eq!(
        sample(&exposition, "assent_outbox_queued{kind=\"welcome\"}"),
        Some(0.0)
    );
    let oldest = sample(&exposition, "assent_outbox_oldest_queued_seconds").expect("the age");
    assert!(
        oldest >= 90.0,
        "the waiting confirmation is at least 90 seconds old: {oldest}"
    );
}

/// What `promtool check metrics` says of the exposition: `None` when
/// promtool is not installed here (CI installs it, and fails without it).
fn promtool_check(exposition: &str) -> Option<std::process::Output> {
    use std::io::Write;
    let child = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        crate::support::part_missing("promtool", "apt-get install prometheus");
        return None;
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(exposition.as_bytes())
        .expect("written");
    Some(child.wait_with_output().expect("promtool ran"))
}

#[tokio::test]
async fn promtool_accepts_the_exposition() {
    let app = spawn_app_with(&[]).await;
    app.signup_and_get_mail("ada@example.com").await;
    let exposition = scrape(&app).await;
    assert!(
        exposition.contains("# HELP assent_signups_total "),
        "{exposition}"
    );
    if let Some(out) = promtool_check(&exposition) {
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success() && said.trim().is_empty(), "{said}");
    }
}

#[tokio::test]
async fn a_scraper_that_asks_for_openmetrics_gets_it_by_its_name() {
    let app = spawn_app_with(&[]).await;
    let response = app
        .client
        .get(app.url("/metrics"))
        .header("accept", "application/openmetrics-text; version=1.0.0")
        .send()
        .await
        .expect("GET");
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    let body = response.text().await.expect("a body");
    assert!(body.ends_with("# EOF\n"), "{body}");
    assert!(body.contains("# TYPE assent_signups counter"), "{body}");
}
