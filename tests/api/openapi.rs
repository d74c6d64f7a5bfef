//! `GET /api/v1/openapi.json` (contract §13): an OpenAPI 3.1 document that
//! names every `/api/v1` route, and no route that is not there.

use crate::support::app::spawn_app_with;

/// Every route under `/api/v1` the server has, with its methods.
const ROUTES: &[(&str, &[&str])] = &[
    ("/api/v1/subscribe", &["post"]),
    ("/api/v1/subscribers", &["get"]),
    ("/api/v1/subscribers/{email}", &["get", "delete"]),
    ("/api/v1/lists", &["get"]),
    ("/api/v1/openapi.json", &["get"]),
    ("/api/v1/challenge", &["get"]),
];

#[tokio::test]
async fn the_document_lists_the_routes_that_exist() {
    // Proof of work on, so that its challenge route answers.
    let app = spawn_app_with(&[("ASSENT_POW", "on")]).await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: serde_json::Value = response.json().await.expect("JSON");
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{doc}"
    );

    let paths = doc["paths"].as_object().expect("paths");
    let mut documented: Vec<(String, Vec<String>)> = paths
        .iter()
        .map(|(path, ops)| {
            let mut methods: Vec<String> = ops
                .as_object()
                .expect("operations")
                .keys()
                .cloned()
                .collect();
            methods.sort();
            (path.clone(), methods)
        })
        .collect();
    documented.sort();
    let mut expected: Vec<(String, Vec<String>)> = ROUTES
        .iter()
        .map(|(p, m)| {
            let mut m: Vec<String> = m.iter().map(|s| (*s).to_owned()).collect();
            m.sort();
            ((*p).to_owned(), m)
        })
        .collect();
    expected.sort();
    assert_eq!(documented, expected);

    // Each documented operation is answered by the server, and a method it
    // does not document is not.
    for (path, methods) in ROUTES {
        let concrete = path.replace("{email}", "ada@example.com");
        for method in ["get", "post", "delete"] {
            let verb =
                reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let status = app
                .client
                .request(verb, app.url(&concrete))
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .expect("request")
                .status()
                .as_u16();
            if methods.contains(&method) {
                assert!(status != 404 && status != 405, "{method} {path}: {status}");
            } else {
                assert!(
                    status == 404 || status == 405,
                    "{method} {path} is undocumented: {status}"
                );
            }
        }
    }

    let protected = &doc["paths"]["/api/v1/subscribers"]["get"]["security"];
    assert_eq!(protected[0]["token"], serde_json::json!([]), "{protected}");
    assert_eq!(
        doc["components"]["securitySchemes"]["token"]["scheme"],
        "bearer"
    );
    assert!(doc["components"]["schemas"]["Page"]["properties"]["subscribers"].is_object());
}
