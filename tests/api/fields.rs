//! The operators' fields on a subscriber (contract §16): defined from the
//! admin, asked on the chosen lists' forms and through the API, refused
//! with the field named, kept with the subscriber.

use serde_json::json;

use crate::support::admin::Operator;
use crate::support::app::{TestApp, spawn_app};

/// Adds `company` (text, required) and `plan` (a choice) to the default
/// list's form.
pub(crate) async fn company_and_plan(operator: &Operator) {
    for fields in [
        [
            ("key", "company"),
            ("kind", "text"),
            ("label.en", "Company"),
            ("label.fr", "Société"),
            ("options", ""),
            ("required", "yes"),
            ("list", "1"),
        ],
        [
            ("key", "plan"),
            ("kind", "choice"),
            ("label.en", "Plan"),
            ("label.fr", "Formule"),
            ("options", "free\npro"),
            ("list", "1"),
            ("list", "1"),
        ],
    ] {
        let saved = operator
            .post("/admin/fields", "/admin/fields", &fields)
            .await;
        assert_eq!(saved.status(), 303);
    }
}

/// ada@example.com signs up, giving only the required company.
async fn signed_up_with_a_company(app: &TestApp) {
    let signed = app
        .post_form(
            "/subscribe",
            &[("email", "ada@example.com"), ("field.company", "Engines")],
        )
        .await;
    assert_eq!(signed.status(), 200);
}

fn values(app: &TestApp, email: &str) -> Vec<(String, String)> {
    use assent::db::schema::{fields, subscriber_fields, subscribers};
    use diesel::prelude::*;
    subscriber_fields::table
        .inner_join(fields::table)
        .inner_join(subscribers::table.on(subscribers::id.eq(subscriber_fields::subscriber_id)))
        .filter(subscribers::email.eq(email))
        .order(fields::key)
        .select((fields::key, subscriber_fields::value))
        .load(&mut *app.conn())
        .expect("the database answers")
}

#[tokio::test]
async fn a_lists_form_asks_for_its_fields_and_refuses_a_missing_or_ill_typed_one() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    company_and_plan(&operator).await;

    let form = app.get("/").await.text().await.unwrap();
    assert!(form.contains("name=\"field.company\""), "{form}");
    assert!(form.contains("<option>pro</option>"), "{form}");

    let missing = app
        .post_form(
            "/subscribe",
            &[("email", "ada@example.com"), ("field.plan", "pro")],
        )
        .await;
    assert_eq!(missing.status(), 422);
    let page = missing.text().await.unwrap();
    assert!(page.contains("href=\"#field-company\""), "{page}");
    assert!(
        page.contains("value=\"ada@example.com\""),
        "the form is kept"
    );
    let wrong = app
        .post_form(
            "/subscribe",
            &[
                ("email", "ada@example.com"),
                ("field.company", "Analytical Engines"),
                ("field.plan", "gold"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Choose one of the options.")
    );
    assert!(
        app.subscription("ada@example.com").is_none(),
        "nothing stored"
    );
    app.settle().await;
    assert!(app.smtp.messages().is_empty(), "nothing sent");

    let accepted = app
        .post_form(
            "/subscribe",
            &[
                ("email", "ada@example.com"),
                ("field.company", "Analytical Engines"),
                ("field.plan", "pro"),
                ("field.unknown", "ignored"),
            ],
        )
        .await;
    assert_eq!(accepted.status(), 200);
    assert_eq!(
        values(&app, "ada@example.com"),
        [
            ("company".to_owned(), "Analytical Engines".to_owned()),
            ("plan".to_owned(), "pro".to_owned())
        ]
    );
    let confirmation = app.mails(1).await.swap_remove(0);
    assert!(
        !confirmation.data.contains("Analytical Engines"),
        "nothing a visitor typed is in the confirmation"
    );
}

#[tokio::test]
async fn the_api_names_the_refused_field_and_a_signup_never_rewrites_a_kept_value() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    company_and_plan(&operator).await;

    let refused = app
        .post_json(&json!({"email": "bob@example.com", "fields": {"company": "X", "plan": 3}}))
        .await;
    assert_eq!(refused.status(), 422);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["field"], "field.plan", "{body}");
    let missing = app.post_json(&json!({"email": "bob@example.com"})).await;
    assert_eq!(missing.status(), 422);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["field"], "field.company", "{body}");

    let accepted = app
        .post_json(&json!({"email": "bob@example.com", "fields": {"company": "Babbage & Co", "plan": "free"}}))
        .await;
    assert_eq!(accepted.status(), 202);
    let again = app
        .post_json(&json!({"email": "bob@example.com", "fields": {"company": "Someone Else", "plan": "pro"}}))
        .await;
    assert_eq!(again.status(), 202);
    assert_eq!(
        values(&app, "bob@example.com"),
        [
            ("company".to_owned(), "Babbage & Co".to_owned()),
            ("plan".to_owned(), "free".to_owned())
        ],
        "what is kept stays"
    );
}

#[tokio::test]
async fn a_bad_field_definition_is_refused_with_the_input_named() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    let refused = operator
        .post(
            "/admin/fields",
            "/admin/fields",
            &[
                ("key", "Bad Key"),
                ("kind", "choice"),
                ("label.en", ""),
                ("options", ""),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    for input in ["#key", "#label", "#options"] {
        assert!(
            page.contains(&format!("href=\"{input}\"")),
            "{input}: {page}"
        );
    }
    company_and_plan(&operator).await;
    let page = operator.html("/admin/fields").await;
    assert!(
        page.contains("company") && page.contains("Newsletter"),
        "{page}"
    );
    let taken = operator
        .post(
            "/admin/fields",
            "/admin/fields",
            &[("key", "company"), ("kind", "text"), ("label.en", "Again")],
        )
        .await;
    assert_eq!(taken.status(), 422);
    let changed = operator
        .post(
            "/admin/fields/company",
            "/admin/fields/company",
            &[("label.en", "Employer"), ("options", ""), ("list", "1")],
        )
        .await;
    assert_eq!(changed.status(), 303);
    let form = app.get("/").await.text().await.unwrap();
    assert!(form.contains("Employer"), "{form}");
    assert!(
        form.contains("Employer <span class=\"optional\">"),
        "no longer required: {form}"
    );
    let audit = operator.html("/admin/audit").await;
    assert!(
        audit.contains("create_field") && audit.contains("change_field"),
        "{audit}"
    );
}

#[tokio::test]
async fn the_export_carries_names_and_fields_and_an_import_reads_it_back() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    company_and_plan(&operator).await;
    let signed = app
        .post_form(
            "/subscribe",
            &[
                ("email", "-ada@example.com"),
                ("name", "Ada Lovelace"),
                ("field.company", "=Engines"),
                ("field.plan", "pro"),
            ],
        )
        .await;
    assert_eq!(signed.status(), 200);
    let csv = operator
        .get("/admin/export.csv")
        .await
        .text()
        .await
        .unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "email,list,status,created_at,confirmed_at,unsubscribed_at,name,field.company,field.plan"
        )
    );
    let ada = lines.next().unwrap();
    assert!(
        ada.starts_with("'-ada@example.com,newsletter,pending,"),
        "{ada}"
    );
    assert!(ada.ends_with(",,,Ada Lovelace,'=Engines,pro"), "{ada}");

    let other = spawn_app().await;
    let importer = other.signed_in().await;
    company_and_plan(&importer).await;
    let csv = format!("{csv}bob@example.com,newsletter,pending,,,,Bob,Babbage,gold\n");
    assert_eq!(importer.upload(csv.into_bytes()).await.status(), 303);
    let imported = async || {
        importer
            .html("/admin/import/1")
            .await
            .contains("field.plan: Choose one of the options.")
    };
    crate::support::eventually(
        "the import read",
        std::time::Duration::from_secs(10),
        imported,
    )
    .await;
    let record: serde_json::Value = importer
        .get("/admin/subscribers/1/consent.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(record["subscriber"]["email"], "-ada@example.com");
    assert_eq!(record["subscriber"]["name"], "Ada Lovelace", "{record}");
    assert_eq!(
        record["subscriber"]["fields"],
        json!({"company": "=Engines", "plan": "pro"}),
        "{record}"
    );
    assert_eq!(other.export().len(), 1, "the refused line added no one");
}

#[tokio::test]
async fn an_operator_edits_a_persons_fields_audited_and_they_show_in_consent_json() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    company_and_plan(&operator).await;
    signed_up_with_a_company(&app).await;
    let page = "/admin/subscribers/1";
    let shown = operator.html(page).await;
    assert!(shown.contains("value=\"Engines\""), "{shown}");
    let refused = operator
        .post(
            page,
            "/admin/subscribers/1/fields",
            &[("field.company", "X"), ("field.plan", "gold")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Choose one of the options.")
    );
    let saved = operator
        .post(
            page,
            "/admin/subscribers/1/fields",
            &[
                ("field.company", "Difference Engines"),
                ("field.plan", "pro"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let record: serde_json::Value = operator
        .get("/admin/subscribers/1/consent.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        record["subscriber"]["fields"],
        json!({"company": "Difference Engines", "plan": "pro"})
    );
    let audit = operator.html("/admin/audit").await;
    assert!(audit.contains("edit_fields"), "{audit}");
    assert!(
        audit.contains("Difference Engines"),
        "old and new value: {audit}"
    );
}

#[tokio::test]
async fn a_welcome_template_shows_a_field_which_the_confirmation_may_not_name() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    company_and_plan(&operator).await;
    let link = "{{ unsubscribe_url }}";
    let path = "/admin/templates/welcome/en";
    let saved = operator
        .post(
            path,
            path,
            &[
                ("subject", "Welcome, {{ subscriber.fields.company }}"),
                (
                    "html",
                    "<p>{{ subscriber.fields.plan }}</p>{{ unsubscribe_url }}",
                ),
                ("text", link),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let path = "/admin/templates/confirmation/en";
    let refused = operator
        .post(
            path,
            path,
            &[
                ("subject", "{{ subscriber.fields.company }}"),
                ("html", "{{ confirm_url }} {{ unsubscribe_url }}"),
                ("text", "{{ confirm_url }} {{ unsubscribe_url }}"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);

    let signed = app
        .post_form(
            "/subscribe",
            &[
                ("email", "ada@example.com"),
                ("field.company", "Engines & Co"),
                ("field.plan", "pro"),
            ],
        )
        .await;
    assert_eq!(signed.status(), 200);
    let confirmation = app.mails(1).await.swap_remove(0);
    app.client
        .post(app.url(&crate::support::app::link(&confirmation, "confirm")))
        .send()
        .await
        .unwrap();
    let welcome = app.mails(2).await.swap_remove(1);
    assert_eq!(
        welcome.decoded_header("Subject").as_deref(),
        Some("Welcome, Engines & Co")
    );
    assert!(welcome.html_part().unwrap().contains("<p>pro</p>"));
}

#[tokio::test]
async fn a_person_edits_their_own_fields_from_their_page() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    company_and_plan(&operator).await;
    signed_up_with_a_company(&app).await;
    let confirmation = app.mails(1).await.swap_remove(0);
    let own = crate::support::app::link(&confirmation, "me");
    let page = app.get(&own).await.text().await.unwrap();
    assert!(page.contains("value=\"Engines\""), "{page}");

    let refused = app
        .post_form(&format!("{own}/fields"), &[("field.plan", "gold")])
        .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Choose one of the options.")
    );
    let saved = app
        .post_form(
            &format!("{own}/fields"),
            &[
                ("field.company", "Analytical Engines"),
                ("field.plan", "free"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 200);
    assert_eq!(
        values(&app, "ada@example.com"),
        [
            ("company".to_owned(), "Analytical Engines".to_owned()),
            ("plan".to_owned(), "free".to_owned())
        ]
    );
    assert_eq!(
        app.get(&format!("{own}/fields")).await.status(),
        404,
        "no GET acts"
    );
}

#[tokio::test]
async fn the_api_reads_a_persons_fields() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    company_and_plan(&operator).await;
    signed_up_with_a_company(&app).await;
    let token = app.api_token("fields").await;
    let get = async |path: &str| -> serde_json::Value {
        app.client
            .get(app.url(path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    };
    let page = get("/api/v1/subscribers").await;
    assert_eq!(
        page["subscribers"][0]["fields"],
        json!({"company": "Engines"}),
        "{page}"
    );
    let one = get("/api/v1/subscribers/ada@example.com").await;
    assert_eq!(
        one["subscriber"]["fields"],
        json!({"company": "Engines"}),
        "{one}"
    );
}

/// A key taken through another process a moment ago is refused as taken,
/// whether or not this process has read the fields again since.
#[tokio::test]
async fn a_key_just_taken_in_another_process_is_refused_not_an_error() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    let made_elsewhere = assent::domain::field::FieldDef {
        id: 0,
        key: "company".into(),
        kind: assent::domain::field::FieldKind::Text,
        labels: vec![("en".into(), "Company".into())],
        options: Vec::new(),
        required: false,
        lists: Vec::new(),
    };
    let mut conn = crate::support::app::connect(&app.database_url);
    let saved = assent::db::fields::save(&mut conn, &made_elsewhere, 0).unwrap();
    assert!(saved.is_some());
    let again = operator
        .post(
            "/admin/fields",
            "/admin/fields",
            &[("key", "company"), ("kind", "text"), ("label.en", "Again")],
        )
        .await;
    assert_eq!(again.status(), 422);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("Another field has this key.")
    );
}
