//! The reader's language (English or Hindi): the switch, and the cookie that remembers it.
//!
//! The server picks the language from the cookie, else from Accept-Language, and renders
//! the page in it; the provider writes it into `<html lang>`, where the browser's copy of
//! the app reads it while hydrating. So only the server needs leptos_i18n's cookie support
//! (app's `ssr` feature turns it on). In the WASM it brought leptos_use's cookie
//! machinery (a cross-tab channel, the `time` crate's parser): 115 KB of the gigger
//! bundle, measured 2026-11-29 (bench/README.md). The switch writes the cookie itself.

use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;

/// leptos_i18n's default name, kept so that choices made before this file still count.
pub const LANGUAGE_COOKIE: &str = "i18n_pref_locale";
/// A year: a gigger who chose Hindi should not have to choose it again.
const REMEMBER_FOR_SECONDS: i64 = 365 * 24 * 3600;

/// The server's cookie settings for the provider (leptos_i18n's use_cookie wants
/// milliseconds); they match what [`remember`] writes in the browser.
pub fn cookie_options() -> leptos_i18n::context::CookieOptions<Locale> {
    leptos_i18n::context::CookieOptions::default().max_age(REMEMBER_FOR_SECONDS * 1000).path("/".to_string())
}

/// The cookie, as the browser (`document.cookie`) and the server (`Set-Cookie`) write it.
fn cookie_text(locale: Locale) -> String {
    format!("{LANGUAGE_COOKIE}={}; Path=/; Max-Age={REMEMBER_FOR_SECONDS}; SameSite=Lax", locale.as_str())
}

/// English ⇄ हिन्दी. The choice is kept in a cookie, so the server renders the next
/// page in it too. The button posts the form and the server sets the cookie and sends
/// the reader back to the same page, now in the other language: so it always goes on
/// gigger pages, which are not hydrated as a whole (ui/island.rs). On a page the full
/// bundle hydrated, the switch happens in place instead.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let other = move || match i18n.get_locale() {
        Locale::en => (Locale::hi, "हिन्दी", "hi"),
        Locale::hi => (Locale::en, "English", "en"),
    };
    view! {
        <form method="post" action="/api/language" class="inline">
            <input type="hidden" name="locale" value=move || other().2/>
            // Its accessible name is the visible word (WCAG 2.5.3, "label in name"); the
            // title describes it.
            <button type="submit" class="link-button language" lang=move || other().2
                title=move || t_string!(i18n, language)
                on:click=move |ev| {
                    ev.prevent_default();
                    let (locale, _, _) = other();
                    i18n.set_locale(locale);
                    remember(locale);
                }>
                {move || other().1}
            </button>
        </form>
    }
}

/// Writes the cookie the server reads (click handlers run only in the browser).
fn remember(locale: Locale) {
    use wasm_bindgen::JsCast;
    let Ok(document) = document().dyn_into::<web_sys::HtmlDocument>() else { return };
    if document.set_cookie(&cookie_text(locale)).is_err() {
        leptos::logging::warn!("the language choice could not be saved in a cookie");
    }
}

/// The language switch posted as a plain form (before or without the WASM): sets the
/// cookie and sends the browser back to the page it came from. Open to everyone: it only
/// sets the caller's own preference.
#[server(endpoint = "language")]
pub async fn choose_language(locale: String) -> Result<(), AppError> {
    use crate::error::server::respond;
    respond(async move {
        use crate::error::Message;
        use axum::http::{header::SET_COOKIE, HeaderValue};
        let locale: Locale = locale.parse().map_err(|_| {
            AppError::invalid("locale", Message::both("Choose English or Hindi.", "अंग्रेज़ी या हिन्दी चुनें।"))
        })?;
        let cookie = HeaderValue::from_str(&cookie_text(locale))
            .map_err(|e| crate::error::server::internal("language cookie is not a header value", e))?;
        expect_context::<leptos_axum::ResponseOptions>().append_header(SET_COOKIE, cookie);
        // Back to the page the switch was on (leptos_axum's own redirect to the Referer
        // would add a stray "?").
        let back = use_context::<axum::http::request::Parts>()
            .and_then(|parts| {
                let referer = parts.headers.get(axum::http::header::REFERER)?.to_str().ok()?;
                crate::error::server::local_path(referer).map(str::to_string)
            })
            .unwrap_or_else(|| "/".to_string());
        leptos_axum::redirect(&back);
        Ok(())
    })
    .await
}
