//! The address parser, on any text: it answers, and what it accepts parses
//! again to itself and holds no character a mail header could be split on.
#![no_main]

use assent::domain::SubscriberEmail;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(email) = SubscriberEmail::parse(input) {
        let text = email.as_str();
        assert!(!text.chars().any(|c| c.is_control() || c.is_whitespace()));
        assert!(text.len() <= 254);
        let again = SubscriberEmail::parse(text).expect("an accepted address parses again");
        assert_eq!(again.as_str(), text);
    }
});
