//! Protections on every answer whatever the route: `nosniff` and
//! `no-referrer` headers, and a bound on the size of a request's head.

use crate::support;

use masthead_test_macros::each_database;
use serde_json::{json, Value};
use support::TestApp;

fn assert_hardened(response: &reqwest::Response, what: &str) {
    let headers = response.headers();
    assert_eq!(
        headers
            .get("x-content-type-options")
            .map(|v| v.to_str().unwrap()),
        Some("nosniff"),
        "{what}: {headers:?}"
    );
    assert_eq!(
        headers.get("referrer-policy").map(|v| v.to_str().unwrap()),
        Some("no-referrer"),
        "{what}: {headers:?}"
    );
}

#[each_database]
async fn every_answer_says_nosniff_and_no_referrer() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        for path in [
            "/healthz",
            "/api/v1/articles",
            "/api/v1/articles/no-such-article",
            "/nowhere",
            "/api/v1/openapi.json",
            "/graphiql",
        ] {
            let response = app.get(path).await;
            assert_hardened(&response, path);
        }
        let graphql = app
            .client
            .post(format!("{}/graphql", app.address))
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .await
            .unwrap();
        assert_hardened(&graphql, "POST /graphql");
        let refused = app
            .client
            .post(format!("{}/api/v1/auth/login", app.address))
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 400);
        assert_hardened(&refused, "malformed JSON");
        let preflight = app
            .client
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/api/v1/articles", app.address),
            )
            .header("origin", "https://news.example")
            .header("access-control-request-method", "GET")
            .send()
            .await
            .unwrap();
        assert_hardened(&preflight, "CORS preflight");
    }
}

#[each_database]
async fn a_request_head_over_the_bound_is_refused_with_431() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let huge = app
            .client
            .get(format!("{}/api/v1/articles", app.address))
            .header("x-filler", "a".repeat(100 * 1024))
            .send()
            .await
            .unwrap();
        assert_eq!(huge.status(), 431, "{}", app.backend);
        assert_hardened(&huge, "431");
        assert_eq!(huge.headers()["content-type"], "application/problem+json");
        let problem: Value = huge.json().await.unwrap();
        assert_eq!(problem["code"], "HEADERS_TOO_LARGE", "{problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains("32768"),
            "{problem}"
        );
        // Many headers add up the same as one big one.
        let mut many = app.client.get(format!("{}/api/v1/articles", app.address));
        for index in 0..40 {
            many = many.header(format!("x-filler-{index}"), "b".repeat(1_000));
        }
        assert_eq!(many.send().await.unwrap().status(), 431);
        let fine = app
            .client
            .get(format!("{}/api/v1/articles", app.address))
            .header("x-filler", "a".repeat(16 * 1024))
            .send()
            .await
            .unwrap();
        assert_eq!(fine.status(), 200, "16 KB of headers is fine");
    }
    for app in TestApp::spawn_all_empty_with(|settings| settings.max_header_bytes = 4_096).await {
        let response = app
            .client
            .get(format!("{}/healthz", app.address))
            .header("x-filler", "a".repeat(5_000))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 431, "the bound is configurable");
    }
}
