//! What stands between this configuration and mail that providers accept
//! (contract §15): said in the log at start and on the dashboard until it
//! is fixed, since assent runs either way.

use lettre::message::Mailbox;
use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendingWarning {
    /// Mail goes to a relay, but the links in it are http: RFC 8058
    /// one-click needs https, so Gmail and Yahoo offer no unsubscribe.
    PlainHttpLinks,
    /// Mail goes to a relay from an address at `localhost`, which no
    /// provider takes for a sender.
    LocalhostSender,
    /// No relay: mail is only written as files.
    FilesOnly,
}

impl SendingWarning {
    /// The warnings that hold for these settings, the gravest first.
    pub fn find(relay: bool, base_url: &Url, from: &Mailbox) -> Vec<Self> {
        if !relay {
            return vec![SendingWarning::FilesOnly];
        }
        let mut found = Vec::new();
        if base_url.scheme() != "https" {
            found.push(SendingWarning::PlainHttpLinks);
        }
        let domain = from
            .email
            .domain()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        if domain == "localhost" || domain.ends_with(".localhost") {
            found.push(SendingWarning::LocalhostSender);
        }
        found
    }

    /// The id of its sentence in the catalogs.
    pub fn message_id(self) -> &'static str {
        match self {
            SendingWarning::PlainHttpLinks => "warning-plain-http",
            SendingWarning::LocalhostSender => "warning-localhost-sender",
            SendingWarning::FilesOnly => "warning-files-only",
        }
    }

    /// The line the log says at start.
    pub fn log_line(self) -> &'static str {
        match self {
            SendingWarning::PlainHttpLinks => {
                "ASSENT_BASE_URL is not https while mail goes to a relay: Gmail and Yahoo will not offer one-click unsubscribe (RFC 8058)"
            }
            SendingWarning::LocalhostSender => {
                "ASSENT_MAIL_FROM is an address at localhost while mail goes to a relay: providers will refuse it or file it as spam"
            }
            SendingWarning::FilesOnly => {
                "ASSENT_SMTP_URL is unset: mail is only written as files, nobody receives it"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(text: &str) -> Mailbox {
        text.parse().expect("a mailbox")
    }

    #[test]
    fn a_relay_needs_https_links_and_a_real_sender() {
        let http = Url::parse("http://news.example.com").unwrap();
        let https = Url::parse("https://news.example.com").unwrap();
        let local = from("News <news@localhost>");
        let real = from("News <news@example.com>");
        use SendingWarning::*;
        assert_eq!(SendingWarning::find(false, &https, &real), vec![FilesOnly]);
        assert_eq!(SendingWarning::find(true, &https, &real), vec![]);
        assert_eq!(
            SendingWarning::find(true, &http, &local),
            vec![PlainHttpLinks, LocalhostSender]
        );
        assert_eq!(
            SendingWarning::find(true, &https, &from("a@mail.localhost")),
            vec![LocalhostSender]
        );
    }
}
