//! Helpers of the workflow tests: articles written straight into the server's
//! database (the REST and GraphQL article editors live elsewhere), and
//! authenticated requests.

use masthead_domain::{
    ArticleContent, ArticleInput, BlockContentInput, Lifecycle, SectionInput, Slug, UserId,
};
use serde_json::Value;

use super::{Session, TestApp};

/// An article as the tests need it.
pub struct Story {
    /// Its id, as the APIs show it.
    pub id: String,
    /// Its slug.
    pub slug: String,
    /// Its version.
    pub version: i32,
}

impl TestApp {
    /// A draft bylined to `author`, saved as `author`.
    pub async fn draft_by(&self, author: &Session, title: &str) -> Story {
        let author_id = user_id(author);
        let article = self
            .store()
            .await
            .articles()
            .acting_as(author_id)
            .create(content(author_id, title, "The lede."), Lifecycle::draft())
            .await
            .expect("create a draft");
        Story {
            id: article.id.to_string(),
            slug: article.slug.to_string(),
            version: article.version,
        }
    }

    /// `POST path` as `session` (anonymous when `None`) with an optional
    /// `If-Match` and JSON body.
    pub async fn post_as(
        &self,
        session: Option<&Session>,
        path: &str,
        if_match: Option<&str>,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self.client.post(format!("{}{path}", self.address));
        if let Some(session) = session {
            request = request.bearer_auth(&session.access_token);
        }
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("POST")
    }

    /// `GET path` as `session` (anonymous when `None`).
    pub async fn get_as(&self, session: Option<&Session>, path: &str) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.address));
        if let Some(session) = session {
            request = request.bearer_auth(&session.access_token);
        }
        request.send().await.expect("GET")
    }

    /// A GraphQL request as `session` (anonymous when `None`).
    pub async fn graphql_by(
        &self,
        session: Option<&Session>,
        query: &str,
        variables: Value,
    ) -> Value {
        let mut request = self.client.post(format!("{}/graphql", self.address));
        if let Some(session) = session {
            request = request.bearer_auth(&session.access_token);
        }
        request
            .json(&serde_json::json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("POST /graphql")
            .json()
            .await
            .expect("GraphQL answers JSON")
    }
}

/// The session's user id.
pub fn user_id(session: &Session) -> UserId {
    session.user_id.parse().expect("a user id")
}

/// Valid content by `author`: a lede that says `lede` and one headed section.
pub fn content(author: UserId, title: &str, lede: &str) -> ArticleContent {
    ArticleInput {
        title: title.into(),
        standfirst: Some("What happened, in one line.".into()),
        authors: vec![author],
        sections: vec![
            SectionInput {
                id: None,
                heading: None,
                icon: None,
                blocks: vec![BlockContentInput::Paragraph { text: lede.into() }.into()],
            },
            SectionInput {
                id: None,
                heading: Some("🌍 Reactions".into()),
                icon: None,
                blocks: vec![BlockContentInput::Paragraph {
                    text: "Capitals responded quickly.".into(),
                }
                .into()],
            },
        ],
        ..ArticleInput::default()
    }
    .validate()
    .expect("valid content")
}

/// The same content under another slug.
pub fn with_slug(mut content: ArticleContent, slug: &str) -> ArticleContent {
    content.slug = Some(Slug::parse("slug", slug).expect("a valid slug"));
    content
}

/// The JSON body of a response, after checking its status.
pub async fn json(response: reqwest::Response, status: u16, context: &str) -> Value {
    let actual = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(actual, status, "{context}: {body}");
    body
}
