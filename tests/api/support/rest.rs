//! REST helpers: requests under `/api/v1` (signed in or not), article
//! documents, publishing, and problem+json assertions.

use masthead_domain::ArticleId;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{json, Value};

use super::{Session, TestApp};

impl TestApp {
    /// `http://127.0.0.1:PORT/api/v1{path}`.
    pub fn api(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.address)
    }

    /// A request to `/api/v1{path}`, with the bearer token of `session` when given.
    pub fn request(&self, method: Method, path: &str, session: Option<&Session>) -> RequestBuilder {
        let request = self.client.request(method, self.api(path));
        match session {
            Some(session) => request.bearer_auth(&session.access_token),
            None => request,
        }
    }

    /// Creates an article as `session`, asserting 201; returns the document.
    pub async fn create_article(&self, session: &Session, document: &Value) -> Value {
        let response = self
            .request(Method::POST, "/admin/articles", Some(session))
            .json(document)
            .send()
            .await
            .expect("POST /admin/articles");
        let status = response.status();
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(status, 201, "create ({}): {body}", self.backend);
        body
    }

    /// Publishes article `id` now. The workflow endpoints belong to another
    /// part of the API, so this goes through the store, as an editor's action would.
    pub async fn publish(&self, id: &str) {
        let store = self.store().await;
        let id: ArticleId = id.parse().expect("an article id");
        let now = masthead_persistence::now();
        store
            .articles()
            .change_lifecycle(id, None, |lifecycle| lifecycle.publish(now))
            .await
            .expect("publish");
    }
}

/// A valid article document with a paragraph, a pull quote by `speaker` and a list.
pub fn document(title: &str, speaker: &str) -> Value {
    json!({
        "title": title,
        "standfirst": "A summary under the headline.",
        "sections": [
            { "heading": null, "blocks": [
                { "type": "paragraph", "markdown": "The lede, with **strong** words." },
                { "type": "pull_quote", "text": "We will talk.", "speaker": speaker, "context": "at a briefing" }
            ]},
            { "heading": "🔎 At stake", "blocks": [
                { "type": "list", "ordered": false, "items": ["First *point*", "Second point"] }
            ]}
        ]
    })
}

/// Asserts a problem+json answer with `status`; returns the problem document.
pub async fn problem(response: Response, status: u16, context: &str) -> Value {
    assert_eq!(response.status(), status, "{context}");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json", "{context}");
    let problem: Value = response.json().await.expect("a problem document");
    assert_eq!(problem["status"], status, "{context}: {problem}");
    for field in ["type", "title", "detail", "code"] {
        assert!(
            problem[field].is_string(),
            "{context}: {field} in {problem}"
        );
    }
    problem
}

/// The `field`s of a problem's `errors`.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|error| error["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Reads every page of a public list at `path` (which has a `?`), `limit` at a time.
pub async fn all_pages(app: &TestApp, path: &str, limit: u64) -> Vec<Value> {
    pages(app, None, path, limit).await
}

/// Reads every page of a list as `session`.
pub async fn all_pages_as(app: &TestApp, session: &Session, path: &str, limit: u64) -> Vec<Value> {
    pages(app, Some(session), path, limit).await
}

async fn pages(app: &TestApp, session: Option<&Session>, path: &str, limit: u64) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1_000 {
        let mut url = format!("{path}&limit={limit}");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let response = app
            .request(Method::GET, &url, session)
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), 200, "{url} ({})", app.backend);
        let page: Value = response.json().await.expect("JSON");
        let data = page["data"].as_array().expect("data").clone();
        assert!(data.len() as u64 <= limit, "{url}");
        items.extend(data);
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
    panic!("{path} never ended");
}
