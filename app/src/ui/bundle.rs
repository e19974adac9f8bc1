//! Three WASM bundles, so a gigger's phone downloads only what the page runs.
//!
//! cargo-leptos builds the **full** bundle (`frontend` with its `staff` feature): it
//! hydrates whole pages, staff pages included. `scripts/build-gigger-wasm.sh` builds two
//! more from the same crate without that feature:
//! - the **gigger** bundle (`gig-form` feature only): the gig form's browser code
//!   (gigs/pages/live), with no framework, for the gig page;
//! - the **light** bundle (`hydrate` only): hydrates the page's islands (ui/island.rs), so
//!   only their code is linked in, for the sign-in and profile pages, whose islands are a
//!   few field checks and "use my location".
//!
//! A gigger page without islands or a gig form (the feed, a job, the quiz, My gigs, a
//! receipt) loads no WASM at all.
//! The server picks the bundle per page from the path ([`for_path`]), falling back to the
//! full one when a smaller one was not built (under `cargo leptos watch`, only
//! the full one). Gigger pages are not hydrated as a whole, so links from them are
//! ordinary page loads: a link to a staff page gets that page, with the full bundle.

use leptos::prelude::*;

/// Where the staff pages live. The gigger bundle renders none of them.
pub const STAFF_PATHS: &[&str] = &["/staff", "/account", "/manage", "/review", "/customer", "/admin"];

/// Which WASM a page needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// Gigger and public pages but the gig form: the light bundle.
    Light,
    /// The gig form (`/gigs/{job}/do/{reservation}`): the gigger bundle.
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
    } else if is_gig_form(path) {
        Bundle::Gigger
    } else {
        Bundle::Light
    }
}

/// `/gigs/{job}/do/{reservation}`, the only page with the gig form.
fn is_gig_form(path: &str) -> bool {
    let number = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    matches!(
        path.trim_end_matches('/').split('/').collect::<Vec<_>>().as_slice(),
        ["", "gigs", job, "do", reservation] if number(job) && number(reservation)
    )
}

/// The names `scripts/build-gigger-wasm.sh` gives the gigger and light bundles' files
/// (`pkg/NAME.HASH.js` and `.wasm`), and the hash files it writes beside the server
/// binary, as cargo-leptos does for the full bundle.
pub const GIGGER_OUTPUT_NAME: &str = "gigforge-gigger";
pub const GIGGER_HASH_FILE: &str = "hash-gigger.txt";
pub const LIGHT_OUTPUT_NAME: &str = "gigforge-light";
pub const LIGHT_HASH_FILE: &str = "hash-light.txt";

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
        use server_side::Kind;
        let files = server_side::files(&options, path.as_deref().map(for_path).unwrap_or(Bundle::Light));
        // The light bundle hydrates each top-level `<leptos-island>` (ui/island.rs) by
        // calling the function the island exports; the gigger bundle runs the gig form
        // (gigs/pages/live) on a page that shows one. A page with nothing for its bundle to
        // do loads no WASM. `data-hydrated` on <body> says the page's interactive parts
        // are live (browser tests wait for it); the full bundle's App sets it itself.
        let (needed, after_init) = match files.kind {
            Kind::Islands => (
                "islands.length>0",
                "m.hydrate();for(var i=0;i<islands.length;i++){var el=islands[i];\
                 if(el.parentElement.closest('leptos-island'))continue;var f=m[el.dataset.component];\
                 if(f)f(el);else console.error('no WASM function for the island '+el.dataset.component)}done()",
            ),
            Kind::GigForm => ("document.querySelector('[data-gig]')", "m.gig_form();done()"),
            // Staff pages, or any page when no smaller bundle was built: it can do both.
            Kind::Full => ("true", "m.hydrate();if(document.querySelector('[data-gig]'))m.gig_form()"),
        };
        let script = format!(
            "(function(js,wasm){{var islands=document.getElementsByTagName('leptos-island');\
             var done=function(){{document.body.setAttribute('data-hydrated','true')}};\
             var go=function(){{if(!({needed})){{done();return}}import(js).then(function(m){{\
             return m.default({{module_or_path:wasm}}).then(function(){{setTimeout(function(){{{after_init}}},0)}})}})}};\
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
    use super::{Bundle, GIGGER_HASH_FILE, GIGGER_OUTPUT_NAME, LIGHT_HASH_FILE, LIGHT_OUTPUT_NAME};
    use leptos::prelude::LeptosOptions;
    use std::sync::OnceLock;

    /// The URLs of a bundle's JS and WASM.
    pub struct Files {
        pub js: String,
        pub wasm: String,
        pub kind: Kind,
    }

    /// What a bundle's entry points do.
    #[derive(Clone, Copy)]
    pub enum Kind {
        /// The full bundle: hydrates the whole page, and runs the gig form.
        Full,
        /// The light bundle: hydrates the page's islands.
        Islands,
        /// The gigger bundle: runs the gig form, no framework.
        GigForm,
    }

    /// The files of `wanted`, or of the full bundle, which does what either smaller one
    /// does, when that one was not built (`cargo leptos watch`, or a build without
    /// scripts/build-gigger-wasm.sh, has only the full one). Read once: the build writes
    /// the hash files before the server starts.
    pub fn files(options: &LeptosOptions, wanted: Bundle) -> &'static Files {
        static FULL: OnceLock<Files> = OnceLock::new();
        static GIGGER: OnceLock<Option<Files>> = OnceLock::new();
        static LIGHT: OnceLock<Option<Files>> = OnceLock::new();
        let full = || {
            FULL.get_or_init(|| {
                read(options, &options.output_name, &options.hash_file).unwrap_or_else(|| unhashed(options))
            })
        };
        let islands = |cell: &'static OnceLock<Option<Files>>, name: &str, hash_file: &str| {
            cell.get_or_init(|| {
                let files =
                    read(options, name, hash_file).filter(|_| newer_than_full_bundle(options, hash_file));
                if files.is_none() {
                    tracing::info!("no {name} WASM bundle built: its pages load a bigger one");
                }
                files
            })
            .as_ref()
        };
        let gigger = || islands(&GIGGER, GIGGER_OUTPUT_NAME, GIGGER_HASH_FILE).unwrap_or_else(full);
        match wanted {
            Bundle::Full => full(),
            Bundle::Gigger => gigger(),
            Bundle::Light => islands(&LIGHT, LIGHT_OUTPUT_NAME, LIGHT_HASH_FILE).unwrap_or_else(full),
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
            kind: match name {
                GIGGER_OUTPUT_NAME => Kind::GigForm,
                LIGHT_OUTPUT_NAME => Kind::Islands,
                _ => Kind::Full,
            },
        })
    }

    /// Whether an islands bundle (its hash file) was built after the full one, as `make
    /// build` does. If cargo-leptos rebuilt the full bundle since (it also empties `pkg/`),
    /// the islands bundle's files are gone or were built from other sources.
    fn newer_than_full_bundle(options: &LeptosOptions, hash_file: &str) -> bool {
        let modified = |file: &str| {
            let dir = std::env::current_exe().ok()?.parent()?.to_path_buf();
            std::fs::metadata(dir.join(file)).and_then(|m| m.modified()).ok()
        };
        match (modified(hash_file), modified(&options.hash_file)) {
            (Some(islands), Some(full)) => islands >= full,
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
            kind: Kind::Full,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_paths_need_the_full_bundle_the_gig_form_the_gigger_one_and_the_rest_the_light_one() {
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
        for gig_form in ["/gigs/4/do/9", "/gigs/4/do/9/"] {
            assert_eq!(for_path(gig_form), Bundle::Gigger, "{gig_form}");
        }
        for light in [
            "/",
            "/signin",
            "/signin/code",
            "/gigs",
            "/gigs/profile",
            "/gigs/4",
            "/gigs/4/do",
            "/gigs/4/do/x",
            "/gigs/x/do/9",
            "/gigs/4/do/9/more",
            "/gigs/mine",
            "/managers",
            "/adminx",
            "/nope",
        ] {
            assert_eq!(for_path(light), Bundle::Light, "{light}");
        }
    }
}
