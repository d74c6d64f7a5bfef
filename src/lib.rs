//! assent: a double opt-in email subscription server.
//!
//! `routes` (HTTP) call `services` (what people do), which change the
//! database through `db` and queue work for `jobs` (the background
//! runtime); `mail` composes and sends messages; `domain` holds the values
//! that can only exist valid. See the README's "Development" section.

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod i18n;
pub mod jobs;
pub mod mail;
pub mod metrics;
pub mod pages;
pub mod policy;
pub mod rate_limit;
pub mod routes;
pub mod services;
pub mod startup;
pub mod telemetry;
