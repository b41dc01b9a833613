//! A fresh server on an empty database serves the demo newsroom over REST and
//! GraphQL, in the shape of a real news page.

use crate::support;

use masthead_test_macros::each_database;
use serde_json::{json, Value};
use support::TestApp;

const FLAGSHIP_QUERY: &str = r#"
query Flagship($slug: String!) {
  article(slug: $slug) {
    slug title standfirst publishedAt
    authors { displayName slug }
    primaryTag { slug name }
    sections {
      heading icon
      blocks {
        __typename
        ... on Paragraph { text html }
        ... on PullQuote { text icon speaker context }
        ... on List { ordered items { text html } }
      }
    }
  }
}"#;

async fn flagship_slug(app: &TestApp) -> String {
    let list: Value = app
        .get("/api/v1/articles?limit=100")
        .await
        .json()
        .await
        .unwrap();
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|article| article["title"].as_str().unwrap().contains('“'))
        .map(|article| article["slug"].as_str().unwrap().to_owned())
        .expect("the seed-shaped flagship article is listed")
}

#[each_database]
async fn the_demo_article_reads_whole_over_rest() {
    for app in TestApp::spawn_all().await {
        let slug = flagship_slug(&app).await;
        let response = app.get(&format!("/api/v1/articles/{slug}")).await;
        assert_eq!(response.status(), 200, "{}", app.backend);
        let article: Value = response.json().await.unwrap();
        let sections = article["sections"].as_array().unwrap();
        assert!(
            sections[0]["heading"].is_null(),
            "the lede has no heading ({})",
            app.backend
        );
        let headed_with_icon = sections
            .iter()
            .filter(|s| s["heading"].is_string() && s["icon"].is_string())
            .count();
        assert!(
            headed_with_icon >= 6,
            "{headed_with_icon} headed sections with icons ({})",
            app.backend
        );
        let blocks: Vec<&Value> = sections
            .iter()
            .flat_map(|s| s["blocks"].as_array().unwrap())
            .collect();
        let quotes: Vec<&&Value> = blocks
            .iter()
            .filter(|b| b["type"] == "pull_quote")
            .collect();
        assert_eq!(quotes.len(), 3, "{}", app.backend);
        for quote in quotes {
            for field in ["text", "icon", "speaker", "context"] {
                assert!(
                    quote[field].as_str().is_some_and(|v| !v.is_empty()),
                    "pull quote {field} ({})",
                    app.backend
                );
            }
        }
        let list = blocks
            .iter()
            .find(|b| b["type"] == "list")
            .expect("a bulleted list");
        assert_eq!(list["ordered"], false);
        assert!(list["items"].as_array().unwrap().len() >= 3);
        assert!(blocks
            .iter()
            .any(|b| b["type"] == "paragraph" && b["html"].as_str().unwrap().contains("<")));
        assert!(!article["authors"].as_array().unwrap().is_empty());
        assert!(
            article["authors"][0].get("email").is_none(),
            "no e-mail on a byline"
        );
        assert_eq!(article["primary_tag"]["slug"], "posts");
        assert!(article["published_at"].as_str().unwrap().ends_with('Z'));
        assert!(article["reply_count"].as_u64().unwrap() >= 3);
    }
}

#[each_database]
async fn the_demo_article_reads_the_same_over_graphql() {
    for app in TestApp::spawn_all().await {
        let slug = flagship_slug(&app).await;
        let rest: Value = app
            .get(&format!("/api/v1/articles/{slug}"))
            .await
            .json()
            .await
            .unwrap();
        let answer = app.graphql(FLAGSHIP_QUERY, json!({ "slug": slug })).await;
        assert!(answer.get("errors").is_none(), "{answer} ({})", app.backend);
        let article = &answer["data"]["article"];
        assert_eq!(article["title"], rest["title"]);
        let sections = article["sections"].as_array().unwrap();
        let rest_sections = rest["sections"].as_array().unwrap();
        assert_eq!(sections.len(), rest_sections.len());
        for (graphql, rest) in sections.iter().zip(rest_sections) {
            assert_eq!(graphql["heading"], rest["heading"]);
            assert_eq!(graphql["icon"], rest["icon"]);
            let kinds: Vec<&str> = graphql["blocks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["__typename"].as_str().unwrap())
                .collect();
            let rest_kinds: Vec<&str> = rest["blocks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| match b["type"].as_str().unwrap() {
                    "paragraph" => "Paragraph",
                    "pull_quote" => "PullQuote",
                    "image" => "ImageBlock",
                    _ => "List",
                })
                .collect();
            assert_eq!(kinds, rest_kinds);
        }
        let quote = sections
            .iter()
            .flat_map(|s| s["blocks"].as_array().unwrap())
            .find(|b| b["__typename"] == "PullQuote")
            .unwrap();
        assert!(
            quote["icon"].is_string()
                && quote["speaker"].is_string()
                && quote["context"].is_string()
        );
    }
}

#[each_database]
async fn articles_page_through_rest_and_graphql_alike() {
    for app in TestApp::spawn_all().await {
        let first: Value = app
            .get("/api/v1/articles?limit=2")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(first["data"].as_array().unwrap().len(), 2);
        let cursor = first["next_cursor"]
            .as_str()
            .expect("a next cursor")
            .to_owned();
        let second: Value = app
            .get(&format!("/api/v1/articles?limit=2&cursor={cursor}"))
            .await
            .json()
            .await
            .unwrap();
        let mut slugs: Vec<String> = first["data"]
            .as_array()
            .unwrap()
            .iter()
            .chain(second["data"].as_array().unwrap())
            .map(|a| a["slug"].as_str().unwrap().to_owned())
            .collect();
        let total = slugs.len();
        slugs.dedup();
        assert_eq!(slugs.len(), total, "no article twice ({})", app.backend);
        assert!(
            first["data"][0].get("sections").is_none(),
            "lists carry no body"
        );

        let answer = app
            .graphql("query($after: String) { articles(first: 2, after: $after) { edges { node { slug } } pageInfo { hasNextPage endCursor } } }", json!({ "after": null }))
            .await;
        let edges = answer["data"]["articles"]["edges"].as_array().unwrap();
        let graphql_slugs: Vec<&str> = edges
            .iter()
            .map(|e| e["node"]["slug"].as_str().unwrap())
            .collect();
        assert_eq!(
            graphql_slugs,
            slugs[..2].iter().map(String::as_str).collect::<Vec<_>>()
        );
        assert_eq!(answer["data"]["articles"]["pageInfo"]["hasNextPage"], true);
    }
}

#[each_database]
async fn unknown_slug_is_a_problem_document() {
    for app in TestApp::spawn_all().await {
        let response = app.get("/api/v1/articles/no-such-story").await;
        assert_eq!(response.status(), 404);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["status"], 404);
        assert_eq!(problem["code"], "NOT_FOUND");

        let answer = app
            .graphql("{ article(slug: \"no-such-story\") { title } }", json!({}))
            .await;
        assert_eq!(answer["data"]["article"], Value::Null);
    }
}

#[each_database]
async fn bad_paging_input_is_refused_clearly() {
    for app in TestApp::spawn_all().await {
        for path in [
            "/api/v1/articles?limit=0",
            "/api/v1/articles?limit=101",
            "/api/v1/articles?cursor=garbage",
            "/api/v1/articles?limit=abc",
            "/api/v1/articles?bogus=1",
        ] {
            let response = app.get(path).await;
            let status = response.status().as_u16();
            assert!(
                status == 400 || status == 422,
                "{path}: {status} ({})",
                app.backend
            );
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json",
                "{path}"
            );
        }
        let answer = app
            .graphql("{ articles(first: 1000) { edges { cursor } } }", json!({}))
            .await;
        assert_eq!(answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    }
}

#[each_database]
async fn health_and_readiness_answer() {
    for app in TestApp::spawn_all().await {
        assert_eq!(app.get("/healthz").await.status(), 200);
        assert_eq!(app.get("/readyz").await.status(), 200);
    }
}

#[tokio::test]
async fn an_empty_database_without_demo_serves_an_empty_list() {
    let database = masthead_persistence::testing::TestDatabase::sqlite();
    let app = TestApp::spawn_with(database, |settings| settings.no_demo = true).await;
    let list: Value = app.get("/api/v1/articles").await.json().await.unwrap();
    assert_eq!(list["data"], json!([]));
    assert_eq!(list["next_cursor"], Value::Null);
}
