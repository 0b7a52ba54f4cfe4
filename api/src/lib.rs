//! The IPDR service: HTTP handlers (poem + poem-openapi), authentication, configuration and the
//! `ipdr` command line. Handlers parse, authorize (with `ipdr_domain::access`), call the
//! repositories and map the result; the rules themselves live in `ipdr-domain`.
#![forbid(unsafe_code)]

pub mod audit;
pub mod auth;
pub mod body;
pub mod bootstrap;
pub mod cli;
pub mod clock;
pub mod config;
pub mod console;
pub mod delivery;
pub mod error;
pub mod federation;
pub mod idempotency;
pub mod notices;
pub mod openapi;
pub mod problem;
pub mod provisioning;
pub mod request_id;
pub mod server;
pub mod service;
pub mod state;
pub mod telemetry;
pub mod v1;

pub use config::Config;
pub use server::Application;
