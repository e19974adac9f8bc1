//! `leptos_i18n::load_locales!` reads app/locales at compile time but does not tell
//! cargo; this makes an edited translation rebuild the crate.
fn main() {
    println!("cargo::rerun-if-changed=locales");
}
