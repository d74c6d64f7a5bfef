//! Turning an email's content into the bytes handed to the transport.
//!
//! The outbox keeps a [`Draft`]: the kind of message and the links it
//! carries, of which an unsubscribe link is always one. The delivery job
//! has [`Composer::compose_draft`] make the message when it sends it.
//! [`OutgoingMessage`] has private fields and is made only here, by
//! [`Composer::compose`], which takes the List-* headers from the content's
//! [`Footer`]: a message without an unsubscribe link and its headers cannot
//! be built, so it cannot reach a transport.

use std::sync::Arc;
use std::time::Duration;

use askama::Template;
use base64::Engine;
use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use rand::TryRng;
use rand::rngs::SysRng;

use super::dkim::Dkim;
use super::markdown::{self, Body};
use super::templates::{
    Broadcast, BroadcastHtml, BroadcastText, Confirmation, ConfirmationHtml, ConfirmationText,
    Footer, OwnAction, OwnLink, OwnLinkHtml, OwnLinkText, Reconfirmation, ReconfirmationHtml,
    ReconfirmationText, Welcome, WelcomeHtml, WelcomeText,
};
use crate::domain::message::Unsubscribe;
use crate::domain::{Draft, LinkToken, MessageKind, SubscriberEmail};
use crate::i18n::Lang;
use crate::policy::Policy;

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("rendering an email template: {0}")]
    Template(#[from] askama::Error),
    #[error("building the message: {0}")]
    Message(String),
    #[error("no entropy for a message id: {0}")]
    Entropy(#[from] rand::rngs::SysError),
}

/// What a kind of email must provide. The footer is required, and the
/// message's List-* headers are read from it.
pub trait EmailContent {
    /// Stored with the queued message.
    const KIND: MessageKind;
    fn subject(&self) -> String;
    fn footer(&self) -> &Footer;
    fn text(&self) -> askama::Result<String>;
    fn html(&self) -> askama::Result<String>;
    /// Marks mail that a program, not a person, sent in reply to an action.
    fn auto_submitted(&self) -> bool {
        false
    }
}

impl EmailContent for Confirmation {
    const KIND: MessageKind = MessageKind::Confirmation;
    fn subject(&self) -> String {
        self.footer
            .lang
            .t1("confirmation-subject", "list", &self.list_name)
    }
    fn footer(&self) -> &Footer {
        &self.footer
    }
    fn text(&self) -> askama::Result<String> {
        ConfirmationText { m: self }.render()
    }
    fn html(&self) -> askama::Result<String> {
        ConfirmationHtml { m: self }.render()
    }
    fn auto_submitted(&self) -> bool {
        true
    }
}

impl EmailContent for Welcome {
    const KIND: MessageKind = MessageKind::Welcome;
    fn subject(&self) -> String {
        self.footer
            .lang
            .t1("welcome-subject", "list", &self.list_name)
    }
    fn footer(&self) -> &Footer {
        &self.footer
    }
    fn text(&self) -> askama::Result<String> {
        WelcomeText { m: self }.render()
    }
    fn html(&self) -> askama::Result<String> {
        WelcomeHtml { m: self }.render()
    }
}

impl EmailContent for Reconfirmation {
    const KIND: MessageKind = MessageKind::Reconfirmation;
    fn subject(&self) -> String {
        self.footer
            .lang
            .t1("reconfirmation-subject", "list", &self.list_name)
    }
    fn footer(&self) -> &Footer {
        &self.footer
    }
    fn text(&self) -> askama::Result<String> {
        ReconfirmationText { m: self }.render()
    }
    fn html(&self) -> askama::Result<String> {
        ReconfirmationHtml { m: self }.render()
    }
}

impl EmailContent for OwnLink {
    const KIND: MessageKind = MessageKind::RecordLink;
    fn subject(&self) -> String {
        self.footer.lang.t(self.subject_id())
    }
    fn footer(&self) -> &Footer {
        &self.footer
    }
    fn text(&self) -> askama::Result<String> {
        OwnLinkText { m: self }.render()
    }
    fn html(&self) -> askama::Result<String> {
        OwnLinkHtml { m: self }.render()
    }
    fn auto_submitted(&self) -> bool {
        true
    }
}

impl EmailContent for Broadcast {
    const KIND: MessageKind = MessageKind::Broadcast;
    fn subject(&self) -> String {
        self.subject.clone()
    }
    fn footer(&self) -> &Footer {
        &self.footer
    }
    fn text(&self) -> askama::Result<String> {
        BroadcastText { m: self }.render()
    }
    fn html(&self) -> askama::Result<String> {
        BroadcastHtml { m: self }.render()
    }
}

/// What a broadcast's copies say: its subject and its body in both parts.
#[derive(Debug, Clone)]
pub struct BroadcastCopy {
    pub subject: String,
    pub body: Body,
}

impl BroadcastCopy {
    /// Renders the Markdown body once for every copy.
    pub fn new(subject: &str, markdown_body: &str) -> Self {
        Self {
            subject: subject.to_owned(),
            body: markdown::render(markdown_body),
        }
    }
}

/// A message ready for the transport.
#[derive(Debug, Clone)]
pub struct OutgoingMessage {
    sender: String,
    recipient: String,
    bytes: Vec<u8>,
}

impl OutgoingMessage {
    /// The envelope sender.
    pub fn sender(&self) -> &str {
        &self.sender
    }
    /// The envelope recipient.
    pub fn recipient(&self) -> &str {
        &self.recipient
    }
    /// The whole RFC 5322 message.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// The list a message is about, as the composer needs it.
#[derive(Debug, Clone)]
pub struct ListInfo<'a> {
    pub lang: Lang,
    pub name: &'a str,
    pub slug: &'a str,
    pub description: &'a str,
}

/// How long a link to a person's record or erasure page works (contract
/// §10): long enough to open the mail, short enough that a forwarded one
/// has gone stale.
pub const OWN_LINK_TTL: Duration = Duration::from_secs(3600);

/// Builds every message assent sends: the templates and the DKIM keys.
/// What the messages say of the sender, the organisation and the lifetimes
/// comes from the [`Policy`] each call is given.
#[derive(Debug, Clone, Default)]
pub struct Composer {
    dkim: Option<Arc<Dkim>>,
}

impl Composer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Signs every message with these keys.
    pub fn with_dkim(mut self, dkim: Dkim) -> Self {
        self.dkim = Some(Arc::new(dkim));
        self
    }

    fn footer(&self, policy: &Policy, list: &ListInfo<'_>, unsubscribe: Unsubscribe<'_>) -> Footer {
        Footer {
            lang: list.lang,
            list_name: list.name.to_owned(),
            list_slug: list.slug.to_owned(),
            unsubscribe_url: policy.url(&format!("/unsubscribe/{unsubscribe}")),
            org_name: policy.org_name.clone(),
            org_address: policy.org_address.clone(),
        }
    }

    pub fn confirmation(
        &self,
        policy: &Policy,
        to: &SubscriberEmail,
        list: &ListInfo<'_>,
        confirm: &LinkToken,
        unsubscribe: &LinkToken,
    ) -> Result<OutgoingMessage, ComposeError> {
        let content = Confirmation {
            list_name: list.name.to_owned(),
            confirm_url: policy.link("confirm", confirm),
            confirm_ttl: list.lang.duration(policy.confirm_ttl),
            footer: self.footer(policy, list, Unsubscribe::Link(unsubscribe)),
        };
        self.compose(policy, to, &content)
    }

    /// A link the person asked for from their own page, good for
    /// [`OWN_LINK_TTL`]: `/record/TOKEN` or `/erase/TOKEN`.
    pub fn own_link(
        &self,
        policy: &Policy,
        to: &SubscriberEmail,
        list: &ListInfo<'_>,
        action: OwnAction,
        link: &LinkToken,
        unsubscribe: &LinkToken,
    ) -> Result<OutgoingMessage, ComposeError> {
        let path = match action {
            OwnAction::Record => "record",
            OwnAction::Erase => "erase",
        };
        let content = OwnLink {
            action,
            url: policy.link(path, link),
            valid_for: list.lang.duration(OWN_LINK_TTL),
            footer: self.footer(policy, list, Unsubscribe::Link(unsubscribe)),
        };
        self.compose(policy, to, &content)
    }

    /// The message a draft stands for; a broadcast's copy needs its
    /// broadcast.
    pub fn compose_draft(
        &self,
        policy: &Policy,
        draft: &Draft,
        to: &SubscriberEmail,
        list: &ListInfo<'_>,
        broadcast: Option<&BroadcastCopy>,
    ) -> Result<OutgoingMessage, ComposeError> {
        match (draft, broadcast) {
            (
                Draft::Confirmation {
                    confirm,
                    unsubscribe,
                },
                _,
            ) => self.confirmation(policy, to, list, confirm, unsubscribe),
            (
                Draft::Rejoin {
                    confirm,
                    unsubscribe,
                },
                _,
            ) => self.confirmation(policy, to, list, confirm, unsubscribe),
            (
                Draft::RecordLink {
                    record: link,
                    unsubscribe,
                },
                _,
            ) => self.own_link(policy, to, list, OwnAction::Record, link, unsubscribe),
            (
                Draft::ErasureLink {
                    erase: link,
                    unsubscribe,
                },
                _,
            ) => self.own_link(policy, to, list, OwnAction::Erase, link, unsubscribe),
            (Draft::Welcome { unsubscribe }, _) => self.welcome(policy, to, list, unsubscribe),
            (Draft::Reconfirmation { unsubscribe }, _) => {
                self.reconfirmation(policy, to, list, unsubscribe)
            }
            (Draft::Broadcast { .. } | Draft::BroadcastTest { .. }, Some(copy)) => {
                self.broadcast(policy, to, list, copy, draft.unsubscribe())
            }
            (Draft::Broadcast { .. } | Draft::BroadcastTest { .. }, None) => Err(
                ComposeError::Message("the copy's broadcast is missing".into()),
            ),
        }
    }

    pub fn welcome(
        &self,
        policy: &Policy,
        to: &SubscriberEmail,
        list: &ListInfo<'_>,
        unsubscribe: &LinkToken,
    ) -> Result<OutgoingMessage, ComposeError> {
        let content = Welcome {
            list_name: list.name.to_owned(),
            list_description: list.description.to_owned(),
            footer: self.footer(policy, list, Unsubscribe::Link(unsubscribe)),
        };
        self.compose(policy, to, &content)
    }

    /// Its "Keep me subscribed" page is reached with the unsubscribe link's
    /// token, the recipient's key to their subscription.
    pub fn reconfirmation(
        &self,
        policy: &Policy,
        to: &SubscriberEmail,
        list: &ListInfo<'_>,
        unsubscribe: &LinkToken,
    ) -> Result<OutgoingMessage, ComposeError> {
        let content = Reconfirmation {
            list_name: list.name.to_owned(),
            keep_url: policy.link("reconfirm", unsubscribe),
            grace: policy.clocks.reconfirm_grace.map(|g| list.lang.duration(g)),
            footer: self.footer(policy, list, Unsubscribe::Link(unsubscribe)),
        };
        self.compose(policy, to, &content)
    }

    /// A copy of a broadcast: a subscriber's, with their own unsubscribe
    /// link, or an operator's test copy.
    pub fn broadcast(
        &self,
        policy: &Policy,
        to: &SubscriberEmail,
        list: &ListInfo<'_>,
        copy: &BroadcastCopy,
        unsubscribe: Unsubscribe<'_>,
    ) -> Result<OutgoingMessage, ComposeError> {
        let test = unsubscribe == Unsubscribe::TestCopy;
        let content = Broadcast {
            subject: if test {
                list.lang
                    .t1("broadcast-test-subject", "subject", &copy.subject)
            } else {
                copy.subject.clone()
            },
            body_html: copy.body.html.clone(),
            body_text: copy.body.text.clone(),
            test,
            footer: self.footer(policy, list, unsubscribe),
        };
        self.compose(policy, to, &content)
    }

    /// The text part of a broadcast's copy as a recipient will see it, for
    /// the operators' preview (the HTML part's body is `copy.body.html`).
    pub fn preview_text(
        &self,
        policy: &Policy,
        list: &ListInfo<'_>,
        copy: &BroadcastCopy,
    ) -> Result<String, ComposeError> {
        let content = Broadcast {
            subject: copy.subject.clone(),
            body_html: copy.body.html.clone(),
            body_text: copy.body.text.clone(),
            test: false,
            footer: self.footer(policy, list, Unsubscribe::TestCopy),
        };
        Ok(content.text()?)
    }

    /// Renders both parts and sets every header contract §4 asks for.
    pub fn compose<C: EmailContent>(
        &self,
        policy: &Policy,
        to: &SubscriberEmail,
        content: &C,
    ) -> Result<OutgoingMessage, ComposeError> {
        let footer = content.footer();
        let host = policy.base_url.host_str().unwrap_or("localhost");
        let recipient: lettre::Address = to
            .as_str()
            .parse()
            .map_err(|e| ComposeError::Message(format!("recipient: {e}")))?;

        let mut builder = Message::builder().from(policy.sender.clone());
        if let Some(reply_to) = &policy.reply_to {
            builder = builder.reply_to(reply_to.clone());
        }
        let mut builder = builder
            .to(Mailbox::new(None, recipient.clone()))
            .subject(content.subject())
            .raw_header(ascii_header(
                "Content-Language",
                footer.lang.code().to_owned(),
            )?)
            .date_now()
            .message_id(Some(format!("<{}@{host}>", random_id()?)))
            .raw_header(list_id_header(&footer.list_name, &footer.list_slug, host))
            .raw_header(ascii_header(
                "List-Unsubscribe",
                format!("<{}>", footer.unsubscribe_url),
            )?)
            .raw_header(ascii_header(
                "List-Unsubscribe-Post",
                "List-Unsubscribe=One-Click".to_owned(),
            )?);
        if content.auto_submitted() {
            builder =
                builder.raw_header(ascii_header("Auto-Submitted", "auto-generated".to_owned())?);
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(
                content.text()?,
                content.html()?,
            ))
            .map_err(|e| ComposeError::Message(e.to_string()))?;

        let bytes = message.formatted();
        let bytes = match &self.dkim {
            Some(dkim) => dkim.sign(&bytes).map_err(ComposeError::Message)?,
            None => bytes,
        };
        Ok(OutgoingMessage {
            sender: policy.envelope_sender(),
            recipient: recipient.to_string(),
            bytes,
        })
    }
}

/// A header whose value must go out exactly as written: plain ASCII, never
/// RFC 2047-encoded or folded (RFC 8058 parsers expect it verbatim).
fn ascii_header(name: &'static str, value: String) -> Result<HeaderValue, ComposeError> {
    if !value.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        return Err(ComposeError::Message(format!(
            "{name} must be printable ASCII"
        )));
    }
    Ok(HeaderValue::dangerous_new_pre_encoded(
        HeaderName::new_from_ascii_str(name),
        value.clone(),
        value,
    ))
}

/// `List-Id: Newsletter <newsletter.example.com>` (RFC 2919), written
/// out here rather than by lettre, which would put an encoded word inside
/// the quotes of a name with specials, where no parser decodes it.
fn list_id_header(name: &str, slug: &str, host: &str) -> HeaderValue {
    let value = list_id(name, slug, host);
    HeaderValue::dangerous_new_pre_encoded(
        HeaderName::new_from_ascii_str("List-Id"),
        value.clone(),
        value,
    )
}

/// The header's value. An ASCII name is a phrase, quoted when it holds
/// specials; any other is a run of RFC 2047 encoded words, never quoted,
/// one to a folded line.
fn list_id(name: &str, slug: &str, host: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let name = name.trim();
    let phrase = if !name.is_ascii() {
        encoded_words(name)
    } else if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '!' | '\''))
    {
        name.to_owned()
    } else {
        let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\"")
    };
    format!("{phrase} <{slug}.{host}>")
}

/// `text` as base64 encoded words of at most 75 characters (RFC 2047 §2),
/// each holding whole characters, separated by folding white space.
fn encoded_words(text: &str) -> String {
    const MOST_BYTES: usize = 45;
    let mut words = Vec::new();
    let mut piece = String::new();
    for c in text.chars() {
        if piece.len() + c.len_utf8() > MOST_BYTES {
            words.push(std::mem::take(&mut piece));
        }
        piece.push(c);
    }
    words.push(piece);
    words
        .iter()
        .map(|w| {
            let b64 = base64::engine::general_purpose::STANDARD.encode(w.as_bytes());
            format!("=?utf-8?b?{b64}?=")
        })
        .collect::<Vec<_>>()
        .join("\r\n ")
}

fn random_id() -> Result<String, rand::rngs::SysError> {
    let mut bytes = [0u8; 16];
    SysRng.try_fill_bytes(&mut bytes)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use url::Url;

    struct Sample {
        kind: MessageKind,
        lang: Lang,
        text: String,
        html: String,
        message: OutgoingMessage,
        unsubscribe_url: String,
    }

    fn policy() -> Policy {
        Policy {
            sender: "News <news@example.org>".parse().expect("mailbox"),
            reply_to: None,
            base_url: Url::parse("https://news.example.org").expect("url"),
            org_name: "Example Org".into(),
            org_address: "1 Main Street, Springfield".into(),
            privacy_url: None,
            confirm_ttl: Duration::from_secs(48 * 3600),
            clocks: crate::config::Clocks {
                pending_retention: None,
                reconfirm_after: None,
                reconfirm_grace: Some(Duration::from_secs(30 * 86_400)),
            },
            default_lang: Lang::ENGLISH,
            default_list: "newsletter".into(),
            send_rate: 50,
            signup_rate: 20,
            pow: false,
            timezone: crate::policy::TimeZone::utc(),
        }
    }

    fn sample<C: EmailContent>(composer: &Composer, content: C) -> Sample {
        let policy = policy();
        let to = SubscriberEmail::parse("reader@example.com").expect("address");
        Sample {
            kind: C::KIND,
            lang: content.footer().lang,
            text: content.text().expect("text renders"),
            html: content.html().expect("html renders"),
            message: composer.compose(&policy, &to, &content).expect("composes"),
            unsubscribe_url: content.footer().unsubscribe_url.clone(),
        }
    }

    /// One of every kind of email in every language. A template added under
    /// `templates/email` without an entry here fails
    /// `every_email_template_is_checked`.
    fn every_kind() -> Vec<Sample> {
        Lang::all().flat_map(every_kind_in).collect()
    }

    fn every_kind_in(lang: Lang) -> Vec<Sample> {
        let (composer, policy) = (Composer::new(), policy());
        let token = || {
            LinkToken::new(
                crate::domain::TokenId(1),
                crate::domain::Token::generate().expect("entropy"),
            )
        };
        let list = ListInfo {
            lang,
            name: "Weekly News",
            slug: "weekly-news",
            description: "What happened this week.",
        };
        let footer = composer.footer(&policy, &list, Unsubscribe::Link(&token()));
        let copy = BroadcastCopy::new(
            "This week",
            "# Hello\n\nRead [more](https://example.org/more).",
        );
        vec![
            sample(
                &composer,
                Broadcast {
                    subject: copy.subject.clone(),
                    body_html: copy.body.html.clone(),
                    body_text: copy.body.text.clone(),
                    test: false,
                    footer: footer.clone(),
                },
            ),
            sample(
                &composer,
                Broadcast {
                    subject: lang.t1("broadcast-test-subject", "subject", &copy.subject),
                    body_html: copy.body.html,
                    body_text: copy.body.text,
                    test: true,
                    footer: composer.footer(&policy, &list, Unsubscribe::TestCopy),
                },
            ),
            sample(
                &composer,
                Confirmation {
                    list_name: list.name.into(),
                    confirm_url: policy.link("confirm", &token()),
                    confirm_ttl: lang.duration(Duration::from_secs(48 * 3600)),
                    footer: footer.clone(),
                },
            ),
            sample(
                &composer,
                Reconfirmation {
                    list_name: list.name.into(),
                    keep_url: policy.link("reconfirm", &token()),
                    grace: Some(lang.duration(Duration::from_secs(30 * 86_400))),
                    footer: footer.clone(),
                },
            ),
            sample(
                &composer,
                OwnLink {
                    action: OwnAction::Record,
                    url: policy.link("record", &token()),
                    valid_for: lang.duration(OWN_LINK_TTL),
                    footer: footer.clone(),
                },
            ),
            sample(
                &composer,
                OwnLink {
                    action: OwnAction::Erase,
                    url: policy.link("erase", &token()),
                    valid_for: lang.duration(OWN_LINK_TTL),
                    footer: footer.clone(),
                },
            ),
            sample(
                &composer,
                Welcome {
                    list_name: list.name.into(),
                    list_description: list.description.into(),
                    footer,
                },
            ),
        ]
    }

    #[test]
    fn every_email_template_is_checked() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/email");
        let on_disk: BTreeSet<String> = std::fs::read_dir(dir)
            .expect("templates/email")
            .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(str::to_owned))
            .filter(|stem| stem != "footer")
            .collect();
        let checked: BTreeSet<String> = every_kind()
            .iter()
            .map(|s| s.kind.template().to_owned())
            .collect();
        assert_eq!(
            on_disk, checked,
            "every email template needs a sample in every_kind()"
        );
    }

    #[test]
    fn every_email_carries_its_unsubscribe_link_headers_and_footer() {
        for s in every_kind() {
            let raw = String::from_utf8(s.message.bytes().to_vec()).expect("utf-8");
            let (headers, _) = raw.split_once("\r\n\r\n").expect("headers end");
            let has = |line: &str| headers.lines().any(|l| l == line);
            assert!(
                s.unsubscribe_url
                    .starts_with("https://news.example.org/unsubscribe/")
            );
            assert!(
                has(&format!("List-Unsubscribe: <{}>", s.unsubscribe_url)),
                "{}",
                s.kind
            );
            assert!(
                has("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
                "{}",
                s.kind
            );
            assert!(
                has("List-Id: Weekly News <weekly-news.news.example.org>"),
                "{}",
                s.kind
            );
            assert!(
                headers.contains("From: News <news@example.org>"),
                "{}",
                s.kind
            );
            assert!(headers.contains("Message-ID: <"), "{}", s.kind);
            assert!(
                has(&format!("Content-Language: {}", s.lang)),
                "{} in {}",
                s.kind,
                s.lang
            );
            assert!(
                s.html.contains(&format!("<html lang=\"{}\">", s.lang)),
                "{} in {}",
                s.kind,
                s.lang
            );
            assert!(headers.contains("Date: "), "{}", s.kind);
            assert!(headers.contains("MIME-Version: 1.0"), "{}", s.kind);
            assert!(
                headers.contains("Content-Type: multipart/alternative"),
                "{}",
                s.kind
            );
            for part in [&s.text, &s.html] {
                assert!(
                    part.contains(&s.unsubscribe_url),
                    "{}: visible unsubscribe link",
                    s.kind
                );
                assert!(
                    part.contains("Example Org"),
                    "{}: footer names the sender",
                    s.kind
                );
                assert!(
                    part.contains("1 Main Street, Springfield"),
                    "{}: footer address",
                    s.kind
                );
            }
            assert_eq!(s.message.sender(), "news@example.org");
            assert_eq!(s.message.recipient(), "reader@example.com");
        }
    }

    #[test]
    fn only_mail_sent_in_answer_to_a_request_is_marked_auto_submitted() {
        for s in every_kind() {
            let raw = String::from_utf8(s.message.bytes().to_vec()).expect("utf-8");
            let marked = raw.contains("\r\nAuto-Submitted: auto-generated\r\n");
            let answers = matches!(s.kind, MessageKind::Confirmation | MessageKind::RecordLink);
            assert_eq!(marked, answers, "{}", s.kind);
        }
    }

    #[test]
    fn a_list_id_name_beyond_ascii_is_encoded_words_outside_quotes() {
        let value = list_id("Lettre d'été — Café", "lettre", "a.example");
        assert_eq!(
            value,
            "=?utf-8?b?TGV0dHJlIGQnw6l0w6kg4oCUIENhZsOp?= <lettre.a.example>"
        );
        let long = list_id(&"é".repeat(60), "long", "a.example");
        for line in long.split("\r\n") {
            let word = line.trim().split(' ').next().unwrap_or("");
            assert!(word.len() <= 75, "{word}");
            assert!(
                word.starts_with("=?utf-8?b?") && word.ends_with("?="),
                "{word}"
            );
        }
        assert!(!long.contains('"'));
        assert_eq!(
            list_id("News\r\nBcc: x", "n", "a.example"),
            "\"News  Bcc: x\" <n.a.example>"
        );
    }

    #[test]
    fn list_ids_quote_names_with_specials() {
        assert_eq!(
            list_id("News", "news", "a.example"),
            "News <news.a.example>"
        );
        assert_eq!(
            list_id("News: \"Best\"", "news-best", "a.example"),
            "\"News: \\\"Best\\\"\" <news-best.a.example>"
        );
    }

    #[test]
    fn a_non_ascii_unsubscribe_header_cannot_be_built() {
        assert!(ascii_header("List-Unsubscribe", "<https://é.example/u>".into()).is_err());
        assert!(
            ascii_header("List-Unsubscribe", "<https://a.example/u>\r\nBcc: x".into()).is_err()
        );
    }
}
