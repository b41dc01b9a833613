//! What every list endpoint shares: `limit` (1–100), opaque cursors, the
//! `{"data": [...], "next_cursor": ...}` envelope and `fields=` sparse
//! fieldsets (a phone can ask for `id,slug,title,standfirst,published_at` only).
//!
//! The fields a list accepts are the properties of its item's OpenAPI schema,
//! read at run time, so the document and the behaviour cannot disagree.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use masthead_domain::FieldError;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::openapi::{RefOr, Schema};

use crate::error::ApiError;

/// Largest page any list returns.
pub const MAX_LIMIT: u64 = 100;
/// Page size when `limit` is absent.
pub const DEFAULT_LIMIT: u64 = 20;

/// Checks `limit`: 1–100, 20 when absent.
pub fn page_size(limit: Option<u64>) -> Result<u64, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if (1..=MAX_LIMIT).contains(&limit) {
        Ok(limit)
    } else {
        Err(FieldError::new("limit", format!("must be between 1 and {MAX_LIMIT}")).into())
    }
}

/// The top-level property names of a schema (what `fields=` may name).
pub fn property_names<T: utoipa::PartialSchema>() -> Vec<String> {
    match T::schema() {
        RefOr::T(Schema::Object(object)) => object.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The fields a client asked for, in the order of the item; `None` is all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields(Option<Vec<String>>);

impl Fields {
    /// Parses `fields=a,b,c` against the `known` names; unknown names are 422.
    pub fn parse(param: Option<&str>, known: &[String]) -> Result<Self, ApiError> {
        let Some(param) = param else {
            return Ok(Self(None));
        };
        let mut chosen: Vec<String> = Vec::new();
        for name in param
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
        {
            if !known.iter().any(|field| field == name) {
                return Err(FieldError::new(
                    "fields",
                    format!(
                        "`{}` is not a field of these items; choose from {}",
                        name.chars().take(64).collect::<String>(),
                        known.join(", ")
                    ),
                )
                .into());
            }
            if !chosen.iter().any(|field| field == name) {
                chosen.push(name.to_owned());
            }
        }
        if chosen.is_empty() {
            return Err(FieldError::new("fields", "must name at least one field").into());
        }
        Ok(Self(Some(chosen)))
    }

    /// Keeps only the chosen fields of an item.
    fn trim(&self, item: Value) -> Value {
        match (&self.0, item) {
            (Some(chosen), Value::Object(mut map)) => {
                let mut kept = Map::new();
                for name in chosen {
                    if let Some(value) = map.remove(name) {
                        kept.insert(name.clone(), value);
                    }
                }
                Value::Object(kept)
            }
            (_, item) => item,
        }
    }
}

/// The list envelope, serialized, with only the chosen fields of each item.
pub fn list_body<T: Serialize>(
    data: &[T],
    next_cursor: Option<String>,
    fields: &Fields,
) -> Result<Vec<u8>, ApiError> {
    let serialize = |error: serde_json::Error| ApiError::Internal(format!("serialize: {error}"));
    let items: Vec<Value> = match fields.0 {
        None => {
            return serde_json::to_vec(&Envelope { data, next_cursor }).map_err(serialize);
        }
        Some(_) => data
            .iter()
            .map(|item| serde_json::to_value(item).map(|value| fields.trim(value)))
            .collect::<Result<_, _>>()
            .map_err(serialize)?,
    };
    serde_json::to_vec(&Envelope {
        data: &items,
        next_cursor,
    })
    .map_err(serialize)
}

#[derive(Serialize)]
struct Envelope<'a, T> {
    data: &'a [T],
    next_cursor: Option<String>,
}

/// An opaque cursor over a text key (slug-ordered lists).
pub fn encode_text_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key)
}

/// Decodes a cursor made by [`encode_text_cursor`]; garbage is a 422 on `cursor`.
pub fn decode_text_cursor(cursor: &str) -> Result<String, ApiError> {
    let invalid = || ApiError::from(FieldError::new("cursor", "is not a valid cursor"));
    if cursor.is_empty() || cursor.len() > 400 {
        return Err(invalid());
    }
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    String::from_utf8(bytes).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<String> {
        ["id", "slug", "title"].map(String::from).to_vec()
    }

    #[test]
    fn limit_is_bounded() {
        assert_eq!(page_size(None).unwrap(), 20);
        assert_eq!(page_size(Some(100)).unwrap(), 100);
        assert!(page_size(Some(0)).is_err());
        assert!(page_size(Some(101)).is_err());
    }

    #[test]
    fn fields_trim_items_and_refuse_unknown_names() {
        let fields = Fields::parse(Some("title, id,title"), &known()).unwrap();
        let body = list_body(
            &[serde_json::json!({"id": "1", "slug": "s", "title": "t"})],
            None,
            &fields,
        )
        .unwrap();
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            body["data"][0],
            serde_json::json!({"title": "t", "id": "1"})
        );
        assert!(Fields::parse(Some("id,email"), &known()).is_err());
        assert!(Fields::parse(Some(" , "), &known()).is_err());
    }

    #[test]
    fn text_cursors_round_trip() {
        assert_eq!(
            decode_text_cursor(&encode_text_cursor("b-tag")).unwrap(),
            "b-tag"
        );
        assert!(decode_text_cursor("!!").is_err());
        assert!(decode_text_cursor("").is_err());
    }
}
