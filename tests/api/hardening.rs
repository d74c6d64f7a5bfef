//! What a probe of the server found, each fault kept fixed: sign-in bursts,
//! slow bodies, a `next` with a line break, formulas in the export, resend
//! caps dodged by letter case, slow uploads, HEAD, unreadable paths, and
//! the level a client's mistake is logged at.

use std::time::Duration;

use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::admin::{OPERATOR, PASSWORD, csrf_of};
use crate::support::app::{spawn_app, test_env};
use crate::support::process::{free_port, wait_until_up};

/// 100 wrong passwords sent at once from one client: the limit of 10 holds,
/// because each attempt is counted before its password is checked.
#[tokio::test]
async fn a_burst_of_wrong_passwords_gets_no_more_than_ten_tries() {
    let app = spawn_app().await;
    app.create_operator(OPERATOR, PASSWORD);
    // One login page, its CSRF token and cookie, for every attempt.
    let page = app
        .client
        .get(app.url("/admin/login"))
        .send()
        .await
        .unwrap();
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("assent_login="))
        .expect("the login cookie");
    let csrf = csrf_of(&page.text().await.unwrap());
    let statuses: Vec<u16> = futures_util::stream::iter(0..100)
        .map(|_| {
            let (client, cookie, csrf, url) = (
                app.client.clone(),
                cookie.clone(),
                csrf.clone(),
                app.url("/admin/login"),
            );
            async move {
                client
                    .post(url)
                    .header("cookie", cookie)
                    .form(&[
                        ("email", OPERATOR),
                        ("password", "not the password at all"),
                        ("csrf_token", &csrf),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        })
        .buffer_unordered(100)
        .collect()
        .await;
    let refused = statuses.iter().filter(|s| **s == 401).count();
    let held_back = statuses.iter().filter(|s| matches!(s, 429 | 503)).count();
    assert_eq!(refused, 10, "{statuses:?}");
    assert_eq!(held_back, 90, "{statuses:?}");
    // The real operator is held back too, for now.
    let operator = app.operator_client();
    assert_eq!(operator.login(OPERATOR, PASSWORD).await.status(), 429);
}

/// Sends a request's head and the first byte of its body, then waits.
async fn slow_body(address: &str) -> TcpStream {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(
            b"POST /subscribe HTTP/1.1\r\nHost: localhost\r\n\
              Content-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 100\r\n\r\ne",
        )
        .await
        .unwrap();
    stream
}

async fn status_line(stream: &mut TcpStream) -> String {
    let mut answer = vec![0u8; 512];
    let n = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut answer))
        .await
        .expect("an answer")
        .unwrap();
    String::from_utf8_lossy(&answer[..n])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A body sent a byte at a time is cut off at its deadline, and one client
/// cannot hold more than 64 requests open at once.
#[tokio::test]
async fn slow_bodies_end_at_their_deadline_and_one_client_holds_at_most_64() {
    let app = spawn_app().await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut slow = Vec::new();
    for _ in 0..assent::routes::client_cap::MAX_IN_FLIGHT {
        slow.push(slow_body(&address).await);
    }
    // Let the server see every one of them start.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let extra = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(extra.status(), 429, "the 65th request waits its turn");
    assert!(extra.headers().contains_key("retry-after"));

    for stream in &mut slow {
        assert_eq!(status_line(stream).await, "HTTP/1.1 408 Request Timeout");
    }
    assert!(app.export().is_empty(), "nothing was stored");
    assert_eq!(app.get("/healthz").await.status(), 200, "free again");
}

#[tokio::test]
async fn a_next_with_a_line_break_goes_to_the_dashboard() {
    let app = spawn_app().await;
    app.create_operator(OPERATOR, PASSWORD);
    let operator = app.operator_client();
    for next in [
        "/admin/\n",
        "/admin/\r\nSet-Cookie: x=y",
        "/admin/ lists",
        "/admin/%0A",
    ] {
        let page = operator.html("/admin/login").await;
        let response = operator
            .client
            .post(operator.url("/admin/login"))
            .form(&[
                ("email", OPERATOR),
                ("password", PASSWORD),
                ("csrf_token", &csrf_of(&page)),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{next:?}");
        let location = &response.headers()["location"];
        assert!(
            location == "/admin" || location == "/admin/%0A",
            "{next:?}: {location:?}"
        );
    }
    // And as the login page's own query.
    let page = operator.get("/admin/login?next=/admin/%0A").await;
    assert_eq!(page.status(), 200);
}

/// An address that begins like a formula reaches the export as text.
#[tokio::test]
async fn the_export_does_not_hand_a_spreadsheet_a_formula() {
    let app = spawn_app().await;
    for email in ["=1+2@example.com", "+sum@example.com", "-x@example.com"] {
        assert_eq!(app.signup(email).await.status(), 200);
    }
    let operator = app.signed_in().await;
    let csv = operator
        .get("/admin/export.csv")
        .await
        .text()
        .await
        .unwrap();
    for written in ["'=1+2@example.com", "'+sum@example.com", "'-x@example.com"] {
        assert!(csv.contains(&format!("\n{written},")), "{csv}");
    }
    let command = app.export();
    assert!(command.iter().any(|row| row[0] == "'=1+2@example.com"));
}

/// `Victim@`, `VICTIM@` and `victim+1@` are one mailbox: one confirmation.
#[tokio::test]
async fn letter_case_and_tags_do_not_buy_more_confirmations() {
    let app = spawn_app().await;
    for email in [
        "victim@example.com",
        "Victim@example.com",
        "VICTIM@example.com",
        "victim+1@example.com",
        "victim+2@EXAMPLE.com",
    ] {
        assert_eq!(app.signup(email).await.status(), 200);
    }
    app.settle().await;
    assert_eq!(app.smtp.messages().len(), 1);
    assert_eq!(app.export().len(), 5, "each address is stored as typed");
}

/// Two uploads at once; a third is asked to come back, before its file is read.
#[tokio::test]
async fn a_third_upload_at_once_is_asked_to_come_back() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    let mut held = Vec::new();
    let mut pending = Vec::new();
    for _ in 0..2 {
        let csrf = csrf_of(&operator.html("/admin/import").await);
        // The first lines at once, the end of the file when `sender` goes.
        let (sender, end) = tokio::sync::oneshot::channel::<()>();
        let first = futures_util::stream::once(async {
            Ok::<_, std::io::Error>(b"email\nslow@example.com\n".to_vec())
        });
        let rest = futures_util::stream::once(async move {
            let _ = end.await;
        })
        .filter_map(|()| async { None });
        let chunks = first.chain(rest);
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", csrf)
            .text("list", "newsletter")
            .part(
                "file",
                reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(chunks))
                    .file_name("slow.csv"),
            );
        let request = operator
            .client
            .post(operator.url("/admin/import"))
            .multipart(form)
            .send();
        pending.push(tokio::spawn(request));
        held.push(sender);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let third = operator
        .upload(b"email\nthird@example.com\n".to_vec())
        .await;
    assert_eq!(third.status(), 503);
    assert!(third.headers().contains_key("retry-after"));
    // Once they are through, an upload goes ahead.
    drop(held);
    for request in pending {
        assert_eq!(request.await.unwrap().unwrap().status(), 303);
    }
    assert_eq!(
        operator
            .upload(b"email\nlater@example.com\n".to_vec())
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn head_answers_wherever_get_does() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    for path in [
        "/static/style.css",
        "/healthz",
        "/admin/login",
        "/admin",
        "/admin/lists",
        "/",
    ] {
        let get = operator.get(path).await.status();
        let head = operator
            .client
            .head(operator.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), get, "{path}");
        assert_eq!(head.status(), 200, "{path}");
        assert!(head.text().await.unwrap().is_empty(), "{path}: no body");
    }
}

#[tokio::test]
async fn an_unreadable_id_or_query_gets_a_page_not_a_parser_message() {
    let app = spawn_app().await;
    let operator = app.signed_in().await;
    for (path, status) in [
        ("/admin/subscribers/abc", 404),
        ("/admin/subscribers/99999999999999999999", 404),
        ("/admin/lists/-", 404),
        ("/admin/import/1e3", 404),
        ("/admin/subscribers?before=abc", 400),
        ("/admin/audit?before=%00", 400),
    ] {
        let response = operator.get(path).await;
        assert_eq!(response.status(), status, "{path}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            content_type.starts_with("text/html"),
            "{path}: {content_type}"
        );
        let page = response.text().await.unwrap();
        assert!(page.contains("<html lang=\"en\">"), "{path}: {page}");
    }
}

/// A client's mistakes are the client's: logged at WARN at most, never at
/// ERROR, which is kept for faults of the server.
#[tokio::test]
async fn malformed_requests_are_not_logged_as_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bind = format!("127.0.0.1:{}", free_port());
    let vars = test_env(
        &dir,
        None,
        &[("ASSENT_BIND", &bind), ("ASSENT_LOG", "info")],
    );
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_assent"))
        .env_clear()
        .envs(&vars)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://{bind}");
    wait_until_up(&base).await;
    let client = crate::support::app::client();
    let post = |path: &str, content_type: &str, body: &'static [u8]| {
        client
            .post(format!("{base}{path}"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    post("/api/v1/subscribe", "application/json", b"{not json")
        .await
        .unwrap();
    post("/api/v1/subscribe", "text/plain", b"email=a@b.c")
        .await
        .unwrap();
    post(
        "/subscribe",
        "multipart/form-data; boundary=x",
        b"--x\r\nbroken",
    )
    .await
    .unwrap();
    post(
        "/subscribe",
        "application/x-www-form-urlencoded",
        b"email=%ZZ",
    )
    .await
    .unwrap();
    post(
        "/subscribe",
        "application/x-www-form-urlencoded",
        &[b'a'; 20_000],
    )
    .await
    .unwrap();
    post("/confirm/%00", "application/x-www-form-urlencoded", b"")
        .await
        .unwrap();
    client
        .get(format!("{base}/admin/subscribers/abc"))
        .send()
        .await
        .unwrap();
    client.get(format!("{base}/nowhere")).send().await.unwrap();
    client
        .delete(format!("{base}/subscribe"))
        .send()
        .await
        .unwrap();
    let mut raw = TcpStream::connect(&bind).await.unwrap();
    raw.write_all(b"GARBAGE / HTTP/9\r\n\r\n").await.unwrap();
    let _ = status_line(&mut raw).await;
    assert_eq!(
        client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let _ = server.kill();
    let output = server.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(log.contains("answered"), "requests were logged: {log}");
    assert!(!log.contains("ERROR"), "{log}");
}

#[tokio::test]
async fn every_page_forbids_framing_and_scripts_and_https_adds_hsts() {
    let plain = spawn_app().await;
    let secure =
        crate::support::app::spawn_app_with(&[("ASSENT_BASE_URL", "https://news.example.com")])
            .await;
    for path in ["/", "/admin/login", "/confirm/nope", "/static/style.css"] {
        let response = plain.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"));
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(
            headers.get("strict-transport-security").is_none(),
            "plain http: {path}"
        );

        let response = secure.get(path).await;
        assert_eq!(
            response.headers()["strict-transport-security"],
            "max-age=31536000",
            "{path}"
        );
    }
}

/// Every public page and every page of the operators' area, as
/// (path, HTML): proof of work on, so that the signup page brings its
/// widget; a person's own page through a message's link.
async fn every_page() -> Vec<(String, String)> {
    let app = spawn_app().await;
    let with_pow = crate::support::app::spawn_app_with(&[("ASSENT_POW", "on")]).await;
    let mail = app.signup_and_get_mail("ada@example.com").await;
    let confirm = crate::support::app::link(&mail, "confirm");
    let unsubscribe = crate::support::app::link(&mail, "unsubscribe");
    let own_page = unsubscribe.replacen("/unsubscribe/", "/me/", 1);
    let mut pages = vec![("/".to_owned(), app.get("/").await.text().await.unwrap())];
    pages.push((
        "/ with proof of work".to_owned(),
        with_pow.get("/").await.text().await.unwrap(),
    ));
    for path in [confirm, unsubscribe, own_page, "/admin/login".to_owned()] {
        let html = app.get(&path).await.text().await.unwrap();
        pages.push((path, html));
    }
    let operator = app.signed_in().await;
    let sequence = operator
        .post(
            "/admin/sequences",
            "/admin/sequences",
            &[("name", "Welcome"), ("list", "newsletter")],
        )
        .await;
    assert_eq!(sequence.status(), 303);
    let step = [("subject", "Hello"), ("delay", "1d"), ("body", "Hello.")];
    let added = operator
        .post("/admin/sequences/1", "/admin/sequences/1/steps", &step)
        .await;
    assert_eq!(added.status(), 303);
    for path in [
        "/admin",
        "/admin/subscribers",
        "/admin/subscribers/1",
        "/admin/lists",
        "/admin/lists/1",
        "/admin/broadcasts",
        "/admin/broadcasts/new",
        "/admin/sequences",
        "/admin/sequences/1",
        "/admin/sequences/1/steps/1",
        "/admin/import",
        "/admin/audit",
        "/admin/webhooks",
        "/admin/tokens",
    ] {
        pages.push((path.to_owned(), operator.html(path).await));
    }
    pages
}

/// The policy allows no inline script or style, so no page may carry one.
#[tokio::test]
async fn no_page_carries_an_inline_script_or_style() {
    let app = spawn_app().await;
    let csp = app.get("/").await.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let pages = every_page().await;
    for (path, html) in pages {
        // The list page shows the embed snippet as text: its tags are
        // escaped, so they do not match.
        assert!(!html.contains(" style=\""), "{path} has a style attribute");
        assert!(!html.contains("<style"), "{path} has a style element");
        let inline_script = html
            .match_indices("<script")
            .any(|(at, _)| !html[at..].split('>').next().unwrap_or("").contains(" src="));
        assert!(!inline_script, "{path} has an inline script");
        for handler in [" onclick=", " onload=", " onsubmit=", " onchange="] {
            assert!(!html.contains(handler), "{path} has {handler}");
        }
    }
}

/// What the W3C Nu validator and axe hold against a page, for the rules
/// they found broken here: a required `<select>` must open with an empty
/// option; `aria-labelledby` does not name a `<pre>`; two landmarks of a
/// page never share a name; a table header is never empty.
#[tokio::test]
async fn pages_keep_the_markup_rules_validators_check() {
    for (path, html) in every_page().await {
        for (at, _) in html.match_indices("<select") {
            let tag = html[at..].split('>').next().unwrap_or("");
            if tag.contains(" required") {
                let first = html[at..].split("<option").nth(1).unwrap_or("");
                assert!(
                    first.starts_with(" value=\"\"") || first.starts_with('>'),
                    "{path}: a required select opens with a chosen option: {tag}"
                );
            }
        }
        for (at, _) in html.match_indices("<pre") {
            let tag = html[at..].split('>').next().unwrap_or("");
            assert!(!tag.contains("aria-labelledby"), "{path}: {tag}");
        }
        let mut names = std::collections::HashSet::new();
        for (at, _) in html.match_indices("<section") {
            let tag = html[at..].split('>').next().unwrap_or("");
            if let Some(name) = tag.split("aria-labelledby=\"").nth(1) {
                let name = name.split('"').next().unwrap_or("");
                assert!(names.insert(name), "{path}: two landmarks named by #{name}");
            }
        }
        for (at, _) in html.match_indices("role=\"region\"") {
            let tag = &html[at..html[at..].find('>').map_or(html.len(), |e| at + e)];
            if let Some(name) = tag.split("aria-labelledby=\"").nth(1) {
                let name = name.split('"').next().unwrap_or("");
                assert!(names.insert(name), "{path}: two landmarks named by #{name}");
            }
        }
        for (at, _) in html.match_indices("<th") {
            let cell = &html[at..];
            if !cell[3..].starts_with([' ', '>']) {
                continue;
            }
            let end = cell.find("</th>").unwrap_or(cell.len());
            let inner = cell[..end].split_once('>').map_or("", |(_, rest)| rest);
            let text: String = inner
                .split('<')
                .map(|piece| piece.split_once('>').map_or(piece, |(_, t)| t))
                .collect();
            assert!(!text.trim().is_empty(), "{path}: an empty table header");
        }
    }
}

/// One failed sign-in from `client` (behind the trusted proxy on loopback)
/// for an account nobody has; returns the status.
async fn fail_sign_in(base: &str, client: &str, account: &str) -> u16 {
    let http = crate::support::app::client();
    let page = http
        .get(format!("{base}/admin/login"))
        .header("x-forwarded-for", client)
        .send()
        .await
        .expect("GET");
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .find(|c| c.starts_with("assent_login="))
        .expect("the login cookie");
    let csrf = csrf_of(&page.text().await.expect("a page"));
    http.post(format!("{base}/admin/login"))
        .header("x-forwarded-for", client)
        .header("cookie", cookie)
        .form(&[
            ("email", account),
            ("password", "not the password at all"),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .expect("POST")
        .status()
        .as_u16()
}

/// An IPv6 customer holds a /64: a new address in it for each attempt does
/// not buy more tries.
#[tokio::test]
async fn sign_in_counts_an_ipv6_client_by_its_64() {
    let app = crate::support::app::spawn_app_with(&[("ASSENT_TRUSTED_PROXIES", "127.0.0.1")]).await;
    let base = app.url("");
    let base = base.trim_end_matches('/');
    let mut statuses = Vec::new();
    for i in 1..=12 {
        let client = format!("2001:db8:1:2::{i:x}");
        statuses.push(fail_sign_in(base, &client, &format!("nobody{i}@example.com")).await);
    }
    assert_eq!(&statuses[..10], &[401; 10], "{statuses:?}");
    assert_eq!(&statuses[10..], &[429, 429], "{statuses:?}");
    let next_block = fail_sign_in(base, "2001:db8:1:3::1", "someone@example.com").await;
    assert_eq!(next_block, 401, "another /64 is another client");
}

/// The resident memory of process `pid`, in KiB.
fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

/// Each password check needs 19 MiB; a burst of sign-ins from many clients
/// leaves the server holding two such buffers at most, not one a check.
#[tokio::test]
async fn a_burst_of_sign_ins_leaves_the_memory_of_two_checks_at_most() {
    let dir = tempfile::tempdir().expect("a directory");
    let bind = format!("127.0.0.1:{}", free_port());
    let vars = test_env(
        &dir,
        None,
        &[
            ("ASSENT_BIND", &bind),
            ("ASSENT_TRUSTED_PROXIES", "127.0.0.1"),
        ],
    );
    let base = format!("http://{bind}");
    let server = crate::support::process::spawn(&vars, &["serve"]);
    wait_until_up(&base).await;
    fail_sign_in(&base, "198.51.100.1", "first@example.com").await;
    let before = resident_kib(server.0.id());
    let statuses: Vec<u16> = futures_util::stream::iter(0..100)
        .map(|i| {
            let base = base.clone();
            async move {
                let client = format!("2001:db8:{i:x}::1");
                fail_sign_in(&base, &client, &format!("n{i}@example.com")).await
            }
        })
        .buffer_unordered(50)
        .collect()
        .await;
    assert!(
        statuses.iter().all(|s| matches!(s, 401 | 503)),
        "{statuses:?}"
    );
    let after = resident_kib(server.0.id());
    assert!(
        after < before + 48 * 1024,
        "resident memory went from {before} KiB to {after} KiB"
    );
}
