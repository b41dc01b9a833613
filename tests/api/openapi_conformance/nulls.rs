//! The null cases of every answer: content and accounts shaped so that each
//! property the document declares nullable comes back `null` at least once
//! (an article with no tags, a quote nobody is named for, a decorative image
//! without caption or credit, a draft's preview,
//! a removed reply that has answers, a webhook delivery not yet tried, …).
//! With the other areas' answers, [`super::nullables`] then checks that
//! nothing is declared nullable that is never null.

use super::Conformance;
use crate::support::rest::document;
use crate::support::{Session, TestApp};
use crate::webhook_support::dev_settings;

use masthead_domain::Role;
use masthead_persistence::testing::TestDatabase;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};

/// A staff request made to arrange the test, not checked against the document.
async fn arrange(
    app: &TestApp,
    session: &Session,
    method: Method,
    path: &str,
    body: Value,
) -> Value {
    let mut request = app.request(method.clone(), path, Some(session));
    if !body.is_null() {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{method} {path}: {status} {answer}");
    answer
}

/// Publishes the article `id` at version `version`.
async fn publish(app: &TestApp, editor: &Session, id: &str) {
    let path = format!("/admin/articles/{id}/publish");
    arrange(app, editor, Method::POST, &path, Value::Null).await;
}

#[each_database]
async fn every_nullable_property_is_null_somewhere() {
    for database in TestDatabase::all().await {
        let app = TestApp::spawn_with(database, |settings| {
            dev_settings(settings);
            // Deliveries stay waiting: none has been tried yet.
            settings.webhooks.webhooks_worker = false;
        })
        .await;
        let editor = app.sign_in_new(Role::Editor).await;
        let admin = app.sign_in_new(Role::Admin).await;
        let mut api = Conformance::new(&app).await;
        let get = |path: &str, session: Option<&Session>| app.request(Method::GET, path, session);

        // A webhook whose first delivery waits (the worker is off).
        let hook = arrange(
            &app,
            &admin,
            Method::POST,
            "/admin/webhooks",
            json!({ "url": "http://127.0.0.1:9/hook", "events": ["article.published"] }),
        )
        .await;

        // A published article with no tags and a quote nobody is named for,
        // by an editor with no biography; another under a tag with no description.
        let tag = arrange(
            &app,
            &editor,
            Method::POST,
            "/admin/tags",
            json!({ "name": "Plain Desk" }),
        )
        .await;
        // A decorative library image with no caption or credit anywhere.
        let plain_photo = crate::support::media::new_media(&app, &editor).await;
        let bare = json!({
            "title": "Bare facts about the ferry",
            "sections": [
                { "heading": null, "blocks": [
                    { "type": "paragraph", "markdown": "The ferry sailed at nine." },
                    { "type": "pull_quote", "text": "Nobody will say who decided." },
                    { "type": "image", "media_id": plain_photo, "decorative": true }
                ]},
                { "heading": "🗂 Background", "blocks": [
                    { "type": "paragraph", "markdown": "The route opened in spring." }
                ]}
            ],
            "reply_policy": "open"
        });
        let bare = app.create_article(&editor, &bare).await;
        let bare_id = bare["id"].as_str().unwrap().to_owned();
        let bare_slug = bare["slug"].as_str().unwrap().to_owned();
        publish(&app, &editor, &bare_id).await;
        let mut tagged = document("Plain desk harbour notes", "Harbour Master");
        tagged["tags"] = json!([tag["id"]]);
        let tagged = app.create_article(&editor, &tagged).await;
        publish(&app, &editor, tagged["id"].as_str().unwrap()).await;

        api.expect("get", "/articles", get("/articles?limit=3", None), 200)
            .await;
        let found = api
            .expect("get", "/search", get("/search?q=ferry%20nine", None), 200)
            .await;
        assert_eq!(found["data"][0]["slug"], bare_slug.as_str(), "{found}");
        for path in [
            "/pull-quotes?limit=100",
            "/pull-quotes?limit=100&fields=speaker",
        ] {
            api.expect("get", "/pull-quotes", get(path, None), 200)
                .await;
        }
        api.expect("get", "/tags", get("/tags?limit=100", None), 200)
            .await;
        let plain = format!("/tags/{}", tag["slug"].as_str().unwrap());
        api.expect("get", "/tags/{slug}", get(&plain, None), 200)
            .await;
        let article = api
            .expect(
                "get",
                "/articles/{slug}",
                get(&format!("/articles/{bare_slug}"), None),
                200,
            )
            .await;
        let author = format!(
            "/authors/{}",
            article["authors"][0]["slug"].as_str().unwrap()
        );
        api.expect("get", "/authors", get("/authors?limit=100", None), 200)
            .await;
        api.expect("get", "/authors/{slug}", get(&author, None), 200)
            .await;

        // A draft: unpublished in the desk's list and search, and previewed.
        let draft = app
            .create_article(&editor, &json!({ "title": "Unfinished ferry timetable" }))
            .await;
        let draft_id = draft["id"].as_str().unwrap().to_owned();
        api.expect(
            "get",
            "/admin/articles",
            get("/admin/articles?status=draft", Some(&editor)),
            200,
        )
        .await;
        api.expect(
            "get",
            "/search",
            get("/search?q=unfinished&status=draft", Some(&editor)),
            200,
        )
        .await;
        let link = arrange(
            &app,
            &editor,
            Method::POST,
            &format!("/admin/articles/{draft_id}/preview-links"),
            json!({ "expires_in": 600 }),
        )
        .await;
        let preview = format!("/preview/{}", link["token"].as_str().unwrap());
        api.expect("get", "/preview/{token}", get(&preview, None), 200)
            .await;

        // A diff that adds and removes blocks and sections.
        let path = format!("/admin/articles/{bare_id}");
        let mut current = arrange(&app, &editor, Method::GET, &path, Value::Null).await;
        let version = current["version"].clone();
        // The paragraph goes, a list comes: the section keeps its id.
        let quote = current["sections"][0]["blocks"][1].clone();
        current["sections"][0]["heading"] = json!("🧭 Where it went");
        current["sections"][0]["blocks"] = json!([
            quote,
            { "type": "list", "ordered": true, "items": ["Left at nine", "Back at ten"] }
        ]);
        // The background section goes, another comes.
        current["sections"] = json!([
            current["sections"][0].clone(),
            { "heading": "📍 Next", "blocks": [
                { "type": "paragraph", "markdown": "The next sailing is at noon." }
            ]}
        ]);
        let saved = app
            .request(Method::PUT, &path, Some(&editor))
            .header("if-match", format!("\"{version}\""))
            .json(&current)
            .send()
            .await
            .unwrap();
        assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
        let revisions = format!("{path}/revisions");
        let listed = api
            .expect(
                "get",
                "/admin/articles/{id}/revisions",
                get(&revisions, Some(&editor)),
                200,
            )
            .await;
        let newest = listed["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|revision| revision["number"].as_i64())
            .max()
            .unwrap();
        assert!(newest > 1, "{listed}");
        api.expect(
            "get",
            "/admin/articles/{id}/revisions/{number}",
            get(&format!("{revisions}/{newest}"), Some(&editor)),
            200,
        )
        .await;
        api.expect(
            "get",
            "/admin/articles/{id}/revisions/{number}",
            get(&format!("{revisions}/1"), Some(&editor)),
            200,
        )
        .await;
        api.expect(
            "get",
            "/admin/articles/{id}/revisions/{from}/diff/{to}",
            get(&format!("{revisions}/1/diff/{newest}"), Some(&editor)),
            200,
        )
        .await;

        // The demo was loaded by nobody: its revisions name no one.
        let demo = api
            .expect("get", "/articles", get("/articles?limit=100", None), 200)
            .await;
        let first = demo["data"].as_array().unwrap().last().unwrap()["id"].clone();
        let demo_revisions = format!("/admin/articles/{}/revisions", first.as_str().unwrap());
        api.expect(
            "get",
            "/admin/articles/{id}/revisions",
            get(&demo_revisions, Some(&editor)),
            200,
        )
        .await;
        api.expect(
            "get",
            "/admin/articles/{id}/revisions/{number}",
            get(&format!("{demo_revisions}/1"), Some(&editor)),
            200,
        )
        .await;

        // A reply with an answer, then removed: its place stays, empty. And
        // a reply by staff, which has no client hash.
        let replies = format!("/articles/{bare_slug}/replies");
        let reader = json!({
            "author_name": "Quay Reader",
            "author_email": "quay.reader@example.org",
            "body": "Was the ferry late again?"
        });
        let first = app
            .request(Method::POST, &replies, None)
            .json(&reader)
            .send()
            .await
            .unwrap();
        assert_eq!(first.status(), 201, "{}", app.backend);
        let first: Value = first.json().await.unwrap();
        let answer = json!({ "body": "It left on time today.", "parent_id": first["id"] });
        arrange(&app, &editor, Method::POST, &replies, answer).await;
        let removed = format!("/admin/replies/{}", first["id"].as_str().unwrap());
        let deleted = app
            .request(Method::DELETE, &removed, Some(&editor))
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), 204);
        api.expect("get", "/articles/{slug}/replies", get(&replies, None), 200)
            .await;
        api.expect(
            "get",
            "/admin/replies",
            get("/admin/replies?status=approved", Some(&editor)),
            200,
        )
        .await;

        // The audit log, with entries no article is the subject of.
        api.expect(
            "get",
            "/admin/audit",
            get("/admin/audit?limit=100", Some(&admin)),
            200,
        )
        .await;

        // The waiting delivery.
        let deliveries = format!(
            "/admin/webhooks/{}/deliveries",
            hook["id"].as_str().unwrap()
        );
        let waiting = api
            .expect(
                "get",
                "/admin/webhooks/{id}/deliveries",
                get(&deliveries, Some(&admin)),
                200,
            )
            .await;
        assert!(!waiting["data"].as_array().unwrap().is_empty(), "{waiting}");

        api.finish("nulls");
    }
}
