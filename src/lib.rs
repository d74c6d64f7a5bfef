//! assent: a double opt-in email subscription server.

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod double_opt_in;
pub mod export;
pub mod jobs;
pub mod mail;
pub mod operator;
pub mod pages;
pub mod rate_limit;
pub mod routes;
pub mod startup;
pub mod telemetry;
