//! Helpers for GraphQL tests: answers without errors, global IDs.

use serde_json::Value;

use super::TestApp;

/// Runs `query` and returns `data`, failing the test on any error.
pub async fn data(app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> Value {
    let response = app.graphql_as(token, query, variables).await;
    assert!(
        response.get("errors").is_none(),
        "{}: unexpected errors {response:#}",
        app.backend
    );
    response["data"].clone()
}

/// The `Type:key` inside a global ID.
pub fn decode_global(id: &str) -> String {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(id)
        .expect("a global ID is base64");
    String::from_utf8(bytes).unwrap()
}

/// The global ID of the `kind` object whose local key is `key`.
pub fn encode_global(kind: &str, key: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{kind}:{key}"))
}
