//! The JSON signup decoder, on any bytes: a signup or a refusal.
#![no_main]

use assent::routes::api::subscribe;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Ok(signup) = subscribe::decode(body) {
        assert!(!signup.email.as_str().contains(['\r', '\n']));
    }
});
