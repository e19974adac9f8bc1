//! Two WASM bundles, so a gigger's phone does not download the staff tools.
//!
//! cargo-leptos builds the **full** bundle (`frontend` with the `staff` feature): every page.
//! `scripts/build-gigger-wasm.sh` builds the **gigger** bundle from the same crate without
//! that feature: the staff pages' components are replaced by [`LoadFromServer`], so their
//! code (the form builder, the training editor, review, payouts, ...) is never linked in.
//! The route table is the same in both, so every path still matches.
//!
//! The server picks the bundle per page from the path ([`for_path`]): staff paths get the
//! full bundle, every other path the gigger bundle when it was built (else the full one,
//! e.g. under `cargo leptos watch`). A click from a gigger page to a staff page (a manager
//! on the sign-in page, say) lands on [`LoadFromServer`], which asks the server for the
//! page, and the server sends it with the full bundle.

use leptos::prelude::*;

/// Where the staff pages live. The gigger bundle renders none of them.
pub const STAFF_PATHS: &[&str] = &["/staff", "/account", "/manage", "/review", "/customer", "/admin"];

/// Which WASM a page needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// Gigger and public pages: the small bundle.
    Gigger,
    /// Staff pages: the full bundle.
    Full,
}

/// The bundle that can hydrate the page at `path`.
pub fn for_path(path: &str) -> Bundle {
    let staff = STAFF_PATHS
        .iter()
        .any(|prefix| path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')));
    if staff {
        Bundle::Full
    } else {
        Bundle::Gigger
    }
}

/// The name `scripts/build-gigger-wasm.sh` gives the gigger bundle's files
/// (`pkg/gigforge-gigger.HASH.js` and `.wasm`), and the hash file it writes beside the
/// server binary, as cargo-leptos does for the full bundle.
pub const GIGGER_OUTPUT_NAME: &str = "gigforge-gigger";
pub const GIGGER_HASH_FILE: &str = "hash-gigger.txt";

/// The options `<HydrationScripts>` should load this request's bundle with.
#[cfg(feature = "ssr")]
pub fn hydration_options(options: LeptosOptions) -> LeptosOptions {
    let path = use_context::<axum::http::request::Parts>().map(|parts| parts.uri.path().to_string());
    match path.as_deref().map(for_path) {
        Some(Bundle::Gigger) if gigger_bundle_built(&options) => {
            let mut gigger = options;
            gigger.output_name = GIGGER_OUTPUT_NAME.into();
            gigger.hash_file = GIGGER_HASH_FILE.into();
            gigger
        }
        _ => options,
    }
}

/// Whether the gigger bundle's hash file is beside the server binary (checked once: the
/// build writes it before the server starts).
#[cfg(feature = "ssr")]
fn gigger_bundle_built(options: &LeptosOptions) -> bool {
    static BUILT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *BUILT.get_or_init(|| {
        let beside_binary =
            std::env::current_exe().ok().and_then(|exe| exe.parent().map(|dir| dir.join(GIGGER_HASH_FILE)));
        let built = options.hash_files && beside_binary.is_some_and(|file| file.is_file());
        if !built {
            tracing::info!("no gigger WASM bundle built: every page loads the full bundle");
        }
        built
    })
}

/// In the gigger bundle, the stand-in for every staff page: the browser asks the server
/// for the page, which comes with the full bundle. Never rendered on the server (the
/// server has the real pages) nor hydrated (the server sends staff pages with the full
/// bundle), so it only ever runs after a click inside the gigger bundle.
#[component]
pub fn LoadFromServer() -> impl IntoView {
    let url = leptos_router::hooks::use_url();
    Effect::new(move |_| {
        let url = url.get_untracked();
        let mut target = url.path().to_string();
        if !url.search().is_empty() {
            target.push('?');
            target.push_str(url.search());
        }
        if !url.hash().is_empty() {
            if !url.hash().starts_with('#') {
                target.push('#');
            }
            target.push_str(url.hash());
        }
        // After the router has put the new URL in the address bar (it does so once the
        // page has rendered, in a task of its own): then replacing that entry keeps one
        // history entry per page, and Back returns to the page the click came from.
        let path = url.path().to_string();
        set_timeout(
            move || {
                let location = window().location();
                let _ = if location.pathname().is_ok_and(|shown| shown == path) {
                    location.replace(&target)
                } else {
                    location.assign(&target)
                };
            },
            std::time::Duration::ZERO,
        );
    });
    view! { <p class="muted" aria-live="polite">"Loading…"</p> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_paths_need_the_full_bundle_and_the_rest_the_gigger_one() {
        for staff in [
            "/staff/signin",
            "/account/password",
            "/manage",
            "/manage/jobs/7/form",
            "/review",
            "/review/3",
            "/customer",
            "/admin",
            "/admin/payouts",
        ] {
            assert_eq!(for_path(staff), Bundle::Full, "{staff}");
        }
        for gigger in [
            "/",
            "/signin",
            "/signin/code",
            "/gigs",
            "/gigs/4/do/9",
            "/gigs/mine",
            "/managers",
            "/adminx",
            "/nope",
        ] {
            assert_eq!(for_path(gigger), Bundle::Gigger, "{gigger}");
        }
    }
}
