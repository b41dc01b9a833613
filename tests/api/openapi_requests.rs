//! The OpenAPI document describes requests as truthfully as answers (issue
//! 12): for every documented operation, a request built from the document's
//! own constraints at each limit is taken, and one just past each limit is
//! refused with 400 or 422 (404 for a path that cannot name anything). The
//! document is walked generically; only the values no schema can invent (ids
//! of existing things, the caller's password) come from fixtures, by name, so
//! a new operation is covered as soon as it is documented, and one whose
//! parameter has no fixture fails loudly.

mod values;

use crate::support;

use masthead_domain::limits::{AUTHORS_MAX, MODERATION_BATCH_MAX, TAGS_MAX};
use masthead_domain::Role;
use masthead_persistence::testing::TestDatabase;
use reqwest::Method;
use serde_json::{json, Value};
use support::{Session, TestApp};
use values::{filler, Builder, Variant};

/// Ids of existing things, enough for the longest list the document allows.
struct Pools {
    users: Vec<String>,
    tags: Vec<String>,
    replies: Vec<String>,
}

/// Fresh things for one operation to act on.
struct Fixture {
    session: Session,
    article_id: String,
    article_slug: String,
    author_slug: String,
    tag_id: String,
    tag_slug: String,
    user_id: String,
    reply_id: String,
    correction_id: String,
    webhook_id: String,
    delivery_id: String,
    preview_link_id: String,
    preview_token: String,
    media_id: String,
}

async fn json_of(app: &TestApp, request: reqwest::RequestBuilder, expected: u16) -> Value {
    let response = request.send().await.expect("a response");
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(status, expected, "fixture ({}): {body}", app.backend);
    body
}

async fn new_tag(app: &TestApp, session: &Session) -> Value {
    let request = app
        .request(Method::POST, "/admin/tags", Some(session))
        .json(&json!({ "name": format!("Tag {}", filler(8)) }));
    json_of(app, request, 201).await
}

async fn new_user(app: &TestApp, session: &Session) -> String {
    let request = app
        .request(Method::POST, "/admin/users", Some(session))
        .json(&json!({
            "email": format!("{}@newsroom.example", filler(12)),
            "display_name": format!("Writer {}", filler(6)),
            "role": "author",
            "password": format!("{}-{}", filler(12), filler(12)),
        }));
    let created = json_of(app, request, 201).await;
    created["user"]["id"].as_str().expect("an id").to_owned()
}

async fn new_reply(app: &TestApp, session: &Session, slug: &str) -> String {
    let request = app
        .request(
            Method::POST,
            &format!("/articles/{slug}/replies"),
            Some(session),
        )
        .json(&json!({ "body": format!("A reply {}", filler(8)) }));
    let reply = json_of(app, request, 201).await;
    reply["id"].as_str().expect("an id").to_owned()
}

impl Fixture {
    async fn new(app: &TestApp) -> Self {
        let session = app.sign_in_new(Role::Admin).await;
        // An endpoint before the publication below, so it has a delivery
        // (the first fixture's, reused: a site has at most 50 endpoints).
        let listed = app.request(Method::GET, "/admin/webhooks", Some(&session));
        let listed = json_of(app, listed, 200).await;
        let webhook_id = match listed["data"][0]["id"].as_str() {
            Some(id) => id.to_owned(),
            None => crate::webhook_support::create_endpoint(
                app,
                &session,
                "https://hooks.example.org/fixture",
                &["article.published"],
            )
            .await["id"]
                .as_str()
                .expect("an id")
                .to_owned(),
        };
        let document = support::rest::document(&format!("Fixture {}", filler(10)), "A Speaker");
        let article = app.create_article(&session, &document).await;
        let article_id = article["id"].as_str().expect("an id").to_owned();
        let item = format!("/admin/articles/{article_id}");
        // What GET returns is what PUT takes: a second revision.
        let saved = app
            .request(Method::PUT, &item, Some(&session))
            .header("if-match", "*")
            .json(&article);
        json_of(app, saved, 200).await;
        let published = app.request(Method::POST, &format!("{item}/publish"), Some(&session));
        let article = json_of(app, published, 200).await;
        let article_slug = article["slug"].as_str().expect("a slug").to_owned();
        let author_slug = article["authors"][0]["slug"]
            .as_str()
            .expect("an author")
            .to_owned();
        let tag = new_tag(app, &session).await;
        let user_id = new_user(app, &session).await;
        let reply_id = new_reply(app, &session, &article_slug).await;
        let correction = app
            .request(Method::POST, &format!("{item}/corrections"), Some(&session))
            .json(&json!({ "text": "A correction." }));
        let correction = json_of(app, correction, 201).await;
        let log = app.request(
            Method::GET,
            &format!("/admin/webhooks/{webhook_id}/deliveries"),
            Some(&session),
        );
        let log = json_of(app, log, 200).await;
        let delivery_id = log["data"][0]["id"]
            .as_str()
            .expect("a delivery")
            .to_owned();
        let link = app
            .request(
                Method::POST,
                &format!("{item}/preview-links"),
                Some(&session),
            )
            .json(&json!({ "expires_in": 600 }));
        let link = json_of(app, link, 201).await;
        let media_id = support::media::new_media(app, &session).await;
        Self {
            session,
            article_id,
            article_slug,
            author_slug,
            tag_id: tag["id"].as_str().expect("an id").to_owned(),
            tag_slug: tag["slug"].as_str().expect("a slug").to_owned(),
            user_id,
            reply_id,
            correction_id: correction["id"].as_str().expect("an id").to_owned(),
            webhook_id,
            delivery_id,
            preview_link_id: link["id"].as_str().expect("an id").to_owned(),
            preview_token: link["token"].as_str().expect("a token").to_owned(),
            media_id,
        }
    }

    /// The value of path parameter `name` that follows the segment `before`.
    fn path_value(&self, before: &str, name: &str, schema: &Value) -> String {
        match (before, name) {
            ("articles", "slug") => self.article_slug.clone(),
            ("articles", "id") => self.article_id.clone(),
            ("authors", "slug") => self.author_slug.clone(),
            ("tags", "id") => self.tag_id.clone(),
            ("tags", "slug") => self.tag_slug.clone(),
            ("users", "id") => self.user_id.clone(),
            ("replies", "id") => self.reply_id.clone(),
            ("corrections", "correction_id") => self.correction_id.clone(),
            ("webhooks", "id") => self.webhook_id.clone(),
            ("deliveries", "delivery") => self.delivery_id.clone(),
            ("preview-links", "link_id") => self.preview_link_id.clone(),
            ("preview", "token") => self.preview_token.clone(),
            ("media", "id") => self.media_id.clone(),
            ("revisions", "number" | "from") => "1".to_owned(),
            ("diff", "to") => "2".to_owned(),
            _ => match schema["enum"].get(0).and_then(Value::as_str) {
                Some(first) => first.to_owned(),
                None => panic!("no fixture for the path parameter {name} after /{before}/"),
            },
        }
    }
}

/// One request of an operation.
struct Request {
    label: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<Value>,
    accept: bool,
    /// A bad path parameter: 404 is a refusal too.
    in_path: bool,
    /// Carries a parameter only staff may send (its description starts
    /// "Staff only"): sent signed in, since anonymously it is 401 first.
    staff_only: bool,
    /// The body goes as `multipart/form-data` (an upload), not JSON.
    multipart: bool,
}

/// Every request of `operation` at `template`: its base, then the variants
/// of each parameter and of the body.
fn requests(
    builder: &Builder,
    template: &str,
    operation: &Value,
    fixture: &Fixture,
) -> Vec<Request> {
    let parameters: Vec<Value> = operation["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut path_values = Vec::new();
    let segments: Vec<&str> = template.split('/').collect();
    for (index, segment) in segments.iter().enumerate() {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            let schema = parameters
                .iter()
                .find(|p| p["name"] == name && p["in"] == "path")
                .map(|p| builder.resolve(&p["schema"]))
                .unwrap_or_else(|| panic!("{template}: {name} is not documented"));
            let before = segments[..index]
                .iter()
                .rev()
                .find(|s| !s.starts_with('{'))
                .copied()
                .unwrap_or_default();
            path_values.push((
                name.to_owned(),
                fixture.path_value(before, name, &schema),
                schema,
            ));
        }
    }
    let path_of = |replaced: Option<(&str, &str)>| -> String {
        let mut path = template.to_owned();
        for (name, value, _) in &path_values {
            let value = match replaced {
                Some((which, other)) if which == name => other,
                _ => value.as_str(),
            };
            path = path.replace(&format!("{{{name}}}"), value);
        }
        path
    };
    let headers: Vec<(String, String)> = parameters
        .iter()
        .filter(|p| p["in"] == "header" && p["required"] == true)
        .map(|p| {
            let name = p["name"].as_str().unwrap_or_default().to_owned();
            assert_eq!(
                name, "If-Match",
                "{template}: a value for the header {name}"
            );
            (name, "*".to_owned())
        })
        .collect();
    // Required query parameters are in every request, at a valid value.
    let required_query: Vec<(String, String)> = parameters
        .iter()
        .filter(|p| p["in"] == "query" && p["required"] == true)
        .map(|p| {
            let name = p["name"].as_str().unwrap_or_default().to_owned();
            let schema = builder.resolve(&p["schema"]);
            let value = match builder.base(&schema, &name, 0) {
                Value::String(text) => text,
                other => other.to_string(),
            };
            (name, value)
        })
        .collect();
    let content = &operation["requestBody"]["content"];
    let multipart = content["multipart/form-data"]["schema"].is_object();
    let body_schema = if multipart {
        &content["multipart/form-data"]["schema"]
    } else {
        &content["application/json"]["schema"]
    };
    let body = body_schema
        .is_object()
        .then(|| builder.base(body_schema, "", 0));
    let base = |label: String, accept: bool| Request {
        label,
        path: path_of(None),
        query: required_query.clone(),
        headers: headers.clone(),
        body: body.clone(),
        accept,
        in_path: false,
        staff_only: false,
        multipart,
    };
    let mut out = vec![base("the base request".to_owned(), true)];
    for (name, _, schema) in &path_values {
        let wrong = if schema["format"] == "uuid" {
            Some("not-a-uuid".to_owned())
        } else {
            schema["minimum"].as_i64().map(|min| (min - 1).to_string())
        };
        if let Some(wrong) = wrong {
            let mut request = base(format!("path {name} {wrong}"), false);
            request.path = path_of(Some((name, &wrong)));
            request.in_path = true;
            out.push(request);
        }
    }
    for parameter in &parameters {
        let name = parameter["name"].as_str().unwrap_or_default();
        let place = parameter["in"].as_str().unwrap_or_default();
        if place != "query" && place != "header" {
            continue;
        }
        let schema = builder.resolve(&parameter["schema"]);
        for Variant {
            label,
            value,
            accept,
        } in parameter_variants(builder, name, &schema)
        {
            let text = match &value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            let mut request = base(format!("{place} {name}: {label}"), accept);
            request.staff_only = parameter["description"]
                .as_str()
                .is_some_and(|text| text.starts_with("Staff only"));
            if place == "query" {
                request.query.retain(|(query, _)| query != name);
                request.query.push((name.to_owned(), text));
            } else {
                request.headers.retain(|(header, _)| header != name);
                request.headers.push((name.to_owned(), text));
            }
            out.push(request);
        }
    }
    if body_schema.is_object() {
        for Variant {
            label,
            value,
            accept,
        } in builder.variants(body_schema, "")
        {
            let mut request = base(format!("body {label}"), accept);
            request.body = Some(value);
            out.push(request);
        }
    }
    out
}

/// The variants of a query or header parameter. Cursors and `fields` are
/// opaque or named by the server: only their emptiness is checked.
fn parameter_variants(builder: &Builder, name: &str, schema: &Value) -> Vec<Variant> {
    if name == "cursor" || name == "fields" {
        assert_eq!(
            schema["minLength"], 1,
            "{name} declares that it is never empty"
        );
        return vec![Variant {
            label: "empty".to_owned(),
            value: json!(""),
            accept: false,
        }];
    }
    if name == "Idempotency-Key" || name == "If-Match" {
        let mut out = vec![Variant {
            label: "against the pattern".to_owned(),
            value: json!("not matching"),
            accept: false,
        }];
        if let Some(max) = schema["maxLength"].as_u64() {
            let max = usize::try_from(max).expect("a length");
            for (length, accept) in [(max, true), (max + 1, false)] {
                out.push(Variant {
                    label: format!("{length} characters"),
                    value: json!(filler(length)),
                    accept,
                });
            }
        }
        return out;
    }
    builder.variants(schema, name)
}

/// A form body built from the JSON the document's schema gave: each property
/// a text part, except `file`, which becomes a real (small) photo.
fn upload_form(body: &Value) -> (String, Vec<u8>) {
    let photo = masthead_api::media::fixtures::jpeg(24, 16);
    let texts: Vec<(String, String)> = body
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(name, value)| *name != "file" && !value.is_null())
        .map(|(name, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (name.clone(), text)
        })
        .collect();
    let mut parts: Vec<support::media::Part<'_>> = texts
        .iter()
        .map(|(name, text)| (name.as_str(), None, text.as_bytes()))
        .collect();
    if body.get("file").is_some() {
        parts.push(("file", Some("photo.jpg"), &photo));
    }
    support::media::form(&parts)
}

/// Sends `request`, signed in as `session` when given.
async fn send(
    app: &TestApp,
    session: Option<&Session>,
    method: &str,
    request: &Request,
) -> (u16, String) {
    let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method");
    let mut builder = app
        .request(method, &request.path, session)
        .query(&request.query);
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    match &request.body {
        Some(body) if request.multipart => {
            let (content_type, form) = upload_form(body);
            builder = builder.header("content-type", content_type).body(form);
        }
        Some(body) => builder = builder.json(body),
        None => {}
    }
    let response = builder.send().await.expect("a response");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

#[tokio::test]
async fn requests_at_the_documents_limits_are_taken_and_just_past_them_refused() {
    let app = TestApp::spawn_with(TestDatabase::sqlite(), |settings| {
        settings.max_body_bytes = 8 * 1024 * 1024;
        settings.replies.reply_rate_limit = 100_000;
        settings.replies.reply_daily_limit = 100_000;
        settings.login_ip_limit = 100_000;
        settings.login_account_failures = 100_000;
    })
    .await;
    let document: Value = app
        .request(Method::GET, "/openapi.json", None)
        .send()
        .await
        .expect("the document")
        .json()
        .await
        .expect("JSON");
    let admin = app.sign_in_new(Role::Admin).await;
    let pool_article = Fixture::new(&app).await;
    let mut pools = Pools {
        users: Vec::new(),
        tags: Vec::new(),
        replies: Vec::new(),
    };
    for _ in 0..=AUTHORS_MAX {
        pools.users.push(new_user(&app, &admin).await);
    }
    for _ in 0..=TAGS_MAX {
        let tag = new_tag(&app, &admin).await;
        pools
            .tags
            .push(tag["id"].as_str().expect("an id").to_owned());
    }
    for _ in 0..=MODERATION_BATCH_MAX {
        pools
            .replies
            .push(new_reply(&app, &admin, &pool_article.article_slug).await);
    }

    let mut failures = Vec::new();
    let mut operations = 0;
    let mut sent = 0;
    for (template, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("an item") {
            operations += 1;
            // Every operation acts on its own things; sign-in operations on
            // a session of their own per request, as they may end it.
            let per_request = template.starts_with("/auth/");
            // Anonymous where the document allows it, so fields only
            // anonymous callers send (a reply's name) are checked too.
            let signed_in = operation["security"].as_array().is_some_and(|options| {
                !options.is_empty()
                    && options
                        .iter()
                        .all(|o| o.as_object().is_some_and(|o| !o.is_empty()))
            });
            let mut fixture = Fixture::new(&app).await;
            // Refusals first: they change nothing, so the fixture is intact for them.
            let probe = requests(
                &builder_for(&document, &pools, &fixture),
                template,
                operation,
                &fixture,
            );
            let mut order: Vec<usize> = (0..probe.len()).filter(|i| !probe[*i].accept).collect();
            order.extend((0..probe.len()).filter(|i| probe[*i].accept));
            let mut taken = 0;
            for index in order {
                if per_request {
                    fixture = Fixture::new(&app).await;
                }
                let builder = builder_for(&document, &pools, &fixture);
                let all = requests(&builder, template, operation, &fixture);
                let request = &all[index];
                let session = (signed_in || request.staff_only).then_some(&fixture.session);
                let (status, body) = send(&app, session, method, request).await;
                sent += 1;
                let refused = status == 400 || status == 422 || (request.in_path && status == 404);
                let ok = if request.accept {
                    taken += 1;
                    !matches!(status, 400 | 404 | 413 | 422) && status < 500
                } else {
                    refused
                };
                if !ok {
                    let shown: String = body.chars().take(300).collect();
                    failures.push(format!(
                        "{method} {template} [{}] expected {} got {status}: {shown}",
                        request.label,
                        if request.accept { "taken" } else { "refused" }
                    ));
                }
            }
            assert!(
                taken > 0,
                "{method} {template}: no request was expected to be taken"
            );
        }
    }
    assert!(
        operations >= 40,
        "the document has its operations ({operations})"
    );
    assert!(
        failures.is_empty(),
        "{} of {sent} requests disagree with the document:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Values for ids and secrets, by property name: the byline and tags from
/// the pools, moderated replies from the pool, a parent reply and the
/// caller's password and refresh token from the fixture.
fn builder_for<'a>(document: &'a Value, pools: &'a Pools, fixture: &'a Fixture) -> Builder<'a> {
    let hint = move |name: &str, index: usize| -> Option<Value> {
        let from = |pool: &Vec<String>| pool.get(index % pool.len()).map(|id| json!(id));
        match name {
            "authors" => from(&pools.users),
            "tags" => from(&pools.tags),
            "ids" => from(&pools.replies),
            "parent_id" => Some(json!(fixture.reply_id)),
            // Image blocks and feature images place the fixture's library image.
            "media_id" => Some(json!(fixture.media_id)),
            // The moderation queue's filter names an article that exists.
            "article" => Some(json!(fixture.article_slug)),
            "current_password" => Some(json!(fixture.session.password)),
            "refresh_token" => Some(json!(fixture.session.refresh_token)),
            _ => None,
        }
    };
    Builder {
        document,
        hint: Box::new(hint),
    }
}

/// Every string and list a request body may carry is bounded in the document,
/// so a new field without a bound fails here before a fuzzer finds it.
#[test]
fn every_request_string_and_list_declares_its_bound() {
    let document = masthead_api::rest::openapi::document();
    let schemas = document["components"]["schemas"]
        .as_object()
        .expect("schemas");
    // Free text the server takes whatever its length within the body limit:
    // the honeypot (any value marks spam) and the icon (one emoji, checked as such).
    // The refresh token is opaque: a wrong one of any length is a 401.
    let unbounded = [
        "ReplyWrite.website",
        "SectionWrite.icon",
        "BlockWrite.icon",
        "RefreshWrite.refresh_token",
        // An image's bytes: bounded in bytes by --media-max-bytes (413), not in characters.
        "MediaUploadWrite.file",
    ];
    let mut missing = Vec::new();
    for (name, schema) in schemas.iter().filter(|(name, _)| name.ends_with("Write")) {
        let mut stack = vec![(name.clone(), schema.clone())];
        while let Some((path, schema)) = stack.pop() {
            for variant in schema["oneOf"].as_array().into_iter().flatten() {
                stack.push((path.clone(), variant.clone()));
            }
            if let Some(items) = schema.get("items") {
                stack.push((format!("{path}[]"), items.clone()));
            }
            for (property, inner) in schema["properties"].as_object().into_iter().flatten() {
                stack.push((format!("{name}.{property}"), inner.clone()));
            }
            let types = match &schema["type"] {
                Value::String(one) => vec![one.clone()],
                Value::Array(many) => many
                    .iter()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            };
            let bounded = schema.get("maxLength").is_some()
                || schema.get("enum").is_some()
                || matches!(schema["format"].as_str(), Some("uuid" | "date-time"));
            if types.iter().any(|t| t == "string")
                && !bounded
                && !unbounded.contains(&path.as_str())
            {
                missing.push(format!("{path}: maxLength"));
            }
            if types.iter().any(|t| t == "array") && schema.get("maxItems").is_none() {
                missing.push(format!("{path}: maxItems"));
            }
        }
    }
    assert!(missing.is_empty(), "unbounded request fields: {missing:#?}");
}

/// Every string query parameter is bounded in the document too (a length, a
/// pattern, an enum or a format), so a new filter cannot arrive unbounded.
/// `cursor` and `fields` are exempt: the server decodes or names them, and
/// refuses anything else whatever its length.
#[test]
fn every_string_query_parameter_declares_its_bound() {
    let document = masthead_api::rest::openapi::document();
    let mut missing = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("an item") {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap_or_default();
                if parameter["in"] != "query" || name == "cursor" || name == "fields" {
                    continue;
                }
                let mut schema = parameter["schema"].clone();
                if let Some(reference) = schema["$ref"].as_str() {
                    let target = reference.trim_start_matches("#/components/schemas/");
                    schema = document["components"]["schemas"][target].clone();
                }
                let is_string = schema["type"] == "string"
                    || schema["type"]
                        .as_array()
                        .is_some_and(|types| types.iter().any(|t| t == "string"));
                let bounded = ["maxLength", "enum", "pattern"]
                    .iter()
                    .any(|key| schema.get(*key).is_some())
                    || schema["oneOf"].is_array()
                    || matches!(schema["format"].as_str(), Some("uuid" | "date-time"));
                if is_string && !bounded {
                    missing.push(format!("{method} {path} ?{name}"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "unbounded query parameters: {missing:#?}"
    );
}
