//! What every message says, as templates of the engine the operators edit
//! them in (minijinja, contract §15).
//!
//! assent ships a template for each kind of message in each language,
//! written once under `templates/email/` and filled with each language's
//! words at build time. The operators may replace the confirmation, the
//! welcome, the reconfirmation and the broadcast layout; a replacement is
//! checked here before it is saved, and every message is checked again as
//! it is made: a part that lost its unsubscribe link or the sender's
//! identity gets the built-in footer, which carries both.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use askama::Template;
use minijinja::{AutoEscape, Environment, HtmlEscape, Value};

use crate::db::templates::{Parts, Version};
use crate::domain::TemplateKind;
use crate::i18n::Lang;

/// How much work one rendering may do: far beyond any message, short of a
/// loop that would never end.
const FUEL: u64 = 100_000;

/// Names the template engine offers itself, which a template may call.
pub(crate) const ENGINE_GLOBALS: [&str; 3] = ["range", "dict", "namespace"];

/// A template assent renders: an editable kind, or one of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    Editable(TemplateKind),
    Own(OwnAction),
    /// The footer added to a part that lacks one.
    Footer,
}

impl Name {
    fn key(self) -> &'static str {
        match self {
            Name::Editable(kind) => kind.as_str(),
            Name::Own(OwnAction::Record) => "record_link",
            Name::Own(OwnAction::Erase) => "erasure_link",
            Name::Footer => "footer",
        }
    }
}

/// A link the person asked for from their own page, good for an hour: to
/// their consent record, or to the page that erases them. Mailed to the
/// address, so that a forwarded message's link alone opens neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnAction {
    Record,
    Erase,
}

impl OwnAction {
    pub fn subject_id(&self) -> &'static str {
        match self {
            OwnAction::Record => "own-record-subject",
            OwnAction::Erase => "own-erase-subject",
        }
    }

    pub fn lead_id(&self) -> &'static str {
        match self {
            OwnAction::Record => "own-record-lead",
            OwnAction::Erase => "own-erase-lead",
        }
    }

    pub fn button_id(&self) -> &'static str {
        match self {
            OwnAction::Record => "own-record-button",
            OwnAction::Erase => "own-erase-button",
        }
    }
}

/// One of a template's three parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Subject,
    Html,
    Text,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Subject, Part::Html, Part::Text];

    pub fn as_str(self) -> &'static str {
        match self {
            Part::Subject => "subject",
            Part::Html => "html",
            Part::Text => "text",
        }
    }

    fn of(self, parts: &Parts) -> &str {
        match self {
            Part::Subject => &parts.subject,
            Part::Html => &parts.html,
            Part::Text => &parts.text,
        }
    }

    /// How the engine knows the part: the HTML part's values are escaped.
    fn template_name(self, name: &str, lang: Lang) -> String {
        let ext = match self {
            Part::Subject => "subject",
            Part::Html => "html",
            Part::Text => "txt",
        };
        format!("{name}.{lang}.{ext}")
    }
}

/// Why a template cannot be saved (contract §15).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The engine cannot read it.
    Syntax {
        part: Part,
        line: Option<usize>,
        detail: String,
    },
    /// It names a value its kind does not have.
    Unknown { part: Part, variable: String },
    /// Its HTML or text part lacks the unsubscribe link.
    NoUnsubscribe { part: Part },
    /// It lacks the value its kind exists for (`confirm_url`, …).
    Missing { part: Part, variable: &'static str },
    /// It would take in another template, which none may.
    Includes { part: Part },
    /// It does more work than any message needs: a loop without end.
    Endless { part: Part },
    /// It fails otherwise as it renders.
    Fails { part: Part, detail: String },
}

impl Problem {
    pub fn part(&self) -> Part {
        match self {
            Problem::Syntax { part, .. }
            | Problem::Unknown { part, .. }
            | Problem::NoUnsubscribe { part }
            | Problem::Missing { part, .. }
            | Problem::Includes { part }
            | Problem::Endless { part }
            | Problem::Fails { part, .. } => *part,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = self.part().as_str();
        match self {
            Problem::Syntax { line, detail, .. } => match line {
                Some(line) => write!(f, "{part}, line {line}: {detail}"),
                None => write!(f, "{part}: {detail}"),
            },
            Problem::Unknown { variable, .. } => {
                write!(f, "{part}: there is no variable {variable} here")
            }
            Problem::NoUnsubscribe { .. } => write!(f, "{part}: unsubscribe_url is missing"),
            Problem::Missing { variable, .. } => write!(f, "{part}: {variable} is missing"),
            Problem::Includes { .. } => write!(f, "{part}: a template cannot include another"),
            Problem::Endless { .. } => write!(f, "{part}: it does too much work"),
            Problem::Fails { detail, .. } => write!(f, "{part}: {detail}"),
        }
    }
}

/// The variables a kind offers (contract §15); `subscriber.fields.KEY`
/// beside them for each field `KEY`, except in the confirmation, which
/// shows nothing a visitor typed.
pub fn variables(kind: TemplateKind) -> Vec<&'static str> {
    let mut names = vec![
        "list.name",
        "list.description",
        "organisation.name",
        "organisation.address",
        "unsubscribe_url",
        "preferences_url",
    ];
    match kind {
        TemplateKind::Confirmation => names.extend(["confirm_url", "confirm_ttl"]),
        TemplateKind::Reconfirmation => names.extend(["keep_url", "grace"]),
        TemplateKind::Broadcast => names.extend(["content", "subject"]),
        TemplateKind::Welcome => {}
    }
    if kind != TemplateKind::Confirmation {
        names.push("subscriber.name");
    }
    names
}

/// The value a kind exists to carry, which its template must show.
fn required(kind: TemplateKind) -> Option<&'static str> {
    match kind {
        TemplateKind::Confirmation => Some("confirm_url"),
        TemplateKind::Reconfirmation => Some("keep_url"),
        TemplateKind::Broadcast => Some("content"),
        TemplateKind::Welcome => None,
    }
}

/// Whether a template may name `name`, as the engine reports it (`list`,
/// `list.name`, `subscriber.fields.city`).
fn known(kind: TemplateKind, fields: &[String], name: &str) -> bool {
    if ENGINE_GLOBALS.contains(&name) {
        return true;
    }
    let offered = variables(kind);
    let within = |variable: &str| {
        variable == name
            || variable
                .strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('.'))
    };
    if offered.iter().any(|v| within(v)) {
        return true;
    }
    if kind == TemplateKind::Confirmation {
        return false;
    }
    match name.strip_prefix("subscriber.fields") {
        Some("") => true,
        Some(rest) => rest
            .strip_prefix('.')
            .is_some_and(|key| fields.iter().any(|f| f == key)),
        None => false,
    }
}

#[derive(Template)]
#[template(path = "email/confirmation.html", syntax = "source", escape = "none")]
struct ConfirmationHtml {
    lang: Lang,
}

#[derive(Template)]
#[template(path = "email/confirmation.txt", syntax = "source", escape = "none")]
struct ConfirmationText {
    lang: Lang,
}

#[derive(Template)]
#[template(path = "email/welcome.html", syntax = "source", escape = "none")]
struct WelcomeHtml {
    lang: Lang,
}

#[derive(Template)]
#[template(path = "email/welcome.txt", syntax = "source", escape = "none")]
struct WelcomeText {
    lang: Lang,
}

#[derive(Template)]
#[template(path = "email/reconfirmation.html", syntax = "source", escape = "none")]
struct ReconfirmationHtml {
    lang: Lang,
}

#[derive(Template)]
#[template(path = "email/reconfirmation.txt", syntax = "source", escape = "none")]
struct ReconfirmationText {
    lang: Lang,
}

#[derive(Template)]
#[template(path = "email/broadcast.html", syntax = "source", escape = "none")]
struct BroadcastHtml {
    lang: Lang,
}

#[derive(Template)]
#[template(path = "email/broadcast.txt", syntax = "source", escape = "none")]
struct BroadcastText {
    lang: Lang,
}

#[derive(Template)]
#[template(path = "email/own_link.html", syntax = "source", escape = "none")]
struct OwnLinkHtml {
    lang: Lang,
    action: OwnAction,
}

#[derive(Template)]
#[template(path = "email/own_link.txt", syntax = "source", escape = "none")]
struct OwnLinkText {
    lang: Lang,
    action: OwnAction,
}

#[derive(Template)]
#[template(path = "email/footer.html", syntax = "source", escape = "none")]
struct FooterHtml {
    lang: Lang,
}

#[derive(Template)]
#[template(path = "email/footer.txt", syntax = "source", escape = "none")]
struct FooterText {
    lang: Lang,
}

/// A built-in template's words in `lang`. The sources are assent's own, so
/// that one fails to render is a bug the tests of this module catch; it
/// would give an empty part, which the footer check then fills.
fn built(template: impl Template) -> String {
    template.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "a built-in message template does not render");
        String::new()
    })
}

/// The template assent ships for `name` in `lang`.
pub fn builtin(name: Name, lang: Lang) -> Parts {
    let subject = |id: &str| lang.t1(id, "list", "{{ list.name }}");
    match name {
        Name::Editable(TemplateKind::Confirmation) => Parts {
            subject: subject("confirmation-subject"),
            html: built(ConfirmationHtml { lang }),
            text: built(ConfirmationText { lang }),
        },
        Name::Editable(TemplateKind::Welcome) => Parts {
            subject: subject("welcome-subject"),
            html: built(WelcomeHtml { lang }),
            text: built(WelcomeText { lang }),
        },
        Name::Editable(TemplateKind::Reconfirmation) => Parts {
            subject: subject("reconfirmation-subject"),
            html: built(ReconfirmationHtml { lang }),
            text: built(ReconfirmationText { lang }),
        },
        Name::Editable(TemplateKind::Broadcast) => Parts {
            subject: "{{ subject }}".to_owned(),
            html: built(BroadcastHtml { lang }),
            text: built(BroadcastText { lang }),
        },
        Name::Own(action) => Parts {
            subject: lang.t(action.subject_id()),
            html: built(OwnLinkHtml { lang, action }),
            text: built(OwnLinkText { lang, action }),
        },
        Name::Footer => Parts {
            subject: String::new(),
            html: built(FooterHtml { lang }),
            text: built(FooterText { lang }),
        },
    }
}

/// The engine, as every template runs in it: values escaped in the HTML
/// part and nowhere else, no way to turn the escaping off, no other
/// template to include, a bounded amount of work.
pub(crate) fn engine() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_fuel(Some(FUEL));
    env.remove_filter("safe");
    env.remove_global("debug");
    env
}

fn add(env: &mut Environment<'static>, name: Name, lang: Lang, parts: &Parts) -> Vec<Problem> {
    Part::ALL
        .into_iter()
        .filter_map(|part| {
            env.add_template_owned(
                part.template_name(name.key(), lang),
                part.of(parts).to_owned(),
            )
            .err()
            .map(|e| Problem::Syntax {
                part,
                line: e.line(),
                detail: e.detail().unwrap_or("syntax error").to_owned(),
            })
        })
        .collect()
}

/// A message's three parts, rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// The templates of every message: the built-in ones, and over them the
/// versions the operators saved.
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// The built-in templates, with `edited` in force over them. A saved
    /// version this build cannot read (saved by a newer one, say) is left
    /// out, and logged.
    pub fn new(edited: &[Version]) -> Templates {
        let mut env = engine();
        for lang in Lang::all() {
            let mut names: Vec<Name> = TemplateKind::ALL
                .iter()
                .copied()
                .map(Name::Editable)
                .collect();
            names.extend([
                Name::Own(OwnAction::Record),
                Name::Own(OwnAction::Erase),
                Name::Footer,
            ]);
            for name in names {
                add(&mut env, name, lang, &builtin(name, lang));
            }
        }
        for version in edited {
            let Some(parts) = &version.parts else {
                continue;
            };
            let name = Name::Editable(version.kind);
            let mut trial = engine();
            let problems = add(&mut trial, name, version.lang, parts);
            if problems.is_empty() {
                add(&mut env, name, version.lang, parts);
            } else {
                tracing::warn!(kind = %version.kind, lang = %version.lang, "a saved template does not compile: the built-in one is used");
            }
        }
        Templates { env }
    }

    /// Renders the three parts of `name` in `lang` with `values`.
    pub fn render(
        &self,
        name: Name,
        lang: Lang,
        values: &Values,
    ) -> Result<Rendered, minijinja::Error> {
        let part = |part: Part| -> Result<String, minijinja::Error> {
            self.env
                .get_template(&part.template_name(name.key(), lang))?
                .render(values.to_value(part))
        };
        Ok(Rendered {
            subject: one_line(&part(Part::Subject)?),
            html: part(Part::Html)?,
            text: part(Part::Text)?,
        })
    }
}

/// A subject is one line, however the template spread it.
fn one_line(subject: &str) -> String {
    subject.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Checks a template an operator wants to save, renders it with `sample`
/// values and returns what it made, or every problem found.
pub fn check(
    kind: TemplateKind,
    lang: Lang,
    parts: &Parts,
    fields: &[String],
    sample: &Values,
) -> Result<Rendered, Vec<Problem>> {
    let name = Name::Editable(kind);
    let mut env = engine();
    let mut problems = add(&mut env, name, lang, parts);
    if !problems.is_empty() {
        return Err(problems);
    }
    for part in Part::ALL {
        let Ok(template) = env.get_template(&part.template_name(name.key(), lang)) else {
            continue;
        };
        let named: BTreeSet<String> = template.undeclared_variables(true).into_iter().collect();
        for variable in &named {
            if !known(kind, fields, variable) {
                problems.push(Problem::Unknown {
                    part,
                    variable: variable.clone(),
                });
            }
        }
        if part == Part::Subject {
            continue;
        }
        let shows = |wanted: &str| named.iter().any(|n| n == wanted);
        if !shows("unsubscribe_url") {
            problems.push(Problem::NoUnsubscribe { part });
        }
        if let Some(variable) = required(kind)
            && !shows(variable)
        {
            problems.push(Problem::Missing { part, variable });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let templates = Templates { env };
    let rendered = Part::ALL
        .into_iter()
        .try_fold(Vec::new(), |mut done, part| {
            let made = templates
                .env
                .get_template(&part.template_name(name.key(), lang))
                .and_then(|t| t.render(sample.to_value(part)));
            match made {
                Ok(text) => {
                    done.push(text);
                    Ok(done)
                }
                Err(e) => Err(vec![failure(part, &e)]),
            }
        })?;
    let [subject, html, text]: [String; 3] =
        rendered.try_into().map_err(|_| Vec::<Problem>::new())?;
    // A link named only where the sample does not reach it (`{% if false
    // %}`) is no link.
    let unsubscribe = &sample.unsubscribe_url;
    for (part, made) in [(Part::Html, &html), (Part::Text, &text)] {
        if !made.contains(unsubscribe.as_str()) {
            problems.push(Problem::NoUnsubscribe { part });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Rendered {
        subject: one_line(&subject),
        html,
        text,
    })
}

/// What went wrong as a template rendered.
fn failure(part: Part, e: &minijinja::Error) -> Problem {
    match e.kind() {
        minijinja::ErrorKind::OutOfFuel => Problem::Endless { part },
        minijinja::ErrorKind::TemplateNotFound => Problem::Includes { part },
        _ => Problem::Fails {
            part,
            detail: e
                .detail()
                .map_or_else(|| e.kind().to_string(), str::to_owned),
        },
    }
}

/// What a message may show, as its template sees it.
#[derive(Debug, Clone)]
pub struct Values {
    pub list_name: String,
    pub list_description: String,
    pub org_name: String,
    pub org_address: String,
    pub unsubscribe_url: String,
    pub preferences_url: String,
    /// The subscriber's name, for every message but the confirmation.
    pub subscriber_name: Option<String>,
    /// Their values of the operators' fields, by key; none in the
    /// confirmation.
    pub subscriber_fields: BTreeMap<String, String>,
    /// The kind's own values (`confirm_url`, `keep_url`, …).
    pub own: BTreeMap<&'static str, Value>,
    /// A broadcast's body: the HTML part shows the first, safe as it is
    /// (rendered from Markdown and sanitised), the others the second.
    pub content: Option<(String, String)>,
}

impl Values {
    /// The values as `part` sees them.
    pub fn to_value(&self, part: Part) -> Value {
        let text = |s: &str| Value::from(s);
        let mut subscriber = BTreeMap::new();
        // Absent, not empty, so that `default("…")` stands in for it.
        if let Some(name) = &self.subscriber_name {
            subscriber.insert("name", text(name));
        }
        subscriber.insert("fields", Value::from(self.subscriber_fields.clone()));
        let mut values = self.own.clone();
        values.insert(
            "list",
            Value::from(BTreeMap::from([
                ("name", text(&self.list_name)),
                ("description", text(&self.list_description)),
            ])),
        );
        values.insert(
            "organisation",
            Value::from(BTreeMap::from([
                ("name", text(&self.org_name)),
                ("address", text(&self.org_address)),
            ])),
        );
        // Built by assent from the base URL and a token: nothing to escape,
        // and kept whole so that the link reads as the header's does.
        values.insert(
            "unsubscribe_url",
            Value::from_safe_string(self.unsubscribe_url.clone()),
        );
        values.insert(
            "preferences_url",
            Value::from_safe_string(self.preferences_url.clone()),
        );
        values.insert("subscriber", Value::from(subscriber));
        if let Some((html, plain)) = &self.content {
            let content = match part {
                Part::Html => Value::from_safe_string(html.clone()),
                Part::Subject | Part::Text => text(plain),
            };
            values.insert("content", content);
        }
        Value::from(values)
    }
}

/// Adds the built-in footer to a part that shows no unsubscribe link or
/// does not name the sender (contract §4): whatever a template says, every
/// message carries both.
pub fn with_footer(
    templates: &Templates,
    lang: Lang,
    values: &Values,
    rendered: Rendered,
) -> Rendered {
    let Rendered {
        subject,
        mut html,
        mut text,
    } = rendered;
    let complete = |part: &str, escape: bool| {
        let shown = |s: &str| {
            s.is_empty()
                || if escape {
                    part.contains(&HtmlEscape(s).to_string())
                } else {
                    part.contains(s)
                }
        };
        part.contains(&values.unsubscribe_url)
            && shown(&values.org_name)
            && shown(&values.org_address)
    };
    let html_ok = complete(&html, true);
    let text_ok = complete(&text, false);
    if html_ok && text_ok {
        return Rendered {
            subject,
            html,
            text,
        };
    }
    let footer = match templates.render(Name::Footer, lang, values) {
        Ok(footer) => footer,
        Err(e) => {
            tracing::error!(error = %e, "the built-in footer does not render");
            return Rendered {
                subject,
                html,
                text,
            };
        }
    };
    if !html_ok {
        match html.rfind("</body>") {
            Some(at) => html.insert_str(at, &footer.html),
            None => html.push_str(&footer.html),
        }
    }
    if !text_ok {
        text.push_str("\n\n");
        text.push_str(&footer.text);
    }
    Rendered {
        subject,
        html,
        text,
    }
}

/// The templates in force in this process, which the settings job replaces
/// when an operator saved a version in any process.
pub struct CurrentTemplates {
    current: RwLock<Arc<Templates>>,
    /// The newest saved version read, or -1 before the first reading.
    newest: AtomicI64,
}

impl Default for CurrentTemplates {
    fn default() -> Self {
        CurrentTemplates {
            current: RwLock::new(Arc::new(Templates::new(&[]))),
            newest: AtomicI64::new(-1),
        }
    }
}

impl fmt::Debug for CurrentTemplates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CurrentTemplates")
            .field("newest", &self.newest.load(Ordering::Relaxed))
            .finish()
    }
}

impl CurrentTemplates {
    pub fn get(&self) -> Arc<Templates> {
        match self.current.read() {
            Ok(t) => Arc::clone(&t),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Whether the newest saved version is other than the one read last.
    pub fn is_stale(&self, newest: Option<i64>) -> bool {
        self.newest.load(Ordering::SeqCst) != newest.unwrap_or(0)
    }

    /// Puts `edited` in force, as read when `newest` was the newest version.
    pub fn replace(&self, edited: &[Version], newest: Option<i64>) {
        let templates = Arc::new(Templates::new(edited));
        match self.current.write() {
            Ok(mut current) => *current = templates,
            Err(poisoned) => *poisoned.into_inner() = templates,
        }
        self.newest.store(newest.unwrap_or(0), Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(kind: TemplateKind) -> Values {
        let mut own = BTreeMap::new();
        match kind {
            TemplateKind::Confirmation => {
                own.insert(
                    "confirm_url",
                    Value::from_safe_string("https://n.example/confirm/c".into()),
                );
                own.insert("confirm_ttl", Value::from("2 days"));
            }
            TemplateKind::Reconfirmation => {
                own.insert(
                    "keep_url",
                    Value::from_safe_string("https://n.example/reconfirm/k".into()),
                );
                own.insert("grace", Value::from(None::<String>));
            }
            TemplateKind::Broadcast => {
                own.insert("subject", Value::from("News"));
            }
            TemplateKind::Welcome => {}
        }
        Values {
            list_name: "Tom & <Jerry>".into(),
            list_description: "Cartoons".into(),
            org_name: "Acme".into(),
            org_address: "1 Road".into(),
            unsubscribe_url: "https://n.example/unsubscribe/u".into(),
            preferences_url: "https://n.example/me/u".into(),
            subscriber_name: (kind != TemplateKind::Confirmation).then(|| "Ada".into()),
            subscriber_fields: BTreeMap::new(),
            own,
            content: (kind == TemplateKind::Broadcast)
                .then(|| ("<p>Body</p>".into(), "Body".into())),
        }
    }

    fn parts(html: &str, text: &str) -> Parts {
        Parts {
            subject: "Hello {{ list.name }}".into(),
            html: html.into(),
            text: text.into(),
        }
    }

    fn try_welcome(html: &str, text: &str) -> Result<Rendered, Vec<Problem>> {
        let kind = TemplateKind::Welcome;
        check(kind, Lang::ENGLISH, &parts(html, text), &[], &sample(kind))
    }

    const LINK: &str = "{{ unsubscribe_url }}";

    #[test]
    fn every_built_in_template_could_be_saved() {
        for lang in Lang::all() {
            for kind in TemplateKind::ALL {
                let parts = builtin(Name::Editable(*kind), lang);
                let made = check(*kind, lang, &parts, &[], &sample(*kind));
                let made = made.unwrap_or_else(|p| panic!("{kind} in {lang}: {p:?}"));
                assert!(made.html.contains("https://n.example/me/u"), "{kind}");
                assert!(made.text.contains("https://n.example/me/u"), "{kind}");
            }
        }
    }

    #[test]
    fn a_part_without_the_unsubscribe_link_is_refused() {
        assert_eq!(
            try_welcome("<p>Hi</p>", LINK).unwrap_err(),
            [Problem::NoUnsubscribe { part: Part::Html }]
        );
        assert_eq!(
            try_welcome(LINK, "Hi").unwrap_err(),
            [Problem::NoUnsubscribe { part: Part::Text }]
        );
        let hidden = "{% if false %}{{ unsubscribe_url }}{% endif %}";
        assert_eq!(
            try_welcome(hidden, LINK).unwrap_err(),
            [Problem::NoUnsubscribe { part: Part::Html }]
        );
    }

    #[test]
    fn each_kind_must_show_what_it_is_for() {
        for (kind, variable) in [
            (TemplateKind::Confirmation, "confirm_url"),
            (TemplateKind::Reconfirmation, "keep_url"),
            (TemplateKind::Broadcast, "content"),
        ] {
            let problems =
                check(kind, Lang::ENGLISH, &parts(LINK, LINK), &[], &sample(kind)).unwrap_err();
            assert_eq!(
                problems,
                [
                    Problem::Missing {
                        part: Part::Html,
                        variable
                    },
                    Problem::Missing {
                        part: Part::Text,
                        variable
                    },
                ]
            );
        }
    }

    #[test]
    fn a_variable_the_kind_lacks_is_refused_and_the_confirmation_has_no_subscriber() {
        let problems = try_welcome("{{ password }} {{ unsubscribe_url }}", LINK).unwrap_err();
        assert_eq!(
            problems,
            [Problem::Unknown {
                part: Part::Html,
                variable: "password".into()
            }]
        );
        let kind = TemplateKind::Confirmation;
        let html = "{{ subscriber.name }} {{ confirm_url }} {{ unsubscribe_url }}";
        let text = "{{ confirm_url }} {{ unsubscribe_url }}";
        let problems =
            check(kind, Lang::ENGLISH, &parts(html, text), &[], &sample(kind)).unwrap_err();
        assert_eq!(
            problems,
            [Problem::Unknown {
                part: Part::Html,
                variable: "subscriber.name".into()
            }]
        );
        assert!(try_welcome("{{ subscriber.fields.city }} {{ unsubscribe_url }}", LINK).is_err());
        let with_city = check(
            TemplateKind::Welcome,
            Lang::ENGLISH,
            &parts("{{ subscriber.fields.city }} {{ unsubscribe_url }}", LINK),
            &["city".to_owned()],
            &sample(TemplateKind::Welcome),
        );
        assert!(with_city.is_ok());
    }

    #[test]
    fn syntax_includes_endless_loops_and_unescaping_are_refused() {
        let problems = try_welcome("{% if %}", LINK).unwrap_err();
        assert!(
            matches!(
                &problems[..],
                [Problem::Syntax {
                    part: Part::Html,
                    line: Some(1),
                    ..
                }]
            ),
            "{problems:?}"
        );
        let part = Part::Html;
        for (html, problem) in [
            (
                "{% include 'other.html' %}{{ unsubscribe_url }}",
                Problem::Includes { part },
            ),
            (
                "{% for i in range(100000) %}{% for j in range(100000) %}.{% endfor %}{% endfor %}{{ unsubscribe_url }}",
                Problem::Endless { part },
            ),
        ] {
            assert_eq!(try_welcome(html, LINK).unwrap_err(), [problem], "{html}");
        }
        let problems = try_welcome("{{ list.name|safe }}{{ unsubscribe_url }}", LINK).unwrap_err();
        assert!(
            matches!(
                &problems[..],
                [Problem::Fails {
                    part: Part::Html,
                    ..
                }]
            ),
            "{problems:?}"
        );
    }

    #[test]
    fn values_are_escaped_in_the_html_part_only() {
        let made = try_welcome(
            "<b>{{ list.name }}</b> {{ subscriber.name | default('friend') }} {{ unsubscribe_url }}",
            "{{ list.name }} {{ unsubscribe_url }}",
        )
        .expect("saves");
        assert!(
            made.html
                .starts_with("<b>Tom &amp; &lt;Jerry&gt;</b> Ada https://n.example/unsubscribe/u"),
            "{}",
            made.html
        );
        assert!(
            made.text
                .starts_with("Tom & <Jerry> https://n.example/unsubscribe/u")
        );
        assert_eq!(made.subject, "Hello Tom & <Jerry>");
    }

    #[test]
    fn a_part_that_lost_the_link_or_the_sender_gets_the_footer() {
        let templates = Templates::new(&[]);
        let values = sample(TemplateKind::Welcome);
        let bare = Rendered {
            subject: "S".into(),
            html: "<html><body><p>Hi</p></body></html>".into(),
            text: "Hi https://n.example/unsubscribe/u Acme 1 Road".into(),
        };
        let made = with_footer(&templates, Lang::ENGLISH, &values, bare.clone());
        assert!(made.html.contains("https://n.example/unsubscribe/u"));
        assert!(made.html.ends_with("</body></html>"));
        assert_eq!(made.text, bare.text, "a complete part is left as it is");
    }
}
