//! Helpers shared by the `replies_*` end-to-end tests: servers with chosen
//! reply limits, the demo articles by reply policy, and requests as readers,
//! staff and GraphQL clients.

#![allow(dead_code)]

use masthead_api::Settings;
use masthead_persistence::testing::TestDatabase;
use serde_json::{json, Value};

use crate::support::TestApp;

/// The address every reader in these tests writes from; no response may show it.
pub const READER_EMAIL: &str = "ana.reader@example.org";

/// One server per backend, each with `configure` applied to its settings.
pub async fn spawn_all_with(configure: impl Fn(&mut Settings)) -> Vec<TestApp> {
    let mut apps = Vec::new();
    for database in TestDatabase::all().await {
        apps.push(TestApp::spawn_with(database, &configure).await);
    }
    apps
}

/// One server per backend whose rate limits no test reaches by accident.
pub async fn spawn_all_generous() -> Vec<TestApp> {
    spawn_all_with(|settings| {
        settings.replies.reply_rate_limit = 10_000;
        settings.replies.reply_daily_limit = 10_000;
    })
    .await
}

/// Slugs of the demo articles, one per reply policy.
pub struct DemoArticles {
    /// `reply_policy: open`.
    pub open: String,
    /// `reply_policy: moderated`.
    pub moderated: String,
    /// `reply_policy: closed`.
    pub closed: String,
}

/// Finds the demo articles by their reply policy.
pub async fn demo_articles(app: &TestApp) -> DemoArticles {
    let list: Value = app
        .get("/api/v1/articles?limit=100")
        .await
        .json()
        .await
        .expect("article list");
    let slug_with = |policy: &str| {
        list["data"]
            .as_array()
            .expect("data")
            .iter()
            .find(|article| article["reply_policy"] == policy)
            .and_then(|article| article["slug"].as_str())
            .unwrap_or_else(|| panic!("a demo article with reply policy {policy}"))
            .to_owned()
    };
    DemoArticles {
        open: slug_with("open"),
        moderated: slug_with("moderated"),
        closed: slug_with("closed"),
    }
}

/// A reader's reply with `body` and the usual name and address.
pub fn reader(body: &str) -> Value {
    json!({ "author_name": "Ana Reader", "author_email": READER_EMAIL, "body": body })
}

/// `text` made unique, so the repeat check never holds a test's reply back.
pub fn unique(text: &str) -> String {
    format!("{text} ({})", uuid::Uuid::now_v7().simple())
}

/// `POST /api/v1/articles/{slug}/replies` with `body`, signed in when `token` is given.
pub async fn post_reply(
    app: &TestApp,
    slug: &str,
    body: &Value,
    token: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(format!("{}/api/v1/articles/{slug}/replies", app.address))
        .json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("POST reply")
}

/// Posts and returns (status, JSON body).
pub async fn post_reply_json(
    app: &TestApp,
    slug: &str,
    body: &Value,
    token: Option<&str>,
) -> (u16, Value) {
    let response = post_reply(app, slug, body, token).await;
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON answer"))
}

/// Posts a reader's reply with a unique `text` under `slug` (answering
/// `parent`) and returns its id, asserting the status.
pub async fn post_ok(
    app: &TestApp,
    slug: &str,
    text: &str,
    parent: Option<&str>,
    expected_status: u16,
) -> String {
    let mut body = reader(&unique(text));
    if let Some(parent) = parent {
        body["parent_id"] = json!(parent);
    }
    let (status, reply) = post_reply_json(app, slug, &body, None).await;
    assert_eq!(status, expected_status, "{} {reply}", app.backend);
    reply["id"].as_str().expect("an id").to_owned()
}

/// The public threads of `slug` (first 100), as raw text and as JSON.
pub async fn public_threads(app: &TestApp, slug: &str) -> (String, Value) {
    let response = app
        .get(&format!("/api/v1/articles/{slug}/replies?limit=100"))
        .await;
    assert_eq!(response.status(), 200, "{}", app.backend);
    let text = response.text().await.expect("text");
    let json = serde_json::from_str(&text).expect("JSON");
    (text, json)
}

/// Every reply id in a list of threads, depth first.
pub fn thread_ids(threads: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    fn walk(nodes: &Value, ids: &mut Vec<String>) {
        for node in nodes.as_array().into_iter().flatten() {
            ids.push(node["id"].as_str().unwrap_or_default().to_owned());
            walk(&node["children"], ids);
        }
    }
    walk(threads, &mut ids);
    ids
}

/// Finds the node with `id` in a list of threads.
pub fn find_node<'a>(threads: &'a Value, id: &str) -> Option<&'a Value> {
    for node in threads.as_array().into_iter().flatten() {
        if node["id"] == id {
            return Some(node);
        }
        if let Some(found) = find_node(&node["children"], id) {
            return Some(found);
        }
    }
    None
}

/// A request to an admin path, signed in when `token` is given.
pub async fn admin(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
    token: Option<&str>,
) -> reqwest::Response {
    let mut request = app.client.request(
        method,
        format!("{}/api/v1/admin/replies{path}", app.address),
    );
    if let Some(body) = body {
        request = request.json(body);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("admin request")
}

/// A GraphQL request, signed in when `token` is given; returns the raw text.
pub async fn graphql_text(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> String {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request
        .send()
        .await
        .expect("POST /graphql")
        .text()
        .await
        .expect("text")
}

/// A GraphQL request as JSON.
pub async fn graphql_as(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Value {
    serde_json::from_str(&graphql_text(app, token, query, variables).await).expect("GraphQL JSON")
}

/// The `extensions.code` of the first error.
pub fn error_code(answer: &Value) -> &str {
    answer["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("no error")
}

/// The `postReply` mutation with the fields tests look at.
pub const POST_REPLY: &str = r#"
mutation Post($slug: String, $id: ID, $parent: ID, $name: String, $email: String, $body: String!, $website: String) {
  postReply(articleSlug: $slug, articleId: $id, parentId: $parent, authorName: $name,
            authorEmail: $email, body: $body, website: $website) {
    id articleId parentId depth status authorName body bodyHtml isStaff createdAt
  }
}"#;
