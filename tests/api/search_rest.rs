//! `GET /api/v1/search` on both databases: ranking, the query language,
//! folding, escaped highlights, who sees what, every write reflected by the
//! very next (cached) search, hostile input answered 200 or 400 (bounds 422),
//! and paging without repeats.

use crate::support;

use masthead_domain::{ArticleInput, BlockContentInput, Lifecycle, Role, SectionInput, UserId};
use masthead_persistence::Store;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::Value;
use support::content::{published, scheduled_in, staff};
use support::rest::problem;
use support::{Session, TestApp};

async fn story(
    store: &Store,
    title: &str,
    body: &str,
    author: UserId,
    lifecycle: Lifecycle,
) -> masthead_domain::Article {
    let input = ArticleInput {
        title: title.into(),
        standfirst: Some("A summary.".into()),
        sections: vec![SectionInput {
            id: None,
            heading: None,
            icon: None,
            blocks: vec![BlockContentInput::Paragraph { text: body.into() }.into()],
        }],
        authors: vec![author],
        ..ArticleInput::default()
    };
    store
        .articles()
        .create(input.validate().unwrap(), lifecycle)
        .await
        .expect("create")
}

/// `GET /search?{query}` as `session` (anonymous when `None`): (status, body).
async fn search(app: &TestApp, session: Option<&Session>, query: &str) -> (u16, Value) {
    let response = app
        .request(Method::GET, &format!("/search?{query}"), session)
        .send()
        .await
        .expect("GET /search");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The slugs found, in order (asserting 200).
async fn slugs(app: &TestApp, session: Option<&Session>, query: &str) -> Vec<String> {
    let (status, body) = search(app, session, query).await;
    assert_eq!(status, 200, "{} {query}: {body}", app.backend);
    body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|hit| hit["slug"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[each_database]
async fn ranking_language_folding_and_escaped_highlights() {
    for app in TestApp::spawn_all().await {
        let store = app.store().await;
        let author = staff(&store, "Ana Ruiz", Role::Author).await;
        let body_hit = story(
            &store,
            "Harbour report",
            "The quorvex deal in Reykjavík was signed.",
            author.id,
            published(1),
        )
        .await;
        let title_hit = story(
            &store,
            "Quorvex prices fall",
            "Markets moved on Monday.",
            author.id,
            published(2),
        )
        .await;
        let hostile = story(
            &store,
            "Quorvex <script>alert(1)</script>",
            "Fish & chips < 5, alert quorvex.",
            author.id,
            published(3),
        )
        .await;
        let found = slugs(&app, None, "q=quorvex%20").await;
        assert_eq!(found.len(), 3, "{}: {found:?}", app.backend);
        assert_ne!(
            found[0],
            body_hit.slug.to_string(),
            "{}: a title hit ranks above a body hit",
            app.backend
        );
        assert!(
            found.iter().position(|s| *s == title_hit.slug.to_string())
                < found.iter().position(|s| *s == body_hit.slug.to_string())
        );
        assert_eq!(
            slugs(&app, None, "q=%22quorvex%20deal%22").await,
            [body_hit.slug.to_string()],
            "{}: phrase",
            app.backend
        );
        assert_eq!(
            slugs(&app, None, "q=quorvex%20-markets%20-chips").await,
            [body_hit.slug.to_string()],
            "{}: exclusion",
            app.backend
        );
        assert_eq!(
            slugs(&app, None, "q=quorvex%20reykj").await,
            [body_hit.slug.to_string()],
            "{}: prefix",
            app.backend
        );
        assert_eq!(
            slugs(&app, None, "q=REYKJAVIK%20").await,
            [body_hit.slug.to_string()],
            "{}: folding",
            app.backend
        );
        assert_eq!(
            slugs(&app, None, "q=reykjav%C3%ADk%20").await,
            [body_hit.slug.to_string()],
            "{}: folding back",
            app.backend
        );

        let (_, body) = search(&app, None, "q=quorvex%20alert%20").await;
        let hit = &body["data"][0];
        assert_eq!(hit["slug"], hostile.slug.to_string());
        assert_eq!(
            hit["highlights"]["title"],
            "<mark>Quorvex</mark> &lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;",
            "{}",
            app.backend
        );
        let text = hit["highlights"]["text"].as_str().unwrap();
        assert_eq!(
            text, "Fish &amp; chips &lt; 5, <mark>alert</mark> <mark>quorvex</mark>.",
            "{}",
            app.backend
        );
        assert!(
            hit["score"].as_f64().is_some_and(|score| score > 0.0),
            "{hit}"
        );
        assert!(hit.get("sections").is_none(), "results are summaries");
    }
}

#[each_database]
async fn drafts_and_embargoed_words_stay_with_staff() {
    for app in TestApp::spawn_all().await {
        let store = app.store().await;
        let author = staff(&store, "Ana Ruiz", Role::Author).await;
        let out = story(
            &store,
            "Out now",
            "Zyxwort is public.",
            author.id,
            published(1),
        )
        .await;
        let draft = story(
            &store,
            "Draft",
            "Zyxwort secret draft.",
            author.id,
            Lifecycle::draft(),
        )
        .await;
        let embargoed = story(
            &store,
            "Embargoed",
            "Zyxwort embargo text.",
            author.id,
            scheduled_in(2),
        )
        .await;
        assert_eq!(
            slugs(&app, None, "q=zyxwort").await,
            [out.slug.to_string()],
            "{}",
            app.backend
        );
        assert_eq!(
            slugs(&app, None, "q=embargo").await,
            Vec::<String>::new(),
            "{}: no leak",
            app.backend
        );
        let editor = app.sign_in_new(Role::Author).await;
        let mut seen = slugs(&app, Some(&editor), "q=zyxwort").await;
        seen.sort();
        let mut all = vec![
            out.slug.to_string(),
            draft.slug.to_string(),
            embargoed.slug.to_string(),
        ];
        all.sort();
        assert_eq!(seen, all, "{}", app.backend);
        assert_eq!(
            slugs(&app, Some(&editor), "q=zyxwort&status=draft").await,
            [draft.slug.to_string()]
        );
        let response = app
            .request(Method::GET, "/search?q=zyxwort", Some(&editor))
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["cache-control"], "private, no-store");
        // The status filter needs a staff role.
        let anonymous = app
            .request(Method::GET, "/search?q=zyxwort&status=draft", None)
            .send()
            .await
            .unwrap();
        problem(anonymous, 401, "status without a token").await;
        let bad_token = app
            .client
            .get(app.api("/search?q=zyxwort"))
            .bearer_auth("nonsense")
            .send()
            .await
            .unwrap();
        problem(bad_token, 401, "a bad token").await;
    }
}

#[each_database]
async fn the_next_search_sees_every_write_and_public_answers_are_cached() {
    for app in TestApp::spawn_all().await {
        let store = app.store().await;
        let author = staff(&store, "Ana Ruiz", Role::Author).await;
        let article = story(
            &store,
            "Wexfold",
            "Wexfold harbour.",
            author.id,
            published(1),
        )
        .await;
        let first = app.get("/api/v1/search?q=wexfold").await;
        assert_eq!(first.status(), 200);
        assert!(first.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("public"));
        let etag = first.headers()["etag"].clone();
        let again = app
            .client
            .get(app.api("/search?q=wexfold"))
            .header("if-none-match", etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{}", app.backend);

        let input = ArticleInput {
            title: "Wexfold".into(),
            sections: vec![SectionInput {
                id: None,
                heading: None,
                icon: None,
                blocks: vec![BlockContentInput::Paragraph {
                    text: "Glimmerstone quarry.".into(),
                }
                .into()],
            }],
            authors: vec![author.id],
            ..ArticleInput::default()
        };
        let saved = store
            .articles()
            .update(article.id, article.version, input.validate().unwrap())
            .await
            .unwrap();
        assert_eq!(
            slugs(&app, None, "q=harbour%20wexfold").await,
            Vec::<String>::new(),
            "{}: save",
            app.backend
        );
        assert_eq!(
            slugs(&app, None, "q=glimmerstone").await,
            [article.slug.to_string()],
            "{}: save",
            app.backend
        );
        let now = masthead_persistence::now();
        let unpublished = store
            .articles()
            .change_lifecycle(article.id, None, |l| l.unpublish(now))
            .await
            .unwrap();
        assert_eq!(
            slugs(&app, None, "q=glimmerstone").await,
            Vec::<String>::new(),
            "{}: unpublish",
            app.backend
        );
        let republished = store
            .articles()
            .change_lifecycle(article.id, None, |l| l.publish(now))
            .await
            .unwrap();
        assert_eq!(
            slugs(&app, None, "q=glimmerstone").await,
            [article.slug.to_string()],
            "{}: publish",
            app.backend
        );
        assert!(republished.version > unpublished.version && unpublished.version > saved.version);
        store.articles().delete(article.id, None).await.unwrap();
        assert_eq!(
            slugs(&app, None, "q=glimmerstone").await,
            Vec::<String>::new(),
            "{}: delete",
            app.backend
        );
    }
}

#[each_database]
async fn hostile_queries_are_understood_or_refused_with_a_reason() {
    for app in TestApp::spawn_all().await {
        let hostile = [
            "NEAR(a%20b)",
            "a*",
            "*",
            "%5E",
            "title%3Aa",
            "%22unbalanced",
            "a%22b%22c%22",
            "-",
            "--a",
            "a%20OR",
            "OR",
            "(((",
            "a%20AND%20b",
            "NOT%20a",
            "%27%3B%20DROP%20TABLE%20articles%3B%20--",
            "a%26b%7Cc!d",
            "x%3A*%20%26%20!y",
            "%00",
            "%E2%80%8B",
            "%F0%9F%92%AC",
            "-a%20-b",
            "a%20OR%20OR%20b",
        ];
        for q in hostile {
            let (status, body) = search(&app, None, &format!("q={q}")).await;
            assert!(
                status == 200 || status == 400,
                "{} q={q}: {status} {body}",
                app.backend
            );
            if status == 400 {
                assert_eq!(body["code"], "BAD_USER_INPUT", "{body}");
                assert!(
                    body["detail"].as_str().is_some_and(|d| !d.is_empty()),
                    "{body}"
                );
            }
        }
        let long = "a".repeat(201);
        let many = vec!["w"; 21].join("%20");
        for (query, field) in [
            (format!("q={long}"), "q"),
            (format!("q={many}"), "q"),
            ("q=".to_owned(), "q"),
            ("q=a&limit=0".to_owned(), "limit"),
            ("q=a&limit=101".to_owned(), "limit"),
            ("q=a&cursor=garbage".to_owned(), "cursor"),
            ("q=a&sort=best".to_owned(), "sort"),
            ("q=a&from=yesterday".to_owned(), "from"),
            (
                "q=a&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z".to_owned(),
                "from",
            ),
        ] {
            let (status, body) = search(&app, None, &query).await;
            assert_eq!(status, 422, "{} {query}: {body}", app.backend);
            assert_eq!(body["errors"][0]["field"], field, "{body}");
        }
        let (status, _) = search(&app, None, &format!("q={}", "a".repeat(200))).await;
        assert_eq!(status, 200);
        let (status, _) = search(&app, None, "").await;
        assert_eq!(status, 400, "q is required");
        let (status, _) = search(&app, None, "q=a&unknown=1").await;
        assert_eq!(status, 400, "unknown parameters are refused");
    }
}

#[each_database]
async fn pages_follow_each_other_without_repeats() {
    for app in TestApp::spawn_all().await {
        let store = app.store().await;
        let author = staff(&store, "Ana Ruiz", Role::Author).await;
        for i in 0..25 {
            let body = "Plimsoll ".repeat(1 + i % 4);
            story(
                &store,
                &format!("Plimsoll line {i}"),
                &body,
                author.id,
                published(i as i64 + 1),
            )
            .await;
        }
        for sort in ["relevance", "newest"] {
            let mut seen = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let mut query = format!("q=plimsoll&sort={sort}&limit=10");
                if let Some(cursor) = &cursor {
                    query.push_str(&format!("&cursor={cursor}"));
                }
                let (status, body) = search(&app, None, &query).await;
                assert_eq!(status, 200, "{body}");
                for hit in body["data"].as_array().unwrap() {
                    seen.push(hit["slug"].as_str().unwrap().to_owned());
                }
                match body["next_cursor"].as_str() {
                    Some(next) => cursor = Some(next.to_owned()),
                    None => break,
                }
            }
            let mut unique = seen.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(seen.len(), 25, "{} {sort}: {seen:?}", app.backend);
            assert_eq!(unique.len(), 25, "{} {sort}: repeats", app.backend);
        }
    }
}
