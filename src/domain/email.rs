//! A subscriber's email address, checked once when it enters the system.
//!
//! The accepted syntax is the WHATWG `input type=email` rule, so the server
//! agrees with the browser's own form validation, plus a few restrictions
//! of our own: an ASCII-only local part, no IP addresses, and the SMTP
//! length limits.

use std::fmt;

use crate::i18n::Lang;

/// RFC 5321 limit for the part before the `@`.
const MAX_LOCAL_PART_LEN: usize = 64;
/// RFC 5321 path limit (256) minus the surrounding angle brackets.
const MAX_ADDRESS_LEN: usize = 254;
/// DNS limit for a single label.
const MAX_LABEL_LEN: usize = 63;
/// Symbols the WHATWG local-part class allows besides ASCII letters and digits.
const LOCAL_PART_SYMBOLS: &[u8] = b".!#$%&'*+/=?^_`{|}~-";

/// A syntactically valid email address: the local part exactly as typed,
/// an `@`, and the domain in lowercase A-label (punycode) form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubscriberEmail(String);

/// Why an input is not accepted as an email address.
///
/// The messages are shown to visitors next to the form field, so they never
/// echo the input back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Please enter your email address.")]
    Empty,
    #[error("An email address cannot contain spaces, line breaks or other invisible characters.")]
    ForbiddenCharacter,
    #[error("Please include an @ in the email address, like name@example.com.")]
    MissingAt,
    #[error("An email address can contain only one @.")]
    MultipleAt,
    #[error("Please enter the part before the @.")]
    EmptyLocalPart,
    #[error(
        "The part before the @ must use ASCII characters only; accented or non-Latin letters are not accepted there."
    )]
    NonAsciiLocalPart,
    #[error(
        "The part before the @ may only use letters, digits and the symbols . ! # $ % & ' * + / = ? ^ _ ` {{ | }} ~ and -."
    )]
    InvalidLocalPart,
    #[error("The part before the @ is too long; it can be at most 64 characters.")]
    LocalPartTooLong,
    #[error("Please enter the part after the @, like example.com.")]
    EmptyDomain,
    #[error(
        "Addresses at an IP address are not accepted; please use a domain name, like example.com."
    )]
    IpAddress,
    #[error(
        "The part after the @ is not a valid domain name; use one like example.com, made of letters, digits and hyphens separated by single dots."
    )]
    InvalidDomain,
    #[error("The email address is too long; it can be at most 254 characters.")]
    TooLong,
}

impl EmailError {
    /// The message for a visitor, in their language.
    pub fn describe(&self, lang: Lang) -> String {
        lang.t(self.message_id())
    }

    /// The catalog id of [`EmailError::describe`].
    pub fn message_id(&self) -> &'static str {
        match self {
            EmailError::Empty => "email-error-empty",
            EmailError::ForbiddenCharacter => "email-error-forbidden-character",
            EmailError::MissingAt => "email-error-missing-at",
            EmailError::MultipleAt => "email-error-multiple-at",
            EmailError::EmptyLocalPart => "email-error-empty-local-part",
            EmailError::NonAsciiLocalPart => "email-error-non-ascii-local-part",
            EmailError::InvalidLocalPart => "email-error-invalid-local-part",
            EmailError::LocalPartTooLong => "email-error-local-part-too-long",
            EmailError::EmptyDomain => "email-error-empty-domain",
            EmailError::IpAddress => "email-error-ip-address",
            EmailError::InvalidDomain => "email-error-invalid-domain",
            EmailError::TooLong => "email-error-too-long",
        }
    }
}

impl SubscriberEmail {
    /// Parses user input into an email address, or explains why it is not one.
    ///
    /// # Errors
    ///
    /// Returns the [`EmailError`] for the first rule the input breaks.
    pub fn parse(input: &str) -> Result<SubscriberEmail, EmailError> {
        // Browsers strip exactly the WHATWG "ASCII whitespace" set, which is
        // what `char::is_ascii_whitespace` matches.
        let trimmed = input.trim_matches(|c: char| c.is_ascii_whitespace());
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        // Checked before anything else so CR/LF can never reach a mail header.
        if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailError::ForbiddenCharacter);
        }

        let (local, domain) = match trimmed.split_once('@') {
            None => return Err(EmailError::MissingAt),
            Some((_, domain)) if domain.contains('@') => return Err(EmailError::MultipleAt),
            Some(parts) => parts,
        };

        check_local_part(local)?;
        let domain = to_ascii_domain(domain)?;

        if local.len() + 1 + domain.len() > MAX_ADDRESS_LEN {
            return Err(EmailError::TooLong);
        }
        Ok(SubscriberEmail(format!("{local}@{domain}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`, exactly as typed.
    pub fn local_part(&self) -> &str {
        // The `@` is always present by construction.
        self.0.split_once('@').map_or("", |(local, _)| local)
    }

    /// The part after the `@`, lowercase and in A-label (punycode) form.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map_or("", |(_, domain)| domain)
    }

    /// The mailbox this address most likely reaches, for counting what is
    /// sent to it: lowercase, without a `+tag`. `Ada+news@Example.com` and
    /// `ada@example.com` have one key. The address itself is stored as typed.
    pub fn key(&self) -> String {
        let local = self.local_part();
        let untagged = match local.split_once('+') {
            Some((base, _)) if !base.is_empty() => base,
            _ => local,
        };
        format!("{untagged}@{}", self.domain()).to_ascii_lowercase()
    }
}

impl AsRef<str> for SubscriberEmail {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SubscriberEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn check_local_part(local: &str) -> Result<(), EmailError> {
    if local.is_empty() {
        return Err(EmailError::EmptyLocalPart);
    }
    // Reported separately: it is a common, understandable mistake, and
    // SMTPUTF8 support cannot be relied on along the delivery path.
    if !local.is_ascii() {
        return Err(EmailError::NonAsciiLocalPart);
    }
    let allowed = |b: &u8| b.is_ascii_alphanumeric() || LOCAL_PART_SYMBOLS.contains(b);
    if !local.as_bytes().iter().all(allowed) {
        return Err(EmailError::InvalidLocalPart);
    }
    if local.len() > MAX_LOCAL_PART_LEN {
        return Err(EmailError::LocalPartTooLong);
    }
    Ok(())
}

/// Validates the domain and returns its lowercase A-label form.
fn to_ascii_domain(domain: &str) -> Result<String, EmailError> {
    if domain.is_empty() {
        return Err(EmailError::EmptyDomain);
    }
    if domain.starts_with('[') && domain.ends_with(']') {
        return Err(EmailError::IpAddress);
    }

    // The URL deny list is the browser's own "domain to ASCII" behaviour.
    let ascii = idna::domain_to_ascii_cow(domain.as_bytes(), idna::AsciiDenyList::URL)
        .map_err(|_| EmailError::InvalidDomain)?
        .to_ascii_lowercase();

    if !ascii.split('.').all(is_valid_label) {
        return Err(EmailError::InvalidDomain);
    }
    // After IDNA mapping, so full-width digits cannot slip past.
    if ends_in_number(&ascii) {
        return Err(EmailError::IpAddress);
    }
    Ok(ascii)
}

/// WHATWG host label: `[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?`.
fn is_valid_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            bytes.len() <= MAX_LABEL_LEN
                && first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        }
        _ => false,
    }
}

/// The WHATWG URL "ends in a number" test: such hosts are IPv4 addresses
/// (`192.168.0.1`, but also `127.1`, `0x7f.1` or `2130706433`, which system
/// resolvers accept too), and no real top-level domain is numeric.
fn ends_in_number(domain: &str) -> bool {
    let last = domain.rsplit_once('.').map_or(domain, |(_, last)| last);
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    last.strip_prefix("0x")
        .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::{EmailError, SubscriberEmail};

    fn parse_ok(input: &str) -> SubscriberEmail {
        match SubscriberEmail::parse(input) {
            Ok(email) => email,
            Err(err) => panic!("{input:?} was rejected: {err:?}"),
        }
    }

    fn assert_err(input: &str, expected: EmailError) {
        assert_eq!(
            SubscriberEmail::parse(input),
            Err(expected),
            "input: {input:?}"
        );
    }

    /// A domain of exactly `len` octets made of 63-octet labels.
    fn domain_of_len(len: usize) -> String {
        let mut labels = Vec::new();
        let mut remaining = len;
        let mut letter = b'a';
        while remaining > 0 {
            // Leave room for at least one more character after a dot.
            let take = if remaining > 63 {
                63.min(remaining - 2)
            } else {
                remaining
            };
            labels.push(String::from(char::from(letter)).repeat(take));
            letter += 1;
            remaining -= take;
            remaining = remaining.saturating_sub(1);
        }
        let domain = labels.join(".");
        assert_eq!(domain.len(), len);
        domain
    }

    // --- accepted addresses ---

    #[test]
    fn plain_address_is_accepted() {
        let email = parse_ok("ursula@example.com");
        assert_eq!(email.as_str(), "ursula@example.com");
        assert_eq!(email.local_part(), "ursula");
        assert_eq!(email.domain(), "example.com");
    }

    #[test]
    fn the_key_is_lowercase_and_untagged() {
        for (typed, key) in [
            ("Victim@Example.com", "victim@example.com"),
            ("VICTIM@example.com", "victim@example.com"),
            ("victim+1@example.com", "victim@example.com"),
            ("Victim+a+b@example.com", "victim@example.com"),
            ("+tag@example.com", "+tag@example.com"),
        ] {
            let email = parse_ok(typed);
            assert_eq!(email.key(), key, "{typed}");
            assert_eq!(
                email.as_str(),
                typed.replace("Example", "example"),
                "stored as typed"
            );
        }
    }

    #[test]
    fn plus_addressing_is_accepted() {
        let email = parse_ok("ursula+newsletter@example.com");
        assert_eq!(email.local_part(), "ursula+newsletter");
    }

    #[test]
    fn dots_are_accepted_anywhere_in_the_local_part() {
        // WHATWG allows leading, trailing and consecutive dots.
        for input in [
            "first.last@example.com",
            ".first@example.com",
            "last.@example.com",
            "a..b@example.com",
        ] {
            assert_eq!(parse_ok(input).as_str(), input);
        }
    }

    #[test]
    fn every_whatwg_local_part_symbol_is_accepted() {
        let input = "a.!#$%&'*+/=?^_`{|}~-Z9@example.com";
        assert_eq!(parse_ok(input).as_str(), input);
    }

    #[test]
    fn single_label_domain_is_accepted() {
        let email = parse_ok("admin@localhost");
        assert_eq!(email.domain(), "localhost");
    }

    #[test]
    fn domain_is_lowercased_but_local_part_keeps_its_case() {
        let email = parse_ok("John.Doe@EXAMPLE.Com");
        assert_eq!(email.as_str(), "John.Doe@example.com");
        assert_eq!(email.local_part(), "John.Doe");
        assert_eq!(email.domain(), "example.com");
    }

    #[test]
    fn hyphens_and_digits_inside_labels_are_accepted() {
        assert_eq!(
            parse_ok("a@mail-1.ex--ample.co.uk").domain(),
            "mail-1.ex--ample.co.uk"
        );
        assert_eq!(parse_ok("a@123.example.com").domain(), "123.example.com");
    }

    #[test]
    fn internationalised_domain_is_stored_as_a_label() {
        let email = parse_ok("leser@bücher.example");
        assert_eq!(email.as_str(), "leser@xn--bcher-kva.example");
        assert_eq!(email.domain(), "xn--bcher-kva.example");

        assert_eq!(
            parse_ok("Leser@BÜCHER.Example").as_str(),
            "Leser@xn--bcher-kva.example"
        );
        assert_eq!(
            parse_ok("test@例え.テスト").domain(),
            "xn--r8jz45g.xn--zckzah"
        );
        assert_eq!(parse_ok("a@münchen.de").domain(), "xn--mnchen-3ya.de");
    }

    #[test]
    fn a_label_input_is_accepted_and_lowercased() {
        assert_eq!(
            parse_ok("a@XN--BCHER-KVA.example").domain(),
            "xn--bcher-kva.example"
        );
    }

    #[test]
    fn full_width_dot_in_domain_is_mapped_like_browsers_do() {
        assert_eq!(parse_ok("a@example\u{3002}com").domain(), "example.com");
    }

    #[test]
    fn surrounding_ascii_whitespace_is_trimmed() {
        let email = parse_ok(" \t\r\n\u{c}user@example.com \r\n\t");
        assert_eq!(email.as_str(), "user@example.com");
    }

    #[test]
    fn display_and_as_ref_match_as_str() {
        let email = parse_ok("user@Example.com");
        assert_eq!(email.to_string(), "user@example.com");
        assert_eq!(email.as_ref(), "user@example.com");
    }

    #[test]
    fn equal_inputs_up_to_domain_case_give_equal_values() {
        assert_eq!(parse_ok("a@EXAMPLE.com"), parse_ok("a@example.COM"));
        assert_ne!(parse_ok("A@example.com"), parse_ok("a@example.com"));
    }

    // --- empty input and forbidden characters ---

    #[test]
    fn empty_or_blank_input_is_rejected() {
        for input in ["", " ", "\t\r\n ", "\u{c}"] {
            assert_err(input, EmailError::Empty);
        }
    }

    #[test]
    fn inner_whitespace_is_rejected() {
        for input in [
            "john doe@example.com",
            "john@exa mple.com",
            "john @example.com",
            "john@ example.com",
            "john\t@example.com",
            "john\u{a0}doe@example.com",
            "john@example.com\u{3000}x",
            "john\u{2028}@example.com",
        ] {
            assert_err(input, EmailError::ForbiddenCharacter);
        }
    }

    #[test]
    fn header_injection_is_rejected() {
        for input in [
            "a@example.com\r\nBcc: x@evil.com",
            "a@example.com\nBcc: x@evil.com",
            "a@example.com\rBcc:x@evil.com",
            "a\r\n@example.com",
        ] {
            assert_err(input, EmailError::ForbiddenCharacter);
        }
    }

    #[test]
    fn control_characters_are_rejected() {
        for input in [
            "a\0@example.com",
            "a@exam\u{7f}ple.com",
            "a@example.com\u{1b}",
            "a@example.com\u{85}",
            // Vertical tab is not WHATWG "ASCII whitespace", so it is not trimmed.
            "\u{b}a@example.com",
        ] {
            assert_err(input, EmailError::ForbiddenCharacter);
        }
    }

    // --- the @ sign ---

    #[test]
    fn missing_at_is_rejected() {
        for input in ["ursula", "ursula.example.com", "ursula＠example.com"] {
            assert_err(input, EmailError::MissingAt);
        }
    }

    #[test]
    fn two_at_signs_are_rejected() {
        for input in ["a@b@example.com", "a@@example.com", "@@", "a@example.com@"] {
            assert_err(input, EmailError::MultipleAt);
        }
    }

    #[test]
    fn empty_local_part_is_rejected() {
        assert_err("@example.com", EmailError::EmptyLocalPart);
        assert_err("@", EmailError::EmptyLocalPart);
    }

    #[test]
    fn empty_domain_is_rejected() {
        assert_err("ursula@", EmailError::EmptyDomain);
    }

    // --- local part ---

    #[test]
    fn non_ascii_local_part_has_its_own_error() {
        for input in [
            "jürgen@example.com",
            "用户@例子.广告",
            "ünïcödé@bücher.example",
            "a\u{200b}b@example.com",
            "😀@example.com",
        ] {
            assert_err(input, EmailError::NonAsciiLocalPart);
        }
    }

    #[test]
    fn non_ascii_local_part_message_mentions_ascii() {
        let message = EmailError::NonAsciiLocalPart.to_string();
        assert!(message.contains("before the @"), "{message}");
        assert!(message.contains("ASCII characters only"), "{message}");
    }

    #[test]
    fn quoted_local_part_is_rejected() {
        // The space is found first; without it the quotes themselves fail.
        assert_err("\"a b\"@example.com", EmailError::ForbiddenCharacter);
        assert_err("\"ab\"@example.com", EmailError::InvalidLocalPart);
    }

    #[test]
    fn markup_and_other_symbols_in_local_part_are_rejected() {
        for input in [
            "<script>@x.com",
            "a<b@example.com",
            "a(comment)@example.com",
            "a,b@example.com",
            "a;b@example.com",
            "a:b@example.com",
            "a\\b@example.com",
            "a[b]@example.com",
        ] {
            assert_err(input, EmailError::InvalidLocalPart);
        }
    }

    #[test]
    fn local_part_of_64_octets_is_accepted() {
        let local = "a".repeat(64);
        let email = parse_ok(&format!("{local}@example.com"));
        assert_eq!(email.local_part(), local);
    }

    #[test]
    fn local_part_of_65_octets_is_rejected() {
        let input = format!("{}@example.com", "a".repeat(65));
        assert_err(&input, EmailError::LocalPartTooLong);
    }

    // --- domain ---

    #[test]
    fn ip_literal_is_rejected() {
        for input in ["user@[192.168.0.1]", "user@[IPv6:2001:db8::1]", "user@[]"] {
            assert_err(input, EmailError::IpAddress);
        }
    }

    #[test]
    fn dotted_ipv4_domain_is_rejected() {
        for input in [
            "user@192.168.0.1",
            "user@127.0.0.1",
            "user@0.0.0.0",
            // Forms that resolvers also read as IPv4 addresses.
            "user@127.1",
            "user@2130706433",
            "user@0x7f.0.0.1",
            "user@0X7F.1",
            "user@999.1.1.1",
            // Full-width digits are mapped to ASCII digits by IDNA.
            "user@１９２.１６８.０.１",
        ] {
            assert_err(input, EmailError::IpAddress);
        }
    }

    #[test]
    fn ipv6_without_brackets_is_an_invalid_domain() {
        assert_err("user@::1", EmailError::InvalidDomain);
    }

    #[test]
    fn labels_with_leading_or_trailing_hyphen_are_rejected() {
        for input in ["a@-example.com", "a@example-.com", "a@example.-com", "a@-"] {
            assert_err(input, EmailError::InvalidDomain);
        }
    }

    #[test]
    fn label_of_63_octets_is_accepted_and_64_rejected() {
        let label63 = "l".repeat(63);
        assert_eq!(
            parse_ok(&format!("a@{label63}.com")).domain(),
            format!("{label63}.com")
        );
        assert_err(
            &format!("a@{}.com", "l".repeat(64)),
            EmailError::InvalidDomain,
        );
    }

    #[test]
    fn empty_labels_are_rejected() {
        for input in ["a@b..c", "a@.example.com", "a@example.com.", "a@.", "a@.."] {
            assert_err(input, EmailError::InvalidDomain);
        }
    }

    #[test]
    fn other_characters_in_domain_are_rejected() {
        for input in [
            "a@<script>.com",
            "a@example.com>",
            "a@ex_ample.com",
            "a@example.com:25",
            "a@example.com/path",
            "a@exa%mple.com",
            "a@example!.com",
            "a@[example.com",
            "a@example.com]",
            "a@ex\"ample.com",
        ] {
            assert_err(input, EmailError::InvalidDomain);
        }
    }

    #[test]
    fn invalid_idn_is_rejected() {
        // Invalid punycode, and a domain that maps to nothing at all.
        assert_err("a@xn--.example", EmailError::InvalidDomain);
        assert_err("a@\u{ad}", EmailError::InvalidDomain);
    }

    // --- total length ---

    #[test]
    fn address_of_254_octets_is_accepted() {
        let input = format!("a@{}", domain_of_len(252));
        assert_eq!(input.len(), 254);
        assert_eq!(parse_ok(&input).as_str(), input);

        let input = format!("{}@{}", "b".repeat(64), domain_of_len(189));
        assert_eq!(input.len(), 254);
        assert_eq!(parse_ok(&input).as_str(), input);
    }

    #[test]
    fn address_of_255_octets_is_rejected() {
        let input = format!("a@{}", domain_of_len(253));
        assert_eq!(input.len(), 255);
        assert_err(&input, EmailError::TooLong);

        let input = format!("{}@{}", "b".repeat(64), domain_of_len(190));
        assert_eq!(input.len(), 255);
        assert_err(&input, EmailError::TooLong);
    }

    #[test]
    fn length_is_measured_after_idn_conversion() {
        // 166 characters as typed, but the A-label domain makes it 264 octets.
        let input = format!("{}@{}com", "a".repeat(64), "bücher.".repeat(14));
        assert!(input.chars().count() <= 254);
        assert_err(&input, EmailError::TooLong);
    }

    #[test]
    fn surrounding_whitespace_does_not_count_towards_the_length() {
        let input = format!("   a@{}   ", domain_of_len(252));
        assert_eq!(parse_ok(&input).as_str().len(), 254);
    }

    // --- messages ---

    #[test]
    fn messages_are_short_sentences() {
        let all = [
            EmailError::Empty,
            EmailError::ForbiddenCharacter,
            EmailError::MissingAt,
            EmailError::MultipleAt,
            EmailError::EmptyLocalPart,
            EmailError::NonAsciiLocalPart,
            EmailError::InvalidLocalPart,
            EmailError::LocalPartTooLong,
            EmailError::EmptyDomain,
            EmailError::IpAddress,
            EmailError::InvalidDomain,
            EmailError::TooLong,
        ];
        for err in all {
            let message = err.to_string();
            assert!(message.ends_with('.'), "{message}");
            assert!(message.starts_with(char::is_uppercase), "{message}");
            assert!(message.len() < 160, "{message}");
        }
        assert_eq!(
            EmailError::Empty.to_string(),
            "Please enter your email address."
        );
        assert!(
            EmailError::InvalidLocalPart
                .to_string()
                .contains("` { | } ~ and -.")
        );
        assert!(EmailError::LocalPartTooLong.to_string().contains("64"));
        assert!(EmailError::TooLong.to_string().contains("254"));
    }

    #[test]
    fn the_catalogs_say_what_the_api_says() {
        use crate::i18n::Lang;
        use EmailError::*;
        let french = Lang::parse("fr").expect("French");
        for e in [
            Empty,
            ForbiddenCharacter,
            MissingAt,
            MultipleAt,
            EmptyLocalPart,
            NonAsciiLocalPart,
            InvalidLocalPart,
            LocalPartTooLong,
            EmptyDomain,
            IpAddress,
            InvalidDomain,
            TooLong,
        ] {
            assert_eq!(e.describe(Lang::ENGLISH), e.to_string());
            assert_ne!(e.describe(french), e.to_string(), "{e:?} in French");
        }
    }

    // --- robustness ---

    /// Every accepted value must satisfy the type's invariants.
    fn check_invariants(input: &str) {
        if let Ok(email) = SubscriberEmail::parse(input) {
            let stored = email.as_str();
            assert!(stored.is_ascii(), "{input:?} -> {stored:?}");
            assert!(stored.len() <= 254, "{input:?} -> {stored:?}");
            assert!(!stored.chars().any(|c| c.is_control() || c == ' '));
            assert_eq!(format!("{}@{}", email.local_part(), email.domain()), stored);
            assert_eq!(email.domain(), email.domain().to_ascii_lowercase());
            assert_eq!(SubscriberEmail::parse(stored).as_ref(), Ok(&email));
        }
    }

    #[test]
    fn any_unicode_input_returns_without_panicking() {
        let mut code_point = 0u32;
        while code_point <= u32::from(char::MAX) {
            if let Some(c) = char::from_u32(code_point) {
                check_invariants(&format!("a{c}@example.com"));
                check_invariants(&format!("a@ex{c}ample.com"));
                check_invariants(&format!("{c}@{c}"));
                check_invariants(&format!("a@{c}"));
            }
            // Dense over the BMP, sparser above it.
            code_point += if code_point < 0x1_0000 { 1 } else { 61 };
        }
    }

    #[test]
    fn odd_shapes_return_without_panicking() {
        let long_unicode = "ü".repeat(5000);
        for input in [
            "@".repeat(300).as_str(),
            ".".repeat(300).as_str(),
            &format!("a@{long_unicode}"),
            &format!("{long_unicode}@example.com"),
            &format!("a@{}.com", "\u{ad}".repeat(5000)),
            &format!("a@xn--{}", "9".repeat(2000)),
            "a@xn--ls8h",
            "a@\u{200d}",
            "a@\u{202e}moc.elpmaxe",
            "a@ß.de",
        ] {
            check_invariants(input);
        }
    }
}
