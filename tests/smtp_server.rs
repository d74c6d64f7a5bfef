//! Checks the test SMTP server in `support::smtp` against lettre's client.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use support::smtp::{Behaviour, SmtpServer};

const WAIT: Duration = Duration::from_secs(5);

fn transport(server: &SmtpServer) -> AsyncSmtpTransport<Tokio1Executor> {
    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(server.port())
        .timeout(Some(Duration::from_secs(5)))
        .build()
}

fn simple_message(subject: &str) -> Message {
    Message::builder()
        .from("Sender <sender@example.org>".parse::<Mailbox>().unwrap())
        .to("reader@example.com".parse::<Mailbox>().unwrap())
        .subject(subject)
        .body(String::from("Hello.\n"))
        .unwrap()
}

#[tokio::test]
async fn accepts_and_parses_a_multipart_message() {
    let server = SmtpServer::start();
    assert_eq!(server.url(), format!("smtp://127.0.0.1:{}", server.port()));

    let link = format!(
        "https://lists.example.org/confirm?token={}",
        "a1b2c3d4".repeat(12)
    );
    let text = format!("Grüße!\nPlease confirm: {link}\n2 + 2 = 4\n");
    let html = format!("<p>Grüße!</p>\n<p><a href=\"{link}\">Confirm</a></p>\n");
    let subject = "Please confirm your subscription to the rather long named newsletter of the example organisation";

    let message = Message::builder()
        .from("Sender <sender@example.org>".parse::<Mailbox>().unwrap())
        .to("Reader <reader@example.com>".parse::<Mailbox>().unwrap())
        .cc("other@example.net".parse::<Mailbox>().unwrap())
        .subject(subject)
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder().header(ContentType::TEXT_PLAIN).body(
                        Body::new_with_encoding(
                            text.clone(),
                            ContentTransferEncoding::QuotedPrintable,
                        )
                        .unwrap(),
                    ),
                )
                .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(
                    Body::new_with_encoding(html.clone(), ContentTransferEncoding::Base64).unwrap(),
                )),
        )
        .unwrap();
    transport(&server).send(message).await.unwrap();

    let mails = server.wait_for_async(1, WAIT).await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.mail_from, "sender@example.org");
    assert_eq!(mail.rcpt_to.len(), 2);
    assert!(mail.rcpt_to.contains(&"reader@example.com".to_string()));
    assert!(mail.rcpt_to.contains(&"other@example.net".to_string()));

    // The long subject is folded on the wire and unfolded by `header`.
    assert!(mail.data.contains("Subject: Please confirm"));
    assert!(!mail.data.contains(&format!("Subject: {subject}")));
    assert_eq!(mail.header("subject").as_deref(), Some(subject));
    assert_eq!(
        mail.header("TO").as_deref(),
        Some("Reader <reader@example.com>")
    );
    assert_eq!(mail.headers("Cc"), vec!["other@example.net".to_string()]);
    assert!(mail.header("X-Missing").is_none());
    assert!(
        mail.header("Content-Type")
            .unwrap()
            .starts_with("multipart/alternative")
    );
    assert!(mail.data.ends_with("\r\n"));
    assert!(!mail.data.ends_with(".\r\n"));

    // Both encodings were really used on the wire.
    assert!(
        mail.data
            .contains("Content-Transfer-Encoding: quoted-printable")
    );
    assert!(mail.data.contains("Content-Transfer-Encoding: base64"));
    assert!(!mail.data.contains(&link));

    assert_eq!(mail.text_part().unwrap(), text.replace('\n', "\r\n"));
    assert_eq!(mail.html_part().unwrap(), html.replace('\n', "\r\n"));
}

#[tokio::test]
async fn handles_dot_stuffing_and_encoded_headers() {
    let server = SmtpServer::start();
    let message = Message::builder()
        .from("sender@example.org".parse::<Mailbox>().unwrap())
        .to("reader@example.com".parse::<Mailbox>().unwrap())
        .subject("Bestätigen Sie bitte Ihr Abonnement für unseren wöchentlichen Newsletter")
        .body(String::from(".leading dot\n.\n..two\nlast line\n"))
        .unwrap();
    transport(&server).send(message).await.unwrap();

    let mail = server.wait_for(1, WAIT).pop().unwrap();
    // lettre adds a CRLF of its own before the final "." line.
    assert!(
        mail.data
            .ends_with("\r\n\r\n.leading dot\r\n.\r\n..two\r\nlast line\r\n\r\n")
    );
    assert_eq!(
        mail.text_part().unwrap(),
        ".leading dot\r\n.\r\n..two\r\nlast line\r\n\r\n"
    );
    assert!(mail.html_part().is_none());
    assert!(mail.header("Subject").unwrap().starts_with("=?utf-8?"));
    assert_eq!(
        mail.decoded_header("Subject").as_deref(),
        Some("Bestätigen Sie bitte Ihr Abonnement für unseren wöchentlichen Newsletter")
    );
}

#[tokio::test]
async fn perm_fail_gives_a_permanent_error() {
    let server = SmtpServer::start();
    server.set_behaviour(Behaviour::PermFail);
    let err = transport(&server)
        .send(simple_message("rejected"))
        .await
        .unwrap_err();
    assert!(err.is_permanent(), "{err:?}");
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn temp_fail_gives_a_transient_error_and_a_retry_succeeds() {
    let server = SmtpServer::start();
    let transport = transport(&server);
    server.set_behaviour(Behaviour::TempFail);
    let err = transport.send(simple_message("later")).await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert!(server.messages().is_empty());

    server.set_behaviour(Behaviour::Accept);
    transport.send(simple_message("later")).await.unwrap();
    assert_eq!(server.wait_for_async(1, WAIT).await.len(), 1);
}

#[tokio::test]
async fn stop_refuses_connections_and_start_on_brings_the_port_back() {
    let server = SmtpServer::start();
    let port = server.port();
    let transport = transport(&server);
    // Leaves an idle pooled connection open across the stop.
    transport.send(simple_message("before")).await.unwrap();
    assert_eq!(server.wait_for_async(1, WAIT).await.len(), 1);

    server.stop();
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    assert!(transport.send(simple_message("during")).await.is_err());

    let server = SmtpServer::start_on(port);
    assert_eq!(server.port(), port);
    transport.send(simple_message("after")).await.unwrap();
    let mails = server.wait_for_async(1, WAIT).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].header("Subject").as_deref(), Some("after"));
}

#[test]
fn speaks_plain_smtp_line_by_line() {
    let server = SmtpServer::start();
    let stream = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut read_reply = || {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let done = line.as_bytes().get(3) == Some(&b' ');
            lines.push(line.trim_end().to_string());
            if done {
                return lines;
            }
        }
    };

    assert_eq!(read_reply(), ["220 localhost ESMTP test"]);
    // A command split over several writes.
    writer.write_all(b"EH").unwrap();
    writer.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    writer.write_all(b"LO client\r\n").unwrap();
    assert_eq!(
        read_reply(),
        ["250-localhost", "250-8BITMIME", "250 SMTPUTF8"]
    );
    for (command, expected) in [
        ("STARTTLS", "502"),
        ("AUTH PLAIN AGFhAGI=", "502"),
        ("RCPT TO:<a@example.com>", "503"),
        ("NOOP", "250"),
        ("MAIL FROM:<> BODY=8BITMIME SIZE=100", "250"),
        ("DATA", "503"),
        ("RCPT TO:<a@example.com>", "250"),
        ("RSET", "250"),
        ("DATA", "503"),
        ("HELO client", "250"),
        ("MAIL FROM:<b@example.com>", "250"),
        ("RCPT TO:<c@example.com>", "250"),
        ("DATA", "354"),
        ("Subject: raw\r\n\r\nbody\r\n.", "250"),
        ("QUIT", "221"),
    ] {
        writer
            .write_all(format!("{command}\r\n").as_bytes())
            .unwrap();
        let reply = read_reply();
        assert!(
            reply[0].starts_with(expected),
            "{command}: expected {expected}, got {reply:?}"
        );
    }

    let mails = server.messages();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].mail_from, "b@example.com");
    assert_eq!(mails[0].rcpt_to, ["c@example.com"]);
    assert_eq!(mails[0].data, "Subject: raw\r\n\r\nbody\r\n");
    assert_eq!(mails[0].text_part().as_deref(), Some("body\r\n"));
    server.stop();
}
