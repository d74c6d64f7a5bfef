//! The corpus of hostile requests (`tests/fixtures/hostile/requests.http`),
//! each sent as raw bytes to the real binary: never a 5xx, never a panic or
//! an ERROR in its log, and the database unchanged where the request should
//! change nothing.

use std::time::Duration;

use diesel::prelude::*;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::admin::{OPERATOR, PASSWORD, create_operator_in, csrf_of};
use crate::support::app::{client, connect, test_env};
use crate::support::process::{free_port, wait_until_up};

const CORPUS: &str = include_str!("../fixtures/hostile/requests.http");

/// How long a request may go unanswered before the test moves on: a
/// request whose body never comes is the server's to time out, not ours.
const PATIENCE: Duration = Duration::from_secs(2);

struct Case {
    name: String,
    stores: bool,
    partial: bool,
    bytes: Vec<u8>,
}

#[tokio::test]
async fn no_hostile_request_gets_a_5xx_a_panic_or_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let bind = format!("127.0.0.1:{}", free_port());
    let vars = test_env(
        &dir,
        None,
        &[("ASSENT_BIND", &bind), ("ASSENT_LOG", "info")],
    );
    let database_url = vars["ASSENT_DATABASE_URL"].clone();
    let log_path = dir.path().join("assent.log");
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_assent"))
        .env_clear()
        .envs(&vars)
        .stderr(std::fs::File::create(&log_path).unwrap())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://{bind}");
    wait_until_up(&base).await;

    // A real session, and a real confirmation token, for the cases that
    // name them.
    create_operator_in(&database_url);
    let session = session_cookie(&base).await;
    let signup = client()
        .post(format!("{base}/subscribe"))
        .form(&[("email", "real@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), 200);
    let confirm = confirmation_token(&dir).await;

    let cases = corpus(&session, &confirm);
    assert!(
        cases.len() >= 200,
        "the corpus holds {} requests",
        cases.len()
    );
    let mut conn = connect(&database_url);
    let mut before = snapshot(&mut conn);
    let (mut answered, mut unanswered) = (Vec::new(), Vec::new());
    for case in &cases {
        match send(&bind, case).await {
            Some(status) => {
                assert!(status < 500, "{}: answered {status}", case.name);
                answered.push(status);
            }
            None => unanswered.push(case.name.as_str()),
        }
        let after = snapshot(&mut conn);
        if !case.stores {
            assert_eq!(after, before, "{} changed the database", case.name);
        }
        before = after;
    }

    // A complete request, however wrong, gets an answer; only a request
    // cut off before its head ends may be met with a closed connection.
    let complete_unanswered: Vec<&&str> = unanswered
        .iter()
        .filter(|name| !cases.iter().any(|c| c.name == **name && c.partial))
        .collect();
    assert!(
        complete_unanswered.is_empty(),
        "unanswered: {complete_unanswered:?}"
    );
    assert!(
        answered.iter().filter(|s| **s == 422).count() > 100,
        "the field cases reach the validation: {answered:?}"
    );

    // Still serving, and nothing the clients did was the server's fault.
    assert_eq!(
        client()
            .get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let _ = server.kill();
    let _ = server.wait();
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(!log.contains("panicked"), "a panic: {log}");
    let errors: Vec<&str> = log.lines().filter(|l| l.contains("ERROR")).collect();
    assert!(errors.is_empty(), "logged as errors: {errors:#?}");
}

/// The answer's status, or `None` when the server closed the connection
/// or said nothing within [`PATIENCE`].
async fn send(bind: &str, case: &Case) -> Option<u16> {
    let mut stream = TcpStream::connect(bind).await.unwrap();
    // The server may close before it has read everything: that is an
    // answer too.
    if stream.write_all(&case.bytes).await.is_err() {
        return None;
    }
    if case.partial {
        let _ = stream.shutdown().await;
    }
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    let read = tokio::time::timeout(PATIENCE, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    answer.extend_from_slice(&buf[..n]);
                    if answer.windows(2).any(|w| w == b"\r\n") {
                        break;
                    }
                }
            }
        }
    })
    .await;
    let _ = read;
    let line = String::from_utf8_lossy(&answer);
    line.strip_prefix("HTTP/1.1 ")
        .or_else(|| line.strip_prefix("HTTP/1.0 "))
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
}

/// Row counts of everything a request could wrongly change.
fn snapshot(conn: &mut assent::db::DbConn) -> Vec<(&'static str, i64)> {
    use assent::db::schema::*;
    let confirmed = subscriptions::table
        .filter(subscriptions::confirmed_at.is_not_null())
        .count()
        .get_result(conn)
        .unwrap();
    vec![
        (
            "subscribers",
            subscribers::table.count().get_result(conn).unwrap(),
        ),
        (
            "subscriptions",
            subscriptions::table.count().get_result(conn).unwrap(),
        ),
        ("confirmed", confirmed),
        (
            "consent_events",
            consent_events::table.count().get_result(conn).unwrap(),
        ),
        ("outbox", outbox::table.count().get_result(conn).unwrap()),
        ("tokens", tokens::table.count().get_result(conn).unwrap()),
        ("lists", lists::table.count().get_result(conn).unwrap()),
        ("admins", admins::table.count().get_result(conn).unwrap()),
        (
            "admin_sessions",
            admin_sessions::table.count().get_result(conn).unwrap(),
        ),
        (
            "api_tokens",
            api_tokens::table.count().get_result(conn).unwrap(),
        ),
        (
            "audit_log",
            audit_log::table.count().get_result(conn).unwrap(),
        ),
        ("imports", imports::table.count().get_result(conn).unwrap()),
        (
            "broadcasts",
            broadcasts::table.count().get_result(conn).unwrap(),
        ),
        (
            "sequences",
            sequences::table.count().get_result(conn).unwrap(),
        ),
        (
            "sequence_steps",
            sequence_steps::table.count().get_result(conn).unwrap(),
        ),
        (
            "suppressions",
            suppressions::table.count().get_result(conn).unwrap(),
        ),
    ]
}

/// Signs in as the operator and returns `assent_session=…`.
async fn session_cookie(base: &str) -> String {
    let cookie_of = |response: &reqwest::Response, name: &str| {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .find(|c| c.starts_with(name))
            .map(str::to_owned)
    };
    let page = client()
        .get(format!("{base}/admin/login"))
        .send()
        .await
        .unwrap();
    let login = cookie_of(&page, "assent_login=").expect("the login cookie");
    let csrf = csrf_of(&page.text().await.unwrap());
    let signed_in = client()
        .post(format!("{base}/admin/login"))
        .header("cookie", login)
        .form(&[
            ("email", OPERATOR),
            ("password", PASSWORD),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    cookie_of(&signed_in, "assent_session=").expect("the session cookie")
}

/// The token of the confirmation message written to the mail folder.
async fn confirmation_token(dir: &tempfile::TempDir) -> String {
    let mut token = None;
    let written = async || {
        let mails = std::fs::read_dir(dir.path().join("mail"))
            .into_iter()
            .flatten()
            .flatten();
        for mail in mails {
            let text = std::fs::read_to_string(mail.path()).unwrap_or_default();
            let unfolded = text.replace("=\r\n", "").replace("=\n", "");
            if let Some(at) = unfolded.find("/confirm/") {
                let found: String = unfolded[at + "/confirm/".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
                token = Some(found);
            }
        }
        token.is_some()
    };
    let limit = Duration::from_secs(15);
    crate::support::eventually("a confirmation written", limit, written).await;
    token.expect("written")
}

/// The cases of the corpus, each `[each]` case once per payload.
fn corpus(session: &str, confirm: &str) -> Vec<Case> {
    let payloads: Vec<Vec<u8>> = CORPUS
        .lines()
        .filter_map(|l| l.strip_prefix("@payload "))
        .map(unescape)
        .collect();
    let mut cases = Vec::new();
    for block in CORPUS.split("\n=== ").skip(1) {
        let (title, rest) = block.split_once('\n').unwrap_or((block, ""));
        let (name, flags) = match title.split_once(" [") {
            Some((name, flags)) => (name, flags.trim_end_matches(']')),
            None => (title, ""),
        };
        let flag = |f: &str| flags.split_whitespace().any(|x| x == f);
        let template = rest
            .replace("{session}", session)
            .replace("{confirm}", confirm);
        let variants: Vec<Option<&[u8]>> = if flag("each") {
            payloads.iter().map(|p| Some(p.as_slice())).collect()
        } else {
            vec![None]
        };
        for (i, payload) in variants.into_iter().enumerate() {
            cases.push(Case {
                name: match payload {
                    Some(_) => format!("{name}, payload {}", i + 1),
                    None => name.to_owned(),
                },
                stores: flag("stores"),
                partial: flag("partial"),
                bytes: request(&template, payload, flag("partial")),
            });
        }
    }
    cases
}

/// The bytes of one case: head lines joined with CRLF, an empty line, the
/// body; `Content-Length: *` filled in.
fn request(template: &str, payload: Option<&[u8]>, partial: bool) -> Vec<u8> {
    let lines: Vec<&str> = template.lines().collect();
    let fill = |line: &str| -> Vec<u8> {
        let Some(payload) = payload else {
            return unescape(line);
        };
        let text = String::from_utf8_lossy(payload);
        let mut out = Vec::new();
        let mut rest = line;
        while let Some(at) = rest.find("{payload") {
            out.extend(unescape(&rest[..at]));
            let end = rest[at..].find('}').map_or(rest.len(), |e| at + e + 1);
            match &rest[at..end] {
                "{payload:url}" => out.extend(
                    utf8_percent_encode(&text, NON_ALPHANUMERIC)
                        .to_string()
                        .bytes(),
                ),
                "{payload:json}" => out.extend(serde_json::to_string(&text).unwrap().bytes()),
                _ => out.extend_from_slice(payload),
            }
            rest = &rest[end..];
        }
        out.extend(unescape(rest));
        out
    };
    let join = |lines: &[&str]| -> Vec<u8> {
        let mut out = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(b"\r\n");
            }
            out.extend(fill(line));
        }
        out
    };
    let mut trimmed = lines.as_slice();
    while let [rest @ .., last] = trimmed
        && last.is_empty()
    {
        trimmed = rest;
    }
    if partial {
        return join(trimmed);
    }
    let split = trimmed
        .iter()
        .position(|l| l.is_empty())
        .unwrap_or(trimmed.len());
    let (head, body) = trimmed.split_at(split);
    let body = join(body.get(1..).unwrap_or_default());
    let mut out = Vec::new();
    for line in head {
        if line.eq_ignore_ascii_case("Content-Length: *") {
            out.extend(format!("Content-Length: {}", body.len()).bytes());
        } else {
            out.extend(fill(line));
        }
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend(body);
    out
}

/// `\r \n \t \0 \xHH \\` and `{{N*TEXT}}`.
fn unescape(text: &str) -> Vec<u8> {
    let mut expanded = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        let Some(end) = rest[at..].find("}}").map(|e| at + e) else {
            break;
        };
        let inner = &rest[at + 2..end];
        match inner
            .split_once('*')
            .and_then(|(n, t)| Some((n.parse::<usize>().ok()?, t)))
        {
            Some((n, t)) => {
                expanded.push_str(&rest[..at]);
                expanded.push_str(&t.repeat(n));
            }
            // Not a repetition: a template-injection payload, kept as it is.
            None => expanded.push_str(&rest[..end + 2]),
        }
        rest = &rest[end + 2..];
    }
    expanded.push_str(rest);

    let mut out = Vec::new();
    let mut chars = expanded.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut utf8 = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            continue;
        }
        match chars.next() {
            Some('r') => out.push(b'\r'),
            Some('n') => out.push(b'\n'),
            Some('t') => out.push(b'\t'),
            Some('0') => out.push(0),
            Some('\\') => out.push(b'\\'),
            Some('x') => {
                let hex: String = [chars.next(), chars.next()].into_iter().flatten().collect();
                out.push(u8::from_str_radix(&hex, 16).unwrap_or(b'?'));
            }
            Some(other) => {
                out.push(b'\\');
                let mut utf8 = [0u8; 4];
                out.extend_from_slice(other.encode_utf8(&mut utf8).as_bytes());
            }
            None => out.push(b'\\'),
        }
    }
    out
}
