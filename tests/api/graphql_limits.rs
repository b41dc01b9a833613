//! GraphQL query limits: hostile queries (10,000 deep, 10,000 aliases,
//! fragment bombs, directive floods) are refused before they cost anything,
//! and the configured depth, complexity and page size are enforced.

use crate::support;

use masthead_test_macros::each_database;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::TestApp;

async fn post_raw(
    app: &TestApp,
    accept: Option<&str>,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .header(CONTENT_TYPE, content_type)
        .body(body);
    if let Some(accept) = accept {
        request = request.header(ACCEPT, accept);
    }
    request.send().await.expect("POST /graphql")
}

async fn post_json(
    app: &TestApp,
    accept: Option<&str>,
    body: &Value,
) -> (StatusCode, String, Value) {
    let response = post_raw(app, accept, "application/json", body.to_string()).await;
    let status = response.status();
    let content_type = response.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    (
        status,
        content_type,
        response.json().await.expect("a JSON body"),
    )
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("none")
}

fn limit(body: &Value) -> (&str, &str, u64) {
    let extensions = &body["errors"][0]["extensions"];
    (
        extensions["code"].as_str().unwrap_or("none"),
        extensions["limit"].as_str().unwrap_or("none"),
        extensions["max"].as_u64().unwrap_or(0),
    )
}

#[each_database]
async fn hostile_queries_are_refused_before_they_cost_anything_and_the_server_stays_healthy() {
    // A larger body limit, so the 10,000-alias query reaches GraphQL at all.
    for app in
        TestApp::spawn_all_empty_with(|settings| settings.graphql_max_body_bytes = 1_000_000).await
    {
        let deep = format!("{}{}", "{ a ".repeat(10_000), "}".repeat(10_000));
        let (status, _, body) = post_json(&app, None, &json!({ "query": deep })).await;
        assert_eq!(status, StatusCode::OK, "{}", app.backend);
        assert_eq!(
            limit(&body),
            ("GRAPHQL_VALIDATION_FAILED", "depth", 64),
            "{body:#}"
        );

        let deep_list = format!(
            "{{ articles(filter: {}) {{ totalCount }} }}",
            "[".repeat(10_000)
        );
        let (_, _, body) = post_json(&app, None, &json!({ "query": deep_list })).await;
        assert_eq!(limit(&body).1, "depth");

        let aliases: Vec<String> = (0..10_000).map(|i| format!("a{i}: __typename")).collect();
        let wide = format!("{{ {} }}", aliases.join(" "));
        let (_, _, body) = post_json(&app, None, &json!({ "query": wide })).await;
        assert_eq!(
            limit(&body),
            ("GRAPHQL_VALIDATION_FAILED", "fields", 1_000),
            "{body:#}"
        );

        let bomb = "query { ...A } fragment A on Query { ...B ...B ...B ...B ...B ...B ...B ...B ...B ...B } \
                    fragment B on Query { ...C ...C ...C ...C ...C ...C ...C ...C ...C ...C } \
                    fragment C on Query { ...D ...D ...D ...D ...D ...D ...D ...D ...D ...D } \
                    fragment D on Query { a: __typename b: __typename }";
        let (_, _, body) = post_json(&app, None, &json!({ "query": bomb })).await;
        assert_eq!(limit(&body).1, "fields", "fragment uses count too");

        let directives = format!("{{ __typename {} }}", "@include(if: true) ".repeat(51));
        let (_, _, body) = post_json(&app, None, &json!({ "query": directives })).await;
        assert_eq!(
            limit(&body),
            ("GRAPHQL_VALIDATION_FAILED", "directives", 50)
        );

        let health = app.get("/healthz").await;
        assert_eq!(health.status(), 200, "the server is still healthy");
        let (_, _, body) = post_json(
            &app,
            None,
            &json!({ "query": "{ articles { totalCount } }" }),
        )
        .await;
        assert_eq!(body["data"]["articles"]["totalCount"], 0);
    }
    // With the default body limit such floods do not even get read.
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let aliases: Vec<String> = (0..10_000).map(|i| format!("a{i}: __typename")).collect();
        let wide = format!("{{ {} }}", aliases.join(" "));
        let (status, _, body) = post_json(&app, None, &json!({ "query": wide })).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(code(&body), "PAYLOAD_TOO_LARGE");
    }
}

#[each_database]
async fn depth_complexity_and_page_size_limits_follow_the_configuration() {
    for app in TestApp::spawn_all_empty_with(|settings| {
        settings.graphql_max_depth = 6;
        settings.graphql_max_complexity = 300;
        settings.graphql_max_page_size = 10;
    })
    .await
    {
        let ok = "{ articles { nodes { tags { articles(first: 2) { nodes { title } } } } } }";
        let (_, _, body) = post_json(&app, None, &json!({ "query": ok })).await;
        assert!(body.get("errors").is_none(), "{}: {body:#}", app.backend);
        let deep = "{ articles(first: 1) { nodes { tags { articles(first: 1) { nodes { tags { slug } } } } } } }";
        let (_, _, body) = post_json(&app, None, &json!({ "query": deep })).await;
        assert_eq!(
            limit(&body),
            ("GRAPHQL_VALIDATION_FAILED", "depth", 6),
            "{body:#}"
        );
        let complex = "{ articles(first: 10) { nodes { tags { articles(first: 10) { nodes { title slug } } } } } }";
        let (_, _, body) = post_json(&app, None, &json!({ "query": complex })).await;
        assert_eq!(
            limit(&body),
            ("GRAPHQL_VALIDATION_FAILED", "complexity", 300),
            "{body:#}"
        );
        let (_, _, body) = post_json(
            &app,
            None,
            &json!({ "query": "{ articles(first: 11) { totalCount } }" }),
        )
        .await;
        assert_eq!(body["errors"][0]["extensions"]["field"], "first");
        assert!(body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("between 1 and 10"));
    }
}
