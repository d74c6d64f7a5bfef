//! Several processes on one PostgreSQL database: two `assent serve` and one
//! `assent worker`. Runs when `ASSENT_TEST_DATABASE_URL` names a server.

#[path = "support/mod.rs"]
mod support;

use std::collections::HashSet;
use std::time::Duration;

use futures_util::StreamExt;
use support::app::{client, postgres_server, test_env};
use support::process::{free_port, spawn, wait_until_up};
use support::smtp::SmtpServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_and_a_worker_send_exactly_one_confirmation_per_address() {
    if postgres_server().is_none() {
        // Several processes share a PostgreSQL database; the SQLite run of
        // the suite has none, by design, so this is not a missing part.
        eprintln!("NOT RUN: several processes need PostgreSQL (ASSENT_TEST_DATABASE_URL)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start();
    let base_vars = test_env(&dir, Some(&smtp), &[("ASSENT_LOG", "warn")]);
    let database_url = base_vars["ASSENT_DATABASE_URL"].clone();

    let mut processes = Vec::new();
    let mut servers = Vec::new();
    for _ in 0..2 {
        let bind = format!("127.0.0.1:{}", free_port());
        let mut vars = base_vars.clone();
        vars.insert("ASSENT_BIND".into(), bind.clone());
        // Started together: the migration lock makes them take turns.
        processes.push(spawn(&vars, &["serve"]));
        servers.push(format!("http://{bind}"));
    }
    processes.push(spawn(&base_vars, &["worker"]));
    for base in &servers {
        wait_until_up(base).await;
    }

    // The relay refuses for a while, so a backlog builds up and falls due
    // at once: all three workers then compete for the same rows.
    smtp.set_behaviour(support::smtp::Behaviour::TempFail);
    let http = client();
    let mut requests: Vec<(String, String)> = (0..500)
        .map(|i| (servers[i % 2].clone(), format!("reader{i}@example.com")))
        .collect();
    // The same 20 addresses sent to both servers at once: the resend caps
    // hold across processes.
    for i in 0..20 {
        for server in &servers {
            requests.push((server.clone(), format!("twice{i}@example.com")));
        }
    }
    let statuses: Vec<u16> = futures_util::stream::iter(requests)
        .map(|(base, email)| {
            let http = http.clone();
            async move {
                http.post(format!("{base}/subscribe"))
                    .form(&[("email", email.as_str())])
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    assert!(statuses.iter().all(|s| *s == 200), "every signup accepted");
    smtp.set_behaviour(support::smtp::Behaviour::Accept);

    let expected = 520;
    let mails = smtp.wait_for_async(expected, Duration::from_secs(60)).await;
    // Anything sent twice would arrive within the worker's next rounds.
    smtp.wait_for_quiet(Duration::from_secs(3));
    let mails = smtp.messages().len().max(mails.len());
    let recipients: Vec<String> = smtp
        .messages()
        .iter()
        .map(|m| m.rcpt_to[0].clone())
        .collect();
    let unique: HashSet<&String> = recipients.iter().collect();
    assert_eq!(unique.len(), expected, "every address got its confirmation");
    assert_eq!(mails, expected, "and none got two");

    // One secret key for all processes.
    use diesel::prelude::*;
    let mut conn = diesel::PgConnection::establish(&database_url).unwrap();
    let keys: i64 = assent::db::schema::settings::table
        .filter(assent::db::schema::settings::name.eq("secret_key"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(keys, 1);

    // The signups of both servers form one linear chain of consent events:
    // one per request, so the twice-sent addresses count twice.
    let ledger = std::process::Command::new(env!("CARGO_BIN_EXE_assent"))
        .arg("verify-ledger")
        .env_clear()
        .env("ASSENT_DATABASE_URL", &database_url)
        .current_dir(dir.path())
        .output()
        .expect("assent runs");
    let out = String::from_utf8_lossy(&ledger.stdout);
    assert!(ledger.status.success(), "{ledger:?}");
    assert!(out.starts_with("540 events, chain intact"), "{out}");
    drop(processes);
}

/// A sequence's step with two servers and a worker looking for due steps
/// on one database: each person gets it once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_and_a_worker_send_a_sequence_step_once_per_person() {
    use support::admin::{OPERATOR, Operator, PASSWORD, create_operator_in};
    use support::seed::{Seeded, addresses, seed};

    if postgres_server().is_none() {
        eprintln!("NOT RUN: several processes need PostgreSQL (ASSENT_TEST_DATABASE_URL)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpServer::start();
    let base_vars = test_env(
        &dir,
        Some(&smtp),
        &[("ASSENT_LOG", "warn"), ("ASSENT_SEND_RATE", "0")],
    );
    let database_url = base_vars["ASSENT_DATABASE_URL"].clone();
    let mut processes = Vec::new();
    let mut servers = Vec::new();
    for _ in 0..2 {
        let bind = format!("127.0.0.1:{}", free_port());
        let mut vars = base_vars.clone();
        vars.insert("ASSENT_BIND".into(), bind.clone());
        processes.push(spawn(&vars, &["serve"]));
        servers.push(format!("http://{bind}"));
    }
    processes.push(spawn(&base_vars, &["worker"]));
    for base in &servers {
        wait_until_up(base).await;
    }
    let readers = addresses("reader", 3000);
    seed(
        &mut support::app::connect(&database_url),
        &readers,
        Seeded::Confirmed,
    );
    create_operator_in(&database_url);
    let operator = Operator::at(&servers[0]);
    assert_eq!(operator.login(OPERATOR, PASSWORD).await.status(), 303);
    let created = operator
        .post(
            "/admin/sequences",
            "/admin/sequences",
            &[("name", "Welcome"), ("list", "newsletter")],
        )
        .await;
    assert_eq!(created.status(), 303);
    let step = [
        ("subject", "Welcome aboard"),
        ("delay", "1s"),
        ("body", "Hello."),
    ];
    let added = operator
        .post("/admin/sequences/1", "/admin/sequences/1/steps", &step)
        .await;
    assert_eq!(added.status(), 303);
    let resumed = operator
        .post(
            "/admin/sequences/1",
            "/admin/sequences/1/resume",
            &[("enrol_existing", "yes")],
        )
        .await;
    assert_eq!(resumed.status(), 303);

    let mails = smtp
        .wait_for_async(readers.len(), Duration::from_secs(90))
        .await;
    assert_eq!(mails.len(), readers.len(), "everyone got the step");
    // Anything queued twice would arrive within the next turns.
    smtp.wait_for_quiet(Duration::from_secs(6));
    let recipients: Vec<String> = smtp
        .messages()
        .iter()
        .map(|m| m.rcpt_to[0].clone())
        .collect();
    let unique: HashSet<&String> = recipients.iter().collect();
    assert_eq!(unique.len(), readers.len());
    assert_eq!(recipients.len(), readers.len(), "and none got it twice");
    drop(processes);
}
