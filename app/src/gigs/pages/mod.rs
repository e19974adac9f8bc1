//! The gigger's pages, phone-first (designed at 360×640). Each renders completely on the
//! server; links and plain form posts work before the WASM arrives.

mod feed_page;
mod gig_page;
mod job_page;
mod mine_page;
mod outbox;
mod profile_page;
mod submit;
mod training_page;

pub use feed_page::{FeedPage, GiggerTabs};
pub use gig_page::GigPage;
pub use job_page::GigJobPage;
pub use mine_page::MyGigsPage;
pub use profile_page::ProfilePage;
pub use training_page::TrainingPage;

use crate::error::AppError;
use crate::forms::Lang;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// The reader's language, for text managers write in English and Hindi.
pub fn use_lang() -> Signal<Lang> {
    let i18n = use_i18n();
    Signal::derive(move || match i18n.get_locale() {
        Locale::hi => Lang::Hi,
        Locale::en => Lang::En,
    })
}

/// A time in India, "14:05 on 28 Nov".
pub fn india_time(at: chrono::DateTime<chrono::Utc>) -> String {
    (at + chrono::Duration::minutes(330)).format("%H:%M on %d %b").to_string()
}

/// An error page, or onboarding for a gigger who has no profile yet.
pub fn error_or_onboarding(error: AppError) -> AnyView {
    if error.for_field("profile").is_some() {
        view! { <Redirect path="/gigs/profile"/> }.into_any()
    } else {
        view! { <crate::ui::ErrorPanel error/> }.into_any()
    }
}

/// Minutes and seconds left, "12:05"; "0:00" once past.
pub fn countdown_text(seconds_left: i64) -> String {
    let s = seconds_left.max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}
