//! Consent as evidence (contract §5): every change of a subscription is an
//! appended event that says what was done, how, from where, and under which
//! wording.

use super::sql::text_enum;

text_enum!(
    /// A subscription's state.
    Status {
        Pending => "pending",
        Confirmed => "confirmed",
        Unsubscribed => "unsubscribed",
    }
);

text_enum!(
    /// The kind of act an event records.
    Act {
        /// A signup asked for the subscription; it stays pending until confirmed.
        Requested => "requested",
        /// The recipient pressed the confirm button: the positive act of consent.
        Confirmed => "confirmed",
        /// The recipient said a pending request wasn't theirs.
        Declined => "declined",
        Unsubscribed => "unsubscribed",
        /// An operator sent the confirmation request again.
        ConfirmationResent => "confirmation_resent",
        /// A confirmed subscriber pressed "Keep me subscribed": consent
        /// given anew.
        Reconfirmed => "reconfirmed",
    }
);

text_enum!(
    /// How the act reached us.
    Channel {
        Form => "form",
        Api => "api",
        ConfirmButton => "confirm_button",
        OneClick => "one_click",
        UnsubscribePage => "unsubscribe_page",
        Operator => "operator",
        Import => "import",
        /// The address bounced for good (or three times within a week).
        Bounce => "bounce",
        /// The recipient marked a message as spam.
        Complaint => "complaint",
        /// No answer to a reconfirmation request within its grace.
        Expiry => "expiry",
        /// The person's own page.
        Preferences => "preferences",
        /// The button of a reconfirmation request.
        ReconfirmButton => "reconfirm_button",
    }
);

/// Where an act came from, as the request showed it.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Evidence {
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    /// The page or form the act was made on (the Referer, or the URL path).
    pub source: Option<String>,
}

impl Evidence {
    /// Header values are client input: bound their size before storing them.
    pub fn new(client_ip: Option<String>, user_agent: Option<&str>, source: Option<&str>) -> Self {
        fn bounded(text: &str) -> String {
            text.chars().filter(|c| !c.is_control()).take(512).collect()
        }
        Self {
            client_ip,
            user_agent: user_agent.map(bounded),
            source: source.map(bounded),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_round_trips_through_its_text() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(*s));
        }
        for a in Act::ALL {
            assert_eq!(Act::parse(a.as_str()), Some(*a));
        }
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(*c));
        }
        assert_eq!(Status::parse("deleted"), None);
    }

    #[test]
    fn evidence_is_bounded() {
        let e = Evidence::new(None, Some(&"x".repeat(2000)), Some("a\nb"));
        assert_eq!(e.user_agent.map(|u| u.len()), Some(512));
        assert_eq!(e.source.as_deref(), Some("ab"));
    }
}
