//! `Idempotency-Key` for `POST`s that create things (articles, replies):
//! mobile networks drop answers, and clients retry.
//!
//! - A retry with the same key, method, path and body gets the first answer
//!   again (same status, body, `Location` and `ETag`, plus
//!   `Idempotent-Replayed: true`) and creates nothing.
//! - The same key with another request is 422 `IDEMPOTENCY_KEY_REUSED`.
//! - A retry while the first request still runs is 409 `IDEMPOTENCY_IN_PROGRESS`
//!   with `Retry-After: 1`.
//! - Only successful (2xx) answers are kept; a failed request releases its key,
//!   so fixing the body and retrying with the same key works.
//! - Keys are scoped per caller ([`KeyScope`]) and kept for `--idempotency-ttl`
//!   (24 h by default). The operation runs as its own task, so a client that
//!   hangs up mid-request cannot leave the key half-done.
//!
//! Use from a handler (after authorizing and reading the body with
//! [`crate::rest::body::read_json`], whose `raw` bytes are the fingerprint):
//!
//! ```ignore
//! let body: JsonDocument<ReplyWrite> = read_json(&request, payload.into_inner(), limit).await?;
//! idempotency::run(&state, &request, KeyScope::Anonymous, &body.raw, async move {
//!     // ... create the reply ...
//!     Ok(HttpResponse::Created().json(view))
//! })
//! .await
//! ```

use std::future::Future;
use std::time::Duration;

use actix_web::body::to_bytes;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use masthead_domain::UserId;
use masthead_persistence::idempotency::{Claim, ClaimTerms, StoredResponse};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// Longest key accepted.
pub const KEY_MAX: usize = 255;
/// After this long, a claim whose request never finished (the process died) may be taken over.
const ABANDONED_AFTER: Duration = Duration::from_secs(60);
/// The headers of the first answer that a replay repeats.
const REPLAYED_HEADERS: [header::HeaderName; 3] =
    [header::CONTENT_TYPE, header::LOCATION, header::ETAG];

/// Whose keys these are: one caller's keys never collide with another's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyScope {
    /// A signed-in member of staff.
    User(UserId),
    /// Anonymous readers (replies): keys are random, so one shared scope is enough.
    Anonymous,
}

impl KeyScope {
    fn as_string(self) -> String {
        match self {
            Self::User(id) => format!("user:{id}"),
            Self::Anonymous => "anonymous".to_owned(),
        }
    }
}

/// The client's `Idempotency-Key`, if any: 1–255 visible ASCII characters, else 400.
pub fn key_of(request: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = request.headers().get(HEADER) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default().trim();
    if key.is_empty() || key.len() > KEY_MAX || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::BadRequest(format!(
            "Idempotency-Key must be 1-{KEY_MAX} visible ASCII characters"
        )));
    }
    Ok(Some(key.to_owned()))
}

/// Runs `operation` at most once per key (see the module documentation).
/// Without an `Idempotency-Key` header it simply runs.
pub async fn run<F>(
    state: &AppState,
    request: &HttpRequest,
    scope: KeyScope,
    body: &[u8],
    operation: F,
) -> Result<HttpResponse, ApiError>
where
    F: Future<Output = Result<HttpResponse, ApiError>> + 'static,
{
    let Some(key) = key_of(request)? else {
        return operation.await;
    };
    let scope = scope.as_string();
    let fingerprint = fingerprint(request, body);
    let terms = ClaimTerms {
        ttl: Duration::from_secs(state.settings.idempotency_ttl),
        abandoned_after: ABANDONED_AFTER,
    };
    let claim = state
        .store
        .idempotency()
        .claim(&scope, &key, &fingerprint, terms)
        .await?;
    match claim {
        Claim::Replay(stored) => Ok(replay(stored, true)),
        Claim::InProgress => Err(ApiError::IdempotencyInProgress),
        Claim::Mismatch => Err(ApiError::IdempotencyKeyReused),
        Claim::Acquired => {
            let state = state.clone();
            // Its own task: finishing and recording survive a client that hangs up.
            let task = actix_web::rt::spawn(async move {
                let outcome = operation.await;
                let keep = matches!(&outcome, Ok(response) if response.status().is_success());
                if !keep {
                    if let Err(error) = state.store.idempotency().release(&scope, &key).await {
                        tracing::warn!(%error, "could not release an idempotency key");
                    }
                    return outcome;
                }
                let stored = stored(outcome?).await?;
                if let Err(error) = state
                    .store
                    .idempotency()
                    .complete(&scope, &key, &stored)
                    .await
                {
                    // The work is done; the client still gets its answer.
                    tracing::warn!(%error, "could not record an idempotent answer");
                }
                Ok(replay(stored, false))
            });
            task.await
                .map_err(|error| ApiError::Internal(format!("idempotent task: {error}")))?
        }
    }
}

/// The parts of a successful answer that a replay repeats.
async fn stored(response: HttpResponse) -> Result<StoredResponse, ApiError> {
    let status = response.status();
    let headers = REPLAYED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = response.headers().get(name)?.to_str().ok()?;
            Some((name.as_str().to_owned(), value.to_owned()))
        })
        .collect();
    let bytes = to_bytes(response.into_body())
        .await
        .map_err(|_| ApiError::Internal("idempotent body could not be read".into()))?;
    Ok(StoredResponse {
        status: status.as_u16(),
        headers,
        body: String::from_utf8(bytes.to_vec())
            .map_err(|_| ApiError::Internal("idempotent body is not UTF-8".into()))?,
    })
}

fn replay(stored: StoredResponse, replayed: bool) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    for (name, value) in &stored.headers {
        response.insert_header((name.as_str(), value.as_str()));
    }
    if replayed {
        response.insert_header(("idempotent-replayed", "true"));
    }
    response.body(stored.body)
}

/// SHA-256 of method, path and body: what makes two requests "the same".
fn fingerprint(request: &HttpRequest, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(request.method().as_str().as_bytes());
    hasher.update(b" ");
    hasher.update(request.path().as_bytes());
    hasher.update(b"\n");
    hasher.update(body);
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn keys_are_bounded_visible_ascii() {
        let key = |value: &str| {
            key_of(
                &TestRequest::default()
                    .insert_header((HEADER, value))
                    .to_http_request(),
            )
        };
        assert_eq!(key("abc-123").unwrap().as_deref(), Some("abc-123"));
        assert!(key("has space").is_err());
        assert!(key(&"k".repeat(KEY_MAX + 1)).is_err());
        assert!(key_of(&TestRequest::default().to_http_request())
            .unwrap()
            .is_none());
    }

    #[test]
    fn fingerprints_differ_by_path_and_body() {
        let request = TestRequest::post()
            .uri("/api/v1/admin/articles")
            .to_http_request();
        let other = TestRequest::post()
            .uri("/api/v1/articles/a/replies")
            .to_http_request();
        assert_eq!(fingerprint(&request, b"{}"), fingerprint(&request, b"{}"));
        assert_ne!(fingerprint(&request, b"{}"), fingerprint(&request, b"{ }"));
        assert_ne!(fingerprint(&request, b"{}"), fingerprint(&other, b"{}"));
    }
}
