//! Signing in to the operators' area of a test server.

use super::app::TestApp;

pub const OPERATOR: &str = "ops@example.com";
pub const PASSWORD: &str = "a long enough password";

/// A browser-like client with its own cookie jar, signed in or not.
pub struct Operator {
    pub client: reqwest::Client,
    base: String,
}

impl TestApp {
    /// Creates the operator account the admin tests sign in with.
    pub fn create_operator(&self, email: &str, password: &str) {
        let password = assent::auth::NewPassword::parse(password).expect("long enough");
        let hash = assent::auth::hash_password(&password).expect("hashes");
        let mut conn = self.conn();
        assent::db::admins::create(&mut conn, email, &hash, super::wall_ms())
            .expect("operator created");
    }

    pub fn operator_client(&self) -> Operator {
        Operator::at(&self.address)
    }

    /// An operator client signed in as [`OPERATOR`].
    pub async fn signed_in(&self) -> Operator {
        self.create_operator(OPERATOR, PASSWORD);
        let operator = self.operator_client();
        let response = operator.login(OPERATOR, PASSWORD).await;
        assert_eq!(response.status(), 303, "signed in");
        operator
    }
}

/// The `csrf_token` hidden field of a page.
pub fn csrf_of(html: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker).expect("a csrf_token field") + marker.len();
    html[start..].chars().take_while(|c| *c != '"').collect()
}

/// Creates the operator account the tests sign in with, in the database
/// at `url` (a server started as a process of its own, say).
pub fn create_operator_in(url: &str) {
    let password = assent::auth::NewPassword::parse(PASSWORD).expect("long enough");
    let hash = assent::auth::hash_password(&password).expect("hashes");
    let mut conn = super::app::connect(url);
    assent::db::admins::create(&mut conn, OPERATOR, &hash, super::wall_ms())
        .expect("operator created");
}

impl Operator {
    /// A client for the server at `base`, not signed in yet.
    pub fn at(base: &str) -> Self {
        Operator {
            client: super::app::client_builder()
                .redirect(reqwest::redirect::Policy::none())
                .cookie_store(true)
                .build()
                .expect("client"),
            base: base.to_owned(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn html(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        response.text().await.expect("body")
    }

    /// Loads the login page for its CSRF token, then signs in.
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        let page = self.html("/admin/login").await;
        self.client
            .post(self.url("/admin/login"))
            .form(&[
                ("email", email),
                ("password", password),
                ("csrf_token", &csrf_of(&page)),
            ])
            .send()
            .await
            .expect("POST")
    }

    /// Uploads `csv` into the list `newsletter` from the import page's form;
    /// returns the answer.
    pub async fn upload(&self, csv: Vec<u8>) -> reqwest::Response {
        let csrf = csrf_of(&self.html("/admin/import").await);
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", csrf)
            .text("list", "newsletter")
            .part(
                "file",
                reqwest::multipart::Part::bytes(csv)
                    .file_name("list.csv")
                    .mime_str("text/csv")
                    .expect("a mime type"),
            );
        self.client
            .post(self.url("/admin/import"))
            .multipart(form)
            .send()
            .await
            .expect("POST")
    }

    /// A POST from a page's form: the CSRF token is read from `page`.
    pub async fn post(&self, page: &str, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let csrf = csrf_of(&self.html(page).await);
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &csrf));
        self.client
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .expect("POST")
    }
}
