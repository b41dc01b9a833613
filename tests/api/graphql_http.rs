//! GraphQL over HTTP and its limits: GET and POST, media types and status
//! codes, malformed requests, batches, introspection (on and off),
//! GraphiQL and CORS.

use crate::support;

use masthead_test_macros::each_database;
use reqwest::header::{ACCEPT, ALLOW, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::TestApp;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

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

#[each_database]
async fn get_runs_queries_and_refuses_mutations() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let query = app
            .get("/graphql?query=%7Barticles%7BtotalCount%7D%7D")
            .await;
        assert_eq!(query.status(), 200, "{}", app.backend);
        let body: Value = query.json().await.unwrap();
        assert_eq!(body["data"]["articles"]["totalCount"], 0);

        let with_variables = app
            .get("/graphql?query=query(%24s%3AString)%7Barticle(slug%3A%24s)%7Bid%7D%7D&variables=%7B%22s%22%3A%22x%22%7D&operationName=")
            .await;
        assert_eq!(with_variables.status(), 200);
        let body: Value = with_variables.json().await.unwrap();
        assert_eq!(body["data"]["article"], Value::Null, "{body}");

        let mutation = app
            .get("/graphql?query=mutation%7Blogout(refreshToken%3A%22x%22)%7D")
            .await;
        assert_eq!(mutation.status(), 405);
        assert_eq!(mutation.headers()[ALLOW], "POST");
        let body: Value = mutation.json().await.unwrap();
        assert_eq!(code(&body), "METHOD_NOT_ALLOWED");

        let named = app.get("/graphql?query=query%20A%7B__typename%7D%20mutation%20B%7Blogout(refreshToken%3A%22x%22)%7D&operationName=B").await;
        assert_eq!(named.status(), 405, "the named operation decides");

        for bad in [
            "/graphql",
            "/graphql?query=%7Ba%7D&variables=%5B1%5D",
            "/graphql?query=%7Ba%7D&variables=nope",
        ] {
            let response = app.get(bad).await;
            assert_eq!(response.status(), 400, "{bad}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(code(&body), "BAD_REQUEST");
        }
    }
}

#[each_database]
async fn graphql_response_json_answers_with_status_codes_per_the_spec() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let ok = post_json(
            &app,
            Some(GRAPHQL_RESPONSE),
            &json!({ "query": "{ articles { totalCount } }" }),
        )
        .await;
        assert_eq!(
            (ok.0, ok.1.as_str()),
            (StatusCode::OK, GRAPHQL_RESPONSE),
            "{}",
            app.backend
        );

        let unparsable = post_json(
            &app,
            Some(GRAPHQL_RESPONSE),
            &json!({ "query": "{ articles {" }),
        )
        .await;
        assert_eq!(unparsable.0, StatusCode::BAD_REQUEST);
        assert_eq!(code(&unparsable.2), "GRAPHQL_PARSE_FAILED");
        assert!(
            unparsable.2.get("data").is_none(),
            "a request error has no data"
        );

        let invalid = post_json(
            &app,
            Some(GRAPHQL_RESPONSE),
            &json!({ "query": "{ nosuchfield }" }),
        )
        .await;
        assert_eq!(invalid.0, StatusCode::BAD_REQUEST);
        assert_eq!(code(&invalid.2), "GRAPHQL_VALIDATION_FAILED");

        let bad_variable = post_json(&app, Some(GRAPHQL_RESPONSE), &json!({ "query": "query($n: Int) { articles(first: $n) { totalCount } }", "variables": { "n": "ten" } })).await;
        assert_eq!(bad_variable.0, StatusCode::BAD_REQUEST);
        assert_eq!(code(&bad_variable.2), "BAD_USER_INPUT");

        let field_error = post_json(
            &app,
            Some(GRAPHQL_RESPONSE),
            &json!({ "query": "{ articles(first: 500) { totalCount } }" }),
        )
        .await;
        assert_eq!(field_error.0, StatusCode::OK, "execution errors keep 200");
        assert_eq!(code(&field_error.2), "BAD_USER_INPUT");
        assert!(field_error.2.get("data").is_some());

        let unauthenticated = post_raw(
            &app,
            Some(GRAPHQL_RESPONSE),
            "application/json",
            json!({ "query": "{ me { id } }" }).to_string(),
        )
        .await;
        assert_eq!(
            unauthenticated.status(),
            200,
            "no token is anonymous, not an error"
        );
        let bad_token = app
            .client
            .post(format!("{}/graphql", app.address))
            .header(ACCEPT, GRAPHQL_RESPONSE)
            .bearer_auth("forged")
            .json(&json!({ "query": "{ me { id } }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(bad_token.status(), 401);
        assert_eq!(bad_token.headers()["www-authenticate"], "Bearer");
        let body: Value = bad_token.json().await.unwrap();
        assert_eq!(code(&body), "UNAUTHENTICATED");

        // Plain application/json keeps 200 for anything that reached GraphQL.
        let legacy = post_json(
            &app,
            Some("application/json"),
            &json!({ "query": "{ articles {" }),
        )
        .await;
        assert_eq!(
            (legacy.0, legacy.1.as_str()),
            (StatusCode::OK, "application/json")
        );
        assert_eq!(code(&legacy.2), "GRAPHQL_PARSE_FAILED");
        let preferred = post_json(
            &app,
            Some("application/json;q=0.9, application/graphql-response+json"),
            &json!({ "query": "{ __typename }" }),
        )
        .await;
        assert_eq!(preferred.1, GRAPHQL_RESPONSE);
        let refused = post_json(
            &app,
            Some("text/html"),
            &json!({ "query": "{ __typename }" }),
        )
        .await;
        assert_eq!(refused.0, StatusCode::NOT_ACCEPTABLE);
    }
}

#[each_database]
async fn malformed_requests_are_refused_with_a_4xx_and_a_code() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let cases: Vec<(&str, String, StatusCode, &str)> = vec![
            (
                "application/json",
                "{not json".into(),
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
            ),
            (
                "application/json",
                "{}".into(),
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
            ),
            (
                "application/json",
                r#"{"query": 42}"#.into(),
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
            ),
            (
                "application/json",
                r#"{"query": "{a}", "variables": [1]}"#.into(),
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
            ),
            (
                "application/json",
                "[]".into(),
                StatusCode::BAD_REQUEST,
                "BATCH_TOO_LARGE",
            ),
            (
                "text/plain",
                r#"{"query": "{a}"}"#.into(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
            ),
            (
                "application/json",
                format!(
                    r#"{{"query": "{{ __typename }}", "pad": "{}"}}"#,
                    "x".repeat(70_000)
                ),
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
            ),
        ];
        for (content_type, body, status, expected) in cases {
            let response = post_raw(&app, None, content_type, body.clone()).await;
            assert_eq!(
                response.status(),
                status,
                "{}: {content_type} {:.60}",
                app.backend,
                body
            );
            let answer: Value = response.json().await.unwrap();
            assert_eq!(code(&answer), expected, "{:.60}", body);
        }
        let variables_null = post_json(
            &app,
            None,
            &json!({ "query": "{ __typename }", "variables": null, "operationName": null }),
        )
        .await;
        assert_eq!(variables_null.2["data"]["__typename"], "Query");
        let put = app
            .client
            .put(format!("{}/graphql", app.address))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(put.status(), 405);
        assert!(put.headers()[ALLOW].to_str().unwrap().contains("POST"));
        // The GraphQL limit is its own: below the REST JSON limit.
        let just_under = format!(
            r#"{{"query": "{{ __typename }}", "pad": "{}"}}"#,
            "x".repeat(60_000)
        );
        let response = post_raw(&app, None, "application/json", just_under).await;
        assert_eq!(response.status(), 200);
    }
}

#[each_database]
async fn batches_run_in_order_up_to_the_configured_size() {
    for app in TestApp::spawn_all_empty_with(|settings| settings.graphql_max_batch = 3).await {
        let batch = json!([
            { "query": "{ __typename }" },
            { "query": "query($n: Int) { articles(first: $n) { totalCount } }", "variables": { "n": 1 } },
            { "query": "{ nosuchfield }" }
        ]);
        let (status, _, body) = post_json(&app, Some(GRAPHQL_RESPONSE), &batch).await;
        assert_eq!(status, StatusCode::OK, "{}", app.backend);
        let answers = body.as_array().expect("an array of answers");
        assert_eq!(answers.len(), 3);
        assert_eq!(answers[0]["data"]["__typename"], "Query");
        assert_eq!(answers[1]["data"]["articles"]["totalCount"], 0);
        assert_eq!(code(&answers[2]), "GRAPHQL_VALIDATION_FAILED");
        let too_many = json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }, { "query": "{ __typename }" }, { "query": "{ __typename }" }]);
        let (status, _, body) = post_json(&app, None, &too_many).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(code(&body), "BATCH_TOO_LARGE");
    }
    for app in TestApp::spawn_all_empty_with(|settings| settings.graphql_max_batch = 0).await {
        let (status, _, body) =
            post_json(&app, None, &json!([{ "query": "{ __typename }" }])).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(code(&body), "BATCH_NOT_SUPPORTED");
    }
}

const INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}"#;

#[each_database]
async fn turning_introspection_off_turns_did_you_mean_suggestions_off_too() {
    let typo = json!({ "query": "{ articlez { id } }" });
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let (_, _, body) = post_json(&app, None, &typo).await;
        assert!(
            body.to_string().contains("Did you mean"),
            "with introspection on, typos get a hint: {body:#}"
        );
    }
    for app in
        TestApp::spawn_all_empty_with(|settings| settings.graphql_introspection = false).await
    {
        let (_, _, body) = post_json(&app, None, &typo).await;
        assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{body:#}");
        let text = body.to_string();
        assert!(
            !text.contains("Did you mean") && !text.contains("\"articles\""),
            "{}: the error names no real field: {body:#}",
            app.backend
        );
    }
}

#[each_database]
async fn the_schema_documents_itself_unless_introspection_is_off() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let (_, _, body) = post_json(&app, None, &json!({ "query": INTROSPECTION })).await;
        assert!(
            body.get("errors").is_none(),
            "GraphiQL's introspection passes the limits: {body:#}"
        );
        let mut undocumented = Vec::new();
        for kind in body["data"]["__schema"]["types"].as_array().unwrap() {
            let name = kind["name"].as_str().unwrap();
            // Introspection types and GraphQL's own scalars are documented by the spec.
            if name.starts_with("__") || ["ID", "String", "Int", "Float", "Boolean"].contains(&name)
            {
                continue;
            }
            if kind["description"].as_str().unwrap_or("").is_empty() {
                undocumented.push(name.to_owned());
            }
            for member in ["fields", "inputFields", "enumValues"] {
                for item in kind[member].as_array().into_iter().flatten() {
                    if item["description"].as_str().unwrap_or("").is_empty() {
                        undocumented.push(format!("{name}.{}", item["name"].as_str().unwrap()));
                    }
                }
            }
        }
        assert!(
            undocumented.is_empty(),
            "without a description: {undocumented:?}"
        );
        let page = app.get("/graphiql").await;
        assert_eq!(page.status(), 200);
        assert!(page
            .text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("graphiql"));
        let preflight = app
            .client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
            .header("origin", "https://news.example")
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, authorization",
            )
            .send()
            .await
            .unwrap();
        assert!(preflight.status().is_success(), "{}", preflight.status());
        assert!(preflight
            .headers()
            .contains_key("access-control-allow-origin"));
    }
    for app in
        TestApp::spawn_all_empty_with(|settings| settings.graphql_introspection = false).await
    {
        let (_, _, body) = post_json(
            &app,
            None,
            &json!({ "query": "{ __schema { types { name } } }" }),
        )
        .await;
        assert_eq!(
            code(&body),
            "GRAPHQL_VALIDATION_FAILED",
            "{}: {body:#}",
            app.backend
        );
        assert!(
            body.get("data").is_none(),
            "nothing about the schema: {body:#}"
        );
        let sneaky = "query { ...F } fragment F on Query { __type(name: \"Article\") { name } }";
        let (_, _, body) = post_json(&app, None, &json!({ "query": sneaky })).await;
        assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{body:#}");
        let (_, _, body) = post_json(&app, None, &json!({ "query": "{ __typename }" })).await;
        assert_eq!(
            body["data"]["__typename"], "Query",
            "__typename is not introspection"
        );
        let (_, _, body) = post_json(
            &app,
            None,
            &json!({ "query": "{ articles { totalCount } }" }),
        )
        .await;
        assert_eq!(body["data"]["articles"]["totalCount"], 0);
    }
}
