//! Reading JSON request bodies the one careful way: the content type must be
//! JSON (415), the body must fit the route's limit (413, checked before and
//! while reading, after decompression), must be well-formed UTF-8 JSON (400),
//! must not carry NUL characters anywhere (400: no database stores them the
//! same way), and must have the shape the route expects (422, each error naming
//! its field path, e.g. `sections[2].blocks[0].markdown`).
//!
//! Routes call [`read_json`] after authorizing, so an anonymous caller never
//! makes the server read a large body; [`JsonBody`] is the extractor form.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::{Decompress, Payload};
use actix_web::http::header;
use actix_web::web::{self, Bytes, BytesMut};
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::StreamExt;
use masthead_domain::{FieldError, ValidationErrors};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;

/// The largest body a route accepts when it differs from `--max-body-bytes`:
/// register it as `app_data` on the route (replies use 16 KB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimit(pub usize);

/// A parsed body together with the exact bytes it came from (what an
/// idempotency fingerprint hashes).
#[derive(Debug)]
pub struct JsonDocument<T> {
    /// The typed document.
    pub value: T,
    /// The body as received (after decompression).
    pub raw: Bytes,
}

/// Reads and checks a JSON body of at most `limit` bytes.
pub async fn read_json<T: DeserializeOwned>(
    request: &HttpRequest,
    payload: Payload,
    limit: usize,
) -> Result<JsonDocument<T>, ApiError> {
    require_json_content_type(request)?;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let mut stream = Decompress::from_headers(payload, request.headers());
    let mut body = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|error| {
            ApiError::MalformedJson(format!("the body could not be read ({error})"))
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    let raw = body.freeze();
    let value = parse(&raw)?;
    Ok(JsonDocument { value, raw })
}

/// Parses bytes already read: syntax (400), NUL characters (400), shape (422).
pub fn parse<T: DeserializeOwned>(raw: &[u8]) -> Result<T, ApiError> {
    let value: Value =
        serde_json::from_slice(raw).map_err(|error| ApiError::MalformedJson(error.to_string()))?;
    let mut nul = Vec::new();
    find_nul(&value, &mut String::new(), &mut nul);
    if !nul.is_empty() {
        return Err(ApiError::MalformedText(ValidationErrors(nul)));
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        ApiError::Invalid(field_error(&path, &error.inner().to_string()).into())
    })
}

/// What a JSON endpoint says to a body of another type.
const JSON_ONLY: &str = "send the body as application/json";

fn require_json_content_type(request: &HttpRequest) -> Result<(), ApiError> {
    let mime = request
        .mime_type()
        .map_err(|_| ApiError::UnsupportedMediaType(JSON_ONLY))?
        .ok_or(ApiError::UnsupportedMediaType(JSON_ONLY))?;
    let is_json = mime.type_() == actix_web::mime::APPLICATION
        && (mime.subtype() == actix_web::mime::JSON
            || mime.suffix() == Some(actix_web::mime::JSON));
    let charset_ok = mime
        .get_param(actix_web::mime::CHARSET)
        .is_none_or(|charset| charset.as_str().eq_ignore_ascii_case("utf-8"));
    if is_json && charset_ok {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType(JSON_ONLY))
    }
}

/// Collects the path of every string (and key) that holds a NUL character.
fn find_nul(value: &Value, path: &mut String, found: &mut Vec<FieldError>) {
    let message = "must not contain NUL characters";
    match value {
        Value::String(text) if text.contains('\0') => {
            found.push(FieldError::new(display_path(path), message));
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let length = path.len();
                path.push_str(&format!("[{index}]"));
                find_nul(item, path, found);
                path.truncate(length);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let length = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&key.replace('\0', "\\u0000"));
                if key.contains('\0') {
                    found.push(FieldError::new(path.clone(), message));
                } else {
                    find_nul(item, path, found);
                }
                path.truncate(length);
            }
        }
        _ => {}
    }
}

fn display_path(path: &str) -> String {
    if path.is_empty() {
        "body".to_owned()
    } else {
        path.to_owned()
    }
}

/// Turns a serde message at `path` into a field error a form can place:
/// an unknown field is named by its own path.
fn field_error(path: &str, message: &str) -> FieldError {
    let path = if path == "." { "" } else { path };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        // The path already ends at the unknown key (serde_path_to_error records it).
        let name = rest.split('`').next().unwrap_or_default();
        let field = if path == name || path.ends_with(&format!(".{name}")) {
            path.to_owned()
        } else if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        return FieldError::new(
            field,
            "is not a field of this document (read-only fields are ignored, unknown ones refused)",
        );
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        let field = if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        return FieldError::new(field, "is required");
    }
    FieldError::new(display_path(path), message)
}

/// A JSON body as an extractor, limited by the route's [`BodyLimit`] or
/// `--max-body-bytes`.
#[derive(Debug)]
pub struct JsonBody<T>(pub JsonDocument<T>);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let request = request.clone();
        let payload = payload.take();
        Box::pin(async move {
            let limit = limit_for(&request);
            read_json(&request, payload, limit).await.map(JsonBody)
        })
    }
}

/// The body limit of the route `request` is on.
pub fn limit_for(request: &HttpRequest) -> usize {
    if let Some(BodyLimit(limit)) = request.app_data::<BodyLimit>() {
        return *limit;
    }
    request
        .app_data::<web::Data<AppState>>()
        .map_or(1_048_576, |state| state.settings.max_body_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: String,
        #[serde(default)]
        items: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        text: String,
    }

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::Invalid(errors) | ApiError::MalformedText(errors) => {
                errors.0.into_iter().map(|error| error.field).collect()
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_json_and_invalid_utf8_are_bad_requests() {
        assert!(matches!(
            parse::<Doc>(b"{\"title\": "),
            Err(ApiError::MalformedJson(_))
        ));
        assert!(matches!(
            parse::<Doc>(b"{\"title\": \"\xff\"}"),
            Err(ApiError::MalformedJson(_))
        ));
    }

    #[test]
    fn nul_characters_are_refused_with_their_paths() {
        let error = parse::<Doc>(
            br#"{"title": "a\u0000b", "items": [{"text": "ok"}, {"text": "\u0000"}]}"#,
        )
        .unwrap_err();
        // In the order the client wrote them (serde_json keeps key order).
        assert_eq!(fields(error), ["title", "items[1].text"]);
    }

    #[test]
    fn unknown_and_mistyped_fields_name_their_paths() {
        let error = parse::<Doc>(br#"{"title": "t", "items": [{"text": "x", "role": "admin"}]}"#)
            .unwrap_err();
        assert_eq!(fields(error), ["items[0].role"]);
        let error = parse::<Doc>(br#"{"title": 3}"#).unwrap_err();
        assert_eq!(fields(error), ["title"]);
        let error = parse::<Doc>(br#"{"is_admin": true, "title": "t"}"#).unwrap_err();
        assert_eq!(fields(error), ["is_admin"]);
    }
}
