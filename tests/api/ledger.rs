//! The tamper-evident consent ledger (contract §11): every event chained in
//! the order it was recorded, `assent verify-ledger` intact after the usual
//! acts and an erasure, and naming the event a change behind assent's back
//! broke.

use std::process::{Command, Output, Stdio};

use diesel::RunQueryDsl;

use crate::support::app::{TestApp, connect, link, spawn_app};

/// `assent verify-ledger` against the test server's database.
fn verify_ledger(app: &TestApp) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assent"))
        .arg("verify-ledger")
        .env_clear()
        .env("ASSENT_DATABASE_URL", &app.database_url)
        .env("ASSENT_LOG", "warn")
        .current_dir(app.dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("assent runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).trim().to_owned()
}

/// `(position, event_id, chain)` of every link, in the chain's order; an
/// erasure's link has no event.
fn links(app: &TestApp) -> Vec<(i64, Option<i64>, String)> {
    use assent::db::DbConn;
    use assent::db::schema::consent_ledger as l;
    use diesel::prelude::*;
    l::table
        .order(l::position)
        .select((l::position, l::event_id, l::chain))
        .load(&mut *app.conn() as &mut DbConn)
        .expect("ledger")
}

/// Runs SQL as someone with access to the database file would, outside
/// assent, with the guards against updates dropped first.
fn tamper(app: &TestApp, statements: &[&str]) {
    let mut conn = connect(&app.database_url);
    let postgres = app.database_url.starts_with("postgres");
    let drops: &[&str] = if postgres {
        &[
            "DROP TRIGGER consent_events_append_only ON consent_events",
            "DROP TRIGGER consent_ledger_append_only ON consent_ledger",
        ]
    } else {
        &[
            // The server writes meanwhile (its heartbeat): wait for it.
            "PRAGMA busy_timeout = 5000",
            "DROP TRIGGER consent_events_append_only",
            "DROP TRIGGER consent_ledger_append_only",
        ]
    };
    for sql in drops.iter().chain(statements) {
        diesel::sql_query(*sql)
            .execute(&mut conn)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

/// Three signups, two confirmations, an unsubscribe: six events.
async fn some_history(app: &TestApp) {
    let people = ["ada@example.com", "grace@example.com", "alan@example.com"];
    for email in people {
        assert_eq!(app.signup(email).await.status(), 200);
    }
    let mails = app.mails(3).await;
    let mail_of = |email: &str| {
        mails
            .iter()
            .find(|m| m.rcpt_to == [email])
            .expect("a confirmation")
    };
    for email in &people[..2] {
        assert_eq!(
            app.post(&link(mail_of(email), "confirm")).await.status(),
            200
        );
    }
    let grace = link(mail_of("grace@example.com"), "unsubscribe");
    assert_eq!(app.post(&grace).await.status(), 200);
    app.settle().await;
}

#[tokio::test]
async fn the_chain_verifies_after_signups_confirms_unsubscribes_and_an_erasure() {
    let app = spawn_app().await;
    some_history(&app).await;
    let before = links(&app);
    assert_eq!(before.len(), 6, "one link per event: {before:?}");
    assert!(
        before
            .iter()
            .enumerate()
            .all(|(i, (p, ..))| *p == i as i64 + 1),
        "{before:?}"
    );

    let out = verify_ledger(&app);
    assert!(out.status.success(), "{}", stderr(&out));
    let head = &before.last().expect("a link").2;
    assert_eq!(stdout(&out), format!("6 events, chain intact, head {head}"));

    // consent.json carries each event's digest and link.
    let operator = app.signed_in().await;
    let record: serde_json::Value = operator
        .get("/admin/subscribers/1/consent.json")
        .await
        .json()
        .await
        .expect("consent.json");
    let events = record["subscriptions"][0]["events"]
        .as_array()
        .expect("events")
        .clone();
    assert_eq!(events.len(), 2);
    for event in &events {
        let id = event["id"].as_i64().expect("an id");
        let (_, _, chain) = before
            .iter()
            .find(|(_, e, _)| *e == Some(id))
            .expect("linked");
        assert_eq!(event["chain"].as_str(), Some(chain.as_str()));
        assert_eq!(event["digest"].as_str().map(str::len), Some(64));
    }

    // An erasure removes the events and keeps their links.
    let response = operator
        .post(
            "/admin/subscribers/1",
            "/admin/subscribers/1/erase",
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(app.events("ada@example.com").is_empty());
    // The erasure is a link of its own, after the ones it kept.
    let after = links(&app);
    assert_eq!(after[..6], before[..]);
    assert_eq!(after.len(), 7, "{after:?}");
    assert_eq!(after[6].1, None, "the erasure's link chains no event");
    let head = &after[6].2;
    let out = verify_ledger(&app);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("7 events, chain intact, head {head}"));

    // The dashboard shows the head and the last verification.
    let dashboard = operator.html("/admin").await;
    assert!(dashboard.contains("Consent ledger"), "{dashboard}");
    assert!(dashboard.contains(head.as_str()));
    assert!(dashboard.contains("intact when last verified"));
}

#[tokio::test]
async fn an_altered_event_is_named() {
    let app = spawn_app().await;
    some_history(&app).await;
    let victim = links(&app)[2].1.expect("an event");
    tamper(
        &app,
        &[&format!(
            "UPDATE consent_events SET client_ip = '203.0.113.9' WHERE id = {victim}"
        )],
    );
    let out = verify_ledger(&app);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("event {victim}: its content no longer matches")),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), "");

    // The failure is recorded for the dashboard.
    let dashboard = app.signed_in().await.html("/admin").await;
    assert!(
        dashboard.contains(&format!("The chain no longer verifies: event {victim}")),
        "{dashboard}"
    );
}

#[tokio::test]
async fn a_deleted_event_is_named() {
    let app = spawn_app().await;
    some_history(&app).await;
    let victim = links(&app)[3].1.expect("an event");
    tamper(
        &app,
        &[&format!("DELETE FROM consent_events WHERE id = {victim}")],
    );
    let out = verify_ledger(&app);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("event {victim}: it was deleted")),
        "{}",
        stderr(&out)
    );
}

/// Undoing an unsubscribe by hand: the event deleted, its link marked
/// erased as an erasure would, the subscription confirmed again. No
/// erasure of the chain names that digest.
#[tokio::test]
async fn an_unsubscribe_passed_off_as_erased_is_named() {
    let app = spawn_app().await;
    some_history(&app).await;
    let all = links(&app);
    let victim = all[5].1.expect("the unsubscribe");
    let head = all[5].2.clone();
    tamper(
        &app,
        &[
            &format!("DELETE FROM consent_events WHERE id = {victim}"),
            &format!("UPDATE consent_ledger SET erased_at = 1 WHERE event_id = {victim}"),
            "UPDATE subscriptions SET status = 'confirmed', unsubscribed_at = NULL \
             WHERE status = 'unsubscribed'",
        ],
    );
    assert_eq!(links(&app).last().map(|l| l.2.clone()), Some(head));
    let out = verify_ledger(&app);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains(&format!(
            "event {victim}: it is marked erased, and no erasure of the chain names it"
        )),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn reordered_events_are_named() {
    let app = spawn_app().await;
    some_history(&app).await;
    let all = links(&app);
    let (first, second) = (all[1].1.expect("an event"), all[2].1.expect("an event"));

    // The second and third links swapped.
    tamper(
        &app,
        &[
            "UPDATE consent_ledger SET position = -1 WHERE position = 2",
            "UPDATE consent_ledger SET position = 2 WHERE position = 3",
            "UPDATE consent_ledger SET position = 3 WHERE position = -1",
        ],
    );
    let out = verify_ledger(&app);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("event {second}: its place in the chain")),
        "{} (swapped {first} and {second})",
        stderr(&out)
    );
}

#[tokio::test]
async fn an_event_slipped_in_outside_assent_is_named() {
    let app = spawn_app().await;
    some_history(&app).await;
    tamper(
        &app,
        &[
            "INSERT INTO consent_events (subscription_id, act, channel, occurred_at) \
           VALUES (3, 'confirmed', 'confirm_button', 0)",
        ],
    );
    let out = verify_ledger(&app);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("it is not in the chain"),
        "{}",
        stderr(&out)
    );
}

/// Events are linked behind the commits that appended them, and within
/// 5 s (contract §11), a burst of signups included.
#[tokio::test]
async fn a_burst_of_signups_is_linked_within_five_seconds() {
    use futures_util::StreamExt;
    let app = spawn_app().await;
    let statuses: Vec<u16> = futures_util::stream::iter(0..300)
        .map(|i| {
            let app = &app;
            async move {
                let email = format!("burst{i}@example.com");
                app.signup(&email).await.status().as_u16()
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let linked = async || links(&app).len() == 300;
    let limit = std::time::Duration::from_secs(5);
    crate::support::eventually("every event linked", limit, linked).await;
    let out = verify_ledger(&app);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("300 events, chain intact"),
        "{}",
        stdout(&out)
    );
}
