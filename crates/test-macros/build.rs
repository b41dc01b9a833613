//! The attributes decide at expansion time whether the PostgreSQL variants are
//! ignored; rebuilding this crate when the variable changes re-expands them.

fn main() {
    println!("cargo:rerun-if-env-changed=MASTHEAD_TEST_POSTGRES_URL");
    println!("cargo:rerun-if-changed=build.rs");
}
