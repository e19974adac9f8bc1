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

/// Loads this page's bundle and hydrates, once the page has loaded and the browser is idle
/// (2 s at most). Instead of Leptos's `<HydrationScripts>`, which also preloads the WASM
/// and JS from the `<head>`: those downloads then start before the first paint, and
/// Lighthouse's simulation counts them towards the largest paint (3.45 s instead of
/// 1.1 s in a third of the runs, bench/README.md). The page is server-rendered and its
/// forms post without the WASM, so nothing waits for it.
///
/// Hydration starts in a task of its own (`setTimeout`), not in the one that finishes
/// compiling and instantiating the module: that task was already 30 ms on this machine,
/// and together they made one long task that blocked input (Lighthouse's TBT).
#[component]
pub fn HydrateAfterLoad(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        let path = use_context::<axum::http::request::Parts>().map(|parts| parts.uri.path().to_string());
        let files = server_side::files(&options, path.as_deref().map(for_path).unwrap_or(Bundle::Gigger));
        let script = format!(
            "(function(js,wasm){{var go=function(){{import(js).then(function(m){{\
             return m.default({{module_or_path:wasm}}).then(function(){{setTimeout(function(){{m.hydrate()}},0)}})}})}};\
             var idle=function(){{'requestIdleCallback' in window?requestIdleCallback(go,{{timeout:2000}}):setTimeout(go,0)}};\
             document.readyState==='complete'?idle():addEventListener('load',idle)}})({:?},{:?})",
            files.js, files.wasm
        );
        view! { <script type="module" nonce=nonce()>{script}</script> }.into_any()
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = options;
        ().into_any()
    }
}

#[cfg(feature = "ssr")]
fn nonce() -> Option<leptos::nonce::Nonce> {
    leptos::nonce::use_nonce()
}

#[cfg(feature = "ssr")]
mod server_side {
    use super::{Bundle, GIGGER_HASH_FILE, GIGGER_OUTPUT_NAME};
    use leptos::prelude::LeptosOptions;
    use std::sync::OnceLock;

    /// The URLs of a bundle's JS and WASM.
    pub struct Files {
        pub js: String,
        pub wasm: String,
    }

    /// The files of `wanted`, or of the full bundle when the gigger one was not built
    /// (`cargo leptos watch`, or a build without scripts/build-gigger-wasm.sh). Read once:
    /// the build writes the hash files before the server starts.
    pub fn files(options: &LeptosOptions, wanted: Bundle) -> &'static Files {
        static FULL: OnceLock<Files> = OnceLock::new();
        static GIGGER: OnceLock<Option<Files>> = OnceLock::new();
        let full = || {
            FULL.get_or_init(|| {
                read(options, &options.output_name, &options.hash_file).unwrap_or_else(|| unhashed(options))
            })
        };
        match wanted {
            Bundle::Full => full(),
            Bundle::Gigger => GIGGER
                .get_or_init(|| {
                    let gigger = read(options, GIGGER_OUTPUT_NAME, GIGGER_HASH_FILE)
                        .filter(|_| newer_than_full_bundle(options));
                    if gigger.is_none() {
                        tracing::info!("no gigger WASM bundle built: every page loads the full bundle");
                    }
                    gigger
                })
                .as_ref()
                .unwrap_or_else(full),
        }
    }

    /// From the hash file beside the server binary (`js: HASH`, `wasm: HASH` lines, as
    /// cargo-leptos writes `hash.txt`).
    fn read(options: &LeptosOptions, name: &str, hash_file: &str) -> Option<Files> {
        if !options.hash_files {
            return None;
        }
        let dir = std::env::current_exe().ok()?.parent()?.to_path_buf();
        let text = std::fs::read_to_string(dir.join(hash_file)).ok()?;
        let hash = |kind: &str| {
            text.lines().find_map(|line| {
                line.split_once(':').filter(|(k, _)| k.trim() == kind).map(|(_, h)| h.trim().to_string())
            })
        };
        let pkg = &options.site_pkg_dir;
        Some(Files {
            js: format!("/{pkg}/{name}.{}.js", hash("js")?),
            wasm: format!("/{pkg}/{name}.{}.wasm", hash("wasm")?),
        })
    }

    /// Whether the gigger bundle was built after the full one, as `make build` does. If
    /// cargo-leptos rebuilt the full bundle since (it also empties `pkg/`), the gigger
    /// bundle's files are gone or were built from other sources: use the full one.
    fn newer_than_full_bundle(options: &LeptosOptions) -> bool {
        let modified = |file: &str| {
            let dir = std::env::current_exe().ok()?.parent()?.to_path_buf();
            std::fs::metadata(dir.join(file)).and_then(|m| m.modified()).ok()
        };
        match (modified(GIGGER_HASH_FILE), modified(&options.hash_file)) {
            (Some(gigger), Some(full)) => gigger >= full,
            _ => false,
        }
    }

    /// Without hashed names (development builds): cargo-leptos's `NAME.js` and
    /// `NAME.wasm` (`NAME_bg.wasm` when not built by cargo-leptos), as `<HydrationScripts>`.
    fn unhashed(options: &LeptosOptions) -> Files {
        let (pkg, name) = (&options.site_pkg_dir, &options.output_name);
        let wasm_suffix = if option_env!("LEPTOS_OUTPUT_NAME").is_none() { "_bg" } else { "" };
        Files { js: format!("/{pkg}/{name}.js"), wasm: format!("/{pkg}/{name}{wasm_suffix}.wasm") }
    }
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
