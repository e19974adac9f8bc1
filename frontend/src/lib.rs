//! The browser entry point: hydrates the server-rendered page. Nothing else lives here.
// Deeply nested view types (the form builder) need more than the default 128.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
