#![allow(dead_code)]

pub mod admin;
pub mod app;
pub mod process;
pub mod receiver;
pub mod seed;
pub mod smtp;
pub mod webdriver;

/// Says that a test's real part (a browser, a tool) is missing here. Under
/// CI (`CI` set) that fails the test, so that it is never counted as
/// passed there; elsewhere the test says NOT RUN on its output and stops.
pub fn part_missing(part: &str, install: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{part} is missing, and CI needs it: {install}");
    }
    eprintln!("NOT RUN: {part} is missing on this machine ({install})");
}
