//! Islands: the parts of a gigger page that work in the browser.
//!
//! The light bundle (ui/bundle.rs) does not hydrate whole pages: the feed, the job page,
//! the quiz, My gigs and the sign-in forms are server-rendered HTML whose forms post
//! without JavaScript. Only `#[island]` components are hydrated, each on its own, so only
//! their code is in the WASM a gigger's phone downloads, and a page without islands loads
//! no WASM at all. (The gig page has no island: its bundle is gigs/pages/live, without
//! Leptos.) The full bundle (staff pages) still hydrates whole pages; there an
//! island is an ordinary component inside the page.
//!
//! An island hydrated alone has none of the page's contexts: [`enter`] (called by the
//! islands entry point, and first in every island's body) makes the ones islands use.

/// Gives an island hydrated on its own the context a page would have given it: the
/// reader's language, read from `<html lang>` as the server rendered it. Inside a page
/// (on the server, or in the full bundle) it exists and nothing changes. Islands take
/// anything else the page knows (an error left by a plain form post, say) as props.
pub fn enter() {
    #[cfg(feature = "hydrate")]
    {
        use crate::i18n::Locale;
        use leptos::prelude::*;
        if use_context::<leptos_i18n::I18nContext<Locale>>().is_none() {
            provide_context(leptos_i18n::context::init_i18n_context::<Locale>());
        }
    }
}
