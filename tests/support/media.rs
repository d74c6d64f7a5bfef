//! An image to upload, and the upload as the media page's form sends it.

use super::admin::{Operator, csrf_of};

/// A PNG of one transparent pixel.
pub const PIXEL: &[u8] = include_bytes!("../fixtures/pixel.png");

/// Uploads `bytes` as `filename` from the media page's form.
pub async fn upload_image(
    operator: &Operator,
    filename: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let csrf = csrf_of(&operator.html("/admin/media").await);
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf)
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes)
                .file_name(filename.to_owned())
                .mime_str("image/png")
                .expect("a mime type"),
        );
    operator
        .client
        .post(operator.url("/admin/media"))
        .multipart(form)
        .send()
        .await
        .expect("POST")
}
