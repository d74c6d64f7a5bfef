//! The urlencoded form decoder, on any bytes; what it decodes encodes back
//! to a body that decodes the same.
#![no_main]

use assent::routes::body::decode_urlencoded;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Ok(fields) = decode_urlencoded(body) {
        let again = serde_urlencoded::to_string(&fields).expect("encodes");
        assert_eq!(decode_urlencoded(again.as_bytes()).ok(), Some(fields));
    }
});
