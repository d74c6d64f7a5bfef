//! CSV imports as background jobs: refused uploads leave nothing, and an
//! import cut short by a killed process resumes where it stopped.

use std::time::Duration;

use assent::db::DbConn;
use assent::db::schema::{import_chunks, imports, jobs, subscriptions};
use assent::domain::JobKind;
use diesel::prelude::*;

use crate::support::admin::{OPERATOR, Operator, PASSWORD, create_operator_in};
use crate::support::app::{connect, spawn_app, spawn_app_with, test_env};
use crate::support::eventually;
use crate::support::process::{free_port, spawn, wait_until_up};

fn count_imports(conn: &mut DbConn) -> i64 {
    imports::table.count().get_result(conn).unwrap()
}

#[tokio::test]
async fn a_refused_upload_says_why_and_keeps_nothing() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    let long_line = format!("email\nada@example.com\n{}\n", "x".repeat(5000));
    for (file, says) in [
        (b"ada@example.com\n\xff\xfe\n".to_vec(), "not UTF-8"),
        (b"email\n\n   \n".to_vec(), "holds no addresses"),
        (long_line.into_bytes(), "Line 3 is longer than 4 KiB"),
        // A character cut by the end of the file.
        (b"ada@example.com\n\xc3".to_vec(), "not UTF-8"),
    ] {
        let response = operator.upload(file).await;
        assert_eq!(response.status(), 422, "{says}");
        let page = response.text().await.unwrap();
        assert!(page.contains(says), "{says}: {page}");
    }
    let mut conn = app.conn();
    assert_eq!(count_imports(&mut conn), 0, "no import was kept");
    let chunks: i64 = import_chunks::table
        .count()
        .get_result(&mut *conn as &mut DbConn)
        .unwrap();
    assert_eq!(chunks, 0, "nor any part of a file");
    assert!(app.export().is_empty());
}

#[tokio::test]
async fn an_upload_without_the_csrf_token_first_is_refused_before_anything_is_read() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    let form = reqwest::multipart::Form::new()
        .text("list", "newsletter")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"ada@example.com\n".to_vec()),
        );
    let response = operator
        .client
        .post(operator.url("/admin/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(count_imports(&mut app.conn()), 0);
}

/// The job keeps its place in the file in the database: killed with
/// SIGKILL half-way, the import carries on after the restart and each
/// address is added exactly once.
#[tokio::test]
async fn an_import_cut_short_by_a_killed_process_resumes_where_it_stopped() {
    const LINES: usize = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let bind = format!("127.0.0.1:{}", free_port());
    // Confirmations wait in the outbox: nothing listens on the relay's port.
    let smtp_url = format!("smtp://127.0.0.1:{}", free_port());
    let vars = test_env(
        &dir,
        None,
        &[("ASSENT_BIND", &bind), ("ASSENT_SMTP_URL", &smtp_url)],
    );
    let url = vars["ASSENT_DATABASE_URL"].clone();
    let base = format!("http://{bind}");
    let mut server = spawn(&vars, &["serve"]);
    wait_until_up(&base).await;
    create_operator_in(&url);
    let operator = Operator::at(&base);
    assert_eq!(operator.login(OPERATOR, PASSWORD).await.status(), 303);

    let mut csv = String::from("email,name\n");
    for i in 0..LINES {
        csv.push_str(&format!("reader{i}@example.com,Reader {i}\n"));
    }
    assert_eq!(operator.upload(csv.into_bytes()).await.status(), 303);
    let progress = |conn: &mut DbConn| -> (String, i32, i32) {
        imports::table
            .select((imports::status, imports::processed, imports::added))
            .first(conn)
            .unwrap()
    };
    let mut conn = connect(&url);
    let started = async || progress(&mut connect(&url)).1 > 0;
    eventually("the import started", Duration::from_secs(60), started).await;
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    let (status, processed, _) = progress(&mut conn);
    assert_eq!(status, "running");
    assert!(processed < LINES as i32, "killed half-way: {processed}");

    let _server = spawn(&vars, &["serve"]);
    let finished = async || {
        let (status, ..) = progress(&mut connect(&url));
        assert_ne!(status, "failed");
        status == "done"
    };
    eventually("the import finished", Duration::from_secs(120), finished).await;
    let (_, processed, added) = progress(&mut conn);
    assert_eq!((processed, added), (LINES as i32, LINES as i32));
    let subscriptions: i64 = subscriptions::table.count().get_result(&mut conn).unwrap();
    assert_eq!(subscriptions, LINES as i64, "each address added once");
    let chunks: i64 = import_chunks::table.count().get_result(&mut conn).unwrap();
    assert_eq!(chunks, 0, "the file is gone once read");
}

/// `assent import` holds its import like any process holds its work:
/// registered, beating, its claim on the job. Killed with SIGKILL half-way,
/// its claim lapses with its heartbeat and the server carries the import
/// on, each address added once.
#[tokio::test]
async fn an_import_whose_command_is_killed_is_carried_on_by_the_server() {
    const LINES: usize = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let bind = format!("127.0.0.1:{}", free_port());
    let smtp_url = format!("smtp://127.0.0.1:{}", free_port());
    let vars = test_env(
        &dir,
        None,
        &[("ASSENT_BIND", &bind), ("ASSENT_SMTP_URL", &smtp_url)],
    );
    let url = vars["ASSENT_DATABASE_URL"].clone();
    let _server = spawn(&vars, &["serve"]);
    wait_until_up(&format!("http://{bind}")).await;

    let mut csv = String::from("email\n");
    for i in 0..LINES {
        csv.push_str(&format!("reader{i}@example.com\n"));
    }
    let file = dir.path().join("readers.csv");
    std::fs::write(&file, csv).unwrap();
    let path = file.display().to_string();
    let mut command = spawn(&vars, &["import", &path, "--list", "newsletter"]);

    // Under way in the command's own process, which the job names.
    let in_command = async || {
        let mut conn = connect(&url);
        let claimed: Option<Option<String>> = jobs::table
            .filter(jobs::kind.eq(JobKind::Import))
            .select(jobs::claimed_by)
            .first(&mut conn)
            .optional()
            .unwrap();
        let processed: Option<i32> = imports::table
            .select(imports::processed)
            .first(&mut conn)
            .optional()
            .unwrap();
        claimed.flatten().is_some_and(|p| p.starts_with("import-")) && processed > Some(0)
    };
    eventually("the command importing", Duration::from_secs(60), in_command).await;
    command.0.kill().unwrap();
    command.0.wait().unwrap();
    let (status, processed) = {
        let mut conn = connect(&url);
        imports::table
            .select((imports::status, imports::processed))
            .first::<(String, i32)>(&mut conn)
            .unwrap()
    };
    assert_eq!(status, "running");
    assert!(processed < LINES as i32, "killed half-way: {processed}");

    let finished = async || {
        let mut conn = connect(&url);
        let status: String = imports::table
            .select(imports::status)
            .first(&mut conn)
            .unwrap();
        status == "done"
    };
    eventually("the server finished it", Duration::from_secs(120), finished).await;
    let mut conn = connect(&url);
    let subscriptions: i64 = subscriptions::table.count().get_result(&mut conn).unwrap();
    assert_eq!(subscriptions, LINES as i64, "each address added once");
}

/// An import's confirmation requests are bulk mail: they go at
/// `ASSENT_SEND_RATE` (the pace broadcasts share), while the confirmation
/// of a person who signs up meanwhile goes at once.
#[tokio::test]
async fn an_imports_confirmations_go_at_the_bulk_pace_and_a_signup_does_not_wait() {
    let app = spawn_app_with(&[("ASSENT_SEND_RATE", "1")]).await;
    let operator = app.signed_in().await;
    let mut csv = String::from("email\n");
    for i in 0..20 {
        csv.push_str(&format!("bulk{i}@example.com\n"));
    }
    assert_eq!(operator.upload(csv.into_bytes()).await.status(), 303);
    app.settle().await;
    let bulk = || {
        let mails = app.smtp.messages();
        mails
            .iter()
            .filter(|m| m.rcpt_to[0].starts_with("bulk"))
            .count()
    };
    let at_first = bulk();
    assert!((1..=2).contains(&at_first), "one a second: {at_first}");

    app.signup_and_get_mail("person@example.com").await;
    assert!(
        bulk() <= at_first + 1,
        "the signup did not wait for the import"
    );
    for _ in 0..5 {
        app.advance(Duration::from_secs(1)).await;
    }
    let later = bulk();
    assert!(
        (at_first + 4..=at_first + 10).contains(&later),
        "five seconds later, about five more: {at_first} then {later}"
    );
}
