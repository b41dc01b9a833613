//! `schema.graphql` is the SDL the code prints; this fails when they drift.
//! Regenerate with `cargo run -q -- schema > schema.graphql`.

#[test]
fn schema_graphql_matches_the_code() {
    let settings = masthead_api::Settings::for_database("sqlite::memory:");
    let printed = masthead_api::graphql::sdl(&settings);
    let checked_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
            .expect("schema.graphql exists at the top level");
    assert!(
        printed == checked_in,
        "schema.graphql is out of date: run `cargo run -q -- schema > schema.graphql`"
    );
}
