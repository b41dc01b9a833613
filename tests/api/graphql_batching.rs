//! No N+1: a page of articles with their bylines, tags, bodies, pull quotes,
//! reply counts and replies costs the same number of SQL statements for 5
//! articles as for 50, counted by the server's own statement counter.

use crate::support;

use masthead_domain::{ReplyStatus, Role};
use masthead_test_macros::each_database;
use serde_json::{json, Value};
use support::content::{self, published};
use support::TestApp;

const FRONT_PAGE: &str = r#"query($n: Int) {
  articles(first: $n) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id title url status wordCount readingTimeMinutes replyCount
      authors { id displayName slug }
      tags { id name }
      primaryTag { slug }
      sections { heading blocks { __typename ... on Paragraph { html } } }
      pullQuotes { text speaker article { title authors { slug } } }
      replies(first: 2) { totalCount nodes { body children { body } } }
    } }
  }
}"#;

/// Statements the server runs to answer `FRONT_PAGE` for `n` articles: the
/// least of three runs, because the server's once-a-second scheduler may run
/// its own look on the same pool during one (it does when a busy machine
/// makes a run slow, as when the whole suite runs in one binary).
async fn statements_for(app: &TestApp, n: usize) -> u64 {
    let mut least = u64::MAX;
    for _ in 0..3 {
        least = least.min(statements_once(app, n).await);
    }
    least
}

/// Statements the server ran while answering `FRONT_PAGE` once for `n` articles.
async fn statements_once(app: &TestApp, n: usize) -> u64 {
    let before = app.store.statements_executed();
    let response = app.graphql(FRONT_PAGE, json!({ "n": n })).await;
    let after = app.store.statements_executed();
    assert!(
        response.get("errors").is_none(),
        "{}: {response:#}",
        app.backend
    );
    let edges = response["data"]["articles"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), n);
    for edge in edges {
        let node = &edge["node"];
        assert_eq!(node["authors"].as_array().unwrap().len(), 2);
        assert_eq!(node["tags"].as_array().unwrap().len(), 2);
        assert_eq!(node["pullQuotes"][0]["article"]["title"], node["title"]);
        assert_eq!(node["replyCount"], 2);
        assert_eq!(
            node["replies"]["nodes"][0]["children"],
            json!([{ "body": "An answer" }])
        );
        assert_ne!(node["wordCount"], Value::from(0));
    }
    after - before
}

#[each_database]
async fn fifty_articles_cost_the_same_few_statements_as_five() {
    // The public cache would answer the repeated runs without the database.
    for app in TestApp::spawn_all_empty_with(|settings| settings.public_cache_mb = 0).await {
        let ada = content::staff(&app.store, "Ada Count", Role::Author).await;
        let bo = content::staff(&app.store, "Bo Count", Role::Author).await;
        let news = content::tag(&app.store, "News").await;
        let city = content::tag(&app.store, "City").await;
        for i in 0..50 {
            let article = content::article(
                &app.store,
                &format!("Counted story {i}"),
                &[ada.id, bo.id],
                &[news.id, city.id],
                "Counted Speaker",
                published(i + 1),
            )
            .await;
            let root =
                content::reply(&app.store, &article, None, "A reply", ReplyStatus::Approved).await;
            content::reply(
                &app.store,
                &article,
                Some(root.id),
                "An answer",
                ReplyStatus::Approved,
            )
            .await;
            content::reply(&app.store, &article, None, "Pending", ReplyStatus::Pending).await;
        }
        let five = statements_for(&app, 5).await;
        let fifty = statements_for(&app, 50).await;
        eprintln!(
            "{}: 5 articles -> {five} statements, 50 articles -> {fifty} statements",
            app.backend
        );
        assert_eq!(
            five, fifty,
            "{}: the count must not grow with the page",
            app.backend
        );
        assert!(
            fifty <= 15,
            "{}: {fifty} statements is more than a fixed handful",
            app.backend
        );
    }
}

#[each_database]
async fn the_same_lookup_under_many_aliases_reads_the_database_once() {
    for app in TestApp::spawn_all_empty_with(|settings| settings.public_cache_mb = 0).await {
        let ada = content::staff(&app.store, "Ada Alias", Role::Author).await;
        let article = content::article(
            &app.store,
            "Aliased story",
            &[ada.id],
            &[],
            "Speaker",
            published(1),
        )
        .await;
        let id = article.id.to_string();
        let aliased = |n: usize| {
            let fields: Vec<String> = (0..n)
                .map(|i| {
                    format!(
                        r#"s{i}: article(slug: "aliased-story") {{ title }} i{i}: article(id: "{id}") {{ title }}"#
                    )
                })
                .collect();
            format!("{{ {} }}", fields.join(" "))
        };
        let mut cost = Vec::new();
        for n in [1, 200] {
            let before = app.store.statements_executed();
            let answer = app.graphql(&aliased(n), json!({})).await;
            let after = app.store.statements_executed();
            assert!(answer.get("errors").is_none(), "{}: {answer}", app.backend);
            assert_eq!(answer["data"]["s0"]["title"], "Aliased story");
            assert_eq!(
                answer["data"][format!("i{}", n - 1)]["title"],
                "Aliased story"
            );
            cost.push(after - before);
        }
        eprintln!(
            "{}: 1 alias pair -> {} statements, 200 -> {}",
            app.backend, cost[0], cost[1]
        );
        // The scheduler's once-a-second look may fall inside one run.
        assert!(
            cost[1] <= cost[0] + 1,
            "{}: 400 aliased lookups cost {} statements, one pair {}",
            app.backend,
            cost[1],
            cost[0]
        );
    }
}
