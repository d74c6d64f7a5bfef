//! Every page and message of a list in its language (contract §12): a
//! French list from its signup form to its welcome message, and the
//! operators' area following `Accept-Language`.

use crate::support::app::{link, spawn_app, spawn_app_with};

/// Whether an HTML page is in French, start to end.
fn assert_french_page(html: &str, expected: &[&str]) {
    assert!(html.contains("<html lang=\"fr\">"), "{html}");
    for text in expected {
        assert!(html.contains(text), "{text:?} missing from:\n{html}");
    }
}

#[tokio::test]
async fn a_french_list_speaks_french_from_the_form_to_the_welcome() {
    let app = spawn_app_with(&[("ASSENT_DEFAULT_LANG", "fr")]).await;

    let form = app.get("/").await.text().await.expect("the form");
    assert_french_page(
        &form,
        &[
            "Adresse e-mail",
            "Nom (facultatif)",
            "À propos de vos données",
        ],
    );
    assert!(
        form.contains("Je peux me désabonner à tout moment"),
        "{form}"
    );

    let answer = app.signup("lectrice@example.com").await;
    assert_eq!(answer.status(), 200);
    let page = answer.text().await.expect("check your inbox");
    assert_french_page(
        &page,
        &["Consultez votre boîte de réception", "dans les 48 heures"],
    );

    let refused = app
        .post_form("/subscribe", &[("email", "pas-une-adresse")])
        .await;
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.expect("the form again");
    assert_french_page(&refused, &["Veuillez vérifier le formulaire"]);

    let confirmation = app.mails(1).await.swap_remove(0);
    assert_eq!(
        confirmation.header("Content-Language").as_deref(),
        Some("fr")
    );
    assert_eq!(
        confirmation.decoded_header("Subject").as_deref(),
        Some("Confirmez votre abonnement à Newsletter")
    );
    let text = confirmation.text_part().expect("a text part");
    assert!(text.contains("Le lien est valable 48 heures."), "{text}");
    assert!(text.contains("Se désabonner"), "{text}");
    let html = confirmation.html_part().expect("an HTML part");
    assert!(html.contains("<html lang=\"fr\">") && html.contains("Confirmer mon inscription"));

    let confirm = link(&confirmation, "confirm");
    let page = app.get(&confirm).await.text().await.expect("confirm page");
    assert_french_page(&page, &["Confirmer mon inscription", "Rien ne se passe"]);
    let page = app.post(&confirm).await.text().await.expect("confirmed");
    assert_french_page(&page, &["Abonnement confirmé", "Merci"]);

    let welcome = app.mails(2).await.swap_remove(1);
    assert_eq!(welcome.header("Content-Language").as_deref(), Some("fr"));
    assert_eq!(
        welcome.decoded_header("Subject").as_deref(),
        Some("Bienvenue dans Newsletter")
    );
    let text = welcome.text_part().expect("a text part");
    assert!(text.contains("Votre abonnement est confirmé."), "{text}");

    let unsubscribe = link(&welcome, "unsubscribe");
    let page = app.get(&unsubscribe).await.text().await.expect("page");
    assert_french_page(&page, &["Me désabonner", "Voir tous vos abonnements"]);
    let page = app.post(&unsubscribe).await.text().await.expect("done");
    assert_french_page(&page, &["Vous êtes désabonné", "Se réabonner"]);

    let own = unsubscribe.replace("/unsubscribe/", "/me/");
    let page = app.get(&own).await.text().await.expect("own page");
    assert_french_page(
        &page,
        &["Vos abonnements", "non abonné", "Effacer mes données"],
    );

    let missing = app.get("/subscribe?list=nulle-part").await;
    assert_eq!(missing.status(), 404);
    let missing = missing.text().await.expect("404 page");
    assert_french_page(&missing, &["Liste introuvable", "Erreur 404"]);
    let expired = app.get("/confirm/1.nonsense").await;
    assert_eq!(expired.status(), 404);
    assert_french_page(&expired.text().await.expect("page"), &["Lien introuvable"]);
}

#[tokio::test]
async fn a_french_list_made_in_the_admin_mails_in_french_beside_an_english_one() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    let created = operator
        .post(
            "/admin/lists",
            "/admin/lists",
            &[
                ("name", "Lettre"),
                ("slug", "lettre"),
                ("description", "Les nouvelles du mois."),
                ("language", "fr"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303, "to the list's page");
    let list_page = created.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let page = operator.html(&list_page).await;
    assert!(
        page.contains("<option value=\"fr\" lang=\"fr\" selected>Français</option>"),
        "the list page shows its language:\n{page}"
    );

    let form = app
        .get("/subscribe?list=lettre")
        .await
        .text()
        .await
        .expect("form");
    assert_french_page(&form, &["S&#39;abonner à Lettre"]);
    assert!(
        form.contains("J&#39;accepte de recevoir les e-mails Lettre"),
        "the default wording of a French list is French:\n{form}"
    );
    let english = app.get("/").await.text().await.expect("form");
    assert!(english.contains("<html lang=\"en\">") && english.contains("Email address"));

    let answer = app
        .post_form(
            "/subscribe",
            &[("email", "lecteur@example.com"), ("list", "lettre")],
        )
        .await;
    assert_eq!(answer.status(), 200);
    let mail = app.mails(1).await.swap_remove(0);
    assert_eq!(mail.header("Content-Language").as_deref(), Some("fr"));
    assert_eq!(
        mail.decoded_header("Subject").as_deref(),
        Some("Confirmez votre abonnement à Lettre")
    );

    let unknown = operator
        .post(
            "/admin/lists",
            "/admin/lists",
            &[("name", "Zeitung"), ("slug", "zeitung"), ("language", "de")],
        )
        .await;
    assert_eq!(
        unknown.status(),
        422,
        "a language without a catalog is refused"
    );
}

#[tokio::test]
async fn the_operators_area_follows_accept_language() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    let dashboard = |lang: &'static str| {
        operator
            .client
            .get(operator.url("/admin"))
            .header("Accept-Language", lang)
            .send()
    };

    let french = dashboard("fr-FR,fr;q=0.9,en;q=0.5")
        .await
        .expect("dashboard");
    assert_eq!(french.status(), 200);
    let french = french.text().await.expect("html");
    assert_french_page(&french, &["Tableau de bord", "Abonnés", "Se déconnecter"]);

    let preferred = dashboard("en;q=0.4, fr;q=0.8").await.expect("dashboard");
    assert!(
        preferred
            .text()
            .await
            .expect("html")
            .contains("<html lang=\"fr\">")
    );

    let neither = dashboard("de-DE, es;q=0.9").await.expect("dashboard");
    let neither = neither.text().await.expect("html");
    assert!(neither.contains("<html lang=\"en\">") && neither.contains("Dashboard"));

    let login = app
        .client
        .get(app.url("/admin/login"))
        .header("Accept-Language", "fr")
        .send()
        .await
        .expect("login page");
    assert_french_page(
        &login.text().await.expect("html"),
        &["Mot de passe", "Se connecter"],
    );

    let missing = operator
        .client
        .get(operator.url("/admin/lists/999999"))
        .header("Accept-Language", "fr")
        .send()
        .await
        .expect("404");
    assert_eq!(missing.status(), 404);
    assert!(
        missing
            .text()
            .await
            .expect("html")
            .contains("<html lang=\"fr\">")
    );
}

/// The English sentences of the catalog: the values of several words that
/// the French catalog says otherwise.
fn english_sentences() -> Vec<String> {
    let values = |file: &str| -> std::collections::HashMap<String, String> {
        let path = format!("{}/templates/locales/{file}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path)
            .expect("catalog")
            .lines()
            .filter_map(|line| line.split_once(" = "))
            .map(|(id, value)| (id.to_owned(), value.to_owned()))
            .collect()
    };
    let (english, french) = (values("en.ftl"), values("fr.ftl"));
    english
        .into_iter()
        .filter(|(id, value)| {
            // A message's words speak its list's language, also where
            // the admin previews it.
            !id.starts_with("mail-")
                && value.split(' ').count() >= 3
                && !value.contains(['{', '<', '&', '\''])
                && french.get(id) != Some(value)
        })
        .map(|(_, value)| value)
        .collect()
}

#[tokio::test]
async fn no_page_of_the_operators_area_says_a_sentence_in_english_to_a_french_operator() {
    let app = spawn_app().await;
    app.signup_and_get_mail("ada@example.com").await;
    let operator = app.signed_in().await;
    let broadcast = operator
        .post(
            "/admin/broadcasts/new",
            "/admin/broadcasts",
            &[
                ("list", "newsletter"),
                ("subject", "Nouvelles"),
                ("body", "Bonjour"),
            ],
        )
        .await;
    assert_eq!(broadcast.status(), 303);
    let broadcast = broadcast.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let sequence = operator
        .post(
            "/admin/sequences",
            "/admin/sequences",
            &[("name", "Bienvenue"), ("list", "newsletter")],
        )
        .await;
    assert_eq!(sequence.status(), 303);
    let step = [("subject", "Jour un"), ("delay", "1d"), ("body", "Bonjour")];
    let added = operator
        .post("/admin/sequences/1", "/admin/sequences/1/steps", &step)
        .await;
    assert_eq!(added.status(), 303);
    let found = operator.html("/admin/subscribers?q=ada").await;
    let subscriber = found
        .split("/admin/subscribers/")
        .nth(1)
        .map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .expect("a subscriber's link");

    let sentences = english_sentences();
    assert!(sentences.len() > 100, "the catalog is read");
    let pages = [
        "/admin".to_owned(),
        "/admin/subscribers".to_owned(),
        format!("/admin/subscribers/{subscriber}"),
        "/admin/lists".to_owned(),
        "/admin/lists/1".to_owned(),
        "/admin/broadcasts".to_owned(),
        "/admin/broadcasts/new".to_owned(),
        broadcast,
        "/admin/sequences".to_owned(),
        "/admin/sequences/1".to_owned(),
        "/admin/sequences/1/steps/1".to_owned(),
        "/admin/import".to_owned(),
        "/admin/audit".to_owned(),
        "/admin/templates".to_owned(),
        "/admin/templates/welcome/fr".to_owned(),
    ];
    for page in pages {
        let response = operator
            .client
            .get(operator.url(&page))
            .header("Accept-Language", "fr")
            .send()
            .await
            .expect("page");
        assert_eq!(response.status(), 200, "{page}");
        let html = response.text().await.expect("html");
        assert!(html.contains("<html lang=\"fr\">"), "{page}");
        for sentence in &sentences {
            assert!(
                !html.contains(sentence.as_str()),
                "{page} says {sentence:?}"
            );
        }
    }
}

/// A page that no list decides the language of (an unknown path, a link
/// that opens nothing) follows the browser when it asks for one of ours.
#[tokio::test]
async fn pages_of_no_list_follow_the_browser() {
    let app = spawn_app().await;
    for path in [
        "/nowhere",
        "/confirm/1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "/unsubscribe/1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "/me/not-a-token",
    ] {
        let page = |accept: &'static str| {
            app.client
                .get(app.url(path))
                .header("accept-language", accept)
                .send()
        };
        let french = page("fr-FR,fr;q=0.9,en;q=0.5").await.expect("GET");
        assert_eq!(french.status(), 404, "{path}");
        let html = french.text().await.expect("a page");
        assert!(html.contains("<html lang=\"fr\""), "{path}: {html}");
        assert!(html.contains("introuvable"), "{path}: {html}");
        let other = page("de-DE")
            .await
            .expect("GET")
            .text()
            .await
            .expect("a page");
        assert!(other.contains("<html lang=\"en\""), "{path}: {other}");
    }
}
