//! The `assent` binary: its commands, exit codes and configuration errors.

#[path = "support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use support::app::{link, spawn_app, test_env};

fn assent(vars: &HashMap<String, String>, args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assent"))
        .args(args)
        .env_clear()
        .envs(vars)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("assent runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn help_works_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let vars = HashMap::new();
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["export", "--help"],
        &["import", "--help"],
        &["help"],
    ] {
        let out = assent(&vars, args, dir.path());
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Usage: assent"), "{args:?}: {text}");
    }
}

#[test]
fn a_bad_configuration_exits_2_with_one_line_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    for (var, value) in [
        ("ASSENT_BIND", "not-an-address"),
        ("ASSENT_DATABASE_URL", "mysql://localhost/x"),
        ("ASSENT_CONFIRM_TTL", "forever"),
        ("ASSENT_SIGNUP_RATE", "many"),
        ("ASSENT_SECRET_KEY", "too-short"),
        ("ASSENT_SMTP_URL", "ftp://mail.example.com"),
        ("ASSENT_MAIL_FROM", "nobody"),
        ("ASSENT_BASE_URL", "news.example.com"),
        ("ASSENT_LOG", "info,[[["),
        ("ASSENT_DEFAULT_LANG", "klingon"),
        ("ASSENT_LOG_FORMAT", "yaml"),
        ("ASSENT_METRICS_TOKEN", "short"),
    ] {
        let vars = HashMap::from([(var.to_owned(), value.to_owned())]);
        for args in [&[][..], &["migrate"], &["export"]] {
            let out = assent(&vars, args, dir.path());
            assert_eq!(out.status.code(), Some(2), "{var}={value} {args:?}");
            let err = stderr(&out);
            assert_eq!(err.lines().count(), 1, "{var}: {err}");
            assert!(err.contains(var), "{var}: {err}");
        }
    }
    assert!(
        !dir.path().join("assent.db").exists(),
        "nothing was created"
    );
}

#[test]
fn a_bad_argument_exits_2_with_one_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let vars = HashMap::new();
    for (args, named) in [
        (&["frobnicate"][..], "frobnicate"),
        (&["export", "--status", "maybe"], "maybe"),
        (&["export", "--colour"], "--colour"),
    ] {
        let out = assent(&vars, args, dir.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(named), "{args:?}: {err}");
    }
}

#[test]
fn a_dotenv_file_is_read_and_real_variables_win() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "ASSENT_CONFIRM_TTL=nonsense\nASSENT_DATABASE_URL=sqlite://from-dotenv.db\n",
    )
    .unwrap();
    let out = assent(&HashMap::new(), &["migrate"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("ASSENT_CONFIRM_TTL"));

    let vars = HashMap::from([("ASSENT_CONFIRM_TTL".to_owned(), "2h".to_owned())]);
    let out = assent(&vars, &["migrate"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("from-dotenv.db").exists());
}

#[test]
fn migrate_creates_the_database_and_can_run_twice() {
    let dir = tempfile::tempdir().unwrap();
    let vars = test_env(&dir, None, &[]);
    for _ in 0..2 {
        let out = assent(&vars, &["migrate"], dir.path());
        assert!(out.status.success(), "{}", stderr(&out));
    }
    if support::app::postgres_server().is_none() {
        assert!(dir.path().join("assent.db").exists());
    }
}

#[tokio::test]
async fn export_shows_each_step_of_a_subscription() {
    let app = spawn_app().await;
    let vars = test_env(
        &app.dir,
        None,
        &[("ASSENT_DATABASE_URL", &app.database_url)],
    );
    let export = |args: &[&str]| {
        let out = assent(&vars, args, app.dir.path());
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let header = "email,list,status,created_at,confirmed_at,unsubscribed_at,name";

    let mail = app.signup_and_get_mail("ada@example.com").await;
    app.signup_and_get_mail("bob@example.com").await;
    let csv = export(&["export"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], header);
    assert_eq!(lines.len(), 3);
    let ada: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(&ada[..3], ["ada@example.com", "newsletter", "pending"]);
    assert!(
        time::OffsetDateTime::parse(ada[3], &time::format_description::well_known::Rfc3339).is_ok()
    );
    assert!(ada[3].ends_with('Z'));
    assert_eq!(
        &ada[4..],
        ["", "", ""],
        "no confirmation, unsubscription or name"
    );

    app.client
        .post(app.url(&link(&mail, "confirm")))
        .send()
        .await
        .unwrap();
    let ada_row = |csv: &str| {
        csv.lines()
            .find(|l| l.starts_with("ada@"))
            .unwrap()
            .to_owned()
    };
    let confirmed = ada_row(&export(&["export"]));
    let columns: Vec<&str> = confirmed.split(',').collect();
    assert_eq!(columns[2], "confirmed", "{confirmed}");
    assert!(!columns[4].is_empty(), "confirmed_at: {confirmed}");
    let welcome = app.mails(3).await.into_iter().find(|m| {
        m.rcpt_to == ["ada@example.com"] && m.decoded_header("Subject").unwrap().contains("Welcome")
    });
    let welcome = welcome.expect("welcome message");

    app.client
        .post(app.url(&link(&welcome, "unsubscribe")))
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    let gone = ada_row(&export(&["export"]));
    let fields: Vec<&str> = gone.split(',').collect();
    assert_eq!(fields[2], "unsubscribed");
    assert!(!fields[4].is_empty() && !fields[5].is_empty(), "{gone}");

    let only_pending = export(&["export", "--status", "pending"]);
    assert_eq!(only_pending.lines().collect::<Vec<_>>()[1..].len(), 1);
    assert!(only_pending.contains("bob@example.com"));
    let by_list = export(&["export", "--list", "newsletter", "--status", "unsubscribed"]);
    assert_eq!(by_list.lines().count(), 2);

    let out = assent(&vars, &["export", "--list", "no-such-list"], app.dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no-such-list"));
    assert_eq!(stderr(&out).lines().count(), 1);

    let operator = app.signed_in().await;
    let saved = operator
        .post(
            "/admin/segments",
            "/admin/segments",
            &[
                ("name", "Still deciding"),
                ("match", "all"),
                ("what.0", "list:1"),
                ("op.0", "is"),
                ("value.0", "pending"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let chosen = export(&["export", "--segment", "1"]);
    assert_eq!(chosen.lines().count(), 2, "{chosen}");
    assert!(chosen.contains("bob@example.com"));
    let out = assent(&vars, &["export", "--segment", "99"], app.dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--segment"));
}

/// Starts `assent serve` in `dir` with `extra` settings, waits until it
/// answers, and returns it with its address.
async fn serve(dir: &tempfile::TempDir, extra: &[(&str, &str)]) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bind = format!("127.0.0.1:{port}");
    let mut settings = vec![("ASSENT_BIND", bind.as_str()), ("ASSENT_LOG", "info")];
    settings.extend_from_slice(extra);
    let vars = test_env(dir, None, &settings);
    let child = Command::new(env!("CARGO_BIN_EXE_assent"))
        .env_clear()
        .envs(&vars)
        .current_dir(dir.path())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let client = support::app::client();
    let up = async || {
        client
            .get(format!("http://{bind}/healthz"))
            .send()
            .await
            .is_ok()
    };
    support::eventually("the server up", Duration::from_secs(10), up).await;
    (child, bind)
}

#[tokio::test]
async fn json_logs_are_one_object_a_line_with_the_request_and_no_address() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, bind) = serve(&dir, &[("ASSENT_LOG_FORMAT", "json")]).await;
    let response = support::app::client()
        .post(format!("http://{bind}/subscribe"))
        .form(&[("email", "json.reader@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let signup = lines
        .iter()
        .find(|l| l["span"]["route"] == "/subscribe" && l["fields"]["message"] == "answered")
        .unwrap_or_else(|| panic!("a line for the signup: {log}"));
    assert_eq!(signup["fields"]["status"], 200);
    assert_eq!(signup["span"]["method"], "POST");
    assert!(
        signup["span"]["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{signup}"
    );
    assert!(!log.contains("json.reader"), "no address in the log: {log}");
}

#[tokio::test]
async fn without_smtp_mail_is_written_as_eml_files_and_the_log_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, bind) = serve(&dir, &[]).await;
    let client = support::app::client();
    let base = format!("http://{bind}");
    let response = client
        .post(format!("{base}/subscribe"))
        .form(&[("email", "laptop@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let mail_dir = dir.path().join("mail");
    let mut eml = None;
    let written = async || {
        eml = std::fs::read_dir(&mail_dir).ok().and_then(|d| {
            d.flatten()
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|e| e == "eml"))
        });
        eml.is_some()
    };
    support::eventually("an .eml file", Duration::from_secs(5), written).await;
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    let eml = eml.expect("an .eml file");
    assert_eq!(eml.extension().and_then(|e| e.to_str()), Some("eml"));
    let message = std::fs::read_to_string(&eml).unwrap();
    assert!(message.contains("To: laptop@example.com"));
    assert!(message.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(log.contains(".eml files"), "{log}");
    assert!(
        log.contains("WARN") && log.contains("nobody receives it"),
        "the start warns that mail only goes to files: {log}"
    );
    assert!(log.contains(&bind), "the bound address is logged: {log}");
    // Each request has its line, with a request id and the route's pattern.
    let signup = log
        .lines()
        .find(|l| l.contains("route=/subscribe") && l.contains("answered"))
        .unwrap_or_else(|| panic!("a line for the signup: {log}"));
    assert!(signup.contains("request_id="), "{signup}");
    assert!(
        signup.contains("method=POST") && signup.contains("status=200"),
        "{signup}"
    );
    assert!(
        !log.contains("laptop@example.com"),
        "no address in the log: {log}"
    );
}

#[test]
fn admin_accounts_are_created_and_reset_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let base = test_env(&dir, None, &[]);
    let with = |password: Option<&str>| {
        let mut vars = base.clone();
        if let Some(p) = password {
            vars.insert("ASSENT_ADMIN_PASSWORD".into(), p.into());
        }
        vars
    };

    let short = assent(
        &with(Some("too short")),
        &["admin", "create", "ops@example.com"],
        dir.path(),
    );
    assert_eq!(short.status.code(), Some(2));
    assert_eq!(stderr(&short).lines().count(), 1);
    assert!(
        stderr(&short).contains("ASSENT_ADMIN_PASSWORD")
            && stderr(&short).contains("12 characters")
    );

    let no_prompt = assent(
        &with(None),
        &["admin", "create", "ops@example.com"],
        dir.path(),
    );
    assert_eq!(no_prompt.status.code(), Some(2), "no terminal to prompt on");
    assert!(stderr(&no_prompt).contains("ASSENT_ADMIN_PASSWORD"));

    let bad_email = assent(
        &with(Some("long enough password")),
        &["admin", "create", "not-an-address"],
        dir.path(),
    );
    assert_eq!(bad_email.status.code(), Some(2));
    assert!(stderr(&bad_email).contains("EMAIL"));

    let created = assent(
        &with(Some("long enough password")),
        &["admin", "create", "ops@example.com"],
        dir.path(),
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let again = assent(
        &with(Some("long enough password")),
        &["admin", "create", "ops@example.com"],
        dir.path(),
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists"));

    let unknown = assent(
        &with(Some("another good password")),
        &["admin", "reset-password", "who@example.com"],
        dir.path(),
    );
    assert_eq!(unknown.status.code(), Some(1));
    let reset = assent(
        &with(Some("another good password")),
        &["admin", "reset-password", "ops@example.com"],
        dir.path(),
    );
    assert!(reset.status.success(), "{}", stderr(&reset));

    let url = assent::config::DatabaseUrl::parse(&base["ASSENT_DATABASE_URL"]).unwrap();
    let db = assent::db::Database::connect(&url).unwrap();
    let admin = assent::db::admins::by_email(&mut db.read_conn().unwrap(), "ops@example.com")
        .unwrap()
        .expect("the account");
    assert!(
        admin
            .password_hash
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
    );
    assert!(assent::auth::verify_password(
        Some(&admin.password_hash),
        "another good password"
    ));
    assert!(!assent::auth::verify_password(
        Some(&admin.password_hash),
        "long enough password"
    ));
}

#[test]
fn dkim_keygen_writes_a_private_key_and_prints_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let vars = HashMap::new();
    for (algorithm, k) in [("ed25519", "k=ed25519"), ("rsa", "k=rsa")] {
        let file = format!("{algorithm}.pem");
        let args = [
            "dkim",
            "keygen",
            "--domain",
            "example.com",
            "--selector",
            "mail2026",
            "--algorithm",
            algorithm,
            "--out",
            &file,
        ];
        let out = assent(&vars, &args, dir.path());
        assert!(out.status.success(), "{}", stderr(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines[0], "mail2026._domainkey.example.com");
        assert!(
            lines[1].starts_with(&format!("v=DKIM1; {k}; p=")),
            "{stdout}"
        );
        let pem = std::fs::read_to_string(dir.path().join(&file)).unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(&file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
        }

        let again = assent(&vars, &args, dir.path());
        assert_eq!(again.status.code(), Some(2), "an existing key is kept");
        assert!(stderr(&again).contains("--out"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join(&file)).unwrap(),
            pem
        );
    }
}

#[test]
fn bad_or_partial_dkim_configuration_exits_2_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let garbled = dir.path().join("garbled.pem");
    std::fs::write(
        &garbled,
        "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let garbled = garbled.display().to_string();
    let short = dir.path().join("short.pem");
    {
        use rsa::pkcs8::{EncodePrivateKey, LineEnding};
        let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).unwrap();
        std::fs::write(&short, key.to_pkcs8_pem(LineEnding::LF).unwrap().as_bytes()).unwrap();
    }
    let short = short.display().to_string();
    let cases: [(&[(&str, &str)], &str); 6] = [
        (
            &[("ASSENT_DKIM_DOMAIN", "example.com")],
            "ASSENT_DKIM_SELECTOR",
        ),
        (
            &[
                ("ASSENT_DKIM_DOMAIN", "example.com"),
                ("ASSENT_DKIM_SELECTOR", "mail2026"),
            ],
            "ASSENT_DKIM_KEY",
        ),
        (
            &[
                ("ASSENT_DKIM_DOMAIN", "example.com"),
                ("ASSENT_DKIM_SELECTOR", "a,b"),
                ("ASSENT_DKIM_KEY", "one.pem"),
            ],
            "ASSENT_DKIM_KEY",
        ),
        (
            &[
                ("ASSENT_DKIM_DOMAIN", "example.com"),
                ("ASSENT_DKIM_SELECTOR", "mail2026"),
                ("ASSENT_DKIM_KEY", "/nonexistent/key.pem"),
            ],
            "ASSENT_DKIM_KEY",
        ),
        (
            &[
                ("ASSENT_DKIM_DOMAIN", "example.com"),
                ("ASSENT_DKIM_SELECTOR", "mail2026"),
                ("ASSENT_DKIM_KEY", &garbled),
            ],
            "ASSENT_DKIM_KEY",
        ),
        (
            &[
                ("ASSENT_DKIM_DOMAIN", "example.com"),
                ("ASSENT_DKIM_SELECTOR", "mail2026"),
                ("ASSENT_DKIM_KEY", &short),
            ],
            "2048",
        ),
    ];
    for (extra, named) in cases {
        let mut vars = test_env(&dir, None, &[]);
        vars.insert("ASSENT_BIND".into(), "127.0.0.1:0".into());
        for (k, v) in extra {
            vars.insert((*k).into(), (*v).into());
        }
        let out = assent(&vars, &["serve"], dir.path());
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{extra:?}: {err}");
        assert!(err.contains(named), "{extra:?}: {err}");
    }
}

/// The addresses `assent export` shows, with their status.
fn exported(vars: &HashMap<String, String>, dir: &std::path::Path) -> Vec<String> {
    let out = assent(vars, &["export"], dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = String::from_utf8(out.stdout).unwrap();
    csv.lines()
        .skip(1)
        .map(|row| {
            let fields: Vec<&str> = row.split(',').collect();
            format!("{} {}", fields[0], fields[2])
        })
        .collect()
}

fn count_imports(url: &str) -> i64 {
    use diesel::prelude::*;
    let mut conn = support::app::connect(url);
    assent::db::schema::imports::table
        .count()
        .get_result(&mut conn)
        .unwrap()
}

#[test]
fn import_adds_pending_addresses_and_reports_each_refused_line_by_number() {
    let dir = tempfile::tempdir().unwrap();
    let vars = test_env(&dir, None, &[]);
    let long_name = "n".repeat(101);
    // Lines as an editor counts them: the header is 1, the empty line 5.
    let csv = format!(
        "email,name\n\
         new.one@example.com,New One\n\
         not-an-address\n\
         new.two@example.com\n\
         \n\
         NEW.ONE@example.com\n\
         \"ada@example.com\",\"Lovelace, Ada\"\r\n\
         bob@example.com,{long_name}\n"
    );
    std::fs::write(dir.path().join("people.csv"), csv).unwrap();

    let out = assent(
        &vars,
        &["import", "people.csv", "--list", "newsletter"],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "line 3: invalid address: Please include an @ in the email address, like name@example.com.\n\
         line 6: duplicate of line 2\n\
         line 8: Please keep the name under 100 characters.\n\
         added 3, skipped 3\n"
    );
    let err = stderr(&out);
    assert!(err.contains("importing: 100% (6 of 6 rows"), "{err}");
    assert!(
        err.contains("`assent serve` or `assent worker` sends them"),
        "{err}"
    );
    assert_eq!(
        exported(&vars, dir.path()),
        [
            "new.one@example.com pending",
            "new.two@example.com pending",
            "ada@example.com pending",
        ]
    );
    {
        use assent::db::schema::subscribers;
        use diesel::prelude::*;
        let mut conn = support::app::connect(&vars["ASSENT_DATABASE_URL"]);
        let name: Option<String> = subscribers::table
            .filter(subscribers::email.eq("ada@example.com"))
            .select(subscribers::name)
            .first(&mut conn)
            .unwrap();
        assert_eq!(name.as_deref(), Some("Lovelace, Ada"));
    }

    let again = assent(
        &vars,
        &["import", "people.csv", "--list", "newsletter"],
        dir.path(),
    );
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        "line 2: already on the list\n\
         line 3: invalid address: Please include an @ in the email address, like name@example.com.\n\
         line 4: already on the list\n\
         line 6: already on the list\n\
         line 7: already on the list\n\
         line 8: Please keep the name under 100 characters.\n\
         added 0, skipped 6\n"
    );
    assert_eq!(exported(&vars, dir.path()).len(), 3);
}

#[test]
fn import_into_an_unknown_list_exits_2_naming_it_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let vars = test_env(&dir, None, &[]);
    std::fs::write(dir.path().join("people.csv"), "ada@example.com\n").unwrap();
    let out = assent(
        &vars,
        &["import", "people.csv", "--list", "no-such-list"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("--list") && err.contains("no-such-list"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    assert!(exported(&vars, dir.path()).is_empty());
    assert_eq!(count_imports(&vars["ASSENT_DATABASE_URL"]), 0);

    // A file the admin import refuses is refused here too, and dropped.
    std::fs::write(
        dir.path().join("latin1.csv"),
        b"ada@example.com\nz\xe9@example.com\n",
    )
    .unwrap();
    let out = assent(
        &vars,
        &["import", "latin1.csv", "--list", "newsletter"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("latin1.csv") && err.contains("not UTF-8"),
        "{err}"
    );
    assert!(exported(&vars, dir.path()).is_empty());
    assert_eq!(count_imports(&vars["ASSENT_DATABASE_URL"]), 0);
}

#[test]
fn import_of_a_missing_file_exits_2_naming_it_before_touching_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let vars = test_env(&dir, None, &[]);
    let out = assent(
        &vars,
        &["import", "missing.csv", "--list", "newsletter"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("missing.csv"), "{err}");
    if support::app::postgres_server().is_none() {
        assert!(
            !dir.path().join("assent.db").exists(),
            "nothing was created"
        );
    }
    let no_list = assent(&vars, &["import", "missing.csv"], dir.path());
    assert_eq!(no_list.status.code(), Some(2));
    assert!(stderr(&no_list).contains("--list"), "{}", stderr(&no_list));
}

/// Kubernetes' `runAsNonRoot` can only check a numeric user: the image's
/// last `USER` is one, and not root's.
#[test]
fn the_image_runs_as_a_numeric_user_other_than_root() {
    let dockerfile =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/Dockerfile"))
            .expect("deploy/Dockerfile");
    let user = dockerfile
        .lines()
        .rev()
        .find_map(|line| line.trim().strip_prefix("USER "))
        .expect("a USER line");
    let (uid, gid) = user.trim().split_once(':').unwrap_or((user.trim(), "0"));
    let uid: u32 = uid
        .parse()
        .unwrap_or_else(|_| panic!("USER {user} is not numeric"));
    assert_ne!(uid, 0, "USER {user}");
    assert!(gid.parse::<u32>().is_ok(), "USER {user}");
}

#[test]
fn check_dns_prints_each_line_with_what_to_publish_and_exits_1_on_an_error() {
    let dns = support::dns::DnsServer::start();
    dns.add(
        "assent.test",
        support::dns::Record::Txt("v=spf1 include:relay.example ~all".into()),
    );
    let dir = tempfile::tempdir().unwrap();
    let vars = test_env(&dir, None, &[("ASSENT_DNS_SERVER", &dns.address())]);
    let out = assent(&vars, &["check-dns"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("ok      spf       assent.test: One SPF record."),
        "{stdout}"
    );
    assert!(
        stdout.contains("error   dmarc     _dmarc.assent.test"),
        "{stdout}"
    );
    assert!(
        stdout.contains("publish: _dmarc.assent.test TXT \"v=DMARC1; p=quarantine"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("of the DNS checks failed"));
}
