//! The public HTTP interface, driven over HTTP against the real server, a
//! fresh SQLite database and a real SMTP server per test.

#[path = "../support/mod.rs"]
mod support;

mod admin;
mod archive;
mod bad_input;
mod bounces;
mod broadcasts;
mod confirm;
mod deliverability;
mod deliveries;
mod delivery;
mod dkim;
mod fields;
mod hardening;
mod hostile;
mod imports;
mod languages;
mod ledger;
mod media;
mod messages;
mod metrics;
mod openapi;
mod own_page;
mod pow;
mod retention;
mod scripts;
mod segments;
mod sequences;
mod settings;
mod signup;
mod templates;
mod unsubscribe;
mod upgrade;
mod webhooks;
