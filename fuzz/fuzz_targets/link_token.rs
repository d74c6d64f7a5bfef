//! The parser of a link's token, on any text: what it accepts prints back
//! to a text that parses the same.
#![no_main]

use assent::domain::LinkRef;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Some(LinkRef::Named(token)) = LinkRef::parse(input) {
        assert_eq!(
            LinkRef::parse(&token.to_string()),
            Some(LinkRef::Named(token))
        );
    }
});
