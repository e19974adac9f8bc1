//! Two WASM bundles, so a gigger's phone does not download the staff tools.
//!
//! cargo-leptos builds the **full** bundle (`frontend` with its `staff` feature): it
//! hydrates whole pages, staff pages included. `scripts/build-gigger-wasm.sh` builds the
//! **gigger** bundle from the same crate without that feature: it hydrates only the
//! page's islands (ui/island.rs), so only their code is linked into it, and a gigger page
//! without islands loads no WASM at all.
//!
//! The server picks the bundle per page from the path ([`for_path`]): staff paths get the
//! full bundle, every other path the gigger bundle when it was built (else the full one,
//! e.g. under `cargo leptos watch`). Gigger pages are not hydrated as a whole, so links
//! from them are ordinary page loads: a link to a staff page gets that page, with the
//! full bundle, from the server.

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
        // The gigger bundle hydrates each top-level `<leptos-island>` (ui/island.rs) by
        // calling the function the island exports, and a page without islands loads no
        // WASM. `data-hydrated` on <body> says the page's interactive parts are live
        // (browser tests wait for it); the full bundle's App sets it itself.
        let after_init = if files.islands {
            "m.hydrate();for(var i=0;i<islands.length;i++){var el=islands[i];\
             if(el.parentElement.closest('leptos-island'))continue;var f=m[el.dataset.component];\
             if(f)f(el);else console.error('no WASM function for the island '+el.dataset.component)}done()"
        } else {
            "m.hydrate()"
        };
        let script = format!(
            "(function(js,wasm,islandsOnly){{var islands=document.getElementsByTagName('leptos-island');\
             var done=function(){{document.body.setAttribute('data-hydrated','true')}};\
             var go=function(){{if(islandsOnly&&!islands.length){{done();return}}import(js).then(function(m){{\
             return m.default({{module_or_path:wasm}}).then(function(){{setTimeout(function(){{{after_init}}},0)}})}})}};\
             var idle=function(){{'requestIdleCallback' in window?requestIdleCallback(go,{{timeout:2000}}):setTimeout(go,0)}};\
             document.readyState==='complete'?idle():addEventListener('load',idle)}})({:?},{:?},{})",
            files.js, files.wasm, files.islands
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
        /// The gigger bundle: hydrates islands only.
        pub islands: bool,
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
            islands: name == GIGGER_OUTPUT_NAME,
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
        Files {
            js: format!("/{pkg}/{name}.js"),
            wasm: format!("/{pkg}/{name}{wasm_suffix}.wasm"),
            islands: false,
        }
    }
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
