//! The browser entry point: hydrates the server-rendered page. Nothing else lives here.
// Deeply nested view types (the form builder) need more than the default 128.
#![recursion_limit = "256"]

/// The full bundle (the `staff` feature) hydrates the whole page. The islands bundles
/// (gigger and light) only get the reactive system and the reader's language ready here;
/// the page's script then hydrates each island (`app::ui::island`), so no page component
/// but the islands is linked into them.
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
