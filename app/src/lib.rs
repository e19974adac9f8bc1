//! Gigforge's Leptos application: pages, server functions and shared domain types.
//! Compiled twice: with `ssr` into the server, with `hydrate` into the browser's WASM.

pub mod accounts;
pub mod error;
pub mod forms;
pub mod jobs;
pub mod money;
pub mod photos;
mod shell;
#[cfg(feature = "ssr")]
pub mod state;
pub mod training;
pub mod ui;
pub mod units;

pub use shell::{shell, App};
