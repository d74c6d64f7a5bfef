//! The operators' area: every page extends `templates/admin/base.html`,
//! which reads `site` and `nav` (the signed-in operator, the CSRF token for
//! the logout form, and the active section).
//!
//! Its words are the `admin-` messages of the catalogs
//! (`templates/locales/*.ftl`), in the operator's language.

use askama::Template;

pub use super::FieldInput;
use super::Site;
use crate::domain::TemplateKind;
use crate::domain::field::FieldKind;
use crate::i18n::Lang;

impl Site {
    /// The word for a stored code (a status, an act, a channel…): the
    /// message `admin-{group}-{code}`, or the code itself when no catalog
    /// has one, so a code added later still shows as something readable.
    pub fn admin_word(&self, group: &str, code: &str) -> String {
        let id = format!("admin-{group}-{}", code.replace('_', "-"));
        if self.lang.has(&id) || Lang::ENGLISH.has(&id) {
            self.lang.t(&id)
        } else {
            code.to_owned()
        }
    }
}

/// The header every signed-in page shares.
#[derive(Debug, Clone)]
pub struct Nav<'a> {
    pub email: &'a str,
    pub csrf_token: &'a str,
    /// `dashboard`, `subscribers`, `lists`, `import`, `audit`.
    pub active: &'a str,
}

#[derive(Debug, Clone)]
pub struct ListOption {
    pub slug: String,
    pub name: String,
}

/// `GET /admin/login`, and the answer to a failed login.
#[derive(Template)]
#[template(path = "admin/login.html")]
pub struct LoginPage<'a> {
    pub site: &'a Site,
    pub email: &'a str,
    /// One generic message, whatever was wrong.
    pub error: Option<&'a str>,
    pub csrf_token: &'a str,
    /// Where to go after signing in (a path under /admin), or empty.
    pub next: &'a str,
}

#[derive(Debug, Clone)]
pub struct ListStats {
    pub name: String,
    pub slug: String,
    pub pending: i64,
    pub confirmed: i64,
    pub unsubscribed: i64,
    /// Share of signups that confirmed, in percent; `None` without signups.
    pub confirm_rate: Option<i64>,
}

/// A line chart drawn as inline SVG, with a table of the same figures for
/// screen readers and for reading exact values.
#[derive(Debug, Clone)]
pub struct Chart {
    pub width: u32,
    pub height: u32,
    pub series: Vec<ChartSeries>,
    /// Dates along the bottom axis.
    pub x_labels: Vec<ChartLabel>,
    /// Counts along the left axis, with a grid line each.
    pub y_labels: Vec<ChartLabel>,
    /// One row per day, oldest first.
    pub days: Vec<ChartDay>,
}

#[derive(Debug, Clone)]
pub struct ChartSeries {
    /// The catalog id of the series' name.
    pub name_id: &'static str,
    /// A colour for the line and its legend swatch, e.g. `#2563eb`.
    pub color: &'static str,
    /// The SVG `points` attribute: "x,y x,y …".
    pub points: String,
}

#[derive(Debug, Clone)]
pub struct ChartLabel {
    pub x: u32,
    pub y: u32,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct ChartDay {
    /// The day in words, for the table.
    pub date: String,
    /// The day without its year, for the bottom axis.
    pub axis: String,
    pub signups: i64,
    pub confirmations: i64,
    pub unsubscribes: i64,
}

#[derive(Debug, Clone)]
pub struct DeliveryHealth {
    pub queued: i64,
    /// Queued messages that have failed at least once.
    pub retrying: i64,
    pub failed: i64,
    pub sent_today: i64,
    /// The most recent errors of retrying messages.
    pub recent_errors: Vec<DeliveryError>,
}

#[derive(Debug, Clone)]
pub struct DeliveryError {
    pub kind: String,
    pub attempts: i32,
    pub last_error: String,
    pub next_attempt: String,
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
pub struct DashboardPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub lists: Vec<ListStats>,
    pub chart: Chart,
    pub delivery: DeliveryHealth,
    pub ledger: LedgerState,
    pub reconfirmation: crate::services::dashboard::Reconfirmation,
    pub turned_away: crate::services::dashboard::TurnedAwayFigures,
    /// `ASSENT_POW=on`.
    pub pow: bool,
    /// What keeps mail from reaching people as it should, in words.
    pub warnings: Vec<String>,
}

/// The consent ledger as the dashboard shows it.
#[derive(Debug, Clone)]
pub struct LedgerState {
    pub events: i64,
    pub head: String,
    /// When it was last verified, in words.
    pub checked_at: Option<String>,
    /// `None` when the last verification found the chain intact.
    pub problem: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SubscriberRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub created_at: String,
    /// (list name, status) for each of their subscriptions.
    pub subscriptions: Vec<(String, String)>,
}

/// `GET /admin/subscribers?q=&list=&status=&after=`
#[derive(Template)]
#[template(path = "admin/subscribers.html")]
pub struct SubscribersPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub q: &'a str,
    /// Selected list slug, or empty for all.
    pub list: &'a str,
    /// Selected status, or empty for all.
    pub status: &'a str,
    /// The chosen segment's id.
    pub segment: Option<i64>,
    pub lists: Vec<ListOption>,
    /// (id, name) of each saved segment.
    pub segments: Vec<(i64, String)>,
    pub rows: Vec<SubscriberRow>,
    /// "12 subscribers", or "more than 10,000".
    pub total: String,
    /// How many match, up to one past the cap.
    pub matches: i64,
    /// The CSV of what the page shows.
    pub export_url: String,
    /// The pages before and after this one (keyset pagination), when
    /// there are.
    pub newer_url: Option<String>,
    pub older_url: Option<String>,
    pub flash: Option<String>,
}

impl SubscribersPage<'_> {
    pub fn is_segment(&self, id: &i64) -> bool {
        self.segment == Some(*id)
    }
}

#[derive(Debug, Clone)]
pub struct SubscriberView {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub created_at: String,
}

#[derive(Debug, Clone)]
pub struct EventView {
    pub at: String,
    pub act: String,
    pub channel: String,
    pub client_ip: String,
    pub user_agent: String,
    pub source: String,
    /// "v2", or empty when the act showed no wording.
    pub wording_version: String,
    pub wording_sha256: String,
}

#[derive(Debug, Clone)]
pub struct SubscriptionView {
    pub id: i64,
    pub list_name: String,
    pub status: String,
    pub created_at: String,
    pub confirmed_at: String,
    pub unsubscribed_at: String,
    pub events: Vec<EventView>,
    /// Pending: the confirmation can be sent again.
    pub can_resend: bool,
    /// Not yet unsubscribed.
    pub can_unsubscribe: bool,
}

/// `GET /admin/subscribers/{id}`. Action forms post to
/// `/admin/subscribers/{id}/subscriptions/{sid}/resend`,
/// `/admin/subscribers/{id}/subscriptions/{sid}/unsubscribe` and
/// `/admin/subscribers/{id}/erase`, each with the hidden `csrf_token`.
#[derive(Template)]
#[template(path = "admin/subscriber.html")]
pub struct SubscriberPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub subscriber: SubscriberView,
    pub subscriptions: Vec<SubscriptionView>,
    /// (time, kind, source) of each bounce or complaint reported.
    pub bounces: Vec<(String, String, String)>,
    /// The operators' fields with this person's values.
    pub fields: Vec<FieldInput>,
    /// The newest messages to this person (contract §19).
    pub deliveries: Vec<DeliveryRow>,
    /// The catalog id of the outcome of the last action, shown once.
    pub flash: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct ListRow {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub archived: bool,
    pub consent_version: i32,
    pub signup_url: String,
    pub subscribers: i64,
}

/// Values of the create and edit forms, kept when refused.
#[derive(Debug, Clone, Default)]
pub struct ListForm {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub consent_wording: String,
    /// The code of the list's language, e.g. `fr`.
    pub language: String,
}

impl ListForm {
    /// The languages a list can have: every catalog.
    pub fn languages(&self) -> Vec<Lang> {
        Lang::all().collect()
    }
}

#[derive(Debug, Clone, Default)]
pub struct ListFormErrors {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub description: Option<String>,
    pub consent_wording: Option<String>,
    pub language: Option<String>,
}

impl ListFormErrors {
    pub fn any(&self) -> bool {
        self.name.is_some()
            || self.slug.is_some()
            || self.description.is_some()
            || self.consent_wording.is_some()
            || self.language.is_some()
    }
}

/// `GET /admin/lists`: the lists and a form that posts to `/admin/lists`.
#[derive(Template)]
#[template(path = "admin/lists.html")]
pub struct ListsPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub lists: Vec<ListRow>,
    pub form: ListForm,
    pub errors: ListFormErrors,
}

#[derive(Debug, Clone)]
pub struct WordingVersion {
    pub version: i32,
    pub created_at: String,
    pub sha256: String,
    pub wording: String,
}

/// `GET /admin/lists/{id}`: edit form posting to `/admin/lists/{id}`,
/// archive (or reopen) form posting to `/admin/lists/{id}/archive`.
#[derive(Template)]
#[template(path = "admin/list.html")]
pub struct ListPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub list: ListRow,
    pub form: ListForm,
    pub errors: ListFormErrors,
    /// Every wording the list has shown, newest first.
    pub versions: Vec<WordingVersion>,
    /// An HTML form to paste into another website, shown as code.
    pub embed_snippet: String,
    /// The catalog id of the outcome of the last action, shown once.
    pub flash: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct ImportRow {
    pub id: i64,
    pub list_name: String,
    /// `running`, `done`, `failed`.
    pub status: String,
    pub total: i32,
    pub processed: i32,
    pub added: i32,
    pub skipped: i32,
    pub created_at: String,
    /// 0 to 100.
    pub percent: i32,
}

/// `GET /admin/import`: a multipart form (`list`, `file`) posting to
/// `/admin/import`, and the recent imports.
#[derive(Template)]
#[template(path = "admin/import.html")]
pub struct ImportPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub lists: Vec<ListOption>,
    pub recent: Vec<ImportRow>,
    pub error: Option<&'a str>,
}

/// `GET /admin/import/{id}`: progress while running (the page refreshes
/// itself), then the line-by-line report.
#[derive(Template)]
#[template(path = "admin/import_status.html")]
pub struct ImportStatusPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub import: ImportRow,
    pub running: bool,
    /// "line 3: invalid address: …", one per refused row, in words.
    pub report: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct AuditRow {
    pub at: String,
    pub admin: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
pub struct AuditPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub entries: Vec<AuditRow>,
    pub next_url: Option<String>,
}

/// `GET /admin/tokens`: the API's tokens, each with a button to revoke it.
#[derive(Template)]
#[template(path = "admin/tokens.html")]
pub struct TokensPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub tokens: Vec<TokenRow>,
    /// The catalog id of the outcome of the last action, shown once.
    pub flash: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct TokenRow {
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// `GET /admin/webhooks`: where events go and how the latest went.
#[derive(Template)]
#[template(path = "admin/webhooks.html")]
pub struct WebhooksPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    /// `ASSENT_WEBHOOK_URL`, without its query (it may hold a secret).
    pub target: Option<String>,
    pub deliveries: Vec<WebhookRow>,
}

#[derive(Debug, Clone)]
pub struct WebhookRow {
    pub queued_at: String,
    pub event: String,
    /// `queued`, `done` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
}

/// The signup form another website can paste in; it posts to this server.
#[derive(Template)]
#[template(path = "admin/embed.html")]
pub struct EmbedSnippet<'a> {
    /// The language of the visitors it is for.
    pub lang: Lang,
    /// This server's public origin, `https://news.example.org`.
    pub base: &'a str,
    /// `ASSENT_POW=on`: the snippet brings the widget that solves it.
    pub pow: bool,
    pub action: &'a str,
    pub slug: &'a str,
    pub name: &'a str,
    pub wording: &'a str,
}

/// A broadcast in the list of broadcasts, and at the top of its page.
#[derive(Debug, Clone)]
pub struct BroadcastRow {
    pub id: i64,
    pub subject: String,
    pub list_name: String,
    /// `draft`, `scheduled`, `sending`, `paused`, `sent`, `cancelled`.
    pub status: String,
    pub total: i64,
    pub sent: i64,
    pub waiting: i64,
    pub failed: i64,
    pub skipped: i64,
    /// 0 to 100: the copies that are done with, of the total.
    pub percent: i64,
    pub created_at: String,
}

/// `GET /admin/broadcasts`.
#[derive(Template)]
#[template(path = "admin/broadcasts.html")]
pub struct BroadcastsPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub rows: Vec<BroadcastRow>,
    pub flash: Option<&'static str>,
}

/// What the broadcast form holds, kept when refused.
#[derive(Debug, Clone, Default)]
pub struct BroadcastForm {
    /// The slugs of the lists it goes to.
    pub lists: Vec<String>,
    /// A segment's id, or empty for everyone on those lists.
    pub segment: String,
    pub subject: String,
    pub body: String,
    pub public: bool,
}

#[derive(Debug, Clone, Default)]
pub struct BroadcastErrors {
    pub list: Option<String>,
    pub segment: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub at: Option<String>,
    pub email: Option<String>,
}

impl BroadcastErrors {
    pub fn any(&self) -> bool {
        self.list.is_some()
            || self.segment.is_some()
            || self.subject.is_some()
            || self.body.is_some()
            || self.at.is_some()
            || self.email.is_some()
    }
}

/// `GET /admin/broadcasts/new`: a form posting to `/admin/broadcasts`.
#[derive(Template)]
#[template(path = "admin/broadcast_new.html")]
pub struct BroadcastNewPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub lists: Vec<ListOption>,
    /// The segments it may go to: (id, name).
    pub segments: Vec<(String, String)>,
    pub form: BroadcastForm,
    pub errors: BroadcastErrors,
    /// The preview beside the form: empty until the script or a save
    /// fills it.
    pub html: String,
    pub text: String,
}

/// `GET /admin/broadcasts/{id}`: both parts as a recipient will see them,
/// the counts, and a form for each action allowed now. Refreshes itself
/// while the broadcast is scheduled or sending.
#[derive(Template)]
#[template(path = "admin/broadcast.html")]
pub struct BroadcastPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub broadcast: BroadcastRow,
    pub send_at: String,
    pub started_at: String,
    pub finished_at: String,
    /// The HTML part's content, sanitised when it was rendered.
    pub html: String,
    pub text: String,
    /// A draft shows its edit form.
    pub draft: bool,
    pub lists: Vec<ListOption>,
    /// The segments it may go to: (id, name).
    pub segments: Vec<(String, String)>,
    pub form: BroadcastForm,
    pub errors: BroadcastErrors,
    pub can_send: bool,
    pub can_pause: bool,
    pub can_resume: bool,
    pub can_cancel: bool,
    /// Only a draft can be deleted; any broadcast can be cloned.
    pub can_delete: bool,
    /// Failed copies a retry would send; the retry is offered when any.
    pub retryable: i64,
    pub refresh: bool,
    /// The catalog id of the outcome of the last action, shown once.
    pub flash: Option<&'static str>,
}

/// `POST /admin/broadcasts/{id}/send` without `confirm=yes`: who the
/// broadcast would go to, and the form that sends it (contract §17).
#[derive(Template)]
#[template(path = "admin/broadcast_confirm.html")]
pub struct BroadcastConfirmPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub id: i64,
    pub subject: String,
    pub list_name: String,
    pub total: i64,
    pub first: Vec<String>,
    /// The send time as the operator typed it, sent again on confirming;
    /// empty for now.
    pub at: String,
    /// The send time as the admin shows times; empty for now.
    pub at_shown: String,
}

/// An image on the media page.
#[derive(Debug, Clone)]
pub struct MediaRow {
    pub id: i64,
    /// `/media/{name}`, for the thumbnail.
    pub path: String,
    /// The absolute URL to write in a message.
    pub url: String,
    pub filename: String,
    pub size_kb: i64,
    pub created_at: String,
}

/// `GET /admin/media`: the upload form and the images, newest first.
#[derive(Template)]
#[template(path = "admin/media.html")]
pub struct MediaPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub rows: Vec<MediaRow>,
    pub error: Option<String>,
    pub flash: Option<&'static str>,
}

/// A message in the delivery record.
#[derive(Debug, Clone)]
pub struct DeliveryRow {
    pub at: String,
    /// `confirmation`, `welcome`, `broadcast`, `test`…
    pub kind: &'static str,
    pub recipient: String,
    pub relay: String,
    /// `queued`, `sent`, `failed`, `bounced`, `skipped`.
    pub fate: &'static str,
    pub attempts: i32,
    /// The relay's last reply to a refusal, or why it was not sent.
    pub reply: String,
    /// What that reply means, when its code is a known one.
    pub meaning: Option<String>,
    /// The broadcast it is a copy of.
    pub broadcast: Option<i64>,
}

/// `GET /admin/deliveries`: the delivery record, newest first, filtered.
#[derive(Template)]
#[template(path = "admin/deliveries.html")]
pub struct DeliveriesPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub rows: Vec<DeliveryRow>,
    pub fate: String,
    pub kind: String,
    pub q: String,
    pub broadcast: String,
    pub fates: Vec<&'static str>,
    pub kinds: Vec<&'static str>,
    /// The link to the next, older page.
    pub older: Option<String>,
    /// Why the filter found nothing, when it names nothing that exists.
    pub problem: Option<String>,
    /// Days a finished message's record is kept.
    pub kept_days: u64,
}

/// A line of the DNS self-check.
#[derive(Debug, Clone)]
pub struct DnsLine {
    /// `spf`, `dkim`, `dmarc`, `alignment`, `mx`, `https`.
    pub check: &'static str,
    pub name: String,
    /// `ok`, `warning`, `error`.
    pub level: &'static str,
    pub finding: &'static str,
    pub found: String,
    pub publish: String,
}

/// `GET /admin/deliverability`: the DNS self-check (contract §19).
#[derive(Template)]
#[template(path = "admin/deliverability.html")]
pub struct DeliverabilityPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub lines: Vec<DnsLine>,
    /// Why DNS could not be asked, when it could not.
    pub failed: Option<String>,
}

/// `/admin/settings`: the settings the operators may change (contract §15).
#[derive(Template)]
#[template(path = "admin/settings.html")]
pub struct SettingsPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub fields: Vec<SettingField>,
    /// The catalog id of the outcome of the last save, shown once.
    pub flash: Option<&'static str>,
}

impl SettingsPage<'_> {
    pub fn any_error(&self) -> bool {
        self.fields.iter().any(|f| f.error.is_some())
    }
}

/// One setting on its page.
#[derive(Debug, Clone)]
pub struct SettingField {
    /// The form field's name, as stored: `org_name`.
    pub name: &'static str,
    pub value: String,
    /// The variable that sets it, when the environment does: it is then
    /// shown read-only.
    pub locked_by: Option<&'static str>,
    pub error: Option<String>,
    /// A clock's value in words, in the operator's language: "3 years".
    pub in_words: Option<String>,
}

impl SettingField {
    /// The catalog id of its label, hint or error: `admin-setting-org-name-label`.
    pub fn word(&self, part: &str) -> String {
        format!("admin-setting-{}-{part}", self.name.replace('_', "-"))
    }
}

/// `/admin/templates`: every kind of message in every language (contract
/// §15), each built-in or edited.
#[derive(Template)]
#[template(path = "admin/templates.html")]
pub struct TemplatesPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub entries: Vec<TemplateEntry>,
}

#[derive(Debug, Clone)]
pub struct TemplateEntry {
    pub kind: TemplateKind,
    pub lang: Lang,
    /// When and by whom the version in force was saved, if not built in.
    pub edited: Option<(i64, String)>,
}

/// `/admin/templates/{kind}/{lang}`: a template's three parts, its
/// preview and its versions.
#[derive(Template)]
#[template(path = "admin/template.html")]
pub struct TemplatePage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub kind: TemplateKind,
    pub lang: Lang,
    pub subject: &'a str,
    pub html: &'a str,
    pub text: &'a str,
    pub edited: bool,
    /// What keeps the form from being saved, in the operator's words.
    pub problems: Vec<String>,
    /// The variables the kind offers.
    pub variables: Vec<&'static str>,
    pub versions: Vec<TemplateVersion>,
    pub flash: Option<&'static str>,
}

impl TemplatePage<'_> {
    pub fn path(&self) -> String {
        format!("/admin/templates/{}/{}", self.kind, self.lang)
    }

    pub fn uses_subject(&self) -> bool {
        self.kind != TemplateKind::Broadcast
    }
}

#[derive(Debug, Clone)]
pub struct TemplateVersion {
    pub id: i64,
    pub saved_at: i64,
    pub saved_by: String,
    /// A return to the built-in template.
    pub builtin: bool,
    /// The newest: the one in force.
    pub in_force: bool,
}

/// What a message made from a template looks like, shown in a frame of
/// the template's page: the subject, the HTML part in a frame of its own
/// (its styles are the message's), and the text part.
#[derive(Template)]
#[template(path = "admin/template_preview.html")]
pub struct TemplatePreview<'a> {
    pub site: &'a Site,
    pub subject: &'a str,
    pub html: &'a str,
    pub text: &'a str,
    pub problems: Vec<String>,
}

/// `/admin/fields` and `/admin/fields/{key}`: the operators' fields on a
/// subscriber (contract §16), and the form that makes or changes one.
#[derive(Template)]
#[template(path = "admin/fields.html")]
pub struct FieldsPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub fields: Vec<FieldRow>,
    /// The field being changed; `None` on the page that makes one.
    pub editing: Option<String>,
    pub form: FieldFormView,
    /// Form input → message.
    pub errors: Vec<(&'static str, String)>,
    pub lists: Vec<(i64, String)>,
    pub flash: Option<&'static str>,
}

impl FieldsPage<'_> {
    pub fn error(&self, input: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(i, _)| *i == input)
            .map(|(_, m)| m.as_str())
    }

    pub fn action(&self) -> String {
        match &self.editing {
            Some(key) => format!("/admin/fields/{key}"),
            None => "/admin/fields".to_owned(),
        }
    }

    pub fn asks(&self, list: &i64) -> bool {
        self.form.lists.contains(list)
    }
}

#[derive(Debug, Clone)]
pub struct FieldRow {
    pub key: String,
    pub kind: String,
    pub label: String,
    pub required: bool,
    pub lists: Vec<String>,
}

/// The field form as shown: empty, the field's definition, or as sent.
#[derive(Debug, Clone, Default)]
pub struct FieldFormView {
    pub key: String,
    pub kind: String,
    /// (language, its name in itself, label).
    pub labels: Vec<(Lang, String)>,
    pub options: String,
    pub required: bool,
    pub lists: Vec<i64>,
}

/// `GET /admin/segments` and `GET /admin/segments/{id}`: the saved
/// segments, the form that makes or changes one and, for one, how many it
/// chooses now and the first of them (contract §16).
#[derive(Template)]
#[template(path = "admin/segments.html")]
pub struct SegmentsPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    /// (id, name, how its conditions combine and how many).
    pub segments: Vec<(i64, String, String)>,
    /// The segment shown; `None` on the page that makes one.
    pub editing: Option<SegmentView>,
    pub form: SegmentFormView,
    /// Form input → message.
    pub errors: Vec<(String, String)>,
    /// What a condition may look at: (group, [(value, label)]).
    pub whats: Vec<(String, Vec<(String, String)>)>,
    /// Each test: (value, label).
    pub ops: Vec<(&'static str, String)>,
    /// Values to suggest: statuses, yes/no, languages, channels, options.
    pub suggestions: Vec<String>,
    pub flash: Option<&'static str>,
}

impl SegmentsPage<'_> {
    pub fn error(&self, input: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(i, _)| i == input)
            .map(|(_, m)| m.as_str())
    }

    pub fn action(&self) -> String {
        match &self.editing {
            Some(s) => format!("/admin/segments/{}", s.id),
            None => "/admin/segments".to_owned(),
        }
    }
}

pub struct SegmentView {
    pub id: i64,
    /// "12 subscribers match now".
    pub count: String,
    pub rows: Vec<SubscriberRow>,
    /// The subscriber list filtered by it.
    pub list_url: String,
    /// Rules that no longer read, left out.
    pub broken: usize,
}

#[derive(Debug, Clone, Default)]
pub struct SegmentFormView {
    pub name: String,
    pub matching: String,
    /// (what, op, value) of each row, blank rows included.
    pub rules: Vec<(String, String, String)>,
}

/// A sequence as its list and its page show it.
#[derive(Debug, Clone)]
pub struct SequenceRow {
    pub id: i64,
    pub name: String,
    pub list_name: String,
    /// The list's slug, which the step editor's preview names.
    pub list_slug: String,
    /// `active` or `paused`.
    pub status: &'static str,
    pub active: bool,
    pub steps: usize,
    pub enrolled: i64,
}

/// What the new sequence form holds, kept when refused.
#[derive(Debug, Clone, Default)]
pub struct SequenceForm {
    pub name: String,
    pub list: String,
}

#[derive(Debug, Clone, Default)]
pub struct SequenceErrors {
    pub name: Option<String>,
    pub list: Option<String>,
}

impl SequenceErrors {
    pub fn any(&self) -> bool {
        self.name.is_some() || self.list.is_some()
    }
}

/// `GET /admin/sequences`: the sequences and the form that starts one.
#[derive(Template)]
#[template(path = "admin/sequences.html")]
pub struct SequencesPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub rows: Vec<SequenceRow>,
    pub lists: Vec<ListOption>,
    pub form: SequenceForm,
    pub errors: SequenceErrors,
}

/// A step with where its copies are.
#[derive(Debug, Clone)]
pub struct StepRow {
    pub position: i32,
    pub subject: String,
    /// As the operator writes it: `90s`, `2h`, `3d`.
    pub delay: String,
    pub sent: i64,
    pub waiting: i64,
    pub skipped: i64,
    pub failed: i64,
}

/// What the step form holds, kept when refused.
#[derive(Debug, Clone, Default)]
pub struct StepForm {
    pub subject: String,
    pub delay: String,
    pub body: String,
}

#[derive(Debug, Clone, Default)]
pub struct StepErrors {
    pub subject: Option<String>,
    pub delay: Option<String>,
    pub body: Option<String>,
    /// A sequence without a step cannot be activated.
    pub steps: Option<String>,
}

impl StepErrors {
    /// Whether the step form has a refused value.
    pub fn any(&self) -> bool {
        self.subject.is_some() || self.delay.is_some() || self.body.is_some()
    }
}

/// `GET /admin/sequences/{id}`: its state, its steps with their counts,
/// and the editor of a new step.
#[derive(Template)]
#[template(path = "admin/sequence.html")]
pub struct SequencePage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub sequence: SequenceRow,
    pub steps: Vec<StepRow>,
    pub form: StepForm,
    pub errors: StepErrors,
    /// The new step's preview, after a refused save.
    pub html: String,
    pub text: String,
    /// The catalog id of what the delay of the new step counts from.
    pub delay_hint: &'static str,
    pub flash: Option<&'static str>,
}

/// `GET /admin/sequences/{id}/steps/{n}`: a step's counts and its editor.
#[derive(Template)]
#[template(path = "admin/sequence_step.html")]
pub struct SequenceStepPage<'a> {
    pub site: &'a Site,
    pub nav: Nav<'a>,
    pub sequence: SequenceRow,
    pub step: StepRow,
    pub form: StepForm,
    pub errors: StepErrors,
    pub html: String,
    pub text: String,
    pub delay_hint: &'static str,
    pub flash: Option<&'static str>,
}
