//! Turning an email's content into the bytes handed to the transport.
//!
//! The outbox keeps a [`Draft`]: the kind of message and the links it
//! carries, of which an unsubscribe link is always one. The delivery job
//! has [`Composer::compose_draft`] make the message when it sends it.
//! [`OutgoingMessage`] has private fields and is made only here, by
//! [`Composer::compose`], which takes the List-* headers from the content's
//! [`Footer`]: a message without an unsubscribe link and its headers cannot
//! be built, so it cannot reach a transport.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use minijinja::Value;
use rand::TryRng;
use rand::rngs::SysRng;

use super::dkim::Dkim;
use super::markdown::{self, Body};
use super::personal;
use super::templates::{
    self, CurrentTemplates, Name, OwnAction, Problem, Rendered, Values, with_footer,
};
use crate::db::templates::Parts;
use crate::domain::field::FieldDef;
use crate::domain::message::Unsubscribe;
use crate::domain::{Draft, LinkToken, MessageKind, SubscriberEmail, TemplateKind};
use crate::i18n::Lang;
use crate::policy::Policy;

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("rendering an email template: {0}")]
    Template(#[from] minijinja::Error),
    #[error("building the message: {0}")]
    Message(String),
    #[error("no entropy for a message id: {0}")]
    Entropy(#[from] rand::rngs::SysError),
}

/// What every message ends with and what its List-* headers are built
/// from, so that the visible link and the header agree.
#[derive(Debug, Clone)]
pub struct Footer {
    /// The list's language, which the whole message speaks.
    pub lang: Lang,
    pub list_name: String,
    pub list_slug: String,
    pub unsubscribe_url: String,
    /// The person's own page (contract §9), opened with the same token.
    pub preferences_url: String,
    pub org_name: String,
    pub org_address: String,
}

/// A message before its template renders it: which template, and the
/// values it may show. Made only by the [`Composer`], each kind with the
/// values contract §15 gives it: the confirmation has no subscriber.
#[derive(Debug, Clone)]
pub struct Content {
    kind: MessageKind,
    template: Name,
    footer: Footer,
    list_description: String,
    subscriber_name: Option<String>,
    subscriber_fields: BTreeMap<String, String>,
    own: BTreeMap<&'static str, Value>,
    body: Option<(String, String)>,
    /// A broadcast's copy takes its broadcast's subject, not the layout's.
    subject: Option<String>,
}

impl Content {
    fn values(&self) -> Values {
        Values {
            list_name: self.footer.list_name.clone(),
            list_description: self.list_description.clone(),
            org_name: self.footer.org_name.clone(),
            org_address: self.footer.org_address.clone(),
            unsubscribe_url: self.footer.unsubscribe_url.clone(),
            preferences_url: self.footer.preferences_url.clone(),
            subscriber_name: self.subscriber_name.clone(),
            subscriber_fields: self.subscriber_fields.clone(),
            own: self.own.clone(),
            content: self.body.clone(),
        }
    }

    /// Mail that a program, not a person, sent in reply to an action.
    fn auto_submitted(&self) -> bool {
        matches!(
            self.kind,
            MessageKind::Confirmation
                | MessageKind::Rejoin
                | MessageKind::RecordLink
                | MessageKind::ErasureLink
        )
    }
}

/// What a broadcast's copies say: its subject and its body in both parts.
#[derive(Debug, Clone)]
pub struct BroadcastCopy {
    pub subject: String,
    /// The body for no reader in particular: each variable at its default.
    pub body: Body,
    /// The Markdown, when it names its reader and so renders per copy.
    personal: Option<String>,
}

impl BroadcastCopy {
    /// Renders the Markdown body once for every copy, or once for those
    /// who are no reader in particular when it names its reader.
    pub fn new(subject: &str, markdown_body: &str) -> Self {
        let personal = personal::is_personal(markdown_body).then(|| markdown_body.to_owned());
        Self {
            subject: subject.to_owned(),
            body: personal::render(markdown_body, None, &BTreeMap::new())
                .unwrap_or_else(|_| markdown::render(markdown_body)),
            personal,
        }
    }

    /// The body as `name`, with these field values, gets it.
    fn body_for(
        &self,
        name: Option<&str>,
        fields: &BTreeMap<String, String>,
    ) -> Result<Body, ComposeError> {
        match &self.personal {
            Some(markdown) => {
                personal::render(markdown, name, fields).map_err(ComposeError::Message)
            }
            None => Ok(self.body.clone()),
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

/// Whom a message goes to: the address, and the name they gave, which
/// every message but the confirmation may show.
#[derive(Debug, Clone, Copy)]
pub struct Recipient<'a> {
    pub email: &'a SubscriberEmail,
    pub name: Option<&'a str>,
    /// Their values of the operators' fields, by key.
    pub fields: &'a BTreeMap<String, String>,
}

/// How long a link to a person's record or erasure page works (contract
/// §10): long enough to open the mail, short enough that a forwarded one
/// has gone stale.
pub const OWN_LINK_TTL: Duration = Duration::from_secs(3600);

/// Builds every message assent sends: the templates in force and the DKIM
/// keys. What the messages say of the sender, the organisation and the
/// lifetimes comes from the [`Policy`] each call is given.
#[derive(Debug, Clone, Default)]
pub struct Composer {
    dkim: Option<Arc<Dkim>>,
    templates: Arc<CurrentTemplates>,
}

/// A value assent made itself (a link), shown as it is.
fn link(url: String) -> Value {
    Value::from_safe_string(url)
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

    /// The templates in force, which the settings job refreshes.
    pub fn templates(&self) -> &CurrentTemplates {
        &self.templates
    }

    fn footer(&self, policy: &Policy, list: &ListInfo<'_>, unsubscribe: Unsubscribe<'_>) -> Footer {
        Footer {
            lang: list.lang,
            list_name: list.name.to_owned(),
            list_slug: list.slug.to_owned(),
            unsubscribe_url: policy.url(&format!("/unsubscribe/{unsubscribe}")),
            preferences_url: policy.url(&format!("/me/{unsubscribe}")),
            org_name: policy.org_name.clone(),
            org_address: policy.org_address.clone(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn content(
        &self,
        policy: &Policy,
        kind: MessageKind,
        template: Name,
        list: &ListInfo<'_>,
        unsubscribe: Unsubscribe<'_>,
        name: Option<&str>,
        own: BTreeMap<&'static str, Value>,
    ) -> Content {
        Content {
            kind,
            template,
            footer: self.footer(policy, list, unsubscribe),
            list_description: list.description.to_owned(),
            subscriber_name: name.map(str::to_owned),
            subscriber_fields: BTreeMap::new(),
            own,
            body: None,
            subject: None,
        }
    }

    /// Asks the recipient to press the confirm button. It shows nothing a
    /// visitor typed: it is sent before the person's own act (contract §4).
    fn confirmation(
        &self,
        policy: &Policy,
        list: &ListInfo<'_>,
        confirm: &LinkToken,
        unsubscribe: &LinkToken,
    ) -> Content {
        let own = BTreeMap::from([
            ("confirm_url", link(policy.link("confirm", confirm))),
            (
                "confirm_ttl",
                Value::from(list.lang.duration(policy.confirm_ttl)),
            ),
        ]);
        self.content(
            policy,
            MessageKind::Confirmation,
            Name::Editable(TemplateKind::Confirmation),
            list,
            Unsubscribe::Link(unsubscribe),
            None,
            own,
        )
    }

    /// A link the person asked for from their own page, good for
    /// [`OWN_LINK_TTL`]: `/record/TOKEN` or `/erase/TOKEN`.
    fn own_link(
        &self,
        policy: &Policy,
        list: &ListInfo<'_>,
        action: OwnAction,
        token: &LinkToken,
        unsubscribe: &LinkToken,
    ) -> Content {
        let (kind, path) = match action {
            OwnAction::Record => (MessageKind::RecordLink, "record"),
            OwnAction::Erase => (MessageKind::ErasureLink, "erase"),
        };
        let own = BTreeMap::from([
            ("url", link(policy.link(path, token))),
            ("valid_for", Value::from(list.lang.duration(OWN_LINK_TTL))),
        ]);
        self.content(
            policy,
            kind,
            Name::Own(action),
            list,
            Unsubscribe::Link(unsubscribe),
            None,
            own,
        )
    }

    fn welcome(
        &self,
        policy: &Policy,
        name: Option<&str>,
        list: &ListInfo<'_>,
        unsubscribe: &LinkToken,
    ) -> Content {
        self.content(
            policy,
            MessageKind::Welcome,
            Name::Editable(TemplateKind::Welcome),
            list,
            Unsubscribe::Link(unsubscribe),
            name,
            BTreeMap::new(),
        )
    }

    /// The message a draft stands for; a broadcast's copy needs its
    /// broadcast.
    pub fn compose_draft(
        &self,
        policy: &Policy,
        draft: &Draft,
        to: Recipient<'_>,
        list: &ListInfo<'_>,
        broadcast: Option<&BroadcastCopy>,
    ) -> Result<OutgoingMessage, ComposeError> {
        let mut content = match (draft, broadcast) {
            (
                Draft::Confirmation {
                    confirm,
                    unsubscribe,
                }
                | Draft::Rejoin {
                    confirm,
                    unsubscribe,
                },
                _,
            ) => self.confirmation(policy, list, confirm, unsubscribe),
            (
                Draft::RecordLink {
                    record: token,
                    unsubscribe,
                },
                _,
            ) => self.own_link(policy, list, OwnAction::Record, token, unsubscribe),
            (
                Draft::ErasureLink {
                    erase: token,
                    unsubscribe,
                },
                _,
            ) => self.own_link(policy, list, OwnAction::Erase, token, unsubscribe),
            (Draft::Welcome { unsubscribe }, _) => self.welcome(policy, to.name, list, unsubscribe),
            (Draft::Reconfirmation { unsubscribe }, _) => {
                self.reconfirmation(policy, to.name, list, unsubscribe)
            }
            (Draft::Broadcast { .. }, Some(copy)) => {
                let body = copy.body_for(to.name, to.fields)?;
                self.broadcast(policy, to.name, list, copy, &body, draft.unsubscribe())
            }
            (Draft::BroadcastTest { .. }, Some(copy)) => {
                self.broadcast(policy, to.name, list, copy, &copy.body, draft.unsubscribe())
            }
            (Draft::Sequence { .. }, Some(copy)) => {
                let body = copy.body_for(to.name, to.fields)?;
                let mut content =
                    self.broadcast(policy, to.name, list, copy, &body, draft.unsubscribe());
                content.kind = MessageKind::Sequence;
                content
            }
            (Draft::Broadcast { .. } | Draft::BroadcastTest { .. }, None) => {
                return Err(ComposeError::Message(
                    "the copy's broadcast is missing".into(),
                ));
            }
            (Draft::Sequence { .. }, None) => {
                return Err(ComposeError::Message("the copy's step is missing".into()));
            }
        };
        // The confirmation shows nothing a visitor typed: only the
        // messages sent after it have the person's fields.
        if matches!(
            content.kind,
            MessageKind::Welcome
                | MessageKind::Reconfirmation
                | MessageKind::Broadcast
                | MessageKind::BroadcastTest
                | MessageKind::Sequence
        ) {
            content.subscriber_fields.clone_from(to.fields);
        }
        self.compose(policy, to.email, &content)
    }

    /// Its "Keep me subscribed" page is reached with the unsubscribe link's
    /// token, the recipient's key to their subscription.
    fn reconfirmation(
        &self,
        policy: &Policy,
        name: Option<&str>,
        list: &ListInfo<'_>,
        unsubscribe: &LinkToken,
    ) -> Content {
        let grace = policy.clocks.reconfirm_grace.map(|g| list.lang.duration(g));
        let own = BTreeMap::from([
            ("keep_url", link(policy.link("reconfirm", unsubscribe))),
            ("grace", Value::from(grace)),
        ]);
        self.content(
            policy,
            MessageKind::Reconfirmation,
            Name::Editable(TemplateKind::Reconfirmation),
            list,
            Unsubscribe::Link(unsubscribe),
            name,
            own,
        )
    }

    /// A broadcast's copy in the layout: a subscriber's, with their own
    /// unsubscribe link, or an operator's test copy, which says so at the
    /// top of its body.
    fn broadcast(
        &self,
        policy: &Policy,
        name: Option<&str>,
        list: &ListInfo<'_>,
        copy: &BroadcastCopy,
        body: &Body,
        unsubscribe: Unsubscribe<'_>,
    ) -> Content {
        let test = unsubscribe == Unsubscribe::TestCopy;
        let (kind, subject, html, text) = if test {
            let note = list.lang.t("broadcast-test-note");
            (
                MessageKind::BroadcastTest,
                list.lang
                    .t1("broadcast-test-subject", "subject", &copy.subject),
                format!(
                    "<p style=\"margin: 0 0 16px; padding: 8px 12px; background-color: #fef9c3; border-radius: 4px; font-size: 14px;\">{}</p>\n{}",
                    minijinja::HtmlEscape(&note),
                    body.html
                ),
                format!("{note}\n\n{}", body.text),
            )
        } else {
            (
                MessageKind::Broadcast,
                copy.subject.clone(),
                body.html.clone(),
                body.text.clone(),
            )
        };
        let own = BTreeMap::from([("subject", Value::from(subject.as_str()))]);
        let mut content = self.content(
            policy,
            kind,
            Name::Editable(TemplateKind::Broadcast),
            list,
            unsubscribe,
            name,
            own,
        );
        content.body = Some((html, text));
        content.subject = Some(subject);
        content
    }

    /// A broadcast's copy as a recipient will see it, for the operators'
    /// preview.
    pub fn preview_broadcast(
        &self,
        policy: &Policy,
        list: &ListInfo<'_>,
        copy: &BroadcastCopy,
    ) -> Result<Rendered, ComposeError> {
        let mut content =
            self.broadcast(policy, None, list, copy, &copy.body, Unsubscribe::TestCopy);
        content.kind = MessageKind::Broadcast;
        content.body = Some((copy.body.html.clone(), copy.body.text.clone()));
        self.render(&content)
    }

    /// Checks a template an operator wrote and renders it with sample
    /// values, as the admin previews it: what a message of `kind` on
    /// `list` would say.
    pub fn try_template(
        &self,
        policy: &Policy,
        kind: TemplateKind,
        list: &ListInfo<'_>,
        parts: &Parts,
        fields: &[FieldDef],
    ) -> Result<Rendered, Vec<Problem>> {
        let lang = list.lang;
        let sample = |path: &str| link(policy.url(&format!("/{path}/sample")));
        let mut own = BTreeMap::new();
        match kind {
            TemplateKind::Confirmation => {
                own.insert("confirm_url", sample("confirm"));
                own.insert(
                    "confirm_ttl",
                    Value::from(lang.duration(policy.confirm_ttl)),
                );
            }
            TemplateKind::Reconfirmation => {
                let grace = policy.clocks.reconfirm_grace.map(|g| lang.duration(g));
                own.insert("keep_url", sample("reconfirm"));
                own.insert("grace", Value::from(grace));
            }
            TemplateKind::Broadcast => {
                own.insert("subject", Value::from(lang.t("template-sample-subject")));
            }
            TemplateKind::Welcome => {}
        }
        let body = markdown::render(&lang.t("template-sample-body"));
        let values = Values {
            list_name: list.name.to_owned(),
            list_description: list.description.to_owned(),
            org_name: policy.org_name.clone(),
            org_address: policy.org_address.clone(),
            unsubscribe_url: policy.url(&format!("/unsubscribe/{}", Unsubscribe::TestCopy)),
            preferences_url: policy.url(&format!("/me/{}", Unsubscribe::TestCopy)),
            subscriber_name: (kind != TemplateKind::Confirmation)
                .then(|| lang.t("template-sample-name")),
            subscriber_fields: fields
                .iter()
                .map(|f| (f.key.clone(), f.sample(lang)))
                .collect(),
            own,
            content: (kind == TemplateKind::Broadcast).then_some((body.html, body.text)),
        };
        let keys: Vec<String> = fields.iter().map(|f| f.key.clone()).collect();
        templates::check(kind, lang, parts, &keys, &values)
    }

    /// The three parts a message's template makes of it, with the footer
    /// added to a part that lacks one.
    fn render(&self, content: &Content) -> Result<Rendered, ComposeError> {
        let templates = self.templates.get();
        let values = content.values();
        let lang = content.footer.lang;
        let rendered = templates.render(content.template, lang, &values)?;
        let mut rendered = with_footer(&templates, lang, &values, rendered);
        if let Some(subject) = &content.subject {
            rendered.subject.clone_from(subject);
        }
        Ok(rendered)
    }

    /// Renders both parts and sets every header contract §4 asks for.
    fn compose(
        &self,
        policy: &Policy,
        to: &SubscriberEmail,
        content: &Content,
    ) -> Result<OutgoingMessage, ComposeError> {
        let footer = &content.footer;
        let host = policy.base_url.host_str().unwrap_or("localhost");
        let recipient: lettre::Address = to
            .as_str()
            .parse()
            .map_err(|e| ComposeError::Message(format!("recipient: {e}")))?;
        let rendered = self.render(content)?;

        let mut builder = Message::builder().from(policy.sender.clone());
        if let Some(reply_to) = &policy.reply_to {
            builder = builder.reply_to(reply_to.clone());
        }
        let mut builder = builder
            .to(Mailbox::new(None, recipient.clone()))
            .subject(rendered.subject)
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
                rendered.text,
                rendered.html,
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
            delivery_log_retention: Duration::from_secs(90 * 86_400),
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

    fn sample(composer: &Composer, content: Content) -> Sample {
        let policy = policy();
        let to = SubscriberEmail::parse("reader@example.com").expect("address");
        let rendered = composer.render(&content).expect("renders");
        Sample {
            kind: content.kind,
            lang: content.footer.lang,
            text: rendered.text,
            html: rendered.html,
            message: composer.compose(&policy, &to, &content).expect("composes"),
            unsubscribe_url: content.footer.unsubscribe_url.clone(),
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
        let copy = BroadcastCopy::new(
            "This week",
            "# Hello\n\nRead [more](https://example.org/more).",
        );
        let (t1, t2) = (token(), token());
        let name = Some("Ada");
        [
            composer.broadcast(
                &policy,
                name,
                &list,
                &copy,
                &copy.body,
                Unsubscribe::Link(&t1),
            ),
            composer.broadcast(
                &policy,
                None,
                &list,
                &copy,
                &copy.body,
                Unsubscribe::TestCopy,
            ),
            composer.confirmation(&policy, &list, &t1, &t2),
            composer.reconfirmation(&policy, name, &list, &t1),
            composer.own_link(&policy, &list, OwnAction::Record, &t1, &t2),
            composer.own_link(&policy, &list, OwnAction::Erase, &t1, &t2),
            composer.welcome(&policy, name, &list, &t1),
        ]
        .into_iter()
        .map(|content| sample(&composer, content))
        .collect()
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
            let answers = matches!(
                s.kind,
                MessageKind::Confirmation | MessageKind::RecordLink | MessageKind::ErasureLink
            );
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
