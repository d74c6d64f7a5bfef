#![allow(dead_code)]

pub mod admin;
pub mod app;
pub mod process;
pub mod receiver;
pub mod seed;
pub mod smtp;
pub mod webdriver;
