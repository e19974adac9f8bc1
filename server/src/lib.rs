//! The `gigforge` server: configuration, database set-up, the axum router around the
//! Leptos app, demo data, and the serve loop. `main.rs` only dispatches subcommands.

pub mod admin;
pub mod config;
pub mod db;
pub mod pincodes;
pub mod precompress;
pub mod router;
pub mod seed;
pub mod serve;
pub mod state;
pub mod telemetry;
pub mod worker;

/// A start-up failure with a message meant for the person running the server.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StartupError(pub String);
