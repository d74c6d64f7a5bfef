//! The values that decide what people are told and how long things last:
//! who sends the mail and for which organisation, the public origin of the
//! links, the lifetimes of links and the law's clocks (contract §10).
//!
//! Every part of assent reads them through one [`Policy`], taken from the
//! [`CurrentPolicy`] handed down from startup. Each use takes the policy in
//! force at that moment, so that when the values change (the settings the
//! operators edit, contract §15) no caller has to know.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use lettre::message::Mailbox;
use url::Url;

use crate::config::{Clocks, Settings, parse_clock, write_clock};
use crate::domain::LinkToken;
use crate::i18n::Lang;

/// A time zone by its IANA name (`Europe/Paris`), in which the operators'
/// area shows and reads times.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeZone {
    name: String,
    zone: jiff::tz::TimeZone,
}

impl TimeZone {
    pub fn utc() -> Self {
        TimeZone {
            name: "UTC".into(),
            zone: jiff::tz::TimeZone::UTC,
        }
    }

    /// The zone of an IANA name, from the database built into assent.
    pub fn named(name: &str) -> Option<Self> {
        let zone = jiff::tz::TimeZone::get(name).ok()?;
        Some(TimeZone {
            name: name.to_owned(),
            zone,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its offset from UTC, in seconds, at the Unix time `unix`.
    pub fn offset_at(&self, unix: i64) -> i32 {
        jiff::Timestamp::from_second(unix)
            .map(|at| self.zone.to_offset(at).seconds())
            .unwrap_or(0)
    }

    /// The Unix time in milliseconds of a wall-clock time read in this
    /// zone; a time that a change of the clocks skips is read forward.
    pub fn unix_ms_of(&self, at: time::PrimitiveDateTime) -> Option<i64> {
        let civil = jiff::civil::DateTime::new(
            i16::try_from(at.year()).ok()?,
            i8::try_from(u8::from(at.month())).ok()?,
            i8::try_from(at.day()).ok()?,
            i8::try_from(at.hour()).ok()?,
            i8::try_from(at.minute()).ok()?,
            0,
            0,
        )
        .ok()?;
        let zoned = self
            .zone
            .to_ambiguous_zoned_datetime(civil)
            .compatible()
            .ok()?;
        Some(zoned.timestamp().as_millisecond())
    }
}

/// The policy in force at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// `ASSENT_MAIL_FROM`: the From of every message.
    pub sender: Mailbox,
    /// Where replies go, when not to the sender; set from the admin only.
    pub reply_to: Option<Mailbox>,
    /// The public origin of every link and page.
    pub base_url: Url,
    /// `ASSENT_ORG_NAME`: who collects the addresses and sends the mail.
    pub org_name: String,
    /// `ASSENT_ORG_ADDRESS`: the postal address every message carries.
    pub org_address: String,
    /// `ASSENT_PRIVACY_URL`: the full privacy policy, linked from the form.
    pub privacy_url: Option<Url>,
    /// `ASSENT_CONFIRM_TTL`: how long a confirmation link works.
    pub confirm_ttl: Duration,
    /// `ASSENT_DELIVERY_LOG_RETENTION`: how long a message's record is kept
    /// once it is done with.
    pub delivery_log_retention: Duration,
    /// Retention and re-permission (contract §10).
    pub clocks: Clocks,
    /// `ASSENT_DEFAULT_LANG`: the language of the pages that belong to no
    /// list.
    pub default_lang: Lang,
    /// The slug `GET /` offers when a signup names no list.
    pub default_list: String,
    /// `ASSENT_SEND_RATE`: mail to many at once, a second across every
    /// process; 0 for no limit.
    pub send_rate: u32,
    /// `ASSENT_SIGNUP_RATE`: signups a minute one client may make; 0 for
    /// no limit.
    pub signup_rate: u32,
    /// `ASSENT_POW`: signups must carry a solved challenge.
    pub pow: bool,
    /// The time zone of the operators' area; set from the admin only.
    pub timezone: TimeZone,
}

impl Policy {
    /// The policy the settings make, with the public origin found at start.
    pub fn from_settings(settings: &Settings, base_url: Url) -> Self {
        Policy {
            sender: settings.mail_from.clone(),
            reply_to: None,
            base_url,
            org_name: settings.org_name.clone(),
            org_address: settings.org_address.clone(),
            privacy_url: settings.privacy_url.clone(),
            confirm_ttl: settings.confirm_ttl,
            delivery_log_retention: settings.delivery_log_retention,
            clocks: settings.clocks,
            default_lang: settings.default_lang,
            default_list: crate::domain::list::slugify(&settings.default_list),
            send_rate: settings.send_rate,
            signup_rate: settings.signup_rate,
            pow: settings.pow.is_some(),
            timezone: TimeZone::utc(),
        }
    }

    /// The envelope sender of every message.
    pub fn envelope_sender(&self) -> String {
        self.sender.email.to_string()
    }

    /// `BASE_URL/PATH`, keeping any path prefix of the base URL.
    pub fn url(&self, path: &str) -> String {
        let base = self.base_url.as_str().trim_end_matches('/');
        format!("{base}{path}")
    }

    /// `BASE_URL/PATH/TOKEN`: a link a message carries.
    pub fn link(&self, path: &str, token: &LinkToken) -> String {
        self.url(&format!("/{path}/{token}"))
    }
}

/// A value of the policy that the operators may set from the admin
/// (contract §15), by the name it is stored under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Setting {
    OrgName,
    OrgAddress,
    PrivacyUrl,
    MailFrom,
    ReplyTo,
    DefaultLang,
    PendingRetention,
    ReconfirmAfter,
    ReconfirmGrace,
    SendRate,
    SignupRate,
    Pow,
    Timezone,
}

impl Setting {
    /// In the order the settings page shows them.
    pub const ALL: [Setting; 13] = [
        Setting::OrgName,
        Setting::OrgAddress,
        Setting::PrivacyUrl,
        Setting::MailFrom,
        Setting::ReplyTo,
        Setting::DefaultLang,
        Setting::PendingRetention,
        Setting::ReconfirmAfter,
        Setting::ReconfirmGrace,
        Setting::SendRate,
        Setting::SignupRate,
        Setting::Pow,
        Setting::Timezone,
    ];

    /// Its name as stored, as the form's field, and as the audit log says.
    pub fn name(self) -> &'static str {
        match self {
            Setting::OrgName => "org_name",
            Setting::OrgAddress => "org_address",
            Setting::PrivacyUrl => "privacy_url",
            Setting::MailFrom => "mail_from",
            Setting::ReplyTo => "reply_to",
            Setting::DefaultLang => "default_lang",
            Setting::PendingRetention => "pending_retention",
            Setting::ReconfirmAfter => "reconfirm_after",
            Setting::ReconfirmGrace => "reconfirm_grace",
            Setting::SendRate => "send_rate",
            Setting::SignupRate => "signup_rate",
            Setting::Pow => "pow",
            Setting::Timezone => "timezone",
        }
    }

    /// The variable that, when the environment sets it, wins; `None` for
    /// a setting made in the admin only.
    pub fn variable(self) -> Option<&'static str> {
        Some(match self {
            Setting::OrgName => "ASSENT_ORG_NAME",
            Setting::OrgAddress => "ASSENT_ORG_ADDRESS",
            Setting::PrivacyUrl => "ASSENT_PRIVACY_URL",
            Setting::MailFrom => "ASSENT_MAIL_FROM",
            Setting::ReplyTo | Setting::Timezone => return None,
            Setting::DefaultLang => "ASSENT_DEFAULT_LANG",
            Setting::PendingRetention => "ASSENT_PENDING_RETENTION",
            Setting::ReconfirmAfter => "ASSENT_RECONFIRM_AFTER",
            Setting::ReconfirmGrace => "ASSENT_RECONFIRM_GRACE",
            Setting::SendRate => "ASSENT_SEND_RATE",
            Setting::SignupRate => "ASSENT_SIGNUP_RATE",
            Setting::Pow => "ASSENT_POW",
        })
    }

    pub fn by_name(name: &str) -> Option<Setting> {
        Setting::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Its value in `policy`, written as the form and the environment
    /// write it.
    pub fn show(self, policy: &Policy) -> String {
        match self {
            Setting::OrgName => policy.org_name.clone(),
            Setting::OrgAddress => policy.org_address.clone(),
            Setting::PrivacyUrl => policy
                .privacy_url
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            Setting::MailFrom => policy.sender.to_string(),
            Setting::ReplyTo => policy
                .reply_to
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            Setting::DefaultLang => policy.default_lang.code().to_owned(),
            Setting::PendingRetention => write_clock(policy.clocks.pending_retention),
            Setting::ReconfirmAfter => write_clock(policy.clocks.reconfirm_after),
            Setting::ReconfirmGrace => write_clock(policy.clocks.reconfirm_grace),
            Setting::SendRate => policy.send_rate.to_string(),
            Setting::SignupRate => policy.signup_rate.to_string(),
            Setting::Pow => if policy.pow { "on" } else { "off" }.to_owned(),
            Setting::Timezone => policy.timezone.name().to_owned(),
        }
    }

    /// Sets it in `policy` from `value` as written, or says what is wrong
    /// with the value, in English for the log (the page has its own words).
    pub fn apply(self, policy: &mut Policy, value: &str) -> Result<(), String> {
        let value = value.trim();
        match self {
            Setting::OrgName => {
                if value.is_empty() || value.chars().count() > 200 {
                    return Err("one line of 1 to 200 characters".into());
                }
                policy.org_name = value.to_owned();
            }
            Setting::OrgAddress => {
                if value.chars().count() > 500 {
                    return Err("at most 500 characters".into());
                }
                policy.org_address = value.to_owned();
            }
            Setting::PrivacyUrl => {
                policy.privacy_url = match value {
                    "" => None,
                    v => match Url::parse(v) {
                        Ok(url) if matches!(url.scheme(), "https" | "http") => Some(url),
                        _ => return Err("an http or https URL, or nothing".into()),
                    },
                };
            }
            Setting::MailFrom => {
                policy.sender = value
                    .parse::<Mailbox>()
                    .map_err(|e| format!("not a mailbox ({e}); e.g. News <news@example.com>"))?;
            }
            Setting::ReplyTo => {
                policy.reply_to = match value {
                    "" => None,
                    v => Some(v.parse::<Mailbox>().map_err(|e| {
                        format!("not a mailbox ({e}); e.g. Desk <desk@example.com>, or nothing")
                    })?),
                };
            }
            Setting::DefaultLang => {
                policy.default_lang = Lang::parse(value).ok_or("en or fr")?;
            }
            Setting::PendingRetention => policy.clocks.pending_retention = parse_clock(value)?,
            Setting::ReconfirmAfter => policy.clocks.reconfirm_after = parse_clock(value)?,
            Setting::ReconfirmGrace => policy.clocks.reconfirm_grace = parse_clock(value)?,
            Setting::SendRate => {
                policy.send_rate = value
                    .parse()
                    .map_err(|_| "a whole number of messages a second, 0 for no limit")?;
            }
            Setting::SignupRate => {
                policy.signup_rate = value
                    .parse()
                    .map_err(|_| "a whole number of signups a minute, 0 for no limit")?;
            }
            Setting::Pow => {
                policy.pow = match value {
                    "on" => true,
                    "off" => false,
                    _ => return Err("on or off".into()),
                };
            }
            Setting::Timezone => {
                policy.timezone =
                    TimeZone::named(value).ok_or("an IANA time zone such as Europe/Paris")?;
            }
        }
        Ok(())
    }
}

/// Holds the policy in force; cheap to read from every request and job.
/// The policy is the environment's and the defaults' (`base`), with the
/// settings saved from the admin over it, save those the environment sets.
#[derive(Debug)]
pub struct CurrentPolicy {
    current: RwLock<Arc<Policy>>,
    base: Policy,
    /// The settings whose variable the environment sets.
    locked: Vec<Setting>,
    /// Whether the saved settings were read once already.
    read_once: std::sync::atomic::AtomicBool,
}

impl CurrentPolicy {
    pub fn new(settings: &Settings, base: Policy) -> Self {
        let locked = Setting::ALL
            .into_iter()
            .filter(|s| s.variable().is_some_and(|v| settings.is_set(v)))
            .collect();
        CurrentPolicy {
            current: RwLock::new(Arc::new(base.clone())),
            base,
            locked,
            read_once: Default::default(),
        }
    }

    /// The policy in force now. A caller keeps it for the one thing it does,
    /// so that a message or a page is made under one policy throughout.
    pub fn get(&self) -> Arc<Policy> {
        match self.current.read() {
            Ok(policy) => Arc::clone(&policy),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Whether the environment sets this setting, which then cannot be
    /// changed from the admin.
    pub fn is_locked(&self, setting: Setting) -> bool {
        self.locked.contains(&setting)
    }

    /// Puts in force the policy that the saved settings `stored` (name,
    /// value) make; returns whether it changed, which the first call always
    /// says. A saved value that no longer reads is left out, and logged.
    pub fn refresh(&self, stored: &[(String, String)]) -> bool {
        let first = !self
            .read_once
            .swap(true, std::sync::atomic::Ordering::SeqCst);
        let mut policy = self.base.clone();
        for (name, value) in stored {
            let Some(setting) = Setting::by_name(name) else {
                continue;
            };
            if self.is_locked(setting) {
                continue;
            }
            if let Err(e) = setting.apply(&mut policy, value) {
                tracing::warn!(setting = name, error = %e, "a saved setting is left out");
            }
        }
        if *self.get() == policy {
            return first;
        }
        let policy = Arc::new(policy);
        match self.current.write() {
            Ok(mut current) => *current = policy,
            Err(poisoned) => *poisoned.into_inner() = policy,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_settings_make_the_next_policy_and_one_taken_before_stays_whole() {
        let settings = Settings::from_lookup(|_| None).expect("defaults");
        let base = Url::parse("https://news.example.org/").expect("url");
        let current = CurrentPolicy::new(&settings, Policy::from_settings(&settings, base.clone()));
        let before = current.get();
        let saved = [
            ("org_name".to_owned(), "Acme Workshop".to_owned()),
            ("default_lang".to_owned(), "fr".to_owned()),
            ("privacy_url".to_owned(), "not a url".to_owned()),
        ];
        assert!(current.refresh(&saved));
        assert!(!current.refresh(&saved), "the same settings change nothing");
        let fresh = CurrentPolicy::new(&settings, Policy::from_settings(&settings, base.clone()));
        assert!(fresh.refresh(&[]), "the first reading always counts");
        assert!(!fresh.refresh(&[]));
        assert_eq!(before.org_name, "assent");
        assert_eq!(current.get().org_name, "Acme Workshop");
        assert_eq!(current.get().default_lang, Lang::parse("fr").unwrap());
        assert_eq!(
            current.get().privacy_url,
            None,
            "a bad saved value is left out"
        );
        assert_eq!(
            before.url("/unsubscribe/x"),
            "https://news.example.org/unsubscribe/x"
        );
    }
}
