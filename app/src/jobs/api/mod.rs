//! Server functions for jobs. Each authorizes itself: staff roles by `auth::require`, and
//! the job's organisation by `server::access` (managers only for organisations they work for).

mod create;
mod edit;
mod read;

pub use create::*;
pub use edit::*;
pub use read::*;

/// Today's date for deadlines: jobs run in India, so the day turns at midnight IST.
#[cfg(feature = "ssr")]
fn today(state: &crate::state::AppState) -> chrono::NaiveDate {
    (state.clock.now() + chrono::Duration::minutes(330)).date_naive()
}
