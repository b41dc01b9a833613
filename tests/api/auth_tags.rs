//! Managing tags over REST and GraphQL (editors and admins): creating,
//! renaming, deleting, and what bad input gets.

use crate::support;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};
use support::{graphql_error_code, Session, TestApp};

async fn servers() -> Vec<TestApp> {
    TestApp::spawn_all_with(|settings| settings.no_demo = true).await
}

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    session: &Session,
    body: Option<Value>,
) -> reqwest::Response {
    app.send(method, path, Some(&session.access_token), body.as_ref())
        .await
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[each_database]
async fn editors_create_rename_and_delete_tags() {
    for app in servers().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let created = call(
            &app,
            Method::POST,
            "/api/v1/admin/tags",
            &editor,
            Some(json!({ "name": "Climate Desk", "description": "Weather and warming." })),
        )
        .await;
        assert_eq!(created.status(), 201, "{}", app.backend);
        let tag: Value = created.json().await.unwrap();
        assert_eq!(tag["slug"], "climate-desk");
        let path = format!("/api/v1/admin/tags/{}", tag["id"].as_str().unwrap());

        let duplicate = call(
            &app,
            Method::POST,
            "/api/v1/admin/tags",
            &editor,
            Some(json!({ "name": "Climate  desk!" })),
        )
        .await;
        assert_eq!(
            duplicate.status(),
            409,
            "same derived slug ({})",
            app.backend
        );
        let problem: Value = duplicate.json().await.unwrap();
        assert_eq!(problem["code"], "DUPLICATE");

        let invalid = call(
            &app,
            Method::POST,
            "/api/v1/admin/tags",
            &editor,
            Some(json!({ "name": "n".repeat(101), "slug": "Not A Slug" })),
        )
        .await;
        assert_eq!(invalid.status(), 422);
        let mut got = fields(&invalid.json().await.unwrap());
        got.sort();
        assert_eq!(got, ["name", "slug"]);

        let renamed = call(
            &app,
            Method::PUT,
            &path,
            &editor,
            Some(json!({ "name": "Climate", "slug": "climate" })),
        )
        .await;
        assert_eq!(renamed.status(), 200);
        let tag: Value = renamed.json().await.unwrap();
        assert_eq!(tag["slug"], "climate");
        assert!(tag["description"].is_null(), "PUT replaces the whole tag");

        let missing = format!("/api/v1/admin/tags/{}", uuid::Uuid::now_v7());
        assert_eq!(
            call(
                &app,
                Method::PUT,
                &missing,
                &editor,
                Some(json!({ "name": "Ghost" }))
            )
            .await
            .status(),
            404
        );
        assert_eq!(
            call(
                &app,
                Method::DELETE,
                "/api/v1/admin/tags/not-a-uuid",
                &editor,
                None
            )
            .await
            .status(),
            404
        );

        assert_eq!(
            call(&app, Method::DELETE, &path, &editor, None)
                .await
                .status(),
            204
        );
        assert_eq!(
            call(&app, Method::DELETE, &path, &editor, None)
                .await
                .status(),
            404,
            "gone"
        );
    }
}

#[each_database]
async fn tags_are_managed_over_graphql_with_the_same_rules() {
    for app in servers().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let token = Some(editor.access_token.as_str());
        let created = app
            .graphql_as(
                token,
                r#"mutation { createTag(input: { name: "🌍", slug: "globe", description: "Everywhere." }) { id slug name description } }"#,
                json!({}),
            )
            .await;
        let tag = &created["data"]["createTag"];
        assert_eq!(tag["slug"], "globe", "{created}");
        assert_eq!(tag["name"], "🌍");
        let id = tag["id"].as_str().unwrap();

        let needs_slug = app
            .graphql_as(
                token,
                r#"mutation { createTag(input: { name: "🌊" }) { id } }"#,
                json!({}),
            )
            .await;
        assert_eq!(graphql_error_code(&needs_slug), Some("BAD_USER_INPUT"));
        assert_eq!(needs_slug["errors"][0]["extensions"]["field"], "slug");

        let updated = app
            .graphql_as(
                token,
                "mutation($id: ID!) { updateTag(id: $id, input: { name: \"World\" }) { slug name } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(updated["data"]["updateTag"]["slug"], "world", "{updated}");

        let deleted = app
            .graphql_as(
                token,
                "mutation($id: ID!) { deleteTag(id: $id) }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(deleted["data"]["deleteTag"], id, "{deleted}");
        let again = app
            .graphql_as(
                token,
                "mutation($id: ID!) { deleteTag(id: $id) }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(graphql_error_code(&again), Some("NOT_FOUND"), "{again}");
    }
}

#[each_database]
async fn renaming_a_tag_or_a_byline_shows_at_once_on_cached_public_articles() {
    // With demo content: published articles with tags and bylines.
    for app in TestApp::spawn_all().await {
        let admin = app.sign_in_new(Role::Admin).await;
        let list: Value = app.get("/api/v1/articles").await.json().await.unwrap();
        let article = &list["data"][0];
        let slug = article["slug"].as_str().unwrap();
        let tag_id = article["primary_tag"]["id"].as_str().unwrap();
        let author_id = article["authors"][0]["id"].as_str().unwrap();
        let path = format!("/api/v1/articles/{slug}");
        for _ in 0..2 {
            // Read twice, so the second read comes from the public cache.
            assert_eq!(app.get(&path).await.status(), 200);
        }

        let tag = format!("/api/v1/admin/tags/{tag_id}");
        let renamed = call(
            &app,
            Method::PUT,
            &tag,
            &admin,
            Some(json!({ "name": "Renamed Desk" })),
        )
        .await;
        assert_eq!(renamed.status(), 200, "{}", app.backend);
        let user = format!("/api/v1/admin/users/{author_id}");
        let renamed = call(
            &app,
            Method::PATCH,
            &user,
            &admin,
            Some(json!({ "display_name": "Renamed Writer" })),
        )
        .await;
        assert_eq!(renamed.status(), 200, "{}", app.backend);

        let fresh: Value = app.get(&path).await.json().await.unwrap();
        assert_eq!(
            fresh["primary_tag"]["name"], "Renamed Desk",
            "{}",
            app.backend
        );
        assert_eq!(
            fresh["primary_tag"]["slug"], "renamed-desk",
            "{}",
            app.backend
        );
        assert_eq!(
            fresh["authors"][0]["display_name"], "Renamed Writer",
            "{}",
            app.backend
        );
    }
}
