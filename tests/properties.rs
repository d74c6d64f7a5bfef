//! Properties of the parsers a client's bytes meet first: the address
//! parser, the link token parser, and the form and JSON decoders. For any
//! input they answer without panicking, and what they accept holds the
//! promises the rest of the server relies on.

use assent::domain::{LinkRef, LinkToken, SubscriberEmail, Token, TokenId};
use assent::routes::api::subscribe;
use assent::routes::body::decode_urlencoded;
use proptest::prelude::*;

/// Strings with the characters that break things more often than chance.
fn nasty() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            any::<char>(),
            prop::sample::select(vec![
                '@', '.', '+', '-', '=', '"', '\\', '\r', '\n', '\0', ' ', '\t', '[', ']', 'a',
                'Z', '9', 'é', 'ß', '\u{202e}', '\u{feff}', '😀', '%', '&',
            ]),
        ],
        0..80,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn an_accepted_address_is_safe_to_put_in_a_header_and_parses_again(input in nasty()) {
        if let Ok(email) = SubscriberEmail::parse(&input) {
            let text = email.as_str();
            prop_assert!(!text.chars().any(|c| c.is_control() || c.is_whitespace()));
            prop_assert!(text.len() <= 254);
            prop_assert_eq!(text.matches('@').count(), 1);
            prop_assert!(email.domain().is_ascii(), "the domain is stored as A-labels");
            let again = SubscriberEmail::parse(text).expect("an accepted address parses again");
            prop_assert_eq!(again.as_str(), text);
            prop_assert_eq!(again.key(), email.key());
        }
    }

    #[test]
    fn ordinary_addresses_are_accepted_as_typed(
        local in "[a-zA-Z0-9][a-zA-Z0-9._+-]{0,30}",
        domain in "[a-z][a-z0-9-]{0,20}[a-z0-9]",
        tld in "[a-z]{2,6}",
    ) {
        // A label with "--" as its third and fourth characters is reserved
        // for IDNA ("xn--0" is a broken A-label): not an ordinary domain.
        prop_assume!(domain.get(2..4) != Some("--"));
        let typed = format!("{local}@{domain}.{tld}");
        let email = SubscriberEmail::parse(&typed).expect("an ordinary address");
        prop_assert_eq!(email.as_str(), typed.as_str());
        prop_assert!(!email.key().contains('+') || local.starts_with('+'));
    }

    #[test]
    fn any_text_is_a_link_token_or_refused(input in nasty()) {
        if let Some(LinkRef::Named(token)) = LinkRef::parse(&input) {
            prop_assert!(token.id().0 > 0);
            prop_assert_eq!(LinkRef::parse(&token.to_string()), Some(LinkRef::Named(token)));
        }
    }

    #[test]
    fn a_link_token_parses_back_from_its_text(id in 1i64..=999_999_999_999_999_999) {
        let token = LinkToken::new(TokenId(id), Token::generate().expect("entropy"));
        let text = token.to_string();
        prop_assert_eq!(LinkRef::parse(&text), Some(LinkRef::Named(token.clone())));
        // One character more or less is never the same token.
        for changed in [format!("{text}x"), text[..text.len() - 1].to_owned()] {
            prop_assert_ne!(LinkRef::parse(&changed), Some(LinkRef::Named(token.clone())));
        }
    }

    #[test]
    fn any_bytes_decode_as_a_form_or_are_refused(body in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = decode_urlencoded(&body);
    }

    #[test]
    fn a_form_decodes_to_the_fields_it_was_made_of(
        fields in prop::collection::vec((nasty(), nasty()), 0..8),
    ) {
        let body = serde_urlencoded::to_string(&fields).expect("encodes");
        let has_nul = fields.iter().any(|(k, v)| k.contains('\0') || v.contains('\0'));
        match decode_urlencoded(body.as_bytes()) {
            Ok(decoded) => prop_assert_eq!(decoded, fields),
            Err(_) => prop_assert!(has_nul, "refused without a NUL"),
        }
    }

    #[test]
    fn any_bytes_decode_as_a_json_signup_or_are_refused(body in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = subscribe::decode(&body);
    }

    #[test]
    fn a_json_signup_keeps_its_fields_or_names_the_wrong_one(
        email in nasty(),
        name in nasty(),
        list in nasty(),
        altcha in nasty(),
    ) {
        let body = serde_json::json!({"email": email, "name": name, "list": list, "altcha": altcha});
        match subscribe::decode(body.to_string().as_bytes()) {
            Ok(signup) => {
                let typed = SubscriberEmail::parse(&email).expect("accepted");
                prop_assert_eq!(signup.email.as_str(), typed.as_str());
                prop_assert_eq!(signup.altcha.as_deref(), Some(altcha.as_str()));
                prop_assert_eq!(signup.list.as_deref(), Some(list.trim()).filter(|l| !l.is_empty()));
            }
            Err(subscribe::ApiError::Invalid { field, .. }) => {
                prop_assert!(["email", "name", "list"].contains(&field));
            }
            Err(other) => prop_assert!(false, "a JSON object refused as {other}"),
        }
    }
}

/// PostgreSQL refuses NUL in text, and no field a person fills holds one.
#[test]
fn a_form_with_a_nul_byte_is_unreadable() {
    assert!(decode_urlencoded(b"email=a%00b%40example.com").is_err());
    assert!(decode_urlencoded(b"na%00me=x").is_err());
    assert!(decode_urlencoded(b"email=ab%40example.com").is_ok());
}
