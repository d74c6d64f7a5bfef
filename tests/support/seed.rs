//! Subscribers made straight in the database, for tests that need many.

use assent::db::DbConn;
use diesel::RunQueryDsl;

use super::app::TestApp;

/// What a seeded subscription is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seeded {
    Confirmed,
    Pending,
    Unsubscribed,
    /// Confirmed, and the address bounced since.
    Bounced,
}

impl TestApp {
    /// Adds `emails` to the list `newsletter` in the given state, confirmed a
    /// minute ago where it applies.
    pub fn seed(&self, emails: &[String], state: Seeded) {
        seed(&mut self.conn(), emails, state);
    }
}

/// [`TestApp::seed`], on any connection.
pub fn seed(conn: &mut DbConn, emails: &[String], state: Seeded) {
    {
        let now = super::wall_ms();
        let before = now - 60_000;
        for chunk in emails.chunks(500) {
            let values: Vec<String> = chunk
                .iter()
                .map(|email| {
                    let bounced = if state == Seeded::Bounced {
                        before.to_string()
                    } else {
                        "NULL".to_owned()
                    };
                    format!(
                        "('{email}', {before}, '{}', {bounced})",
                        email.to_ascii_lowercase()
                    )
                })
                .collect();
            diesel::sql_query(format!(
                "INSERT INTO subscribers (email, created_at, email_key, bounced_at) VALUES {}",
                values.join(", ")
            ))
            .execute(conn)
            .expect("subscribers");
            let (status, confirmed, unsubscribed) = match state {
                Seeded::Confirmed | Seeded::Bounced => {
                    ("confirmed", before.to_string(), "NULL".to_owned())
                }
                Seeded::Pending => ("pending", "NULL".to_owned(), "NULL".to_owned()),
                Seeded::Unsubscribed => ("unsubscribed", before.to_string(), before.to_string()),
            };
            let list = "(SELECT id FROM lists WHERE slug = 'newsletter')";
            let addresses: Vec<String> = chunk.iter().map(|e| format!("'{e}'")).collect();
            diesel::sql_query(format!(
                "INSERT INTO subscriptions (subscriber_id, list_id, status, created_at, confirmed_at, unsubscribed_at) \
                 SELECT subscribers.id, {list}, '{status}', {before}, {confirmed}, {unsubscribed} \
                 FROM subscribers WHERE email IN ({}) ORDER BY subscribers.id",
                addresses.join(", ")
            ))
            .execute(conn)
            .expect("subscriptions");
        }
    }
}

/// `n` addresses: `{prefix}0@example.com`, …
pub fn addresses(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}@example.com")).collect()
}
