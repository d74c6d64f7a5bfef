//! A database written before links named their token row and before the
//! outbox kept drafts keeps working once a server has migrated it.

use assent::db::schema::{lists, outbox, subscribers, subscriptions, tokens};
use assent::db::{DbConn, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
use assent::domain::Token;
use diesel::prelude::*;
use diesel_migrations::MigrationHarness;

use crate::support::app::{connect, fresh_database_url, link, spawn_app_with};

/// Migrations up to and including the last one before links named their row
/// and the outbox kept drafts.
const EARLIER_MIGRATIONS: usize = 2;

/// A message as the outbox held it then: composed whole.
const QUEUED_WHOLE: &str = "From: Test News <news@assent.test>\r\n\
    To: early@example.com\r\n\
    Subject: Queued whole\r\n\
    List-Unsubscribe: <http://localhost/unsubscribe/x>\r\n\
    List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\
    \r\n\
    Composed before drafts.\r\n";

/// Links mailed before links named their token row carry the secret alone,
/// and stay in people's inboxes: after the upgrade they still confirm and
/// unsubscribe. A message queued whole is sent as it was.
#[tokio::test]
async fn links_mailed_and_messages_queued_before_the_upgrade_still_work() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = fresh_database_url(&dir);
    let confirm = Token::generate().expect("entropy");
    let unsubscribe = Token::generate().expect("entropy");
    {
        let mut conn = connect(&url);
        for _ in 0..EARLIER_MIGRATIONS {
            match &mut conn {
                DbConn::Sqlite(c) => c.run_next_migration(SQLITE_MIGRATIONS).map(|_| ()),
                DbConn::Postgres(c) => c.run_next_migration(POSTGRES_MIGRATIONS).map(|_| ()),
            }
            .expect("an earlier migration");
        }
        let now = crate::support::wall_ms();
        let list: i64 = diesel::insert_into(lists::table)
            .values((
                lists::slug.eq("newsletter"),
                lists::name.eq("Newsletter"),
                lists::description.eq("News."),
                lists::consent_wording.eq("Yes, send me the newsletter."),
                lists::consent_version.eq(1),
                lists::created_at.eq(now),
            ))
            .execute(&mut conn)
            .and_then(|_| lists::table.select(lists::id).first(&mut conn))
            .expect("a list");
        let subscriber: i64 = diesel::insert_into(subscribers::table)
            .values((
                subscribers::email.eq("early@example.com"),
                subscribers::created_at.eq(now),
            ))
            .execute(&mut conn)
            .and_then(|_| subscribers::table.select(subscribers::id).first(&mut conn))
            .expect("a subscriber");
        let subscription: i64 = diesel::insert_into(subscriptions::table)
            .values((
                subscriptions::subscriber_id.eq(subscriber),
                subscriptions::list_id.eq(list),
                subscriptions::status.eq("pending"),
                subscriptions::created_at.eq(now),
            ))
            .execute(&mut conn)
            .and_then(|_| {
                subscriptions::table
                    .select(subscriptions::id)
                    .first(&mut conn)
            })
            .expect("a subscription");
        for (token, purpose, expires_at) in [
            (&confirm, "confirm", Some(now + 3_600_000)),
            (&unsubscribe, "unsubscribe", None),
        ] {
            diesel::insert_into(tokens::table)
                .values((
                    tokens::token_hash.eq(token.hash().as_bytes()),
                    tokens::purpose.eq(purpose),
                    tokens::subscription_id.eq(subscription),
                    tokens::created_at.eq(now),
                    tokens::expires_at.eq(expires_at),
                ))
                .execute(&mut conn)
                .expect("a token");
        }
        diesel::insert_into(outbox::table)
            .values((
                outbox::subscription_id.eq(subscription),
                outbox::kind.eq("confirmation"),
                outbox::sender.eq("news@assent.test"),
                outbox::recipient.eq("early@example.com"),
                outbox::message.eq(QUEUED_WHOLE.as_bytes()),
                outbox::status.eq("queued"),
                outbox::next_attempt_at.eq(now),
                outbox::created_at.eq(now),
            ))
            .execute(&mut conn)
            .expect("a queued message");
    }

    let app = spawn_app_with(&[("ASSENT_DATABASE_URL", &url)]).await;
    let queued = app.mails(1).await.swap_remove(0);
    assert_eq!(queued.header("Subject").as_deref(), Some("Queued whole"));
    assert_eq!(queued.rcpt_to, ["early@example.com"]);

    let confirm = format!("/confirm/{}", confirm.expose());
    let page = app.get(&confirm).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Newsletter"));
    assert_eq!(app.post(&confirm).await.status(), 200);
    assert_eq!(
        app.status("early@example.com").as_deref(),
        Some("confirmed")
    );

    // The welcome carries a link of the new form; the old one works as well.
    let welcome = app.mails(2).await.swap_remove(1);
    assert!(link(&welcome, "unsubscribe").contains('.'));
    let unsubscribe = format!("/unsubscribe/{}", unsubscribe.expose());
    assert_eq!(app.post(&unsubscribe).await.status(), 200);
    assert_eq!(
        app.status("early@example.com").as_deref(),
        Some("unsubscribed")
    );
}

/// Migrations before the consent ledger.
const BEFORE_THE_LEDGER: usize = 6;

/// Consent events recorded before the ledger existed are chained at the
/// first start after the upgrade, in the order of their ids, and the chain
/// goes on from them.
#[tokio::test]
async fn events_recorded_before_the_ledger_are_chained_at_the_upgrade() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = fresh_database_url(&dir);
    {
        let mut conn = connect(&url);
        for _ in 0..BEFORE_THE_LEDGER {
            match &mut conn {
                DbConn::Sqlite(c) => c.run_next_migration(SQLITE_MIGRATIONS).map(|_| ()),
                DbConn::Postgres(c) => c.run_next_migration(POSTGRES_MIGRATIONS).map(|_| ()),
            }
            .expect("an earlier migration");
        }
        for sql in [
            "INSERT INTO lists (slug, name, description, consent_wording, consent_version, created_at) \
             VALUES ('newsletter', 'Newsletter', 'News.', 'Yes.', 1, 1000)",
            "INSERT INTO subscribers (email, created_at, email_key) \
             VALUES ('veteran@example.com', 1000, 'veteran@example.com')",
            "INSERT INTO subscriptions (subscriber_id, list_id, status, created_at, confirmed_at) \
             VALUES (1, 1, 'confirmed', 1000, 2000)",
            "INSERT INTO consent_events (subscription_id, act, channel, occurred_at) \
             VALUES (1, 'requested', 'form', 1000)",
            "INSERT INTO consent_events (subscription_id, act, channel, occurred_at) \
             VALUES (1, 'confirmed', 'confirm_button', 2000)",
        ] {
            diesel::sql_query(sql).execute(&mut conn).expect(sql);
        }
    }
    let app = spawn_app_with(&[("ASSENT_DATABASE_URL", &url)]).await;
    app.signup_and_get_mail("newcomer@example.com").await;
    // The newcomer's request is linked behind its commit.
    app.settle().await;

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_assent"))
        .arg("verify-ledger")
        .env_clear()
        .env("ASSENT_DATABASE_URL", &url)
        .current_dir(dir.path())
        .output()
        .expect("assent runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout.starts_with("3 events, chain intact, head "),
        "{stdout}"
    );
}
