//! The gigger's pages, phone-first (designed at 360×640). Each renders completely on the
//! server; links and plain form posts work before the WASM arrives.

mod feed_page;
mod gig_page;
mod job_page;
pub mod live;
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
    let (clock, day) = in_india(at);
    format!("{clock} on {day}")
}

/// A date and time in India, "28 Nov, 14:05".
pub fn india_date_time(at: chrono::DateTime<chrono::Utc>) -> String {
    let (clock, day) = in_india(at);
    format!("{day}, {clock}")
}

/// India's clock ("14:05") and day ("28 Nov"): UTC+5:30, no daylight saving. Written out
/// rather than with chrono's `format`, whose strftime parser and formatter every gigger
/// page's WASM would otherwise carry and run while hydrating.
fn in_india(at: chrono::DateTime<chrono::Utc>) -> (String, String) {
    use chrono::{Datelike, Timelike};
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let t = (at + chrono::Duration::minutes(330)).naive_utc();
    (format!("{:02}:{:02}", t.hour(), t.minute()), format!("{:02} {}", t.day(), MONTHS[t.month0() as usize]))
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn india_times_read_as_chrono_would_write_them() {
        // Around midnight in India (the day changes at 18:30 UTC), and each month's name.
        let mut instants = vec![
            Utc.with_ymd_and_hms(2026, 11, 28, 18, 29, 59).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 28, 18, 30, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 12, 31, 20, 0, 0).unwrap(),
        ];
        instants.extend((1..=12).map(|month| Utc.with_ymd_and_hms(2027, month, 5, 3, 7, 0).unwrap()));
        for at in instants {
            let india = at + chrono::Duration::minutes(330);
            assert_eq!(india_time(at), india.format("%H:%M on %d %b").to_string());
            assert_eq!(india_date_time(at), india.format("%d %b, %H:%M").to_string());
        }
        assert_eq!(india_time(Utc.with_ymd_and_hms(2026, 11, 28, 18, 30, 0).unwrap()), "00:00 on 29 Nov");
    }
}
