//! Small shared pieces of UI: form messages, error panels, page chrome.

pub mod api;
pub mod bundle;
mod errors;
mod header;
mod instant_check;
pub mod island;
pub mod language;
mod not_found;
mod text;

pub use errors::{read_error_left_by_post, reads_hindi, ErrorPanel, FieldError, FormAlert, FormErrors};
pub use header::Header;
pub use instant_check::{Check, InstantCheck};
pub use not_found::NotFound;
pub use text::textarea_html;
