//! Slug history over the public APIs: after a published article's slug
//! changes, REST answers the old address with a 301 to the new one and GraphQL
//! `article(slug: old)` still finds the story; the old slug stays taken.
//! SQLite and PostgreSQL.

use crate::support;

use masthead_domain::{Lifecycle, Role};
use masthead_persistence::PersistenceError;
use masthead_test_macros::each_database;
use serde_json::json;
use support::workflow::{content, json, user_id, with_slug};
use support::TestApp;

#[each_database]
async fn a_published_articles_old_slug_redirects_to_its_new_one() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let story = app.draft_by(&author, "Ceasefire holds overnight").await;
        let published = json(
            app.post_as(
                Some(&editor),
                &format!("/api/v1/admin/articles/{}/publish", story.id),
                None,
                None,
            )
            .await,
            200,
            "publish",
        )
        .await;
        let store = app.store().await;
        let author_id = user_id(&author);
        let renamed = with_slug(
            content(author_id, "Ceasefire holds", "The lede."),
            "ceasefire-holds",
        );
        store
            .articles()
            .acting_as(user_id(&editor))
            .update(
                story.id.parse().unwrap(),
                published["version"].as_i64().unwrap() as i32,
                renamed,
            )
            .await
            .unwrap();

        let old = app.get(&format!("/api/v1/articles/{}", story.slug)).await;
        assert_eq!(old.status(), 301, "{}", app.backend);
        assert_eq!(
            old.headers()["location"],
            "/api/v1/articles/ceasefire-holds"
        );
        let new = json(
            app.get("/api/v1/articles/ceasefire-holds").await,
            200,
            "new slug",
        )
        .await;
        assert_eq!(new["id"], story.id.as_str());

        let query = "query($slug: String!) { article(slug: $slug) { databaseId slug title } }";
        let answer = app.graphql(query, json!({ "slug": story.slug })).await;
        assert_eq!(
            answer["data"]["article"]["databaseId"],
            story.id.as_str(),
            "{answer}"
        );
        assert_eq!(answer["data"]["article"]["slug"], "ceasefire-holds");

        // The old slug is not handed to anyone else.
        let other = store
            .articles()
            .create(
                with_slug(content(author_id, "Another", "Lede."), &story.slug),
                Lifecycle::draft(),
            )
            .await;
        assert!(
            matches!(other, Err(PersistenceError::Duplicate { field: "slug" })),
            "{}",
            app.backend
        );

        // Unpublished, the article is gone from the public under both slugs.
        json(
            app.post_as(
                Some(&editor),
                &format!("/api/v1/admin/articles/{}/unpublish", story.id),
                None,
                None,
            )
            .await,
            200,
            "unpublish",
        )
        .await;
        assert_eq!(
            app.get(&format!("/api/v1/articles/{}", story.slug))
                .await
                .status(),
            404
        );
        assert_eq!(
            app.get("/api/v1/articles/ceasefire-holds").await.status(),
            404
        );
        let answer = app.graphql(query, json!({ "slug": story.slug })).await;
        assert!(answer["data"]["article"].is_null(), "{answer}");
    }
}

#[each_database]
async fn an_unknown_slug_is_still_not_found() {
    for app in TestApp::spawn_all().await {
        let response = app.get("/api/v1/articles/never-existed").await;
        assert_eq!(response.status(), 404, "{}", app.backend);
    }
}
