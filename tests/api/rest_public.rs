//! The public REST reads a mobile app makes: articles, tags, authors, pull
//! quotes; pagination, `fields=`, caching validators; drafts stay hidden.

use crate::support;

use std::collections::HashSet;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::Value;
use support::rest::{all_pages, document, error_fields, problem};
use support::TestApp;

async fn json(app: &TestApp, path: &str) -> Value {
    let response = app.request(Method::GET, path, None).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path} ({})", app.backend);
    response.json().await.unwrap()
}

fn ids(items: &[Value], key: &str) -> Vec<String> {
    items
        .iter()
        .map(|item| item[key].as_str().expect(key).to_owned())
        .collect()
}

#[each_database]
async fn tags_and_authors_are_public_profiles_without_emails() {
    for app in TestApp::spawn_all().await {
        let tags = json(&app, "/tags?limit=100").await;
        let posts = tags["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|tag| tag["slug"] == "posts")
            .expect("the demo's primary collection is listed")
            .clone();
        assert_eq!(posts["article_count"], 3, "{}", app.backend);
        let tag = json(&app, "/tags/posts").await;
        assert_eq!(tag, posts, "{}", app.backend);
        problem(
            app.request(Method::GET, "/tags/no-such-tag", None)
                .send()
                .await
                .unwrap(),
            404,
            app.backend,
        )
        .await;

        let authors = json(&app, "/authors?limit=100").await;
        let slugs = ids(authors["data"].as_array().unwrap(), "slug");
        assert_eq!(slugs, ["mira-castellane", "owen-farrow"], "{}", app.backend);
        let mira = json(&app, "/authors/mira-castellane").await;
        assert_eq!(mira["article_count"], 2, "{}", app.backend);
        for text in [tags.to_string(), authors.to_string(), mira.to_string()] {
            assert!(
                !text.contains('@'),
                "no e-mail is ever public ({})",
                app.backend
            );
            assert!(!text.contains("email"), "{}", app.backend);
        }

        // Staff who never published stay out of the public directory.
        let editor = app.sign_in_new(Role::Editor).await;
        let draft = app
            .create_article(&editor, &document("Unpublished words", "Nobody"))
            .await;
        let authors = json(&app, "/authors?limit=100").await;
        assert_eq!(
            authors["data"].as_array().unwrap().len(),
            2,
            "{}",
            app.backend
        );
        let slug = draft["authors"][0]["slug"].as_str().unwrap();
        problem(
            app.request(Method::GET, &format!("/authors/{slug}"), None)
                .send()
                .await
                .unwrap(),
            404,
            app.backend,
        )
        .await;
    }
}

#[each_database]
async fn pull_quotes_are_found_by_speaker_with_their_article() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let mut published = Vec::new();
        for n in 0..3 {
            let article = app
                .create_article(
                    &editor,
                    &document(&format!("Quoted story {n}"), "Ana Speaker"),
                )
                .await;
            app.publish(article["id"].as_str().unwrap()).await;
            published.push(article["slug"].as_str().unwrap().to_owned());
        }
        let draft = app
            .create_article(&editor, &document("Quoted draft", "Ana Speaker"))
            .await;

        let quotes = all_pages(&app, "/pull-quotes?speaker=ANA%20speaker", 1).await;
        assert_eq!(
            quotes.len(),
            3,
            "one per published article, none from the draft ({})",
            app.backend
        );
        let mut slugs: Vec<String> = quotes
            .iter()
            .map(|quote| {
                assert_eq!(quote["speaker"], "Ana Speaker", "{}", app.backend);
                assert_eq!(quote["context"], "at a briefing", "{}", app.backend);
                let article = &quote["article"];
                assert!(article["title"]
                    .as_str()
                    .unwrap()
                    .starts_with("Quoted story"));
                assert!(article["url"]
                    .as_str()
                    .unwrap()
                    .ends_with(article["slug"].as_str().unwrap()));
                article["slug"].as_str().unwrap().to_owned()
            })
            .collect();
        slugs.sort();
        published.sort();
        assert_eq!(slugs, published, "{}", app.backend);
        assert!(!slugs.contains(&draft["slug"].as_str().unwrap().to_owned()));

        let everyone = all_pages(&app, "/pull-quotes?", 2).await;
        assert!(
            everyone.len() >= 3 + 3,
            "the demo's quotes and these ({})",
            app.backend
        );
        let nobody = json(&app, "/pull-quotes?speaker=Nobody%20At%20All").await;
        assert_eq!(nobody["data"], serde_json::json!([]), "{}", app.backend);
        assert!(nobody["next_cursor"].is_null());
    }
}

#[each_database]
async fn every_list_pages_through_each_item_exactly_once() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        for n in 0..6 {
            let article = app
                .create_article(
                    &editor,
                    &document(&format!("Paged story {n}"), "Paged Speaker"),
                )
                .await;
            app.publish(article["id"].as_str().unwrap()).await;
        }
        for (path, key, limit) in [
            ("/articles?", "id", 2),
            ("/articles?tag=posts", "id", 1),
            ("/articles?author=mira-castellane", "id", 1),
            ("/tags?", "slug", 2),
            ("/authors?", "slug", 1),
            ("/pull-quotes?", "text", 4),
        ] {
            let whole = json(&app, &format!("{path}&limit=100")).await;
            let whole = whole["data"].as_array().unwrap().clone();
            let paged = all_pages(&app, path, limit).await;
            assert_eq!(paged, whole, "{path} paged by {limit} ({})", app.backend);
            if key == "id" || key == "slug" {
                let unique: HashSet<String> = ids(&paged, key).into_iter().collect();
                assert_eq!(
                    unique.len(),
                    paged.len(),
                    "{path}: no repeats ({})",
                    app.backend
                );
            }
        }
        let articles = all_pages(&app, "/articles?", 3).await;
        assert_eq!(articles.len(), 3 + 6, "{}", app.backend);
    }
}

#[each_database]
async fn fields_trims_list_items_and_unknown_fields_are_refused() {
    for app in TestApp::spawn_all().await {
        let list = json(
            &app,
            "/articles?fields=id,slug,title,standfirst,published_at",
        )
        .await;
        for item in list["data"].as_array().unwrap() {
            let mut keys: Vec<&str> = item
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            keys.sort();
            assert_eq!(
                keys,
                ["id", "published_at", "slug", "standfirst", "title"],
                "{}",
                app.backend
            );
        }
        let tags = json(&app, "/tags?fields=slug").await;
        assert!(tags["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|tag| tag.as_object().unwrap().len() == 1));
        let quotes = json(&app, "/pull-quotes?fields=text,article").await;
        assert!(
            quotes["data"][0]["article"]["slug"].is_string(),
            "{}",
            app.backend
        );
        let authors = json(&app, "/authors?fields=display_name").await;
        assert!(
            authors["data"][0]["display_name"].is_string(),
            "{}",
            app.backend
        );

        for path in [
            "/articles?fields=id,email",
            "/articles?fields=sections",
            "/articles?fields=",
            "/tags?fields=article_count,password",
            "/authors?fields=email",
        ] {
            let response = app.request(Method::GET, path, None).send().await.unwrap();
            let problem = problem(response, 422, path).await;
            assert_eq!(
                error_fields(&problem),
                ["fields"],
                "{path} ({})",
                app.backend
            );
        }
    }
}

#[each_database]
async fn bad_list_parameters_are_refused_with_a_problem() {
    for app in TestApp::spawn_all().await {
        for (path, status, field) in [
            ("/articles?limit=0", 422, Some("limit")),
            ("/articles?limit=101", 422, Some("limit")),
            ("/tags?limit=1000", 422, Some("limit")),
            ("/articles?cursor=not-a-cursor", 422, Some("cursor")),
            ("/authors?cursor=%21%21", 422, Some("cursor")),
            ("/pull-quotes?cursor=eHl6", 422, Some("cursor")),
            ("/articles?limit=abc", 400, None),
            ("/articles?colour=red", 400, None),
        ] {
            let response = app.request(Method::GET, path, None).send().await.unwrap();
            let problem = problem(response, status, path).await;
            if let Some(field) = field {
                assert_eq!(error_fields(&problem), [field], "{path} ({})", app.backend);
            }
        }
        let full = json(&app, "/articles?limit=100").await;
        assert!(full["data"].as_array().unwrap().len() <= 100);
    }
}

#[each_database]
async fn drafts_are_invisible_to_the_public() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let mut draft_document = document("A secret draft", "Draft Speaker");
        draft_document["tags"] = serde_json::json!([]);
        let draft = app.create_article(&editor, &draft_document).await;
        let slug = draft["slug"].as_str().unwrap();
        assert_eq!(draft["status"], "draft");

        let everything = all_pages(&app, "/articles?", 100).await;
        assert!(
            everything.iter().all(|article| article["slug"] != slug),
            "{}",
            app.backend
        );
        for path in [
            format!("/articles/{slug}"),
            format!("/articles/{slug}/replies"),
        ] {
            let response = app.request(Method::GET, &path, None).send().await.unwrap();
            problem(response, 404, &path).await;
        }
        let quotes = json(&app, "/pull-quotes?speaker=Draft%20Speaker").await;
        assert_eq!(quotes["data"], serde_json::json!([]), "{}", app.backend);

        // Staff see it on the desk.
        let desk = app
            .request(
                Method::GET,
                "/admin/articles?status=draft&limit=100",
                Some(&editor),
            )
            .send()
            .await
            .unwrap();
        let desk: Value = desk.json().await.unwrap();
        assert!(desk["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|article| article["slug"] == slug));

        app.publish(draft["id"].as_str().unwrap()).await;
        json(&app, &format!("/articles/{slug}")).await;
    }
}

#[each_database]
async fn public_reads_carry_validators_and_answer_304_until_the_article_changes() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let created = app
            .create_article(&editor, &document("Cached story", "Cache Speaker"))
            .await;
        let id = created["id"].as_str().unwrap();
        let slug = created["slug"].as_str().unwrap();
        app.publish(id).await;
        let path = format!("/articles/{slug}");

        let first = app.request(Method::GET, &path, None).send().await.unwrap();
        assert_eq!(first.status(), 200);
        let headers = first.headers().clone();
        let etag = headers["etag"].to_str().unwrap().to_owned();
        assert!(
            etag.starts_with('"') && !etag.starts_with("W/"),
            "a strong ETag: {etag}"
        );
        assert_eq!(
            headers["cache-control"], "public, max-age=60, stale-while-revalidate=300",
            "{}",
            app.backend
        );
        assert!(headers["vary"]
            .to_str()
            .unwrap()
            .contains("Accept-Encoding"));
        assert!(headers.contains_key("last-modified"), "{}", app.backend);

        let revalidated = app
            .request(Method::GET, &path, None)
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(revalidated.status(), 304, "{}", app.backend);
        assert_eq!(revalidated.headers()["etag"].to_str().unwrap(), etag);
        assert!(revalidated.headers().contains_key("cache-control"));
        assert!(
            revalidated.bytes().await.unwrap().is_empty(),
            "a 304 has no body"
        );

        let other = app
            .request(Method::GET, &path, None)
            .header("if-none-match", "\"something-else\"")
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), 200, "{}", app.backend);

        // An editor changes the headline: the old ETag no longer matches.
        let mut edited = app
            .request(Method::GET, &format!("/admin/articles/{id}"), Some(&editor))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap();
        edited["title"] = Value::from("Cached story, updated");
        let saved = app
            .request(Method::PUT, &format!("/admin/articles/{id}"), Some(&editor))
            .header("if-match", format!("\"{}\"", edited["version"]))
            .json(&edited)
            .send()
            .await
            .unwrap();
        assert_eq!(saved.status(), 200, "{}", app.backend);
        let after = app
            .request(Method::GET, &path, None)
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(after.status(), 200, "{}", app.backend);
        assert_ne!(after.headers()["etag"].to_str().unwrap(), etag);
        let body: Value = after.json().await.unwrap();
        assert_eq!(body["title"], "Cached story, updated");

        // Lists and replies revalidate the same way; HEAD gives the headers only.
        for path in [
            "/articles",
            "/tags",
            "/authors",
            "/pull-quotes",
            &format!("{path}/replies"),
        ] {
            let response = app.request(Method::GET, path, None).send().await.unwrap();
            let etag = response.headers()["etag"].to_str().unwrap().to_owned();
            let again = app
                .request(Method::GET, path, None)
                .header("if-none-match", format!("\"x\", {etag}"))
                .send()
                .await
                .unwrap();
            assert_eq!(again.status(), 304, "{path} ({})", app.backend);
            let head = app.request(Method::HEAD, path, None).send().await.unwrap();
            assert_eq!(head.status(), 200, "HEAD {path} ({})", app.backend);
            assert_eq!(
                head.headers()["etag"].to_str().unwrap(),
                etag,
                "HEAD {path}"
            );
            assert!(
                head.bytes().await.unwrap().is_empty(),
                "HEAD {path} has no body"
            );
        }
    }
}

#[each_database]
async fn editor_responses_and_errors_are_never_cached() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        for (method, path, session) in [
            (Method::GET, "/admin/articles", Some(&editor)),
            (Method::GET, "/auth/me", Some(&editor)),
            (Method::GET, "/admin/articles", None),
            (Method::GET, "/articles/no-such-article", None),
        ] {
            let response = app.request(method, path, session).send().await.unwrap();
            let cache = response.headers()["cache-control"]
                .to_str()
                .unwrap()
                .to_owned();
            assert!(
                cache.contains("no-store"),
                "{path}: {cache} ({})",
                app.backend
            );
            assert!(!cache.contains("public"), "{path}: {cache}");
        }
    }
}
