//! The conformance checker of `rest_openapi.rs`, and its calls to the
//! operations beyond the public reads and the article desk, one area a file.
//! Every answer (status, content type, declared headers, body) is checked
//! against what the document says, with JSON Schema validation of the bodies
//! against its components, strictly: an answer may carry no property its
//! schema does not declare (as if every object schema said
//! `additionalProperties: false`), so required, nullable and enum
//! declarations are checked against real answers in both directions a typed
//! client cares about. An answer to a request with `fields=` is validated
//! against the partial schema the `fields` parameter names (`x-partial-answer`).

mod auth;
mod media;
mod nullables;
mod nulls;
mod replies;
mod staff;
mod webhooks;
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
        ["admin", "users" | "tags" | "bylines", ..] => "staff",
        ["admin", "webhooks", ..] => "webhooks",
        ["admin", "media", ..] => "media",
        ["admin", "replies", ..] | ["articles", _, "replies"] => "replies",
        ["admin", "audit"] | ["admin", "articles", _, _, ..] => "workflow",
        _ => "core",
    }
}

/// Calls the API and checks each answer against the document.
pub struct Conformance<'a> {
    pub app: &'a TestApp,
    pub document: Value,
    /// The document's components with every object schema closed.
    strict: Value,
    /// (method, path template, status) seen.
    seen: BTreeSet<(String, String, u16)>,
    /// Which nullable properties of the answers were seen null.
    nulls: nullables::Observed,
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
        let document: Value = response.json().await.unwrap();
        let strict = strict_components(&document);
        Self {
            app,
            document,
            strict,
            seen: BTreeSet::new(),
            nulls: nullables::Observed::new(),
        }
    }

    /// Sends `request` (for the operation `method template`) and checks the answer; returns the body.
    pub async fn call(
        &mut self,
        method: &str,
        template: &str,
        request: RequestBuilder,
    ) -> (u16, Value) {
        let narrowed = request
            .try_clone()
            .and_then(|request| request.build().ok())
            .is_some_and(|built| built.url().query_pairs().any(|(name, _)| name == "fields"));
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
            .filter(|(_, header)| header["required"] == true)
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
                let mut schema = declared["content"][&media]["schema"].clone();
                assert!(schema.is_object(), "{context}: {media} is not documented");
                let partial = operation["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|parameter| parameter["name"] == "fields")
                    .map(|parameter| parameter["x-partial-answer"].clone());
                if let (true, 200, Some(partial)) = (narrowed, status, partial) {
                    assert!(
                        partial.is_object(),
                        "{context}: `fields` names its partial answer"
                    );
                    schema = partial;
                }
                if self.resolve(&schema)["format"] == "binary" {
                    assert!(!bytes.is_empty(), "{context}: an empty file");
                    self.seen
                        .insert((method.to_owned(), template.to_owned(), status));
                    return (status, Value::Null);
                }
                let body: Value = serde_json::from_slice(&bytes).expect("a JSON body");
                self.validate(&schema, &body, &context);
                nullables::observe(&self.strict, &schema, &body, &mut self.nulls);
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

    /// Validates an answer `instance` against `schema`, resolving `$ref`s
    /// against the document's components with every object schema closed.
    pub fn validate(&self, schema: &Value, instance: &Value, context: &str) {
        check(&self.strict, schema, instance, context);
    }

    /// Validates a request document against `schema` as the document has it
    /// (request schemas decide for themselves which properties they take).
    pub fn validate_request(&self, schema: &Value, instance: &Value, context: &str) {
        check(&self.document["components"], schema, instance, context);
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
        self.finish(area_name);
    }

    /// Hands what this part of the suite (an area, or the null cases of
    /// `nulls.rs`) observed of nullable properties to the pooled check,
    /// which runs once every part has finished on this database.
    pub fn finish(&self, part: &str) {
        let mut parts: BTreeSet<String> = self.document["paths"]
            .as_object()
            .unwrap()
            .keys()
            .map(|template| area(template).to_owned())
            .collect();
        parts.insert("nulls".to_owned());
        nullables::complete_area(self.app.backend, part, &parts, &self.nulls);
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

/// The document's components for validating answers: `allOf` compositions
/// merged into one object, and every object schema with properties closed
/// (`additionalProperties: false`) unless it says otherwise.
fn strict_components(document: &Value) -> Value {
    let mut components = document["components"].clone();
    let names: Vec<String> = components["schemas"]
        .as_object()
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();
    for name in names {
        let parts = components["schemas"][&name]["allOf"].as_array().cloned();
        let Some(parts) = parts else { continue };
        let mut properties = serde_json::Map::new();
        let mut required = Vec::new();
        for part in parts {
            let part = match part["$ref"].as_str() {
                Some(reference) => document
                    .pointer(reference.trim_start_matches('#'))
                    .cloned()
                    .unwrap_or(Value::Null),
                None => part,
            };
            properties.extend(part["properties"].as_object().cloned().unwrap_or_default());
            required.extend(part["required"].as_array().cloned().unwrap_or_default());
        }
        components["schemas"][&name] = json!({
            "type": "object", "properties": properties, "required": required
        });
    }
    close(&mut components["schemas"]);
    components
}

fn close(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            if object.contains_key("properties") && !object.contains_key("additionalProperties") {
                object.insert("additionalProperties".into(), json!(false));
            }
            object.values_mut().for_each(close);
        }
        Value::Array(items) => items.iter_mut().for_each(close),
        _ => {}
    }
}

/// Asserts that `instance` is valid against `schema` with `components`.
fn check(components: &Value, schema: &Value, instance: &Value, context: &str) {
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "allOf": [schema],
        "components": components,
    });
    let validator = jsonschema::draft202012::new(&root).expect("the document's schemas compile");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{context}: {errors:#?}\n{instance}");
}
