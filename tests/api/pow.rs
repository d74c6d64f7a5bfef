//! Proof of work on signups (contract §14): a challenge from
//! `GET /api/v1/challenge`, solved here as a browser would, is good for one
//! signup; a missing, tampered, expired or replayed one is refused with 422
//! and changes nothing.

use crate::support::wall_ms;
use altcha_lib_rs::Challenge;
use assent::auth::SecretKey;
use assent::services::pow::{LIFETIME, ProofOfWork};
use base64::Engine;
use serde_json::{Value, json};

use crate::support::app::{TestApp, spawn_app, spawn_app_with};

const KEY: &str = "a secret key of the test server, long enough";

async fn spawn_with_pow() -> TestApp {
    spawn_app_with(&[
        ("ASSENT_POW", "on"),
        ("ASSENT_POW_MAX_NUMBER", "5000"),
        ("ASSENT_SECRET_KEY", KEY),
    ])
    .await
}

async fn challenge(app: &TestApp) -> Challenge {
    let response = app.get("/api/v1/challenge").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    response.json().await.expect("a challenge")
}

/// What the widget sends: the base64 of the solved challenge.
fn solve(challenge: &Challenge) -> String {
    let number = altcha_lib_rs::solve_challenge(
        &challenge.challenge,
        &challenge.salt,
        Some(challenge.algorithm),
        Some(challenge.maxnumber),
        0,
    )
    .expect("a number within maxnumber");
    encode(&json!({
        "algorithm": "SHA-256",
        "challenge": challenge.challenge,
        "number": number,
        "salt": challenge.salt,
        "signature": challenge.signature,
    }))
}

fn encode(payload: &Value) -> String {
    base64::engine::general_purpose::STANDARD.encode(payload.to_string())
}

fn decode(solution: &str) -> Value {
    let json = base64::engine::general_purpose::STANDARD
        .decode(solution)
        .unwrap();
    serde_json::from_slice(&json).unwrap()
}

async fn form_signup(app: &TestApp, email: &str, altcha: Option<&str>) -> reqwest::Response {
    let mut fields = vec![("email", email)];
    if let Some(altcha) = altcha {
        fields.push(("altcha", altcha));
    }
    app.post_form("/subscribe", &fields).await
}

async fn api_signup(app: &TestApp, email: &str, altcha: Option<&str>) -> reqwest::Response {
    let mut body = json!({"email": email});
    if let Some(altcha) = altcha {
        body["altcha"] = json!(altcha);
    }
    app.post_json(&body).await
}

/// A 422 of the API naming `altcha`.
async fn assert_refused_json(response: reqwest::Response) {
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["field"], "altcha", "{body}");
}

/// A 422 of the form, with the message at the widget.
async fn assert_refused_form(response: reqwest::Response) {
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("id=\"altcha-error\""), "{page}");
}

#[tokio::test]
async fn the_challenge_has_the_contract_shape_and_is_absent_when_off() {
    let off = spawn_app().await;
    assert_eq!(off.get("/api/v1/challenge").await.status(), 404);
    let page = off.get("/").await.text().await.unwrap();
    assert!(!page.contains("altcha"), "no widget when off");

    let app = spawn_with_pow().await;
    let body: Value = app.get("/api/v1/challenge").await.json().await.unwrap();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        {
            let mut k = keys.clone();
            k.sort();
            k
        },
        ["algorithm", "challenge", "maxnumber", "salt", "signature"]
    );
    assert_eq!(body["algorithm"], "SHA-256");
    assert_eq!(body["maxnumber"], 5000);
    assert_eq!(body["challenge"].as_str().unwrap().len(), 64);

    let page = app.get("/").await.text().await.unwrap();
    assert!(page.contains("<script type=\"module\" src=\"/static/altcha.js\"></script>"));
    assert!(page.contains("<altcha-widget challengeurl=\"/api/v1/challenge\""));
    assert!(
        page.contains("your browser makes a short calculation"),
        "the wait is explained"
    );
    for asset in [
        "altcha.js",
        "altcha-worker.js",
        "altcha.css",
        "altcha-embed.js",
    ] {
        let response = app.get(&format!("/static/{asset}")).await;
        assert_eq!(response.status(), 200, "{asset}");
    }
}

#[tokio::test]
async fn a_solved_challenge_signs_up_once_through_the_form_and_the_api() {
    let app = spawn_with_pow().await;

    let solution = solve(&challenge(&app).await);
    let response = form_signup(&app, "form@example.com", Some(&solution)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.status("form@example.com").as_deref(), Some("pending"));
    app.mails(1).await;

    // The same solution again, for another address and through the API.
    assert_refused_form(form_signup(&app, "again@example.com", Some(&solution)).await).await;
    assert_refused_json(api_signup(&app, "again@example.com", Some(&solution)).await).await;
    assert!(app.status("again@example.com").is_none(), "nothing stored");

    let solution = solve(&challenge(&app).await);
    let response = api_signup(&app, "api@example.com", Some(&solution)).await;
    assert_eq!(response.status(), 202);
    assert_eq!(app.status("api@example.com").as_deref(), Some("pending"));
    assert_refused_json(api_signup(&app, "api2@example.com", Some(&solution)).await).await;

    app.mails(2).await;
    app.settle().await;
    assert_eq!(app.smtp.messages().len(), 2, "one message per good signup");
}

#[tokio::test]
async fn missing_tampered_and_expired_solutions_are_refused_and_change_nothing() {
    let app = spawn_with_pow().await;
    let good = solve(&challenge(&app).await);
    let payload = decode(&good);

    let mut wrong_number = payload.clone();
    wrong_number["number"] = json!(payload["number"].as_u64().unwrap() + 1);
    let mut forged_salt = payload.clone();
    forged_salt["salt"] = json!(
        payload["salt"]
            .as_str()
            .unwrap()
            .replace("expires=", "expires=9")
    );
    let mut unsigned = payload.clone();
    unsigned["signature"] = json!("00".repeat(32));
    // Solved, but signed by another server.
    let foreign = ProofOfWork::new(&SecretKey::new(vec![1; 32]), 5000);
    let foreign = solve(&foreign.challenge_at(wall_ms()).unwrap());
    // Signed with this server's key eleven minutes ago: expired.
    let ours = ProofOfWork::new(&SecretKey::new(KEY.as_bytes().to_vec()), 5000);
    let old = wall_ms() - (LIFETIME.as_millis() as i64 + 60_000);
    let expired = solve(&ours.challenge_at(old).unwrap());

    let cases = [
        ("missing", None),
        ("empty", Some(String::new())),
        ("not base64", Some("%%%".to_owned())),
        ("not json", Some(encode(&json!("text")))),
        ("wrong number", Some(encode(&wrong_number))),
        ("forged expiry", Some(encode(&forged_salt))),
        ("bad signature", Some(encode(&unsigned))),
        ("another server", Some(foreign)),
        ("expired", Some(expired)),
    ];
    for (i, (case, altcha)) in cases.iter().enumerate() {
        let email = format!("case{i}@example.com");
        let form = form_signup(&app, &email, altcha.as_deref()).await;
        assert_eq!(form.status(), 422, "form, {case}");
        assert_refused_form(form).await;
        let api = api_signup(&app, &email, altcha.as_deref()).await;
        assert_refused_json(api).await;
        assert!(app.status(&email).is_none(), "{case}: nothing stored");
    }
    // The good one was not spent by all that.
    assert_eq!(
        form_signup(&app, "good@example.com", Some(&good))
            .await
            .status(),
        200
    );

    app.mails(1).await;
    app.settle().await;
    assert_eq!(app.smtp.messages().len(), 1);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    let refused = 2 * cases.len();
    assert!(
        metrics.contains(&format!("assent_pow_refused_total {refused}")),
        "{metrics}"
    );
}

/// Two servers on one database, as several processes run on PostgreSQL: a
/// solution spent on one is refused by the other.
#[tokio::test]
async fn a_solution_spent_on_one_process_is_refused_by_another() {
    let first = spawn_with_pow().await;
    let second = spawn_app_with(&[
        ("ASSENT_POW", "on"),
        ("ASSENT_POW_MAX_NUMBER", "5000"),
        ("ASSENT_SECRET_KEY", KEY),
        ("ASSENT_DATABASE_URL", &first.database_url),
    ])
    .await;
    let solution = solve(&challenge(&first).await);
    assert_eq!(
        api_signup(&second, "one@example.com", Some(&solution))
            .await
            .status(),
        202
    );
    assert_refused_json(api_signup(&first, "two@example.com", Some(&solution)).await).await;
    assert!(first.status("two@example.com").is_none());
}
