//! The request bounds of the OpenAPI document: every length, count, format
//! and pattern the server checks, declared so a generated client refuses what
//! the server would. The numbers come from [`masthead_domain::limits`] (and
//! the few constants beside their checks), never copies, so the document
//! cannot drift from the validators.
//!
//! utoipa's attributes take only literals, so the bounds are a table applied
//! to the generated schemas. A table row that names nothing fails a unit test,
//! so a renamed field cannot silently lose its bound.
//!
//! Lengths count characters (code points, as JSON Schema does) of the text
//! after the server trims surrounding whitespace: a string within `maxLength`
//! is always short enough, invisible characters included. Emptiness is
//! judged after the server's normalisation: a text of only whitespace and
//! invisible characters (zero-width spaces, joiners) is empty, refused where
//! a text is required although `minLength` allows it (each bounded
//! property's description says so).

use masthead_domain::correction::{MAX_REASON, MAX_TEXT};
use masthead_domain::limits::{
    ATTRIBUTION_MAX, AUTHORS_MAX, BLOCKS_PER_SECTION_MAX, DESCRIPTION_MAX, DISPLAY_NAME_MAX,
    EMAIL_MAX, HEADING_MAX, LIST_ITEMS_MAX, META_DESCRIPTION_MAX, META_TITLE_MAX,
    MODERATION_BATCH_MAX, PARAGRAPH_MAX, PASSWORD_MAX_BYTES, PASSWORD_MIN_CHARS, PULL_QUOTE_MAX,
    REPLY_BODY_MAX, SECTIONS_MAX, SLUG_MAX, STANDFIRST_MAX, TAGS_MAX, TAG_NAME_MAX, TITLE_MAX,
    URL_MAX,
};
use masthead_domain::media::meta::{ALT_MAX, CAPTION_MAX, CREDIT_MAX};
use serde_json::{json, Value};

use crate::app::sessions::REFRESH_TOKEN_MAX_BYTES;
use crate::rest::idempotency::KEY_MAX;
use crate::rest::refresh_cookie::{
    REFRESH_COOKIE_HEADER, REFRESH_COOKIE_MODE, REFRESH_COOKIE_NAME,
};

/// One bound on a property of a request schema.
#[derive(Debug, Clone, Copy)]
pub enum Bound {
    /// The property must be present and not `null`.
    Required,
    /// `minLength`/`maxLength`, in characters.
    Length(Option<usize>, usize),
    /// `minItems`/`maxItems`.
    Items(Option<usize>, usize),
    /// A `format` the server checks.
    Format(&'static str),
    /// The slug syntax.
    SlugPattern,
    /// Accepted and ignored (a read-only field of the `GET` document).
    Ignored,
    /// When the first property is present, the second must be too.
    Requires(&'static str, &'static str),
}

/// A slug as the server accepts it: lower-case letters, digits and single
/// inner hyphens, or empty (then derived from the title or name, as when absent).
pub const SLUG_PATTERN: &str = "^([a-z0-9]+(-[a-z0-9]+)*)?$";

/// `If-Match`: `*` or a list of entity tags (strong ones such as `"3"` can match).
pub const IF_MATCH_PATTERN: &str = r#"^(\*|(W/)?"[!#-~]*"( *, *(W/)?"[!#-~]*")*)$"#;

/// (schema, path to the property, bound). A path is property names; `[]`
/// steps into array items, `<tag>` into the `oneOf` variant whose `type` is
/// `tag`, and `#n` into the `n`th `oneOf` variant.
pub const BOUNDS: &[(&str, &[&str], Bound)] = &[
    ("ArticleWrite", &["title"], Bound::Required),
    (
        "ArticleWrite",
        &["title"],
        Bound::Length(Some(1), TITLE_MAX),
    ),
    ("ArticleWrite", &["slug"], Bound::Length(None, SLUG_MAX)),
    ("ArticleWrite", &["slug"], Bound::SlugPattern),
    (
        "ArticleWrite",
        &["standfirst"],
        Bound::Length(None, STANDFIRST_MAX),
    ),
    (
        "ArticleWrite",
        &["sections"],
        Bound::Items(None, SECTIONS_MAX),
    ),
    (
        "ArticleWrite",
        &["authors"],
        Bound::Items(None, AUTHORS_MAX),
    ),
    ("ArticleWrite", &["tags"], Bound::Items(None, TAGS_MAX)),
    (
        "SectionWrite",
        &["heading"],
        Bound::Length(None, HEADING_MAX),
    ),
    (
        "SectionWrite",
        &["blocks"],
        Bound::Items(None, BLOCKS_PER_SECTION_MAX),
    ),
    ("BlockWrite", &["<paragraph>", "markdown"], Bound::Required),
    (
        "BlockWrite",
        &["<paragraph>", "markdown"],
        Bound::Length(Some(1), PARAGRAPH_MAX),
    ),
    ("BlockWrite", &["<paragraph>", "text"], Bound::Ignored),
    ("BlockWrite", &["<pull_quote>", "text"], Bound::Required),
    (
        "BlockWrite",
        &["<pull_quote>", "text"],
        Bound::Length(Some(1), PULL_QUOTE_MAX),
    ),
    (
        "BlockWrite",
        &["<pull_quote>", "speaker"],
        Bound::Length(None, ATTRIBUTION_MAX),
    ),
    (
        "BlockWrite",
        &["<pull_quote>", "context"],
        Bound::Length(None, ATTRIBUTION_MAX),
    ),
    (
        "BlockWrite",
        &["<list>", "items"],
        Bound::Items(None, LIST_ITEMS_MAX),
    ),
    ("BlockWrite", &["<image>", "media_id"], Bound::Required),
    (
        "BlockWrite",
        &["<image>", "media_id"],
        Bound::Format("uuid"),
    ),
    (
        "BlockWrite",
        &["<image>", "alt"],
        Bound::Length(None, ALT_MAX),
    ),
    (
        "BlockWrite",
        &["<image>", "caption"],
        Bound::Length(None, CAPTION_MAX),
    ),
    (
        "BlockWrite",
        &["<image>", "credit"],
        Bound::Length(None, CREDIT_MAX),
    ),
    (
        "InlineWrite",
        &["#0"],
        Bound::Length(Some(1), PARAGRAPH_MAX),
    ),
    (
        "InlineWrite",
        &["#1", "markdown"],
        Bound::Length(None, PARAGRAPH_MAX),
    ),
    (
        "InlineWrite",
        &["#1", "text"],
        Bound::Length(None, PARAGRAPH_MAX),
    ),
    (
        "SeoWrite",
        &["meta_title"],
        Bound::Length(None, META_TITLE_MAX),
    ),
    (
        "SeoWrite",
        &["meta_description"],
        Bound::Length(None, META_DESCRIPTION_MAX),
    ),
    ("SeoWrite", &["canonical_url"], Bound::Length(None, URL_MAX)),
    ("SeoWrite", &["canonical_url"], Bound::Format("uri")),
    ("FeatureImageWrite", &["url"], Bound::Length(None, URL_MAX)),
    ("FeatureImageWrite", &["url"], Bound::Format("uri")),
    ("FeatureImageWrite", &[], Bound::Requires("url", "alt")),
    ("FeatureImageWrite", &["media_id"], Bound::Format("uuid")),
    (
        "FeatureImageWrite",
        &["alt"],
        Bound::Length(None, META_DESCRIPTION_MAX),
    ),
    (
        "FeatureImageWrite",
        &["caption"],
        Bound::Length(None, META_DESCRIPTION_MAX),
    ),
    ("TagWrite", &["name"], Bound::Length(Some(1), TAG_NAME_MAX)),
    ("TagWrite", &["slug"], Bound::Length(None, SLUG_MAX)),
    ("TagWrite", &["slug"], Bound::SlugPattern),
    (
        "TagWrite",
        &["description"],
        Bound::Length(None, DESCRIPTION_MAX),
    ),
    (
        "UserCreateWrite",
        &["email"],
        Bound::Length(None, EMAIL_MAX),
    ),
    (
        "UserCreateWrite",
        &["display_name"],
        Bound::Length(Some(1), DISPLAY_NAME_MAX),
    ),
    (
        "UserCreateWrite",
        &["bio"],
        Bound::Length(None, DESCRIPTION_MAX),
    ),
    (
        "UserCreateWrite",
        &["password"],
        Bound::Length(Some(PASSWORD_MIN_CHARS), PASSWORD_MAX_BYTES),
    ),
    (
        "UserUpdateWrite",
        &["display_name"],
        Bound::Length(Some(1), DISPLAY_NAME_MAX),
    ),
    (
        "UserUpdateWrite",
        &["bio"],
        Bound::Length(None, DESCRIPTION_MAX),
    ),
    ("LoginWrite", &["email"], Bound::Length(None, EMAIL_MAX)),
    (
        "LoginWrite",
        &["password"],
        Bound::Length(None, PASSWORD_MAX_BYTES),
    ),
    (
        "PasswordChangeWrite",
        &["current_password"],
        Bound::Length(None, PASSWORD_MAX_BYTES),
    ),
    (
        "PasswordChangeWrite",
        &["new_password"],
        Bound::Length(Some(PASSWORD_MIN_CHARS), PASSWORD_MAX_BYTES),
    ),
    ("ReplyWrite", &["body"], Bound::Required),
    (
        "ReplyWrite",
        &["body"],
        Bound::Length(Some(1), REPLY_BODY_MAX),
    ),
    (
        "ReplyWrite",
        &["author_name"],
        Bound::Length(Some(1), DISPLAY_NAME_MAX),
    ),
    (
        "ReplyWrite",
        &["author_email"],
        Bound::Length(Some(1), EMAIL_MAX),
    ),
    ("ReplyWrite", &["author_email"], Bound::Format("email")),
    ("ReplyWrite", &["parent_id"], Bound::Format("uuid")),
    (
        "ModerationWrite",
        &["ids"],
        Bound::Items(Some(1), MODERATION_BATCH_MAX),
    ),
    ("ModerationWrite", &["ids", "[]"], Bound::Format("uuid")),
    (
        "CorrectionWrite",
        &["text"],
        Bound::Length(Some(1), MAX_TEXT),
    ),
    (
        "RetractionWrite",
        &["reason"],
        Bound::Length(Some(1), MAX_REASON),
    ),
    ("MediaUploadWrite", &["file"], Bound::Required),
    ("MediaUploadWrite", &["alt"], Bound::Length(None, ALT_MAX)),
    (
        "MediaUploadWrite",
        &["caption"],
        Bound::Length(None, CAPTION_MAX),
    ),
    (
        "MediaUploadWrite",
        &["credit"],
        Bound::Length(None, CREDIT_MAX),
    ),
    (
        "MediaUploadWrite",
        &[],
        Bound::Requires("focal_x", "focal_y"),
    ),
    (
        "MediaUploadWrite",
        &[],
        Bound::Requires("focal_y", "focal_x"),
    ),
    ("MediaUpdateWrite", &["alt"], Bound::Length(None, ALT_MAX)),
    (
        "MediaUpdateWrite",
        &["caption"],
        Bound::Length(None, CAPTION_MAX),
    ),
    (
        "MediaUpdateWrite",
        &["credit"],
        Bound::Length(None, CREDIT_MAX),
    ),
    (
        "MediaUpdateWrite",
        &[],
        Bound::Requires("focal_x", "focal_y"),
    ),
    (
        "MediaUpdateWrite",
        &[],
        Bound::Requires("focal_y", "focal_x"),
    ),
];

/// `ArticleUpdateWrite`, the body of `PUT /admin/articles/{id}`: the
/// `ArticleWrite` document with the byline required (only a create defaults
/// an empty byline to the caller). Call after [`apply`].
pub fn article_update(schemas: &mut Value) {
    let mut update = schemas["ArticleWrite"].clone();
    update["properties"]["authors"]["minItems"] = json!(1);
    update["properties"]["authors"]["description"] = json!("The byline: user ids.");
    if let Some(required) = update["required"].as_array_mut() {
        required.push(json!("authors"));
    }
    update["description"] =
        json!("An article as editors replace it: the `ArticleWrite` document with its byline.");
    schemas["ArticleUpdateWrite"] = update;
}

/// Applies [`BOUNDS`] to `schemas` (the document's `components.schemas`);
/// returns the rows that named no property.
pub fn apply(schemas: &mut Value) -> Vec<String> {
    let mut missed = Vec::new();
    for (schema, path, bound) in BOUNDS {
        let applied = schemas
            .get_mut(*schema)
            .is_some_and(|target| apply_at(target, path, *bound));
        if !applied {
            missed.push(format!("{schema}.{}", path.join(".")));
        }
    }
    missed
}

fn apply_at(schema: &mut Value, path: &[&str], bound: Bound) -> bool {
    let Some((step, rest)) = path.split_first() else {
        return apply_here(schema, bound);
    };
    if let Some(tag) = step.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
        let variant = schema["oneOf"].as_array_mut().and_then(|variants| {
            variants
                .iter_mut()
                .find(|v| v["properties"]["type"]["enum"][0] == tag)
        });
        return variant.is_some_and(|variant| apply_at(variant, rest, bound));
    }
    if let Some(index) = step.strip_prefix('#').and_then(|n| n.parse::<usize>().ok()) {
        let variant = schema["oneOf"].get_mut(index);
        return variant.is_some_and(|variant| apply_at(variant, rest, bound));
    }
    if *step == "[]" {
        return schema
            .get_mut("items")
            .is_some_and(|items| apply_at(items, rest, bound));
    }
    if rest.is_empty() && matches!(bound, Bound::Required) {
        let Some(property) = schema["properties"].get_mut(*step) else {
            return false;
        };
        not_null(property);
        let required = &mut schema["required"];
        if !required.is_array() {
            *required = json!([]);
        }
        if let Some(list) = required.as_array_mut() {
            if !list.iter().any(|name| name == step) {
                list.push(json!(step));
            }
        }
        return true;
    }
    schema
        .get_mut("properties")
        .and_then(|properties| properties.get_mut(*step))
        .is_some_and(|property| apply_at(property, rest, bound))
}

/// Drops `null` from a property's type: a value that is never `null`.
pub fn not_null(property: &mut Value) {
    if let Some(variants) = property["oneOf"].as_array() {
        let kept: Vec<Value> = variants
            .iter()
            .filter(|v| v["type"] != "null")
            .cloned()
            .collect();
        if let [one] = kept.as_slice() {
            *property = one.clone();
        }
        return;
    }
    if let Some(types) = property["type"].as_array() {
        let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        property["type"] = match kept.as_slice() {
            [one] => one.clone(),
            _ => Value::Array(kept),
        };
    }
}

fn apply_here(schema: &mut Value, bound: Bound) -> bool {
    if let Bound::Ignored = bound {
        *schema = json!({ "readOnly": true,
            "description": "Read-only: accepted and ignored (`markdown` is the source)." });
        return true;
    }
    let Some(object) = schema.as_object_mut() else {
        return false;
    };
    match bound {
        // `Required` names a property of its parent; `Ignored` was replaced above.
        Bound::Required | Bound::Ignored => return false,
        Bound::Length(min, max) => {
            if let Some(min) = min {
                object.insert("minLength".into(), json!(min));
            }
            object.insert("maxLength".into(), json!(max));
            let about = "Length in characters after trimming surrounding whitespace, \
                invisible characters included; a text of only whitespace and invisible \
                characters (zero-width spaces, joiners) counts as empty.";
            let description = match object.get("description").and_then(Value::as_str) {
                Some(text) => format!("{text} {about}"),
                None => about.to_owned(),
            };
            object.insert("description".into(), json!(description));
        }
        Bound::Items(min, max) => {
            if let Some(min) = min {
                object.insert("minItems".into(), json!(min));
            }
            object.insert("maxItems".into(), json!(max));
        }
        Bound::Format(format) => {
            object.insert("format".into(), json!(format));
        }
        Bound::SlugPattern => {
            object.insert("pattern".into(), json!(SLUG_PATTERN));
        }
        Bound::Requires(present, needed) => {
            let dependent = object
                .entry("dependentRequired")
                .or_insert_with(|| json!({}));
            dependent[present] = json!([needed]);
        }
    }
    true
}

/// Declares the bounds of parameters: ids in paths are UUIDs, `cursor` and
/// `fields` are never empty, filters no longer than what they filter on
/// (see [`masthead_domain::limits::check_filter`]), `If-Match` and `Idempotency-Key` have their syntax.
pub fn bound_parameters(operation: &mut Value) {
    let Some(parameters) = operation["parameters"].as_array_mut() else {
        return;
    };
    for parameter in parameters {
        let name = parameter["name"].as_str().unwrap_or_default().to_owned();
        let place = parameter["in"].as_str().unwrap_or_default().to_owned();
        let schema = &mut parameter["schema"];
        match (place.as_str(), name.as_str()) {
            ("path", id) if id == "id" || id.ends_with("_id") => {
                schema["format"] = json!("uuid");
            }
            ("path", "number" | "from" | "to") => schema["minimum"] = json!(1),
            ("query", "cursor" | "fields") => schema["minLength"] = json!(1),
            ("query", "tag" | "author" | "article") => schema["maxLength"] = json!(SLUG_MAX),
            ("query", "speaker") => schema["maxLength"] = json!(ATTRIBUTION_MAX),
            ("query", "client") => schema["pattern"] = json!("^[0-9a-fA-F]{64}$"),
            ("header", "If-Match") => schema["pattern"] = json!(IF_MATCH_PATTERN),
            ("header", name) if name == REFRESH_COOKIE_HEADER => {
                schema["type"] = json!("string");
                schema["enum"] = json!([REFRESH_COOKIE_MODE]);
            }
            ("cookie", name) if name == REFRESH_COOKIE_NAME => {
                schema["type"] = json!("string");
                schema["maxLength"] = json!(REFRESH_TOKEN_MAX_BYTES);
            }
            ("header", "Idempotency-Key") => {
                schema["minLength"] = json!(1);
                schema["maxLength"] = json!(KEY_MAX);
                schema["pattern"] = json!(format!("^[!-~]{{1,{KEY_MAX}}}$"));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bound_names_a_property_of_the_document() {
        let document = crate::rest::openapi::document();
        assert!(
            document["components"]["schemas"]["ArticleWrite"]["properties"]["title"]["maxLength"]
                .is_number()
        );
        let mut schemas =
            serde_json::to_value(<crate::rest::openapi::ApiDoc as utoipa::OpenApi>::openapi())
                .expect("serializes")["components"]["schemas"]
                .clone();
        let missed = apply(&mut schemas);
        assert!(missed.is_empty(), "bounds naming nothing: {missed:?}");
    }
}
