//! The conformance checker of `rest_openapi.rs`, and its calls to the
//! operations beyond the public reads and the article desk, one area a file.
//! Every answer (status, content type, declared headers, body) is checked
//! against what the document says, with JSON Schema validation of the bodies
//! against its components.

mod auth;
mod replies;
mod staff;
mod workflow;

use std::collections::BTreeSet;

use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};

use crate::support::{Session, TestApp};

/// The part of the API a documented path belongs to; each has a test that
/// must call every operation of its area with success.
pub fn area(path: &str) -> &'static str {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["auth", ..] => "auth",
        ["admin", "users" | "tags", ..] => "staff",
        ["admin", "replies", ..] | ["articles", _, "replies"] => "replies",
        ["admin", "audit"] | ["admin", "articles", _, _, ..] => "workflow",
        _ => "core",
    }
}

/// Calls the API and checks each answer against the document.
pub struct Conformance<'a> {
    pub app: &'a TestApp,
    pub document: Value,
    /// (method, path template, status) seen.
    seen: BTreeSet<(String, String, u16)>,
}

impl<'a> Conformance<'a> {
    /// Reads the document the server serves.
    pub async fn new(app: &'a TestApp) -> Self {
        let response = app
            .request(Method::GET, "/openapi.json", None)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        Self {
            app,
            document: response.json().await.unwrap(),
            seen: BTreeSet::new(),
        }
    }

    /// Sends `request` (for the operation `method template`) and checks the answer; returns the body.
    pub async fn call(
        &mut self,
        method: &str,
        template: &str,
        request: RequestBuilder,
    ) -> (u16, Value) {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let context = format!("{} {method} {template} -> {status}", self.app.backend);
        let operation = self.document["paths"][template][method].clone();
        assert!(
            operation.is_object(),
            "{context}: the operation is not documented"
        );
        let declared = self.resolve(&operation["responses"][status.to_string()]);
        assert!(
            declared.is_object(),
            "{context}: the status is not documented"
        );
        for header in declared["headers"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, _)| name)
        {
            assert!(
                response.headers().contains_key(header.as_str()),
                "{context}: header {header} is documented but missing"
            );
        }
        let content_type = response
            .headers()
            .get("content-type")
            .map(|value| value.to_str().unwrap().to_owned());
        let bytes = response.bytes().await.unwrap();
        let body = match content_type {
            None => {
                assert!(bytes.is_empty(), "{context}: a body without a content type");
                assert!(
                    declared.get("content").is_none(),
                    "{context}: documented content is missing"
                );
                Value::Null
            }
            Some(content_type) => {
                let media = content_type.split(';').next().unwrap().trim().to_owned();
                let schema = declared["content"][&media]["schema"].clone();
                assert!(schema.is_object(), "{context}: {media} is not documented");
                let body: Value = serde_json::from_slice(&bytes).expect("a JSON body");
                self.validate(&schema, &body, &context);
                body
            }
        };
        self.seen
            .insert((method.to_owned(), template.to_owned(), status));
        (status, body)
    }

    /// [`Self::call`], asserting the status; returns the body.
    pub async fn expect(
        &mut self,
        method: &str,
        template: &str,
        request: RequestBuilder,
        expected: u16,
    ) -> Value {
        let (status, body) = self.call(method, template, request).await;
        assert_eq!(
            status, expected,
            "{} {method} {template}: {body}",
            self.app.backend
        );
        body
    }

    fn resolve(&self, value: &Value) -> Value {
        match value["$ref"].as_str() {
            Some(reference) => {
                let pointer = reference.trim_start_matches('#');
                self.document
                    .pointer(pointer)
                    .cloned()
                    .unwrap_or(Value::Null)
            }
            None => value.clone(),
        }
    }

    /// Validates `instance` against `schema`, resolving `$ref`s against the document.
    pub fn validate(&self, schema: &Value, instance: &Value, context: &str) {
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "allOf": [schema],
            "components": self.document["components"],
        });
        let validator =
            jsonschema::draft202012::new(&root).expect("the document's schemas compile");
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|error| format!("{} at {}", error, error.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{context}: {errors:#?}\n{instance}");
    }

    /// A request to `/api/v1{path}`, with the bearer token of `session` when given.
    pub fn request(&self, method: Method, path: &str, session: Option<&Session>) -> RequestBuilder {
        self.app.request(method, path, session)
    }

    /// A request to `/api/v1{path}` with a raw bearer `token`.
    pub fn with_token(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.app
            .client
            .request(method, self.app.api(path))
            .bearer_auth(token)
    }

    /// Every documented operation of `area` was called and answered with a success.
    pub fn assert_area_succeeded(&self, area_name: &str) {
        let mut operations = 0;
        for (template, item) in self.document["paths"].as_object().unwrap() {
            if area(template) != area_name {
                continue;
            }
            for method in item.as_object().unwrap().keys() {
                operations += 1;
                let succeeded = self.seen.iter().any(|(m, t, status)| {
                    m == method && t == template && (200..300).contains(status)
                });
                assert!(
                    succeeded,
                    "{method} {template} was never exercised ({})",
                    self.app.backend
                );
            }
        }
        assert!(operations > 0, "the area {area_name} has operations");
    }

    /// Every status in `statuses` was seen from `method template`.
    pub fn assert_seen(&self, method: &str, template: &str, statuses: &[u16]) {
        for status in statuses {
            assert!(
                self.seen
                    .contains(&(method.to_owned(), template.to_owned(), *status)),
                "{method} {template} never answered {status} ({})",
                self.app.backend
            );
        }
    }
}
