//! HTTP caching and conditional requests.
//!
//! Public reads carry a strong `ETag` (a hash of the exact body), answer a
//! matching `If-None-Match` with `304 Not Modified` and no body, and say how
//! long caches may keep them (`Cache-Control: public, max-age, stale-while-revalidate`).
//! Editor reads carry `ETag: "<version>"`; writes that replace an article must
//! send it back in `If-Match` (428 without, 412 when stale). Anything not a
//! public read is `private, no-store` (set by the REST edge middleware).

use std::time::SystemTime;

use actix_web::http::header::{
    self, EntityTag, Header, HeaderValue, HttpDate, IfMatch, IfNoneMatch,
};
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, ResponseError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::app::BasedOn;
use crate::config::Settings;
use crate::error::ApiError;
use crate::public_cache::{Read, Uncached};

/// What every response for signed-in staff says to caches.
pub const PRIVATE: &str = "private, no-store";

/// The strong validator of a body: a hash of its exact bytes.
pub fn strong_etag(body: &[u8]) -> EntityTag {
    let digest = Sha256::digest(body);
    EntityTag::new_strong(URL_SAFE_NO_PAD.encode(&digest[..18]))
}

/// The validator of an article version, as editors send it back in `If-Match`.
pub fn version_etag(version: i32) -> EntityTag {
    EntityTag::new_strong(version.to_string())
}

/// `Cache-Control` of public reads, from the configuration.
pub fn public_cache_control(settings: &Settings) -> String {
    let mut value = format!("public, max-age={}", settings.cache_max_age);
    if settings.cache_stale_while_revalidate > 0 {
        value.push_str(&format!(
            ", stale-while-revalidate={}",
            settings.cache_stale_while_revalidate
        ));
    }
    value
}

/// A public JSON read: `200` with the body and validators, or `304` with the
/// validators only when the client's `If-None-Match` already names this body.
pub fn public_json(
    request: &HttpRequest,
    settings: &Settings,
    body: Vec<u8>,
    last_modified: Option<DateTime<Utc>>,
) -> HttpResponse {
    let etag = strong_etag(&body);
    public_typed(
        request,
        settings,
        PublicBody {
            body: body.into(),
            etag: &etag,
            last_modified,
            content_type: "application/json",
        },
    )
}

/// The answer to a cached public read of `content_type` (REST, feeds,
/// sitemaps): the body with its validators (304 when the client holds it), or
/// what stopped the build — the one mapping of [`Uncached`]. Only the REST
/// article read answers `Moved` (a retired slug), hence its `Location`.
pub fn cached_answer(
    request: &HttpRequest,
    settings: &Settings,
    read: &Read,
    content_type: &'static str,
) -> Result<HttpResponse, ApiError> {
    match read {
        Ok(entry) => Ok(public_typed(
            request,
            settings,
            PublicBody {
                body: entry.json.clone(),
                etag: &entry.etag,
                last_modified: entry.last_modified,
                content_type,
            },
        )),
        Err(reason) => match &**reason {
            Uncached::NotFound => Err(ApiError::NotFound),
            Uncached::Moved(slug) => Ok(HttpResponse::MovedPermanently()
                .insert_header((header::LOCATION, format!("/api/v1/articles/{slug}")))
                .insert_header((header::CACHE_CONTROL, public_cache_control(settings)))
                .finish()),
            Uncached::Failed(error) => Ok(error.error_response()),
            Uncached::Answer { status, body } => Ok(HttpResponse::build(
                StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            )
            .content_type(content_type)
            .body(body.clone())),
        },
    }
}

/// A public body of any media type, with its validators.
pub struct PublicBody<'a> {
    /// The exact bytes.
    pub body: Bytes,
    /// Their strong validator.
    pub etag: &'a EntityTag,
    /// When the content last changed, for `Last-Modified` and `If-Modified-Since`.
    pub last_modified: Option<DateTime<Utc>>,
    /// Its `Content-Type`.
    pub content_type: &'static str,
}

/// Whether the client already holds this body: a matching `If-None-Match`,
/// or, only when that header is absent (RFC 9110), an `If-Modified-Since`
/// no older than `last_modified` (to the second, as HTTP dates go).
fn not_modified(
    request: &HttpRequest,
    etag: &EntityTag,
    last_modified: Option<DateTime<Utc>>,
) -> bool {
    if request.headers().contains_key(header::IF_NONE_MATCH) {
        return match IfNoneMatch::parse(request) {
            Ok(IfNoneMatch::Any) => true,
            // RFC 9110: If-None-Match uses the weak comparison.
            Ok(IfNoneMatch::Items(tags)) => tags.iter().any(|tag| tag.weak_eq(etag)),
            Err(_) => false,
        };
    }
    match (last_modified, header::IfModifiedSince::parse(request)) {
        (Some(modified), Ok(header::IfModifiedSince(since))) => {
            let since = DateTime::<Utc>::from(SystemTime::from(since));
            modified.timestamp() <= since.timestamp()
        }
        _ => false,
    }
}

/// A public body of any media type with its validators, or `304` when the
/// client already holds it.
pub fn public_typed(
    request: &HttpRequest,
    settings: &Settings,
    answer: PublicBody<'_>,
) -> HttpResponse {
    let PublicBody {
        body,
        etag,
        last_modified,
        content_type,
    } = answer;
    let not_modified = not_modified(request, etag, last_modified);
    let mut response = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header(header::ETag(etag.clone()))
        .insert_header((header::CACHE_CONTROL, public_cache_control(settings)))
        .insert_header((header::VARY, "Accept-Encoding, Authorization"));
    if let Some(at) = last_modified {
        response.insert_header(header::LastModified(HttpDate::from(SystemTime::from(at))));
    }
    if not_modified {
        response.finish()
    } else {
        response.content_type(content_type).body(body)
    }
}

/// A response for signed-in staff: never stored by any cache.
pub fn private(mut builder: HttpResponseBuilder) -> HttpResponseBuilder {
    builder.insert_header((header::CACHE_CONTROL, PRIVATE));
    builder
}

/// The precondition of a write, from `If-Match`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// No `If-Match` header.
    Missing,
    /// `If-Match: *`: any current version.
    Any,
    /// The versions the client says it edited (weak tags never match).
    Versions(Vec<i32>),
}

impl Precondition {
    /// Reads `If-Match`; a header that is not a list of entity tags is a bad request.
    pub fn of(request: &HttpRequest) -> Result<Self, ApiError> {
        if !request.headers().contains_key(header::IF_MATCH) {
            return Ok(Self::Missing);
        }
        match IfMatch::parse(request) {
            Ok(IfMatch::Any) => Ok(Self::Any),
            Ok(IfMatch::Items(tags)) if !tags.is_empty() => Ok(Self::Versions(
                tags.iter()
                    .filter(|tag| !tag.weak)
                    .filter_map(|tag| tag.tag().parse().ok())
                    .collect(),
            )),
            _ => Err(ApiError::BadRequest(
                "If-Match must list entity tags such as \"3\"".to_owned(),
            )),
        }
    }

    /// What the write is based on; missing is 428 when the write `required` it.
    pub fn based_on(self, required: bool) -> Result<BasedOn, ApiError> {
        match self {
            Self::Missing if required => Err(ApiError::PreconditionRequired),
            Self::Missing | Self::Any => Ok(BasedOn::Any),
            Self::Versions(versions) => Ok(BasedOn::Versions(versions)),
        }
    }

    /// Reads `If-Match` as what a conditional write is based on: the one
    /// `If-Match` rule of every REST write.
    pub fn of_write(request: &HttpRequest, required: bool) -> Result<BasedOn, ApiError> {
        Self::of(request)?.based_on(required)
    }
}

/// `Location` header value of a path under `/api/v1`.
pub fn location(path: &str) -> Result<HeaderValue, ApiError> {
    HeaderValue::from_str(&format!("/api/v1{path}"))
        .map_err(|error| ApiError::Internal(format!("location header: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn precondition(value: Option<&str>) -> Result<Precondition, ApiError> {
        let mut request = TestRequest::default();
        if let Some(value) = value {
            request = request.insert_header((header::IF_MATCH, value));
        }
        Precondition::of(&request.to_http_request())
    }

    #[test]
    fn if_match_says_what_a_write_is_based_on() {
        let based_on = |value, required| precondition(value).unwrap().based_on(required);
        assert!(matches!(
            based_on(None, true),
            Err(ApiError::PreconditionRequired)
        ));
        assert_eq!(based_on(None, false).unwrap(), BasedOn::Any);
        assert_eq!(
            based_on(Some("\"3\""), true).unwrap(),
            BasedOn::Versions(vec![3])
        );
        assert_eq!(based_on(Some("*"), true).unwrap(), BasedOn::Any);
        // Weak and non-numeric tags never match a version.
        assert_eq!(
            based_on(Some("W/\"3\""), true).unwrap(),
            BasedOn::Versions(vec![])
        );
        assert_eq!(
            based_on(Some("\"x\""), true).unwrap(),
            BasedOn::Versions(vec![])
        );
        assert!(matches!(
            precondition(Some("3")),
            Err(ApiError::BadRequest(_))
        ));
    }

    #[test]
    fn equal_bodies_share_a_strong_etag() {
        assert_eq!(strong_etag(b"{}"), strong_etag(b"{}"));
        assert_ne!(strong_etag(b"{}"), strong_etag(b"[]"));
        assert!(!strong_etag(b"{}").weak);
    }
}
