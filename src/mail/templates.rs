//! Email bodies: a text and an HTML template for every message, under
//! `templates/email/`. Both parts include the shared footer, which carries the
//! unsubscribe link and the sender's identity.

use askama::Template;

use crate::i18n::Lang;

/// The part every message ends with. The List-* headers are built from the
/// same value (see `compose`), so the visible link and the header agree.
#[derive(Debug, Clone)]
pub struct Footer {
    /// The list's language, which the whole message speaks.
    pub lang: Lang,
    pub list_name: String,
    pub list_slug: String,
    pub unsubscribe_url: String,
    pub org_name: String,
    pub org_address: String,
}

/// Asks the recipient to press the confirm button.
#[derive(Debug, Clone)]
pub struct Confirmation {
    pub list_name: String,
    pub confirm_url: String,
    /// How long the link works, in words ("48 hours").
    pub confirm_ttl: String,
    pub footer: Footer,
}

/// Sent once the subscription is confirmed.
#[derive(Debug, Clone)]
pub struct Welcome {
    pub list_name: String,
    pub list_description: String,
    pub footer: Footer,
}

#[derive(Template)]
#[template(path = "email/confirmation.txt")]
pub struct ConfirmationText<'a> {
    pub m: &'a Confirmation,
}

#[derive(Template)]
#[template(path = "email/confirmation.html")]
pub struct ConfirmationHtml<'a> {
    pub m: &'a Confirmation,
}

#[derive(Template)]
#[template(path = "email/welcome.txt")]
pub struct WelcomeText<'a> {
    pub m: &'a Welcome,
}

#[derive(Template)]
#[template(path = "email/welcome.html")]
pub struct WelcomeHtml<'a> {
    pub m: &'a Welcome,
}

/// Asks a subscriber whose consent is old whether they still want the list.
#[derive(Debug, Clone)]
pub struct Reconfirmation {
    pub list_name: String,
    /// The "Keep me subscribed" page.
    pub keep_url: String,
    /// How long they have to answer, in words; `None` when no answer
    /// ends the subscription.
    pub grace: Option<String>,
    pub footer: Footer,
}

#[derive(Template)]
#[template(path = "email/reconfirmation.txt")]
pub struct ReconfirmationText<'a> {
    pub m: &'a Reconfirmation,
}

#[derive(Template)]
#[template(path = "email/reconfirmation.html")]
pub struct ReconfirmationHtml<'a> {
    pub m: &'a Reconfirmation,
}

/// A subscriber's copy of a broadcast, or an operator's test copy.
#[derive(Debug, Clone)]
pub struct Broadcast {
    pub subject: String,
    /// Rendered from Markdown and sanitised: safe as it is.
    pub body_html: String,
    pub body_text: String,
    /// A test copy says so at the top.
    pub test: bool,
    pub footer: Footer,
}

#[derive(Template)]
#[template(path = "email/broadcast.txt")]
pub struct BroadcastText<'a> {
    pub m: &'a Broadcast,
}

#[derive(Template)]
#[template(path = "email/broadcast.html")]
pub struct BroadcastHtml<'a> {
    pub m: &'a Broadcast,
}

/// A link the person asked for from their own page, good for an hour: to
/// their consent record, or to the page that erases them. Mailed to the
/// address, so that a forwarded message's link alone opens neither.
#[derive(Debug, Clone)]
pub struct OwnLink {
    pub action: OwnAction,
    pub url: String,
    /// How long the link works, in words ("1 hour").
    pub valid_for: String,
    pub footer: Footer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnAction {
    Record,
    Erase,
}

impl OwnLink {
    pub fn subject_id(&self) -> &'static str {
        match self.action {
            OwnAction::Record => "own-record-subject",
            OwnAction::Erase => "own-erase-subject",
        }
    }

    pub fn lead_id(&self) -> &'static str {
        match self.action {
            OwnAction::Record => "own-record-lead",
            OwnAction::Erase => "own-erase-lead",
        }
    }

    pub fn button_id(&self) -> &'static str {
        match self.action {
            OwnAction::Record => "own-record-button",
            OwnAction::Erase => "own-erase-button",
        }
    }
}

#[derive(Template)]
#[template(path = "email/own_link.txt")]
pub struct OwnLinkText<'a> {
    pub m: &'a OwnLink,
}

#[derive(Template)]
#[template(path = "email/own_link.html")]
pub struct OwnLinkHtml<'a> {
    pub m: &'a OwnLink,
}
