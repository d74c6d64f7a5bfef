//! Bounces and complaints (contract §9): what mail providers report, read
//! from their own formats, and what it does. A hard bounce or a complaint
//! ends every subscription of the address (a consent event with channel
//! `bounce` or `complaint`), cancels its queued mail and keeps broadcasts
//! from it until it is confirmed again; three soft bounces within a week
//! count as a hard one.

use diesel::Connection;
use serde_json::Value;

use super::double_opt_in::end_subscription;
use super::webhooks::Webhooks;
use super::{ServiceError, Services};
use crate::db::{self, DbConn, bounces, subscribers, subscriptions};
use crate::domain::{BounceKind, Channel, Evidence, SubscriberEmail};

/// Soft bounces within this window…
const SOFT_WINDOW_MS: i64 = 7 * 86_400_000;
/// …that count as a hard one.
const SOFT_LIMIT: i64 = 3;

/// One address a provider reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub email: String,
    pub kind: BounceKind,
}

/// What a notification turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The format it came in: `json`, `ses`, `postmark`, `sendgrid`,
    /// `mailgun`.
    pub format: &'static str,
    pub reports: Vec<Report>,
    /// An SNS subscription waits for this address to be opened: an https
    /// address at Amazon's, written out as a URL, so that it cannot carry
    /// a line break into the log.
    pub subscribe_url: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormatError {
    #[error("the body is not JSON")]
    NotJson,
    #[error("the body is not a bounce notification assent knows: {0}")]
    Unknown(&'static str),
}

/// Reads a notification in any of the formats of §9.
pub fn parse(body: &[u8]) -> Result<Notification, FormatError> {
    let value: Value = serde_json::from_slice(body).map_err(|_| FormatError::NotJson)?;
    let items = match &value {
        Value::Array(items) => items.as_slice(),
        single => std::slice::from_ref(single),
    };
    let first = items.first().ok_or(FormatError::Unknown("an empty list"))?;
    if first.get("event-data").is_some() {
        Ok(Notification {
            format: "mailgun",
            reports: items.iter().filter_map(mailgun).collect(),
            subscribe_url: None,
        })
    } else if first.get("Type").is_some() && first.get("TopicArn").is_some() {
        ses(first)
    } else if first.get("RecordType").is_some() {
        Ok(Notification {
            format: "postmark",
            reports: items.iter().filter_map(postmark).collect(),
            subscribe_url: None,
        })
    } else if first.get("event").is_some() {
        Ok(Notification {
            format: "sendgrid",
            reports: items.iter().filter_map(sendgrid).collect(),
            subscribe_url: None,
        })
    } else if first.get("kind").is_some() {
        let reports = items
            .iter()
            .map(generic)
            .collect::<Option<Vec<_>>>()
            .ok_or(FormatError::Unknown(
                "each item needs \"email\" and a \"kind\" of hard, soft or complaint",
            ))?;
        Ok(Notification {
            format: "json",
            reports,
            subscribe_url: None,
        })
    } else {
        Err(FormatError::Unknown("no known field"))
    }
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key)?.as_str()
}

/// `{"email": …, "kind": "hard"|"soft"|"complaint"}`
fn generic(item: &Value) -> Option<Report> {
    Some(Report {
        email: text(item, "email")?.to_owned(),
        kind: BounceKind::parse(text(item, "kind")?)?,
    })
}

/// The address an SNS subscription asks to be opened, when it is one of
/// Amazon's over https; serialised by the URL parser, which leaves no
/// control character in it.
fn amazon_url(text: &str) -> Option<String> {
    if text.chars().any(char::is_control) {
        return None;
    }
    let url = url::Url::parse(text).ok()?;
    let host = url.host_str()?;
    (url.scheme() == "https" && host.ends_with(".amazonaws.com")).then(|| url.to_string())
}

/// Amazon SES through SNS: the SES notification is a JSON string inside
/// the SNS envelope.
fn ses(envelope: &Value) -> Result<Notification, FormatError> {
    let mut notification = Notification {
        format: "ses",
        reports: Vec::new(),
        subscribe_url: None,
    };
    match text(envelope, "Type") {
        Some("SubscriptionConfirmation") => {
            notification.subscribe_url = text(envelope, "SubscribeURL").and_then(amazon_url);
            return Ok(notification);
        }
        Some("Notification") => {}
        _ => return Ok(notification),
    }
    let message: Value = text(envelope, "Message")
        .and_then(|m| serde_json::from_str(m).ok())
        .ok_or(FormatError::Unknown(
            "an SNS notification without an SES message",
        ))?;
    let kind_of = text(&message, "notificationType").or_else(|| text(&message, "eventType"));
    let (kind, recipients) = match kind_of {
        Some("Bounce") => {
            let bounce = &message["bounce"];
            let kind = match text(bounce, "bounceType") {
                Some("Permanent") => BounceKind::Hard,
                // Transient, and Undetermined: SES could not tell.
                _ => BounceKind::Soft,
            };
            (kind, &bounce["bouncedRecipients"])
        }
        Some("Complaint") => (
            BounceKind::Complaint,
            &message["complaint"]["complainedRecipients"],
        ),
        _ => return Ok(notification),
    };
    notification.reports = recipients
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|r| text(r, "emailAddress"))
        .map(|email| Report {
            email: email.to_owned(),
            kind,
        })
        .collect();
    Ok(notification)
}

/// Postmark's bounce and spam complaint webhooks.
fn postmark(item: &Value) -> Option<Report> {
    let kind = match (text(item, "RecordType")?, text(item, "Type")) {
        ("SpamComplaint", _) | ("Bounce", Some("SpamComplaint")) => BounceKind::Complaint,
        ("Bounce", Some("HardBounce" | "BadEmailAddress" | "ManuallyDeactivated")) => {
            BounceKind::Hard
        }
        ("Bounce", Some("Transient" | "SoftBounce" | "DnsError" | "Blocked" | "DMARCPolicy")) => {
            BounceKind::Soft
        }
        // Auto-responders, subscription changes and the like say nothing
        // of the address.
        _ => return None,
    };
    Some(Report {
        email: text(item, "Email")?.to_owned(),
        kind,
    })
}

/// Mailgun's event webhook: a failure, permanent (hard) or temporary
/// (soft), or a complaint.
fn mailgun(item: &Value) -> Option<Report> {
    let event = item.get("event-data")?;
    let kind = match (text(event, "event")?, text(event, "severity")) {
        ("failed", Some("permanent")) => BounceKind::Hard,
        ("failed", _) => BounceKind::Soft,
        ("complained", _) => BounceKind::Complaint,
        _ => return None,
    };
    Some(Report {
        email: text(event, "recipient")?.to_owned(),
        kind,
    })
}

/// SendGrid's event webhook: only bounce, dropped and spam report act.
fn sendgrid(item: &Value) -> Option<Report> {
    let kind = match (text(item, "event")?, text(item, "type")) {
        ("bounce", Some("blocked")) => BounceKind::Soft,
        ("bounce", _) | ("dropped", _) => BounceKind::Hard,
        ("spamreport", _) => BounceKind::Complaint,
        _ => return None,
    };
    Some(Report {
        email: text(item, "email")?.to_owned(),
        kind,
    })
}

/// Acts on every report of a notification; returns how many were read.
pub async fn process(
    services: &Services,
    notification: Notification,
    evidence: Evidence,
) -> Result<usize, ServiceError> {
    let clock = services.clock.clone();
    let count = notification.reports.len();
    let source = format!("bounce webhook ({})", notification.format);
    let hooks = services.webhooks.clone();
    services
        .db
        .write(move |c| {
            c.transaction(|c| {
                for report in &notification.reports {
                    record(c, &hooks, report, &source, &evidence, clock.now().ms())?;
                }
                Ok::<_, ServiceError>(())
            })
        })
        .await?;
    Ok(count)
}

/// Records one report and does what it calls for, inside the caller's
/// transaction. An address assent does not know is ignored.
pub(crate) fn record(
    conn: &mut DbConn,
    hooks: &Webhooks,
    report: &Report,
    source: &str,
    evidence: &Evidence,
    now: i64,
) -> Result<(), ServiceError> {
    let Ok(email) = SubscriberEmail::parse(&report.email) else {
        return Ok(());
    };
    for subscriber in subscriptions::same_address(conn, &email)? {
        bounces::record(conn, subscriber.id, report.kind, source, now)?;
        let channel = match report.kind {
            BounceKind::Complaint => Channel::Complaint,
            BounceKind::Hard => Channel::Bounce,
            BounceKind::Soft => {
                let soft = bounces::soft_since(conn, subscriber.id, now - SOFT_WINDOW_MS)?;
                if soft < SOFT_LIMIT {
                    continue;
                }
                Channel::Bounce
            }
        };
        bounces::suppress(conn, subscriber.id, now)?;
        let evidence = Evidence {
            source: Some(source.to_owned()),
            ..evidence.clone()
        };
        for (subscription, ..) in subscribers::subscriptions_of(conn, subscriber.id)? {
            db::backend::lock_subscription(conn, subscription.id)?;
            let subscription = subscriptions::by_id(conn, subscription.id)?;
            end_subscription(conn, hooks, &subscription, channel, &evidence, now)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Notification {
        let path = format!(
            "{}/tests/fixtures/bounces/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        parse(&std::fs::read(&path).expect("fixture")).expect(name)
    }

    fn reports(name: &str) -> Vec<(String, BounceKind)> {
        fixture(name)
            .reports
            .into_iter()
            .map(|r| (r.email, r.kind))
            .collect()
    }

    fn one(email: &str, kind: BounceKind) -> Vec<(String, BounceKind)> {
        vec![(email.to_owned(), kind)]
    }

    #[test]
    fn ses_through_sns() {
        use BounceKind::*;
        assert_eq!(
            reports("ses_sns_bounce_permanent"),
            one("hard.bounce@example.com", Hard)
        );
        assert_eq!(
            reports("ses_sns_bounce_transient"),
            one("soft.bounce@example.com", Soft)
        );
        assert_eq!(
            reports("ses_sns_complaint"),
            one("complaint@example.com", Complaint)
        );
        let confirmation = fixture("ses_sns_subscription_confirmation");
        assert!(confirmation.reports.is_empty());
        assert!(
            confirmation
                .subscribe_url
                .is_some_and(|u| u.starts_with("https://sns."))
        );
    }

    #[test]
    fn an_sns_subscribe_url_is_an_amazon_https_address_on_one_line() {
        let ok = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=x";
        assert_eq!(amazon_url(ok).as_deref(), Some(ok));
        for bad in [
            "https://sns.eu-west-1.amazonaws.com/?a=1\n2026-12-07 INFO admin signed in",
            "https://sns.eu-west-1.amazonaws.com/\r\nx",
            "http://sns.eu-west-1.amazonaws.com/",
            "https://evil.test/?sns.amazonaws.com",
            "https://amazonaws.com.evil.test/",
        ] {
            assert_eq!(amazon_url(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn mailgun_failures_and_complaints() {
        use BounceKind::*;
        let one = |event: serde_json::Value| {
            let body = serde_json::json!({"signature": {}, "event-data": event}).to_string();
            let found = parse(body.as_bytes()).expect("read");
            assert_eq!(found.format, "mailgun");
            found
                .reports
                .into_iter()
                .map(|r| (r.email, r.kind))
                .collect::<Vec<_>>()
        };
        let at = "a@example.com";
        assert_eq!(
            one(serde_json::json!({"event": "failed", "severity": "permanent", "recipient": at})),
            vec![(at.to_owned(), Hard)]
        );
        assert_eq!(
            one(serde_json::json!({"event": "failed", "severity": "temporary", "recipient": at})),
            vec![(at.to_owned(), Soft)]
        );
        assert_eq!(
            one(serde_json::json!({"event": "complained", "recipient": at})),
            vec![(at.to_owned(), Complaint)]
        );
        assert!(one(serde_json::json!({"event": "delivered", "recipient": at})).is_empty());
    }

    #[test]
    fn postmark() {
        use BounceKind::*;
        assert_eq!(
            reports("postmark_bounce_hard"),
            one("pm.hard@example.com", Hard)
        );
        assert_eq!(
            reports("postmark_bounce_soft"),
            one("pm.soft@example.com", Soft)
        );
        assert_eq!(
            reports("postmark_spam_complaint"),
            one("pm.spam@example.com", Complaint)
        );
    }

    #[test]
    fn sendgrid_acts_on_bounces_drops_and_spam_reports_only() {
        use BounceKind::*;
        let mut found = reports("sendgrid_events");
        found.sort_by(|a, b| a.0.cmp(&b.0));
        let mut expected = vec![
            ("sg.bounce@example.com".to_owned(), Hard),
            ("sg.blocked@example.com".to_owned(), Soft),
            ("sg.dropped@example.com".to_owned(), Hard),
            ("sg.spam@example.com".to_owned(), Complaint),
        ];
        expected.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(found, expected);
    }

    #[test]
    fn the_generic_format_and_what_is_refused() {
        let single = parse(br#"{"email": "a@example.com", "kind": "hard"}"#).unwrap();
        assert_eq!(single.reports.len(), 1);
        let many = parse(
            br#"[{"email": "a@example.com", "kind": "soft"}, {"email": "b@example.com", "kind": "complaint"}]"#,
        )
        .unwrap();
        assert_eq!(many.reports.len(), 2);
        assert_eq!(parse(b"not json"), Err(FormatError::NotJson));
        assert!(parse(br#"{"email": "a@example.com", "kind": "maybe"}"#).is_err());
        assert!(parse(br#"{"hello": 1}"#).is_err());
        assert!(parse(b"[]").is_err());
    }
}
