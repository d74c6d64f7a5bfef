//! `/static/…`, built into the binary so it runs from any directory.
//!
//! The `altcha*` files are the ALTCHA widget (MIT, `static/altcha-LICENSE.txt`)
//! as published on the npm registry, version 2.3.0: `altcha.js`, `altcha.css`
//! and `altcha-worker.js` from its `dist_external` build, which keeps to our
//! Content-Security-Policy; `altcha-embed.js` from `dist`, self-contained, for
//! the form embedded on other sites, where a worker cannot be loaded from us.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

const FILES: &[(&str, &[u8], &str)] = &[
    ("style.css", include_bytes!("../../static/style.css"), CSS),
    ("editor.js", include_bytes!("../../static/editor.js"), JS),
    ("altcha.js", include_bytes!("../../static/altcha.js"), JS),
    ("altcha.css", include_bytes!("../../static/altcha.css"), CSS),
    (
        "altcha-worker.js",
        include_bytes!("../../static/altcha-worker.js"),
        JS,
    ),
    (
        "altcha-embed.js",
        include_bytes!("../../static/altcha-embed.js"),
        JS,
    ),
    (
        "altcha-LICENSE.txt",
        include_bytes!("../../static/altcha-LICENSE.txt"),
        "text/plain; charset=utf-8",
    ),
];

pub async fn serve(file: web::Path<String>) -> HttpResponse {
    let Some((_, body, content_type)) = FILES.iter().find(|(name, ..)| *name == file.as_str())
    else {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("not found");
    };
    HttpResponse::Ok()
        .content_type(*content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        // The embedded form loads the widget from another origin.
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .body(*body)
}
