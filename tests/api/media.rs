//! Images for broadcasts (contract §17): uploaded in the admin, refused
//! when they are anything else, served at `/media/` for a year, shown in a
//! broadcast's preview.

use crate::support::admin::Operator;
use crate::support::app::spawn_app;
use crate::support::media::{PIXEL, upload_image};

async fn upload(operator: &Operator, filename: &str, bytes: Vec<u8>) -> reqwest::Response {
    upload_image(operator, filename, bytes).await
}

#[tokio::test]
async fn an_image_is_uploaded_served_for_a_year_and_shown_in_a_preview_and_nothing_else_is_taken() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;

    let stored = upload(&operator, "pixel.png", PIXEL.to_vec()).await;
    assert_eq!(stored.status(), 303);
    assert_eq!(stored.headers()["location"], "/admin/media?done=uploaded");
    let page = operator.html("/admin/media?done=uploaded").await;
    assert!(page.contains("pixel.png"), "{page}");
    let start = page.find("value=\"![](").expect("a line to copy") + "value=\"![](".len();
    let url = page[start..].split(')').next().unwrap().to_owned();
    assert!(url.starts_with(&format!("{}/media/", app.address)), "{url}");
    assert!(url.ends_with(".png"), "{url}");
    let path = url.trim_start_matches(&app.address).to_owned();

    let served = app.get(&path).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert!(
        served.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    assert_eq!(served.bytes().await.unwrap().as_ref(), PIXEL);

    // The same image again is the same file.
    assert_eq!(
        upload(&operator, "again.png", PIXEL.to_vec())
            .await
            .status(),
        303
    );
    let page = operator.html("/admin/media").await;
    assert_eq!(page.matches("<li>\n          <img").count(), 1, "{page}");

    // Anything but an image is refused, whatever its name says.
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
    let refused = upload(&operator, "logo.png", svg.to_vec()).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("This file is not a PNG, JPEG, GIF or WebP image.")
    );
    let mut huge = PIXEL.to_vec();
    huge.resize(5 * 1024 * 1024 + 1, 0);
    let refused = upload(&operator, "huge.png", huge).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("This file is larger than 5 MB.")
    );
    let page = operator.html("/admin/media").await;
    assert_eq!(
        page.matches("<li>\n          <img").count(),
        1,
        "nothing more"
    );

    // Without the form's token nothing is read.
    let forged = reqwest::multipart::Form::new()
        .text("csrf_token", "forged")
        .part("file", reqwest::multipart::Part::bytes(PIXEL.to_vec()));
    let forged = operator
        .client
        .post(operator.url("/admin/media"))
        .multipart(forged)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);

    // Written into a broadcast, the image shows in its preview.
    let draft = operator
        .post(
            "/admin/broadcasts/new",
            "/admin/broadcasts",
            &[
                ("list", "newsletter"),
                ("subject", "With a picture"),
                ("body", &format!("Look:\n\n![a pixel]({url})")),
            ],
        )
        .await;
    assert_eq!(draft.status(), 303);
    let location = draft.headers()["location"].to_str().unwrap().to_owned();
    let preview = operator.html(&location).await;
    assert!(
        preview.contains(&format!("<img src=\"{url}\" alt=\"a pixel\"")),
        "{preview}"
    );

    // Deleted, it is served no more.
    let id = page
        .split("action=\"/admin/media/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let deleted = operator
        .post("/admin/media", &format!("/admin/media/{id}/delete"), &[])
        .await;
    assert_eq!(deleted.status(), 303);
    assert_eq!(app.get(&path).await.status(), 404);
}
