//! `sqlx::migrate!` embeds the migrations at compile time; a migration added without a
//! change to the Rust sources must still rebuild the crate (as sqlx's documentation
//! advises).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
