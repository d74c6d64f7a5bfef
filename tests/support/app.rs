//! `spawn_app`: the real assent server on a free port, with a fresh SQLite
//! database and a real SMTP server of its own.

use std::collections::HashMap;
use std::time::Duration;

use assent::config::Settings;
use assent::db::{Database, DbConn, PooledConn, models::ConsentEvent, subscriptions};
use assent::domain::{Clock, SubscriptionId};
use assent::jobs::Probe;
use assent::startup::Application;
use diesel::prelude::*;
use tempfile::TempDir;

use super::smtp::{ReceivedMail, SmtpServer};

/// How long a test waits for mail that should arrive.
pub const MAIL_WAIT: Duration = Duration::from_secs(15);

pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    pub smtp: SmtpServer,
    pub dir: TempDir,
    pub database_url: String,
    pub client: reqwest::Client,
    /// The server's clock: [`TestApp::advance`] moves it.
    pub clock: Clock,
    db: Database,
    background: Probe,
}

/// Whether the tests run on PostgreSQL: `ASSENT_TEST_DATABASE_URL` names a
/// server on which each test gets a database of its own.
pub fn postgres_server() -> Option<String> {
    std::env::var("ASSENT_TEST_DATABASE_URL")
        .ok()
        .filter(|v| !v.is_empty())
}

/// A fresh, empty database for one test: an SQLite file in `dir`, or a new
/// database on the PostgreSQL server of `ASSENT_TEST_DATABASE_URL`.
pub fn fresh_database_url(dir: &TempDir) -> String {
    let Some(server) = postgres_server() else {
        return format!("sqlite://{}", dir.path().join("assent.db").display());
    };
    let token = assent::domain::Token::generate().expect("entropy");
    let name = format!("assent_test_{}", hex::encode(&token.hash().0[..8]));
    let mut conn =
        diesel::PgConnection::establish(&server).expect("the PostgreSQL test server answers");
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .expect("a test database");
    let mut url = url::Url::parse(&server).expect("ASSENT_TEST_DATABASE_URL is a URL");
    url.set_path(&name);
    url.to_string()
}

/// A connection of the test's own to a database, outside the server's pools.
pub fn connect(url: &str) -> DbConn {
    match url.strip_prefix("sqlite://") {
        Some(path) => DbConn::Sqlite(diesel::SqliteConnection::establish(path).expect("sqlite")),
        None => DbConn::Postgres(diesel::PgConnection::establish(url).expect("postgres")),
    }
}

/// The environment a test server starts with; `extra` entries override it.
/// Unless `extra` names a database, a fresh one is made.
pub fn test_env(
    dir: &TempDir,
    smtp: Option<&SmtpServer>,
    extra: &[(&str, &str)],
) -> HashMap<String, String> {
    let database_url = match extra.iter().find(|(k, _)| *k == "ASSENT_DATABASE_URL") {
        Some((_, url)) => (*url).to_owned(),
        None => fresh_database_url(dir),
    };
    let mut vars: HashMap<String, String> = [
        ("ASSENT_DATABASE_URL", database_url),
        ("ASSENT_BIND", "127.0.0.1:0".to_owned()),
        (
            "ASSENT_MAIL_DIR",
            dir.path().join("mail").display().to_string(),
        ),
        (
            "ASSENT_MAIL_FROM",
            "Test News <news@assent.test>".to_owned(),
        ),
        ("ASSENT_ORG_NAME", "Example Org".to_owned()),
        (
            "ASSENT_ORG_ADDRESS",
            "1 Rue de la Paix, 75002 Paris".to_owned(),
        ),
        ("ASSENT_SIGNUP_RATE", "0".to_owned()),
        ("ASSENT_LOG", "warn".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    if let Some(smtp) = smtp {
        vars.insert("ASSENT_SMTP_URL".into(), smtp.url());
    }
    for (k, v) in extra {
        // `{smtp}` in a value is the test's own SMTP server.
        let v = match smtp {
            Some(smtp) => v.replace("{smtp}", &smtp.url()),
            None => (*v).to_owned(),
        };
        vars.insert((*k).to_owned(), v);
    }
    vars
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    let smtp = SmtpServer::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let vars = test_env(&dir, Some(&smtp), extra);
    let settings =
        Settings::from_lookup(|name| vars.get(name).cloned()).expect("valid test settings");
    let database_url = vars["ASSENT_DATABASE_URL"].clone();
    let db = Database::connect(&settings.database_url).expect("database");
    let clock = Clock::system();
    let app = Application::build(settings, clock.clone())
        .await
        .expect("the application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let background = app.background();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        clock,
        address,
        smtp,
        dir,
        database_url,
        client: client(),
        db,
        background,
    }
}

/// An HTTP client's builder. reqwest's TLS comes without a crypto provider
/// (the server brings its own), so the tests install ring's first.
pub fn client_builder() -> reqwest::ClientBuilder {
    let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

/// A client that shows redirects instead of following them and keeps no cookies.
pub fn client() -> reqwest::Client {
    client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// A POST with no body, as a button press on a link's page sends.
    pub async fn post(&self, path: &str) -> reqwest::Response {
        self.client.post(self.url(path)).send().await.expect("POST")
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    pub async fn signup(&self, email: &str) -> reqwest::Response {
        self.post_form("/subscribe", &[("email", email)]).await
    }

    pub async fn post_json(&self, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/subscribe"))
            .json(body)
            .send()
            .await
            .expect("POST")
    }

    /// Waits until the SMTP server holds at least `n` messages.
    pub async fn mails(&self, n: usize) -> Vec<ReceivedMail> {
        let mails = self.smtp.wait_for_async(n, MAIL_WAIT).await;
        assert!(
            mails.len() >= n,
            "expected {n} messages, the SMTP server got {}",
            mails.len()
        );
        mails
    }

    /// Signs up and returns the confirmation message it caused.
    pub async fn signup_and_get_mail(&self, email: &str) -> ReceivedMail {
        let before = self.smtp.messages().len();
        assert_eq!(self.signup(email).await.status(), 200);
        self.mails(before + 1).await.swap_remove(before)
    }

    /// Waits until the server's background work has nothing left to do now:
    /// every due message handed to the SMTP server, every due job run.
    pub async fn settle(&self) {
        self.background.settle().await;
    }

    /// The server's time now, as stored.
    pub fn now(&self) -> i64 {
        self.clock.now().ms()
    }

    /// Moves the server's clock forward and lets its background work do
    /// what came due meanwhile.
    pub async fn advance(&self, by: Duration) {
        self.clock.advance(by);
        self.settle().await;
    }

    /// Wakes the background work, as a queued message or job does.
    pub fn wake(&self) {
        self.background.wake();
    }

    /// A token of the API for scripts, as `assent admin token create` makes.
    pub async fn api_token(&self, name: &str) -> String {
        assent::services::api::issue(&self.db, &self.clock, name)
            .await
            .expect("the database answers")
            .expect("a new name")
    }

    /// The id this server's process claims work under.
    pub fn process_id(&self) -> String {
        self.background.process().to_owned()
    }

    pub fn conn(&self) -> PooledConn {
        self.db.read_conn().expect("database connection")
    }

    /// `(status, created_at, confirmed_at, unsubscribed_at)` of an address's
    /// one subscription, as `assent export` writes it.
    pub fn subscription(&self, email: &str) -> Option<Vec<String>> {
        self.export().into_iter().find(|row| row[0] == email)
    }

    pub fn status(&self, email: &str) -> Option<String> {
        self.subscription(email).map(|row| row[2].clone())
    }

    /// `assent export`'s rows, without the header.
    pub fn export(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        let filter = assent::services::export::Filter::default();
        assent::services::export::write_csv(&mut self.conn(), &filter, &mut out).expect("export");
        let mut reader = csv::Reader::from_reader(out.as_slice());
        reader
            .records()
            .map(|r| r.expect("csv row").iter().map(str::to_owned).collect())
            .collect()
    }

    /// The consent events of an address's subscriptions, oldest first.
    pub fn events(&self, email: &str) -> Vec<ConsentEvent> {
        use assent::db::schema::{subscribers, subscriptions as subs};
        let mut conn = self.conn();
        let ids: Vec<SubscriptionId> = subs::table
            .inner_join(subscribers::table)
            .filter(subscribers::email.eq(email))
            .select(subs::id)
            .load(&mut *conn as &mut DbConn)
            .expect("subscription ids");
        ids.into_iter()
            .flat_map(|id| subscriptions::events(&mut conn, id).expect("events"))
            .collect()
    }

    /// Whether `needle` is anywhere in the database: in any row of any table
    /// on PostgreSQL; in the bytes of the database file and its log on SQLite,
    /// free pages included.
    pub fn holds(&self, needle: &str) -> bool {
        if let Some(path) = self.database_url.strip_prefix("sqlite://") {
            let found = |file: String| {
                std::fs::read(file)
                    .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
            };
            return found(path.to_owned()) || found(format!("{path}-wal"));
        }
        #[derive(diesel::QueryableByName)]
        struct Table {
            #[diesel(sql_type = diesel::sql_types::Text)]
            table_name: String,
        }
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = connect(&self.database_url);
        let tables: Vec<Table> = diesel::sql_query(
            "SELECT table_name::text AS table_name FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
        )
        .load(&mut conn)
        .expect("tables");
        tables.iter().any(|t| {
            let sql = format!(
                "SELECT count(*) AS n FROM \"{}\" AS t WHERE t::text LIKE '%{needle}%'",
                t.table_name
            );
            diesel::sql_query(sql)
                .get_result::<Count>(&mut conn)
                .expect("a count")
                .n
                > 0
        })
    }

    /// `(status, attempts, last_error)` of every outbox row, oldest first.
    pub fn outbox(&self) -> Vec<(String, i32, Option<String>)> {
        use assent::db::schema::outbox;
        outbox::table
            .order(outbox::id)
            .select((outbox::status, outbox::attempts, outbox::last_error))
            .load::<(assent::domain::MessageStatus, i32, Option<String>)>(
                &mut *self.conn() as &mut DbConn
            )
            .expect("outbox")
            .into_iter()
            .map(|(status, attempts, error)| (status.as_str().to_owned(), attempts, error))
            .collect()
    }
}

/// The link of a kind (`confirm`, `unsubscribe`) in a message's text part,
/// as a path: `/confirm/ID.SECRET`.
pub fn link(mail: &ReceivedMail, kind: &str) -> String {
    let text = mail.text_part().expect("a text part");
    let marker = format!("/{kind}/");
    let start = text
        .find(&marker)
        .unwrap_or_else(|| panic!("no {kind} link in:\n{text}"));
    let token: String = text[start + marker.len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    format!("{marker}{token}")
}
