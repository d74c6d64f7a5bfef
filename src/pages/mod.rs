//! The HTML pages, one askama template each under `templates/`: the public
//! pages here, the operators' area in [`admin`].
//!
//! Every page extends `templates/base.html`, which reads `site` for the
//! organisation's name and the page's language. Templates take their words
//! from the catalogs through `site`: `{{ site.t("signup-check-form") }}`.

pub mod admin;

use std::collections::BTreeMap;
use std::fmt::Display;
use std::time::Duration;

use askama::Template;

use crate::domain::field::{FieldDef, FieldKind};
use crate::i18n::{Count, Lang};
use crate::policy::TimeZone;

/// Who a page is from, and the language it speaks.
#[derive(Debug, Clone)]
pub struct Site {
    pub org_name: String,
    pub lang: Lang,
    /// The time zone the operators' area shows and reads times in.
    pub timezone: TimeZone,
}

impl Site {
    /// The same site in another language.
    pub fn with_lang(&self, lang: Lang) -> Site {
        Site {
            org_name: self.org_name.clone(),
            lang,
            timezone: self.timezone.clone(),
        }
    }

    pub fn t(&self, id: &str) -> String {
        self.lang.t(id)
    }

    pub fn t1(&self, id: &str, name: &str, value: impl Display) -> String {
        self.lang.t1(id, name, value)
    }

    pub fn t2(
        &self,
        id: &str,
        name: &str,
        value: impl Display,
        name2: &str,
        value2: impl Display,
    ) -> String {
        self.lang.t2(id, name, value, name2, value2)
    }

    pub fn n(&self, id: &str, count: impl Count) -> String {
        self.lang.n(id, count)
    }

    /// A length of time in words: "30 days", "30 jours".
    pub fn duration(&self, duration: &Duration) -> String {
        self.lang.duration(*duration)
    }

    /// A Unix time as a day in words.
    pub fn date(&self, unix: i64) -> String {
        self.lang.date_of(unix)
    }

    /// A Unix time as a day and a time, UTC.
    pub fn date_time(&self, unix: i64) -> String {
        let offset = self.timezone.offset_at(unix);
        self.lang.date_time_in(unix, offset, self.timezone.name())
    }
}

/// What GDPR art. 13 asks a form to say where it collects an address: who
/// collects it, for how long, the person's rights, and the full policy.
#[derive(Debug, Clone)]
pub struct CollectionNotice {
    pub org_name: String,
    pub org_address: String,
    /// How long an unconfirmed request is kept; `None` when kept.
    pub pending_retention: Option<Duration>,
    /// When consent is asked again; `None` when never.
    pub reconfirm_after: Option<Duration>,
    /// `ASSENT_PRIVACY_URL`.
    pub policy_url: Option<String>,
}

/// A list as a signup page presents it.
#[derive(Debug, Clone)]
pub struct ListView {
    pub lang: Lang,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub consent_wording: String,
    /// The operators' fields its form asks for (contract §16).
    pub fields: Vec<crate::domain::field::FieldDef>,
}

/// Values typed into the signup form, kept when the form is shown again.
#[derive(Debug, Clone, Default)]
pub struct SignupValues {
    pub email: String,
    pub name: String,
    /// The fields' values by key.
    pub fields: std::collections::BTreeMap<String, String>,
}

impl SignupValues {
    pub fn field(&self, key: &str) -> &str {
        self.fields.get(key).map_or("", String::as_str)
    }
}

/// Messages shown next to the field they concern.
#[derive(Debug, Clone, Default)]
pub struct SignupErrors {
    pub email: Option<String>,
    pub name: Option<String>,
    pub list: Option<String>,
    /// The proof of work, when it is asked for.
    pub altcha: Option<String>,
    /// The operators' fields, by key.
    pub fields: Vec<(String, String)>,
}

impl SignupErrors {
    pub fn any(&self) -> bool {
        self.email.is_some()
            || self.name.is_some()
            || self.list.is_some()
            || self.altcha.is_some()
            || !self.fields.is_empty()
    }

    pub fn field(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, m)| m.as_str())
    }
}

/// `GET /`, `GET /subscribe`, and `POST /subscribe` when the input is refused.
#[derive(Template)]
#[template(path = "signup.html")]
pub struct SignupPage<'a> {
    pub site: &'a Site,
    pub notice: &'a CollectionNotice,
    pub list: &'a ListView,
    pub values: &'a SignupValues,
    pub errors: &'a SignupErrors,
    /// `ASSENT_POW=on`: the page solves a challenge before it sends.
    pub pow: bool,
}

impl SignupPage<'_> {
    /// The ALTCHA widget's words, in the page's language.
    pub fn widget_strings(&self) -> String {
        let t = |id| self.site.t(id);
        serde_json::json!({
            "label": t("pow-label"),
            "verifying": t("pow-verifying"),
            "verified": t("pow-verified"),
            "error": t("pow-error"),
            "expired": t("pow-expired"),
            "verificationRequired": t("pow-required"),
            "waitAlert": t("pow-wait"),
        })
        .to_string()
    }
}

/// The answer to every accepted signup, whatever the address's state.
#[derive(Template)]
#[template(path = "check_inbox.html")]
pub struct CheckInboxPage<'a> {
    pub site: &'a Site,
    pub email: &'a str,
    pub list_name: &'a str,
    pub confirm_ttl: Duration,
}

/// `GET /confirm/{token}`: shows the button, changes nothing.
#[derive(Template)]
#[template(path = "confirm.html")]
pub struct ConfirmPage<'a> {
    pub site: &'a Site,
    pub list_name: &'a str,
    pub list_description: &'a str,
    /// Already confirmed: the page says so instead of asking again.
    pub already_confirmed: bool,
}

/// `POST /confirm/{token}`.
#[derive(Template)]
#[template(path = "confirmed.html")]
pub struct ConfirmedPage<'a> {
    pub site: &'a Site,
    pub list_name: &'a str,
}

/// `GET /unsubscribe/{token}`: shows the button, changes nothing.
#[derive(Template)]
#[template(path = "unsubscribe.html")]
pub struct UnsubscribePage<'a> {
    pub site: &'a Site,
    pub list_name: &'a str,
    /// Already unsubscribed: the page says so instead of asking again.
    pub already_unsubscribed: bool,
    /// The person's own page.
    pub own_page: &'a str,
}

/// `POST /unsubscribe/{token}`.
#[derive(Template)]
#[template(path = "unsubscribed.html")]
pub struct UnsubscribedPage<'a> {
    pub site: &'a Site,
    pub list_name: &'a str,
    /// Where to sign up again, for someone who left by mistake.
    pub signup_url: &'a str,
    /// The person's own page.
    pub own_page: &'a str,
}

/// `/reconfirm/{token}`: "Keep me subscribed".
#[derive(Template)]
#[template(path = "keep.html")]
pub struct KeepPage<'a> {
    pub site: &'a Site,
    pub list_name: &'a str,
    /// `asking`, `kept` or `ended`.
    pub state: &'a str,
    pub signup_url: &'a str,
    pub own_page: &'a str,
}

/// One list on the person's own page.
#[derive(Debug, Clone)]
pub struct OwnList {
    pub slug: String,
    pub name: String,
    /// `pending`, `confirmed` or `unsubscribed`.
    pub status: &'static str,
}

/// A field's input on a form that edits a person's values.
#[derive(Debug, Clone)]
pub struct FieldInput {
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    pub options: Vec<String>,
    pub value: String,
    pub error: Option<String>,
}

impl FieldInput {
    /// The operators' fields as a person's form shows them: their values, or
    /// what was sent with what is wrong with it.
    pub fn list(
        defs: &[FieldDef],
        lang: Lang,
        values: &BTreeMap<String, String>,
        errors: &[(String, String)],
    ) -> Vec<FieldInput> {
        defs.iter()
            .map(|f| FieldInput {
                key: f.key.clone(),
                label: f.label(lang.code()).to_owned(),
                kind: f.kind,
                options: f.options.clone(),
                value: values.get(&f.key).cloned().unwrap_or_default(),
                error: errors
                    .iter()
                    .find(|(key, _)| *key == f.key)
                    .map(|(_, e)| e.clone()),
            })
            .collect()
    }
}

/// `/me/{token}`: the person's own page.
#[derive(Template)]
#[template(path = "me.html")]
pub struct OwnPage<'a> {
    pub site: &'a Site,
    pub email: &'a str,
    pub lists: &'a [OwnList],
    /// `/me/{token}`, which every form posts under.
    pub base: &'a str,
    /// The operators' fields with the person's values (contract §16).
    pub fields: Vec<FieldInput>,
    /// Shown once after an action.
    pub notice: Option<&'a str>,
}

/// `/erase/{token}`: the page a mailed erasure link opens; its button
/// erases.
#[derive(Template)]
#[template(path = "erase.html")]
pub struct ErasePage<'a> {
    pub site: &'a Site,
}

/// 404, 410, 413, 422, 429, 500 and friends.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub site: &'a Site,
    pub status: u16,
    pub title: &'a str,
    pub message: &'a str,
    /// An optional way forward: (href, text).
    pub link: Option<(&'a str, &'a str)>,
}

/// An issue of the public archive, as its index lists it.
#[derive(Debug, Clone)]
pub struct ArchiveRow {
    pub path: String,
    pub subject: String,
    pub list_name: String,
    pub list_slug: String,
    pub date: String,
}

/// `GET /archive`: the public issues, newest first, of one list or all.
#[derive(Template)]
#[template(path = "archive.html")]
pub struct ArchivePage<'a> {
    pub site: &'a Site,
    pub rows: Vec<ArchiveRow>,
    /// The index of one list (`?list=`).
    pub filtered: bool,
    pub list_name: Option<String>,
}

/// `GET /archive/{slug}`: one issue, as no recipient in particular saw it.
#[derive(Template)]
#[template(path = "archive_issue.html")]
pub struct ArchiveIssuePage<'a> {
    pub site: &'a Site,
    pub issue: ArchiveRow,
    /// Sanitised when rendered from the Markdown.
    pub html: String,
}

/// `GET /archive.atom` (RFC 4287).
#[derive(Template)]
#[template(path = "archive.atom", escape = "html")]
pub struct ArchiveFeed {
    pub title: String,
    pub author: String,
    pub self_url: String,
    pub archive_url: String,
    /// RFC 3339.
    pub updated: String,
    pub entries: Vec<ArchiveEntry>,
}

pub struct ArchiveEntry {
    pub url: String,
    pub title: String,
    /// The list it went to.
    pub category: String,
    pub updated: String,
    /// Sent as escaped text, as `type="html"` asks.
    pub html: String,
}
