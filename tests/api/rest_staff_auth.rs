//! Authenticate before reading the body: every staff route (each operation
//! the OpenAPI document marks as needing a bearer token) answers a request
//! without a valid token with 401, problem+json and `WWW-Authenticate: Bearer`,
//! whatever its body, query string or `If-Match` — never 400, 412, 415 or 422
//! first, so an anonymous caller learns nothing about what a route accepts.

use crate::support;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::{Method, RequestBuilder};
use serde_json::Value;
use support::TestApp;

/// (method, path with its parameters filled in) of every operation whose
/// `security` has no anonymous alternative.
async fn staff_routes(app: &TestApp) -> Vec<(Method, String)> {
    let document: Value = app
        .get("/api/v1/openapi.json")
        .await
        .json()
        .await
        .expect("the OpenAPI document");
    let mut routes = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let options = operation["security"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let required = !options.is_empty()
                && options
                    .iter()
                    .all(|option| option.as_object().is_some_and(|o| !o.is_empty()));
            if !required {
                continue;
            }
            let filled = path
                .split('/')
                .map(|segment| {
                    if segment.starts_with('{') {
                        "0190a5f0-0000-7000-8000-000000000000"
                    } else {
                        segment
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method");
            routes.push((method, format!("/api/v1{filled}")));
        }
    }
    routes
}

/// The ways a request can be wrong besides its missing or bad token.
fn broken(request: RequestBuilder, how: &str) -> RequestBuilder {
    let malformed_body = |request: RequestBuilder| {
        request
            .header("content-type", "application/json")
            .body(r#"{"title": "#)
    };
    match how {
        "malformed JSON body" => malformed_body(request),
        "body that is not JSON" => request.header("content-type", "text/plain").body("hello"),
        "bad query string" => request.query(&[("limit", "many"), ("surprise", "1")]),
        "garbage If-Match" => request.header("if-match", "not-an-etag\""),
        "everything at once" => malformed_body(request)
            .query(&[("limit", "-1"), ("cursor", "%%%")])
            .header("if-match", "W/garbage"),
        other => panic!("unknown case {other}"),
    }
}

const CASES: [&str; 5] = [
    "malformed JSON body",
    "body that is not JSON",
    "bad query string",
    "garbage If-Match",
    "everything at once",
];

async fn assert_unauthenticated(response: reqwest::Response, case: &str) {
    assert_eq!(response.status(), 401, "{case}");
    assert_eq!(response.headers()["www-authenticate"], "Bearer", "{case}");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "{case}"
    );
    let problem: Value = response.json().await.expect("a problem document");
    assert_eq!(problem["code"], "UNAUTHENTICATED", "{case}");
}

#[each_database]
async fn every_staff_route_refuses_an_anonymous_request_with_401_whatever_its_body_query_or_if_match(
) {
    for app in TestApp::spawn_all().await {
        let routes = staff_routes(&app).await;
        for expected in [
            "/api/v1/admin/articles",
            "/api/v1/auth/me",
            "/api/v1/auth/password",
        ] {
            assert!(
                routes.iter().any(|(_, path)| path == expected),
                "{expected} is a staff route: {routes:?}"
            );
        }
        for (method, path) in &routes {
            for how in CASES {
                let request = app
                    .client
                    .request(method.clone(), format!("{}{path}", app.address));
                let response = broken(request, how).send().await.expect("send");
                let case = format!("anonymous {method} {path} with a {how} ({})", app.backend);
                assert_unauthenticated(response, &case).await;
            }
            let raw = format!("{}{path}?limit=%FF&cursor=%00", app.address);
            let response = app
                .client
                .request(method.clone(), raw)
                .send()
                .await
                .expect("send");
            let case = format!("anonymous {method} {path} with a query that is not UTF-8");
            assert_unauthenticated(response, &case).await;
        }
    }
}

#[each_database]
async fn a_bad_token_also_wins_over_a_bad_body_query_or_if_match_on_every_staff_route() {
    for app in TestApp::spawn_all().await {
        let routes = staff_routes(&app).await;
        // A well-signed token of an account disabled since: only the database
        // can tell it is no good, which takes longer than reading a body.
        let disabled = app.sign_in_new(Role::Admin).await;
        let id = disabled.user_id.parse().expect("a user id");
        app.store
            .users()
            .set_active(id, false)
            .await
            .expect("disable");
        let revoked = format!("Bearer {}", disabled.access_token);
        for (method, path) in &routes {
            for authorization in [
                "Bearer not-a-token",
                "Basic Zm9vOmJhcg==",
                "Bearer",
                revoked.as_str(),
            ] {
                let request = app
                    .client
                    .request(method.clone(), format!("{}{path}", app.address))
                    .header("authorization", authorization);
                let response = broken(request, "everything at once")
                    .send()
                    .await
                    .expect("send");
                let shown = authorization.get(..20).unwrap_or(authorization);
                let case = format!("{shown:?}… on {method} {path} ({})", app.backend);
                assert_unauthenticated(response, &case).await;
            }
        }
    }
}

#[each_database]
async fn with_a_valid_token_the_body_is_read_and_judged_as_before() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let response = app
            .client
            .post(format!("{}/api/v1/admin/articles", app.address))
            .bearer_auth(&author.access_token)
            .header("content-type", "application/json")
            .body(r#"{"title": "#)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 400, "malformed JSON ({})", app.backend);
        let problem: Value = response.json().await.expect("problem");
        assert_eq!(problem["code"], "MALFORMED_JSON");

        let me = app
            .client
            .get(format!("{}/api/v1/auth/me", app.address))
            .bearer_auth(&author.access_token)
            .send()
            .await
            .expect("send");
        assert_eq!(me.status(), 200, "{}", app.backend);
        let me: Value = me.json().await.expect("me");
        assert_eq!(me["email"], author.email.as_str());

        let head = app
            .client
            .head(format!("{}/api/v1/admin/articles", app.address))
            .send()
            .await
            .expect("send");
        assert_eq!(head.status(), 401, "HEAD is GET ({})", app.backend);
    }
}
