//! The API's integration tests: real HTTP against a real server per test, on SQLite, or on
//! PostgreSQL when `IPDR_TEST_DATABASE_URL` is set. `IPDR_TEST_LOG=debug` shows the server logs.
#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]
mod admin;
mod agreements;
mod audit;
mod auth;
mod cases;
mod console;
mod console_roles;
mod courts;
mod deadlines;
mod documents;
mod errors;
mod federation;
mod helpers;
mod identifiers;
mod investigators;
mod lifecycle;
mod nodes;
mod notice_delivery;
mod notifications;
mod ops;
mod process;
mod referrals;
mod security;
mod tokens;
mod unit_of_work;
