//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers'
//! `#[utoipa::path]` annotations and the views' `ToSchema` derives, served at
//! `/api/v1/openapi.json`, with a browsable page at `/api/docs`.
//!
//! Adding a route to the document is one line in [`ApiDoc`]'s `paths(...)`
//! (the handler carries its own `#[utoipa::path]`). The conventions every
//! operation shares are added here once, by rule, so they cannot be forgotten:
//! problem+json error responses (400/500/503 everywhere; 401/403 with a bearer
//! token; 404 with a path parameter; 413/415/422 with a body; 422 with query
//! parameters; the few operations that cannot give one are listed in `EXEMPT`;
//! 401 declares `WWW-Authenticate`, 429 and 503 `Retry-After`), caching
//! headers on public reads, the bearer scheme, the server
//! prefix, and the list envelopes (`*Page`) whose items (`*Summary`) carry
//! every property, with a `*PartialPage` of `*SummaryPartial` items (nothing
//! required) for answers narrowed by `fields=`, named by the `fields`
//! parameter's `x-partial-answer`. Request bounds are declared by
//! [`crate::rest::openapi_bounds`]; `Problem.code` lists exactly
//! [`ApiError::codes`].
//!
//! The edge ([`crate::rest::http`]) reads the documented methods to answer 405
//! with `Allow`; `tests/api/rest_openapi.rs` validates real responses against it.

use std::sync::OnceLock;

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde_json::{json, Map, Value};
use utoipa::OpenApi;

use crate::error::{ApiError, Problem, ProblemField};
use crate::rest::article_document::{
    ArticleDocument, BlockDocument, FeatureImageDocument, SectionDocument, SeoDocument,
};
use crate::rest::caching::public_json;
use crate::rest::pull_quotes::PullQuoteView;
use crate::rest::replies::ReplyActionName;
use crate::rest::reply_views::ThreadReplyView;
use crate::rest::views::UserView;
use crate::rest::workflow_views::{AuditEntryView, RevisionInfoView};
use crate::rest::{
    admin_articles, articles, auth, corrections, media, openapi_bounds, previews, pull_quotes,
    replies, root, search, site, tags, taxonomy, users, webhooks, workflow,
};
use crate::state::AppState;

/// The annotated routes and schemas. Add a documented route with one line in `paths`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Masthead REST API",
        version = "1",
        description = "The REST API of Masthead, a headless CMS for news publishers. \
            JSON in snake_case, timestamps in RFC 3339 UTC, ids as strings. Lists are \
            `{\"data\": [...], \"next_cursor\": ...}` with `limit` (1-100) and `cursor`; \
            `fields=` narrows list items. Errors are RFC 9457 `application/problem+json` \
            with a stable `code`. Public reads carry a strong `ETag` (send `If-None-Match` \
            for 304) and `Cache-Control: public`; editor responses are `private, no-store`."
    ),
    paths(
        root::show,
        articles::list,
        articles::show,
        taxonomy::tags,
        taxonomy::tag,
        taxonomy::authors,
        taxonomy::author,
        pull_quotes::list,
        search::search,
        site::show,
        corrections::list,
        corrections::add,
        corrections::retract,
        admin_articles::list,
        admin_articles::create,
        admin_articles::show,
        admin_articles::update,
        admin_articles::remove,
        previews::create,
        previews::list,
        previews::revoke,
        previews::show,
        auth::login,
        auth::refresh,
        auth::logout,
        auth::me,
        auth::change_password,
        users::list,
        users::show,
        users::create,
        users::update,
        users::reset_password,
        users::bylines,
        tags::create,
        tags::update,
        tags::remove,
        replies::list,
        replies::post,
        replies::queue,
        replies::moderate_many,
        replies::moderate_one,
        replies::delete,
        workflow::submit,
        workflow::publish,
        workflow::unpublish,
        workflow::archive,
        workflow::revisions,
        workflow::revision,
        workflow::restore,
        workflow::diff,
        workflow::audit,
        webhooks::create,
        webhooks::list,
        webhooks::show,
        webhooks::update,
        webhooks::remove,
        webhooks::rotate_secret,
        webhooks::deliveries,
        webhooks::redeliver,
        media::upload,
        media::list,
        media::show,
        media::update,
        media::remove,
        media::original,
    ),
    components(schemas(
        Problem,
        corrections::PlacedCorrectionView,
        ProblemField,
        UserView,
        PullQuoteView,
        search::HighlightsView,
        ArticleDocument,
        SectionDocument,
        BlockDocument,
        SeoDocument,
        FeatureImageDocument,
        ThreadReplyView,
        RevisionInfoView,
        AuditEntryView,
        ReplyActionName,
    )),
    tags(
        (name = "articles", description = "Published articles, their replies and pull quotes."),
        (name = "directory", description = "Tags and authors."),
        (name = "syndication", description = "The site identity and its feeds."),
        (name = "admin", description = "The editors' desk: articles and tags (bearer token)."),
        (name = "workflow", description = "Submitting, publishing, revisions and the audit log (bearer token)."),
        (name = "moderation", description = "The reply moderation queue (editors and admins)."),
        (name = "users", description = "Staff accounts (admins)."),
        (name = "auth", description = "Signing in and out, tokens and passwords."),
        (name = "webhooks", description = "Signed webhook endpoints and their delivery logs (admins)."),
        (name = "media", description = "The media library: image uploads, descriptions, originals (bearer token)."),
    )
)]
pub struct ApiDoc;

/// List envelopes: (page schema, item schema, sparse summary schema if `fields=` applies).
const PAGES: [(&str, &str, Option<&str>); 13] = [
    ("ArticlePage", "Article", Some("ArticleSummary")),
    ("PublicTagPage", "PublicTag", Some("PublicTagSummary")),
    (
        "PublicAuthorPage",
        "PublicAuthor",
        Some("PublicAuthorSummary"),
    ),
    (
        "PlacedPullQuotePage",
        "PlacedPullQuote",
        Some("PlacedPullQuoteSummary"),
    ),
    ("ThreadReplyPage", "ThreadReply", None),
    ("UserPage", "User", None),
    ("AuthorPage", "Author", None),
    ("RevisionInfoPage", "RevisionInfo", None),
    ("AuditEntryPage", "AuditEntry", None),
    ("CorrectionPage", "PlacedCorrection", None),
    ("WebhookPage", "Webhook", None),
    ("WebhookDeliveryPage", "WebhookDelivery", None),
    ("MediaPage", "Media", None),
];

/// Shared statuses an operation cannot give although the rule would add them:
/// (operation id, status).
const EXEMPT: [(&str, u16); 9] = [
    // Every signed-in role may read its account (changing one's password is
    // refused only to cookie mode from a foreign origin, declared by the route),
    ("get_me", 403),
    // read any article and its history, and start a draft.
    ("list_admin_articles", 403),
    ("get_admin_article", 403),
    ("create_article", 403),
    ("list_revisions", 403),
    ("get_revision", 403),
    ("diff_revisions", 403),
    // and see who may stand on a byline.
    ("list_bylines", 403),
    // `publish` reads its optional body whatever the content type says.
    ("publish_article", 415),
];

/// Operations whose body is optional but never `null` (absent instead: a
/// request without a body uses the refresh cookie), by operation id.
const ABSENT_NOT_NULL_BODIES: [&str; 2] = ["refresh_session", "logout"];

/// Properties that are never `null` although their Rust type is an `Option`
/// (absent instead): (schema, property).
const NEVER_NULL: [(&str, &str); 6] = [
    ("Article", "sections"),
    ("Article", "corrections"),
    ("Problem", "errors"),
    ("Problem", "current_version"),
    ("CreatedUser", "generated_password"),
    ("Webhook", "secret"),
];

/// Properties always present although utoipa cannot tell: (schema, property).
const ALWAYS_PRESENT: [(&str, &str); 1] = [("Article", "structured_data")];

/// Public reads whose answers carry `Last-Modified` (those served from the
/// public cache), by operation id.
const LAST_MODIFIED: [&str; 3] = ["list_articles", "get_article", "list_corrections"];

/// Anonymous reads that are never cached (`private, no-store`), by operation id:
/// a preview token opens a draft to its holder only.
const UNCACHED_READS: [&str; 1] = ["get_preview"];

/// Headers that come with every response of a shared problem status.
const PROBLEM_HEADERS: [(u16, &str, &str); 3] = [
    (401, "WWW-Authenticate", "`Bearer`."),
    (429, "Retry-After", "Seconds until a retry may succeed."),
    (503, "Retry-After", "Seconds until a retry may succeed."),
];

/// Problem responses shared by reference: (status, component name, description).
const PROBLEMS: [(u16, &str, &str); 12] = [
    (
        400,
        "BadRequest",
        "Malformed request: bad JSON, invalid UTF-8 or NUL characters in text, a bad query string.",
    ),
    (401, "Unauthorized", "A valid bearer token is needed."),
    (403, "Forbidden", "The caller's role may not do this."),
    (
        404,
        "NotFound",
        "Nothing there (or nothing the caller may see).",
    ),
    (
        409,
        "Conflict",
        "Conflicts with the current state (a taken slug, a running idempotent request).",
    ),
    (
        412,
        "PreconditionFailed",
        "`If-Match` names a version that is no longer current; nothing changed.",
    ),
    (
        413,
        "PayloadTooLarge",
        "The body is larger than the route accepts.",
    ),
    (
        415,
        "UnsupportedMediaType",
        "The body is not `application/json`.",
    ),
    (
        422,
        "UnprocessableEntity",
        "Input broke a rule; `errors` names each field by its path.",
    ),
    (
        429,
        "TooManyRequests",
        "Too many requests; `Retry-After` says when to try again.",
    ),
    (
        500,
        "InternalServerError",
        "A fault on our side (details are logged, never sent).",
    ),
    (
        503,
        "ServiceUnavailable",
        "The database is unreachable; retry after `Retry-After` seconds.",
    ),
];

/// The finished document.
pub fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let generated = serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|error| {
            tracing::error!(%error, "the OpenAPI document does not serialize");
            json!({})
        });
        conventions(generated)
    })
}

/// Every documented path (relative to `/api/v1`) with its methods, upper-case.
pub fn operations() -> Vec<(String, Vec<String>)> {
    let Some(paths) = document()["paths"].as_object() else {
        return Vec::new();
    };
    paths
        .iter()
        .map(|(path, item)| {
            let methods = ["get", "put", "post", "delete", "patch"]
                .into_iter()
                .filter(|method| item.get(*method).is_some())
                .map(str::to_uppercase)
                .collect();
            (path.clone(), methods)
        })
        .collect()
}

/// Every documented operation that requires a bearer token (its `security`
/// has no anonymous alternative), as (path relative to `/api/v1`, method
/// upper-case): the staff routes the edge refuses anonymous requests on.
pub fn bearer_operations() -> Vec<(String, String)> {
    let Some(paths) = document()["paths"].as_object() else {
        return Vec::new();
    };
    let mut staff = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, operation) in item {
            let required = operation["security"].as_array().is_some_and(|options| {
                !options.is_empty()
                    && options
                        .iter()
                        .all(|option| option.as_object().is_some_and(|o| !o.is_empty()))
            });
            if required {
                staff.push((path.clone(), method.to_uppercase()));
            }
        }
    }
    staff
}

/// `GET /api/v1/openapi.json`.
#[get("/openapi.json")]
pub async fn serve(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let body = serde_json::to_vec(document()).unwrap_or_default();
    public_json(&request, &state.settings, body, None)
}

/// `GET /api/docs`: a browsable reference of the document (Swagger UI, from
/// assets in the binary: see [`crate::pages`]).
#[get("/api/docs")]
pub async fn docs(pages: web::Data<crate::pages::Pages>) -> HttpResponse {
    pages.api_docs()
}

/// The name of the page of `fields=` answers of the list envelope `page`.
fn partial_page(page: &str) -> String {
    page.replace("Page", "PartialPage")
}

/// A list envelope of `items`.
fn page_schema(items: &str) -> Value {
    json!({
        "type": "object",
        "required": ["data", "next_cursor"],
        "properties": {
            "data": { "type": "array", "items": { "$ref": format!("#/components/schemas/{items}") } },
            "next_cursor": { "type": ["string", "null"],
                "description": "Pass as `cursor` for the next page; null on the last page." }
        }
    })
}

/// A list item of `item` (its body-only properties dropped): every property
/// required, and the partial shape of `fields=` answers, nothing required.
fn summaries(item: &Value, name: &str) -> (Value, Value) {
    let mut full = item.clone();
    if let Some(object) = full.as_object_mut() {
        if let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) {
            for body_only in ["sections", "structured_data", "corrections"] {
                properties.remove(body_only);
            }
        }
        let every: Vec<Value> = object
            .get("properties")
            .and_then(Value::as_object)
            .map(|properties| properties.keys().map(|key| json!(key)).collect())
            .unwrap_or_default();
        object.insert("required".into(), Value::Array(every));
        object.insert(
            "description".into(),
            json!(format!(
                "One item of a list (see `{name}`), every property present."
            )),
        );
    }
    let mut partial = full.clone();
    if let Some(object) = partial.as_object_mut() {
        object.remove("required");
        object.insert("minProperties".into(), json!(1));
        object.insert(
            "description".into(),
            json!(format!("One item of a list narrowed by `fields=`: only the properties named there (see `{name}`).")),
        );
    }
    (full, partial)
}

/// Declares answers as they are: no `null` where a value is absent instead,
/// `Problem.code` as the codes of [`ApiError`], audit entries typed.
fn truthful_answers(schemas: &mut Value) {
    for (schema, property) in NEVER_NULL {
        openapi_bounds::not_null(&mut schemas[schema]["properties"][property]);
    }
    for (schema, property) in ALWAYS_PRESENT {
        if let Some(required) = schemas[schema]["required"].as_array_mut() {
            if !required.iter().any(|name| name == property) {
                required.push(json!(property));
            }
        }
    }
    if let Some(required) = schemas["Article"]["required"].as_array_mut() {
        required.retain(|name| name != "corrections");
    }
    schemas["Problem"]["properties"]["code"]["enum"] = json!(ApiError::codes());
    crate::rest::audit_schema::declare(schemas);
}

fn conventions(mut document: Value) -> Value {
    document["servers"] = json!([{ "url": "/api/v1", "description": "This server" }]);
    let components = document["components"]
        .as_object_mut()
        .map(std::mem::take)
        .unwrap_or_default();
    let mut components = Value::Object(components);
    components["securitySchemes"]["bearer"] = json!({
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": "The access token from `POST /auth/login`."
    });
    for (status, name, description) in PROBLEMS {
        components["responses"][name] = json!({
            "description": format!("{status}: {description}"),
            "content": { "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" } } }
        });
        for (_, header, about) in PROBLEM_HEADERS
            .iter()
            .filter(|(code, _, _)| *code == status)
        {
            components["responses"][name]["headers"][*header] =
                json!({ "description": about, "required": true, "schema": { "type": "string" } });
        }
    }
    let schemas = &mut components["schemas"];
    truthful_answers(schemas);
    for missed in openapi_bounds::apply(schemas) {
        tracing::error!(%missed, "an OpenAPI request bound names no property");
    }
    openapi_bounds::article_update(schemas);
    for (page, item, summary) in PAGES {
        let items = match summary {
            Some(summary) => {
                let (full, partial) = summaries(&schemas[item], item);
                schemas[summary] = full;
                schemas[format!("{summary}Partial")] = partial;
                schemas[partial_page(page)] = page_schema(&format!("{summary}Partial"));
                summary
            }
            None => item,
        };
        schemas[page] = page_schema(items);
    }
    // A search result is an article summary with its score and highlights.
    let mut hit = schemas["ArticleSummary"].clone();
    hit["description"] =
        json!("One search result: an article summary with how well it matched and its highlights.");
    hit["properties"]["score"] = json!({ "type": "number", "description": "Higher is better; comparable within one search only." });
    hit["properties"]["highlights"] = json!({ "$ref": "#/components/schemas/SearchHighlights" });
    hit["required"] = json!(["id", "slug", "title", "score", "highlights"]);
    schemas["SearchHit"] = hit;
    schemas["SearchHitPage"] = json!({
        "type": "object",
        "required": ["data", "next_cursor"],
        "properties": {
            "data": { "type": "array", "items": { "$ref": "#/components/schemas/SearchHit" } },
            "next_cursor": { "type": ["string", "null"],
                "description": "Pass as `cursor` for the next page; null on the last page." }
        }
    });
    for (name, schema) in schemas.as_object_mut().into_iter().flatten() {
        if name.ends_with("Write") {
            refuse_unknown_fields(schema);
        }
    }
    document["components"] = components;
    document["paths"]["/admin/articles/{id}"]["put"]["requestBody"]["content"]
        ["application/json"]["schema"] =
        json!({ "$ref": "#/components/schemas/ArticleUpdateWrite" });
    if let Some(paths) = document["paths"].as_object_mut() {
        for item in paths.values_mut() {
            if let Some(item) = item.as_object_mut() {
                for (method, operation) in item.iter_mut() {
                    common_responses(method, operation);
                }
            }
        }
    }
    document
}

/// Declares `If-None-Match` on a public read that answers `304`.
fn conditional_get(operation: &mut Value) {
    let parameter = json!({
        "name": "If-None-Match",
        "in": "header",
        "required": false,
        "description": "The `ETag` of a copy the client holds: `304` with no body while it is current.",
        "schema": { "type": "string" }
    });
    match operation["parameters"].as_array_mut() {
        Some(parameters) => parameters.push(parameter),
        None => operation["parameters"] = json!([parameter]),
    }
}

/// Points the `fields` parameter of a list whose items have a partial shape
/// at the envelope of its narrowed answers (`x-partial-answer`).
fn partial_answers(operation: &mut Value) {
    let page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .and_then(|reference| reference.strip_prefix("#/components/schemas/"))
        .map(str::to_owned);
    let Some(page) = page else {
        return;
    };
    if !PAGES
        .iter()
        .any(|(name, _, summary)| *name == page && summary.is_some())
    {
        return;
    }
    let partial = partial_page(&page);
    for parameter in operation["parameters"].as_array_mut().into_iter().flatten() {
        if parameter["name"] == "fields" && parameter["in"] == "query" {
            parameter["x-partial-answer"] =
                json!({ "$ref": format!("#/components/schemas/{partial}") });
            let about = parameter["description"].as_str().unwrap_or_default();
            parameter["description"] = json!(format!(
                "{about} The answer is then a `{partial}`: each item has only the named properties."
            ));
        }
    }
}

/// Write documents refuse fields they do not list; fields listed without a
/// type are the read-only ones a GET document carries, accepted and ignored.
fn refuse_unknown_fields(schema: &mut Value) {
    if let Some(variants) = schema.get_mut("oneOf").and_then(Value::as_array_mut) {
        variants.iter_mut().for_each(refuse_unknown_fields);
        return;
    }
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) {
        for property in properties.values_mut() {
            if property.as_object().is_some_and(|p| p.is_empty()) {
                *property =
                    json!({ "readOnly": true, "description": "Read-only: accepted and ignored." });
            }
        }
        object.insert("additionalProperties".into(), json!(false));
    }
}

/// An optional body declared as `Option<T>` is `oneOf: [null, T]`: keeps
/// `T` alone, the body still not required.
fn not_null_body(operation: &mut Value) {
    for media in operation["requestBody"]["content"]
        .as_object_mut()
        .into_iter()
        .flat_map(|content| content.values_mut())
    {
        let kept = media["schema"]["oneOf"].as_array().and_then(|variants| {
            let mut others = variants.iter().filter(|variant| variant["type"] != "null");
            match (others.next(), others.next()) {
                (Some(only), None) => Some(only.clone()),
                _ => None,
            }
        });
        if let Some(kept) = kept {
            media["schema"] = kept;
        }
    }
    operation["requestBody"]["required"] = json!(false);
}

/// Adds the responses every operation of its kind can give (see the module docs).
fn common_responses(method: &str, operation: &mut Value) {
    let parameters = operation["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let located = |place: &str| parameters.iter().any(|p| p["in"] == place);
    let id = operation["operationId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    if ABSENT_NOT_NULL_BODIES.contains(&id.as_str()) {
        not_null_body(operation);
    }
    let mut statuses = vec![400, 500, 503];
    if operation.get("security").is_some() {
        statuses.extend([401, 403]);
    }
    if located("path") {
        statuses.push(404);
    }
    if located("query") {
        statuses.push(422);
    }
    if operation.get("requestBody").is_some() {
        statuses.extend([413, 415, 422]);
    }
    // Public reads: no bearer token needed (none, or an anonymous alternative),
    // except the ones no cache may keep.
    let public_read = method == "get"
        && !UNCACHED_READS.contains(&id.as_str())
        && operation["security"].as_array().is_none_or(|options| {
            options
                .iter()
                .any(|option| option.as_object().is_some_and(|o| o.is_empty()))
        });
    openapi_bounds::bound_parameters(operation);
    partial_answers(operation);
    let replayable = operation["parameters"]
        .as_array()
        .is_some_and(|list| list.iter().any(|p| p["name"] == "Idempotency-Key"));
    let responses = operation["responses"]
        .as_object_mut()
        .map(std::mem::take)
        .unwrap_or_default();
    let mut responses: Map<String, Value> = responses;
    for status in statuses {
        let key = status.to_string();
        if responses.contains_key(&key) || EXEMPT.contains(&(id.as_str(), status)) {
            continue;
        }
        if let Some((_, name, _)) = PROBLEMS.iter().find(|(code, _, _)| *code == status) {
            responses.insert(
                key,
                json!({ "$ref": format!("#/components/responses/{name}") }),
            );
        }
    }
    if public_read {
        for status in ["200", "304"] {
            if let Some(answer) = responses.get_mut(status) {
                answer["headers"] = json!({
                    "ETag": { "description": "Strong validator of this body; send it in `If-None-Match`.",
                              "required": true, "schema": { "type": "string" } },
                    "Cache-Control": { "description": "`public, max-age=…, stale-while-revalidate=…`",
                                       "required": true, "schema": { "type": "string" } }
                });
                if LAST_MODIFIED.contains(&id.as_str()) {
                    answer["headers"]["Last-Modified"] = json!({
                        "description": "When the content last changed (HTTP date); send it in `If-Modified-Since`. Absent while there is no content.",
                        "schema": { "type": "string" }
                    });
                }
            }
        }
        if responses.contains_key("304") {
            conditional_get(operation);
        }
    }
    if replayable {
        for (status, answer) in responses.iter_mut() {
            if status.starts_with('2') {
                answer["headers"]["Idempotent-Replayed"] = json!({
                    "description": "`true` when this is the stored answer of an earlier request with the same `Idempotency-Key` (nothing was done again).",
                    "schema": { "type": "string", "enum": ["true"] }
                });
            }
        }
    }
    operation["responses"] = Value::Object(responses);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn references<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    found.push(reference);
                }
                map.values().for_each(|value| references(value, found));
            }
            Value::Array(items) => items.iter().for_each(|value| references(value, found)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_resolves() {
        let document = document();
        let mut found = Vec::new();
        references(document, &mut found);
        assert!(!found.is_empty());
        for reference in found {
            let pointer = reference.trim_start_matches('#');
            assert!(
                document.pointer(pointer).is_some(),
                "{reference} names nothing"
            );
        }
    }

    #[test]
    fn exemptions_name_documented_operations_and_take_effect() {
        let paths = document()["paths"].as_object().expect("paths");
        for (id, status) in EXEMPT {
            let operation = paths
                .values()
                .flat_map(|item| item.as_object().into_iter().flatten())
                .map(|(_, operation)| operation)
                .find(|operation| operation["operationId"] == id);
            let operation = operation.unwrap_or_else(|| panic!("{id} is documented"));
            assert!(
                operation["responses"].get(status.to_string()).is_none(),
                "{id} does not document {status}"
            );
        }
    }

    #[test]
    fn optional_bodies_that_are_never_null_are_declared_so() {
        let paths = &document()["paths"];
        for path in ["/auth/refresh", "/auth/logout"] {
            let body = &paths[path]["post"]["requestBody"];
            assert_eq!(body["required"], false, "{path}");
            assert_eq!(
                body["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/RefreshWrite",
                "{path}"
            );
        }
    }

    #[test]
    fn the_edge_allows_the_documented_methods_of_new_routes() {
        use crate::rest::http::allowed_methods;
        for (path, allow) in [
            ("/auth/login", "POST, OPTIONS"),
            ("/admin/users/x", "GET, HEAD, PATCH, OPTIONS"),
            ("/admin/tags/x", "PUT, DELETE, OPTIONS"),
            ("/admin/replies/moderate", "POST, OPTIONS"),
            ("/admin/replies/x", "DELETE, OPTIONS"),
            ("/admin/replies/x/approve", "POST, OPTIONS"),
            ("/admin/articles/x/revisions/2/diff/3", "GET, HEAD, OPTIONS"),
        ] {
            assert_eq!(allowed_methods(path), Some(allow), "{path}");
        }
    }
}
