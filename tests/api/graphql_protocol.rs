//! What a generated client relies on: one date format in both APIs (RFC 3339
//! UTC with `Z`), answers whose fields come in the order the query asked for
//! them, error `locations` that are 1-based or absent, and every
//! `extensions.code` the endpoint can send documented in the README.

use crate::support;

use masthead_domain::Role;
use masthead_persistence::testing::TestDatabase;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};
use support::rest::document;
use support::TestApp;

/// A timestamp as both APIs write it: `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
fn assert_utc_z(value: &Value, what: &str) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("{what}: not a string: {value}"));
    assert!(
        text.len() == 27 && text.ends_with('Z') && text.as_bytes()[10] == b'T',
        "{what}: {text} is not RFC 3339 UTC with Z and microseconds"
    );
    chrono::DateTime::parse_from_rfc3339(text).unwrap_or_else(|_| panic!("{what}: {text}"));
}

#[each_database]
async fn both_apis_write_the_same_instant_the_same_way() {
    for app in TestApp::spawn_all().await {
        let backend = app.backend;
        let admin = app.sign_in_new(Role::Admin).await;
        let created = app
            .create_article(&admin, &document("Dates Agree", "A. Clock"))
            .await;
        let id = created["id"].as_str().unwrap();
        let published = app
            .send(
                Method::POST,
                &format!("/api/v1/admin/articles/{id}/publish"),
                Some(&admin.access_token),
                None,
            )
            .await;
        assert_eq!(published.status(), 200, "{backend}");
        let rest: Value = staff_json(&app, &admin, &format!("/api/v1/admin/articles/{id}")).await;
        let graphql = support::gql::data(
            &app,
            Some(&admin.access_token),
            "query($id: ID!) { article(id: $id) { createdAt updatedAt publishedAt } }",
            json!({ "id": id }),
        )
        .await;
        let article = &graphql["article"];
        for (rest_name, graphql_name) in [
            ("created_at", "createdAt"),
            ("updated_at", "updatedAt"),
            ("published_at", "publishedAt"),
        ] {
            assert_utc_z(&rest[rest_name], &format!("{backend} REST {rest_name}"));
            assert_utc_z(
                &article[graphql_name],
                &format!("{backend} GraphQL {graphql_name}"),
            );
            assert_eq!(rest[rest_name], article[graphql_name], "{backend}");
        }

        // The audit log's times and detail, in both APIs.
        let audit: Value = staff_json(
            &app,
            &admin,
            &format!("/api/v1/admin/audit?article_id={id}"),
        )
        .await;
        let publish = audit["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|entry| entry["action"] == "publish")
            .unwrap_or_else(|| panic!("{backend}: no publish entry in {audit}"));
        assert_utc_z(&publish["at"], "REST audit at");
        assert_utc_z(&publish["detail"]["published_at"], "REST audit detail");
        assert_eq!(publish["detail"]["published_at"], rest["published_at"]);
        let log = support::gql::data(
            &app,
            Some(&admin.access_token),
            "query($id: ID!) { auditLog(articleId: $id, first: 10) { nodes { action at detail } } }",
            json!({ "id": id }),
        )
        .await;
        let entry = log["auditLog"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|entry| entry["action"] == "publish")
            .cloned()
            .unwrap_or_else(|| panic!("{backend}: {log}"));
        assert_eq!(entry["at"], publish["at"], "{backend}");
        assert_eq!(
            entry["detail"]["published_at"],
            publish["detail"]["published_at"]
        );

        // A scheduled time given with an offset comes back in UTC with Z.
        let draft = app
            .create_article(&admin, &document("Later Dates", "A. Clock"))
            .await;
        let later = chrono::Utc::now().date_naive() + chrono::Days::new(30);
        let at = format!("{later}T12:00:00.5+02:00");
        let scheduled = support::gql::data(
            &app,
            Some(&admin.access_token),
            "mutation($id: ID!, $at: DateTime!) { publishArticle(id: $id, at: $at) { scheduledAt } }",
            json!({ "id": draft["id"], "at": at }),
        )
        .await;
        assert_eq!(
            scheduled["publishArticle"]["scheduledAt"],
            format!("{later}T10:00:00.500000Z"),
            "{backend}"
        );
        let refused = app
            .graphql_as(
                Some(&admin.access_token),
                "mutation($id: ID!) { publishArticle(id: $id, at: \"tomorrow\") { scheduledAt } }",
                json!({ "id": draft["id"] }),
            )
            .await;
        assert_eq!(
            support::graphql_error_code(&refused),
            Some("BAD_USER_INPUT"),
            "{refused}"
        );
    }
}

/// `GET path` as `session`, as JSON.
async fn staff_json(app: &TestApp, session: &support::Session, path: &str) -> Value {
    app.send(Method::GET, path, Some(&session.access_token), None)
        .await
        .json()
        .await
        .unwrap()
}

/// The keys of a JSON object, in the order they were written.
fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect()
}

#[tokio::test]
async fn fields_come_in_the_order_the_query_asked_for_them() {
    let app = TestApp::spawn(TestDatabase::sqlite()).await;
    let query = "{ site { name description language } articles(first: 1) { totalCount nodes { title slug id updatedAt wordCount } pageInfo { hasNextPage endCursor } } }";
    // Raw bytes: a JSON parser that sorts keys must not hide the order.
    for method in [Method::POST, Method::GET] {
        let request = match method {
            Method::POST => app
                .client
                .post(format!("{}/graphql", app.address))
                .json(&json!({ "query": query })),
            _ => app
                .client
                .get(format!("{}/graphql", app.address))
                .query(&[("query", query)]),
        };
        // Twice: the second answer comes from the public cache.
        for i in 0..2 {
            let text = request
                .try_clone()
                .unwrap()
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let answer: Value = serde_json::from_str(&text).unwrap();
            let data = &answer["data"];
            assert_eq!(keys(data), ["site", "articles"], "{method} {text}");
            assert_eq!(keys(&data["site"]), ["name", "description", "language"]);
            assert_eq!(
                keys(&data["articles"]),
                ["totalCount", "nodes", "pageInfo"],
                "{method} {i} {text}"
            );
            assert_eq!(
                keys(&data["articles"]["nodes"][0]),
                ["title", "slug", "id", "updatedAt", "wordCount"]
            );
            assert!(
                text.find("\"title\"") < text.find("\"slug\""),
                "in the bytes too: {text}"
            );
        }
    }
}

#[tokio::test]
async fn error_locations_are_one_based_or_absent() {
    let app = TestApp::spawn(TestDatabase::sqlite()).await;
    let bad_token = app
        .graphql_as(Some("not-a-token"), "{ me { email } }", json!({}))
        .await;
    assert_eq!(
        support::graphql_error_code(&bad_token),
        Some("UNAUTHENTICATED")
    );
    assert!(
        bad_token["errors"][0].get("locations").is_none(),
        "about the request, not a place in it: {bad_token}"
    );
    for query in [
        "{ nope }",
        "{ article(slug: \"x\") { nope } }",
        "{ articles(first: 1000) { totalCount } }",
        "query { article(id: \"bad\") { title } }",
        "{ site { name ",
    ] {
        let answer = app.graphql(query, json!({})).await;
        let errors = answer["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{query}: {answer}"));
        for error in errors {
            assert!(error["extensions"]["code"].is_string(), "{answer}");
            for location in error["locations"].as_array().into_iter().flatten() {
                assert!(
                    location["line"].as_u64() >= Some(1) && location["column"].as_u64() >= Some(1),
                    "{query}: {answer}"
                );
            }
        }
    }
}

#[tokio::test]
async fn every_code_the_graphql_endpoint_can_send_is_documented() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme.find("\n## GraphQL").expect("a GraphQL section");
    let section = &readme[start + 1..];
    let section = &section[..section[3..]
        .find("\n## ")
        .map_or(section.len(), |end| end + 3)];
    let codes = masthead_api::graphql::codes::all();
    assert!(codes.len() > 15, "{codes:?}");
    let missing: Vec<_> = codes
        .iter()
        .filter(|code| !section.contains(&format!("`{code}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes the GraphQL endpoint sends but its README section does not list: {missing:?}"
    );

    // And the one a newcomer met first: GET /graphql without a query.
    let app = TestApp::spawn(TestDatabase::sqlite()).await;
    let answer: Value = app.get("/graphql").await.json().await.unwrap();
    let code = support::graphql_error_code(&answer).unwrap().to_owned();
    assert!(codes.contains(code.as_str()), "{answer}");
}
