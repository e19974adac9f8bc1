//! The browser's entry points: nothing else lives here. Which are built in depends on the
//! bundle (features; app/src/ui/bundle.rs).
// Deeply nested view types (the form builder) need more than the default 128.
#![recursion_limit = "256"]

/// The full bundle (the `staff` feature) hydrates the whole page. The light bundle
/// only gets the reactive system and the reader's language ready here; the page's script
/// then hydrates each island (`app::ui::island`), so no page component but the islands is
/// linked into it.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    #[cfg(feature = "staff")]
    leptos::mount::hydrate_body(app::App);
    #[cfg(not(feature = "staff"))]
    {
        leptos::mount::hydrate_islands();
        // The reader's language once, on the root owner, for every island.
        app::ui::island::enter();
    }
}

/// The gig form on the gig page (`app::gigs::pages::live`): the gigger bundle's only
/// entry point, with no framework linked in.
#[cfg(feature = "gig-form")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn gig_form() {
    console_error_panic_hook::set_once();
    app::gigs::pages::live::start();
}
