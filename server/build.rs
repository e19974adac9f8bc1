//! `sqlx::migrate!` embeds the migrations when the server compiles; cargo does not watch
//! that directory by itself, so without this a new migration file is silently missing
//! from the binary until some source file changes.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
