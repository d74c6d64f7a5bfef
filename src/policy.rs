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

use crate::config::{Clocks, Settings};
use crate::domain::LinkToken;
use crate::i18n::Lang;

/// The policy in force at one moment.
#[derive(Debug, Clone)]
pub struct Policy {
    /// `ASSENT_MAIL_FROM`: the From of every message.
    pub sender: Mailbox,
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
    /// Retention and re-permission (contract §10).
    pub clocks: Clocks,
    /// `ASSENT_DEFAULT_LANG`: the language of the pages that belong to no
    /// list.
    pub default_lang: Lang,
    /// The slug `GET /` offers when a signup names no list.
    pub default_list: String,
}

impl Policy {
    /// The policy the settings make, with the public origin found at start.
    pub fn from_settings(settings: &Settings, base_url: Url) -> Self {
        Policy {
            sender: settings.mail_from.clone(),
            base_url,
            org_name: settings.org_name.clone(),
            org_address: settings.org_address.clone(),
            privacy_url: settings.privacy_url.clone(),
            confirm_ttl: settings.confirm_ttl,
            clocks: settings.clocks,
            default_lang: settings.default_lang,
            default_list: crate::domain::list::slugify(&settings.default_list),
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

/// Holds the policy in force; cheap to read from every request and job.
#[derive(Debug)]
pub struct CurrentPolicy(RwLock<Arc<Policy>>);

impl CurrentPolicy {
    pub fn new(policy: Policy) -> Self {
        CurrentPolicy(RwLock::new(Arc::new(policy)))
    }

    /// The policy in force now. A caller keeps it for the one thing it does,
    /// so that a message or a page is made under one policy throughout.
    pub fn get(&self) -> Arc<Policy> {
        match self.0.read() {
            Ok(policy) => Arc::clone(&policy),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Puts `policy` in force for every use that begins from now on.
    pub fn replace(&self, policy: Policy) {
        let policy = Arc::new(policy);
        match self.0.write() {
            Ok(mut current) => *current = policy,
            Err(poisoned) => *poisoned.into_inner() = policy,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_taken_before_a_change_stays_whole_and_the_next_one_is_new() {
        let settings = Settings::from_lookup(|name| {
            (name == "ASSENT_ORG_NAME").then(|| "Example Org".to_owned())
        })
        .expect("defaults");
        let base = Url::parse("https://news.example.org/").expect("url");
        let current = CurrentPolicy::new(Policy::from_settings(&settings, base));
        let before = current.get();
        current.replace(Policy {
            org_name: "Acme Workshop".into(),
            ..(*before).clone()
        });
        assert_eq!(before.org_name, "Example Org");
        assert_eq!(current.get().org_name, "Acme Workshop");
        assert_eq!(
            before.url("/unsubscribe/x"),
            "https://news.example.org/unsubscribe/x"
        );
    }
}
