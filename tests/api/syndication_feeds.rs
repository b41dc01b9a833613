//! Feeds (RSS 2.0, Atom 1.0, JSON Feed 1.1; site-wide, per tag, per author),
//! read by an independent parser (`feed-rs`) as a feed reader would: the
//! public articles only, newest first, with ids that survive a slug change,
//! the body as reader HTML, and the public cache's validators (`304`, a new
//! `ETag` at once after a publish). Also the site identity on REST and GraphQL.

use crate::support;

use chrono::Duration;
use masthead_domain::{Article, ArticleInput, ArticleStatus, Lifecycle, Role, SectionInput};
use masthead_domain::{BlockInput, Tag, User};
use masthead_test_macros::each_database;
use serde_json::{json, Value};
use support::content::{self, published};
use support::TestApp;

const FORMATS: [&str; 3] = ["rss.xml", "atom.xml", "feed.json"];

/// A newsroom: two public articles (one tagged, both by Ada), a draft and a
/// scheduled one that must stay out of every feed.
struct Newsroom {
    ada: User,
    city: Tag,
    older: Article,
    newer: Article,
}

async fn newsroom(app: &TestApp) -> Newsroom {
    let ada = content::staff(&app.store, "Ada Feed", Role::Author).await;
    let bo = content::staff(&app.store, "Bo Feed", Role::Author).await;
    let city = content::tag(&app.store, "City").await;
    let older = content::article(
        &app.store,
        "Older story",
        &[ada.id],
        &[],
        "Mayor",
        published(5),
    )
    .await;
    let newer = content::article(
        &app.store,
        "Newer story",
        &[ada.id, bo.id],
        &[city.id],
        "Chief",
        published(1),
    )
    .await;
    content::article(
        &app.store,
        "Draft story",
        &[ada.id],
        &[city.id],
        "Nobody",
        Lifecycle::draft(),
    )
    .await;
    content::article(
        &app.store,
        "Future story",
        &[ada.id],
        &[city.id],
        "Nobody",
        content::scheduled_in(3),
    )
    .await;
    Newsroom {
        ada,
        city,
        older,
        newer,
    }
}

/// `GET path`, asserting 200 and the media type; returns the parsed feed.
async fn feed(app: &TestApp, path: &str) -> feed_rs::model::Feed {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path} ({})", app.backend);
    let media = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let expected = match path.rsplit('/').next().unwrap().split('?').next().unwrap() {
        "rss.xml" => "application/rss+xml",
        "atom.xml" => "application/atom+xml",
        _ => "application/feed+json",
    };
    assert!(media.starts_with(expected), "{path}: {media}");
    let body = response.bytes().await.unwrap();
    feed_rs::parser::parse(&body[..]).unwrap_or_else(|error| {
        panic!(
            "{path} does not parse: {error}\n{}",
            String::from_utf8_lossy(&body)
        )
    })
}

fn ids(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries.iter().map(|entry| entry.id.clone()).collect()
}

fn urn(article: &Article) -> String {
    format!("urn:uuid:{}", article.id)
}

#[each_database]
async fn every_feed_parses_and_holds_the_public_articles_newest_first() {
    for app in TestApp::spawn_all_empty_with(|settings| {
        settings.public_url = "https://news.example".to_owned();
        settings.site.site_name = "The Ledger".to_owned();
    })
    .await
    {
        let room = newsroom(&app).await;
        for format in FORMATS {
            let site = feed(&app, &format!("/feeds/{format}")).await;
            assert_eq!(ids(&site), [urn(&room.newer), urn(&room.older)], "{format}");
            assert_eq!(site.title.as_ref().unwrap().content, "The Ledger");

            let entry = &site.entries[0];
            assert_eq!(entry.title.as_ref().unwrap().content, "Newer story");
            assert_eq!(
                entry.links[0].href,
                format!("https://news.example/articles/{}", room.newer.slug)
            );
            assert!(entry.published.is_some(), "{format}: published");
            let authors: Vec<&str> = entry
                .authors
                .iter()
                .filter_map(|a| a.name.as_deref())
                .collect();
            assert_eq!(authors, ["Ada Feed", "Bo Feed"], "{format}");
            assert!(
                entry
                    .categories
                    .iter()
                    .any(|c| c.term == "City" || c.label.as_deref() == Some("City")),
                "{format}: {:?}",
                entry.categories
            );
            assert_eq!(
                entry.summary.as_ref().unwrap().content,
                "What happened with Newer story."
            );
            let html = entry
                .content
                .as_ref()
                .and_then(|c| c.body.clone())
                .unwrap_or_default();
            assert!(
                html.contains("<p>The <em>lede</em> of the story, in a few words.</p>"),
                "{format}: {html}"
            );
            assert!(
                html.contains("<h2><span class=\"icon\">🗣️</span> What they said</h2>"),
                "{format}: {html}"
            );
            assert!(
                html.contains("<figcaption>Chief, <cite>in an interview</cite></figcaption>"),
                "{format}: {html}"
            );
            assert!(
                html.contains("<ul><li>First stake</li>"),
                "{format}: {html}"
            );

            let tag = feed(&app, &format!("/feeds/tags/{}/{format}", room.city.slug)).await;
            assert_eq!(
                ids(&tag),
                [urn(&room.newer)],
                "{format}: drafts and future stay out"
            );
            assert_eq!(tag.title.as_ref().unwrap().content, "The Ledger: City");

            let author = feed(&app, &format!("/feeds/authors/{}/{format}", room.ada.slug)).await;
            assert_eq!(
                ids(&author),
                [urn(&room.newer), urn(&room.older)],
                "{format}"
            );

            let one = feed(&app, &format!("/feeds/{format}?limit=1")).await;
            assert_eq!(ids(&one), [urn(&room.newer)], "{format}: limit");
        }
    }
}

#[each_database]
async fn feed_ids_stay_the_same_when_the_slug_changes() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let room = newsroom(&app).await;
        let mut before = Vec::new();
        for format in FORMATS {
            before.push(feed(&app, &format!("/feeds/{format}")).await);
        }
        let input = ArticleInput {
            title: "Newer story".into(),
            slug: Some("a-brand-new-slug".into()),
            standfirst: Some("What happened with Newer story.".into()),
            sections: vec![SectionInput {
                heading: None,
                icon: None,
                blocks: vec![BlockInput::Paragraph {
                    text: "Moved.".into(),
                }],
            }],
            authors: vec![room.ada.id],
            tags: vec![room.city.id],
            ..ArticleInput::default()
        };
        app.store
            .articles()
            .update(room.newer.id, room.newer.version, input.validate().unwrap())
            .await
            .unwrap();
        for (format, before) in FORMATS.iter().zip(before) {
            let after = feed(&app, &format!("/feeds/{format}")).await;
            assert_eq!(ids(&after), ids(&before), "{format}");
            assert!(
                after.entries[0].links[0]
                    .href
                    .ends_with("/articles/a-brand-new-slug"),
                "{format}: the link follows the slug"
            );
        }
    }
}

#[each_database]
async fn a_scheduled_article_joins_the_feeds_when_its_time_comes() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let room = newsroom(&app).await;
        let soon = masthead_persistence::now() + Duration::seconds(2);
        let due = content::article(
            &app.store,
            "Due story",
            &[room.ada.id],
            &[],
            "Clock",
            Lifecycle {
                status: ArticleStatus::Scheduled,
                published_at: Some(soon),
                scheduled_at: Some(soon),
            },
        )
        .await;
        assert!(!ids(&feed(&app, "/feeds/atom.xml").await).contains(&urn(&due)));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        loop {
            if ids(&feed(&app, "/feeds/atom.xml").await).first() == Some(&urn(&due)) {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{}: never joined",
                app.backend
            );
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }
}

#[each_database]
async fn a_feed_answers_304_to_its_validators_and_a_publish_changes_its_etag_at_once() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let room = newsroom(&app).await;
        for format in FORMATS {
            let path = format!("/feeds/{format}");
            let first = app.get(&path).await;
            assert_eq!(first.status(), 200);
            let headers = first.headers().clone();
            let etag = headers["etag"].to_str().unwrap().to_owned();
            assert!(!etag.starts_with("W/"), "a strong ETag: {etag}");
            let modified = headers["last-modified"].to_str().unwrap().to_owned();
            let cache = headers["cache-control"].to_str().unwrap();
            assert!(cache.starts_with("public, max-age="), "{cache}");

            let url = format!("{}{path}", app.address);
            let by_etag = app
                .client
                .get(&url)
                .header("if-none-match", &etag)
                .send()
                .await
                .unwrap();
            assert_eq!(by_etag.status(), 304, "{format}: If-None-Match");
            let by_date = app
                .client
                .get(&url)
                .header("if-modified-since", &modified)
                .send()
                .await
                .unwrap();
            assert_eq!(by_date.status(), 304, "{format}: If-Modified-Since");
            let stale = app
                .client
                .get(&url)
                .header("if-modified-since", "Mon, 01 Jan 2001 00:00:00 GMT")
                .send()
                .await
                .unwrap();
            assert_eq!(stale.status(), 200, "{format}: an old date gets the body");
            let head = app.client.head(&url).send().await.unwrap();
            assert_eq!(head.status(), 200, "{format}: HEAD");
            assert_eq!(
                head.headers()["etag"].to_str().unwrap(),
                etag,
                "{format}: HEAD"
            );
            assert!(
                head.bytes().await.unwrap().is_empty(),
                "{format}: HEAD has no body"
            );
        }
        let mut before = Vec::new();
        for format in FORMATS {
            let response = app.get(&format!("/feeds/{format}")).await;
            before.push(response.headers()["etag"].to_str().unwrap().to_owned());
        }
        let fresh = content::article(
            &app.store,
            "Breaking story",
            &[room.ada.id],
            &[],
            "Anyone",
            published(0),
        )
        .await;
        for (format, old) in FORMATS.iter().zip(before) {
            let url = format!("{}/feeds/{format}", app.address);
            let response = app
                .client
                .get(&url)
                .header("if-none-match", &old)
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status(),
                200,
                "{format}: the old ETag no longer matches"
            );
            assert_ne!(response.headers()["etag"].to_str().unwrap(), old);
            let body = response.bytes().await.unwrap();
            let parsed = feed_rs::parser::parse(&body[..]).unwrap();
            assert_eq!(ids(&parsed)[0], urn(&fresh), "{format}");
        }
    }
}

#[each_database]
async fn bad_feed_requests_are_refused_with_a_clear_error() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let room = newsroom(&app).await;
        let cases: [(String, u16, &str); 8] = [
            ("/feeds/rss.xml?limit=0".into(), 422, "limit"),
            ("/feeds/atom.xml?limit=101".into(), 422, "limit"),
            ("/feeds/feed.json?limit=ten".into(), 400, ""),
            ("/feeds/rss.xml?lmit=5".into(), 400, ""),
            ("/feeds/feed.xml".into(), 404, ""),
            ("/feeds/tags/no-such-tag/rss.xml".into(), 404, ""),
            ("/feeds/authors/no-such-author/feed.json".into(), 404, ""),
            (
                format!("/feeds/tags/{}/index.html", room.city.slug),
                404,
                "",
            ),
        ];
        for (path, status, field) in cases {
            let response = app.get(&path).await;
            assert_eq!(response.status(), status, "{path} ({})", app.backend);
            let media = response.headers()["content-type"]
                .to_str()
                .unwrap()
                .to_owned();
            assert_eq!(media, "application/problem+json", "{path}");
            let problem: Value = response.json().await.unwrap();
            assert!(problem["code"].is_string(), "{path}: {problem}");
            if !field.is_empty() {
                assert!(problem.to_string().contains(field), "{path}: {problem}");
            }
        }
    }
}

#[each_database]
async fn the_site_identity_and_its_feeds_are_served_on_rest_and_graphql() {
    for app in TestApp::spawn_all_empty_with(|settings| {
        settings.public_url = "https://news.example/".to_owned();
        settings.site.site_name = "The Ledger".to_owned();
        settings.site.site_description = "City news".to_owned();
        settings.site.site_language = "pt-BR".to_owned();
        settings.site.publisher_logo_url = Some("https://news.example/logo.png".to_owned());
    })
    .await
    {
        let response = app.get("/api/v1/site").await;
        assert_eq!(response.status(), 200);
        assert!(response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("public"));
        let site: Value = response.json().await.unwrap();
        assert_eq!(
            site,
            json!({
                "name": "The Ledger",
                "description": "City news",
                "language": "pt-BR",
                "url": "https://news.example/",
                "publisher_name": "The Ledger",
                "publisher_logo_url": "https://news.example/logo.png",
                "feeds": { "rss": "/feeds/rss.xml", "atom": "/feeds/atom.xml", "json": "/feeds/feed.json" }
            })
        );
        let answer = app
            .graphql(
                "{ site { name description language feeds { rss atom json } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            answer["data"]["site"],
            json!({
                "name": "The Ledger",
                "description": "City news",
                "language": "pt-BR",
                "feeds": { "rss": "/feeds/rss.xml", "atom": "/feeds/atom.xml", "json": "/feeds/feed.json" }
            }),
            "{answer}"
        );
        for feed_path in ["/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json"] {
            assert_eq!(app.get(feed_path).await.status(), 200, "{feed_path}");
        }
    }
}
