//! Gigforge's Leptos application: pages, server functions and shared domain types.
//! Compiled twice: with `ssr` into the server, with `hydrate` into the browser's WASM.

pub mod accounts;
// `load_locales!` is deprecated in favour of generating the module in build.rs, which
// would pull ICU data exporters into the build; the macro is the lighter path here.
#[allow(deprecated, missing_docs, clippy::all)]
mod i18n_gen {
    leptos_i18n::load_locales!();
}
pub use i18n_gen::i18n;
pub mod error;
pub mod forms;
pub mod gigs;
pub mod jobs;
pub mod ledger;
pub mod money;
pub mod payouts;
pub mod photos;
pub mod pipeline;
pub mod review;
mod shell;
#[cfg(feature = "ssr")]
pub mod state;
pub mod training;
pub mod ui;
pub mod units;

pub use shell::{shell, App};
