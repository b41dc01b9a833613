//! Automatic persisted queries (Apollo's protocol) and trusted documents at
//! the door of `/graphql`, before anything runs.
//!
//! A request with `extensions.persistedQuery = {version: 1, sha256Hash}` and
//! no `query` names its document by hash: a trusted document, one this node
//! remembers, or one in the database (registered through any node) runs; an
//! unknown hash answers `PERSISTED_QUERY_NOT_FOUND` with Apollo's message
//! `PersistedQueryNotFound`, and the client sends the hash again with the
//! `query`: that registers it once the hash checks out and the document fits
//! `--graphql-persisted-max-bytes`. Over GET, the hash alone makes a short,
//! stable URL that an anonymous reader's CDN can cache like any public read.
//!
//! With `--graphql-trusted-only`, an anonymous caller may run only documents
//! of the trusted manifest (by hash or by full text); staff are exempt.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use async_graphql::Value as GqlValue;
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::graphql::codes::RequestCode;
use crate::graphql::http::{refuse, Media};
use crate::graphql::trusted::TrustedDocuments;
use crate::state::AppState;

/// Bytes of documents a node keeps in memory in front of the database.
const MEMORY_BYTES: u64 = 8 * 1024 * 1024;

/// The SHA-256 of `text`, lower-case hex: a document's persisted-query hash.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Documents addressable by hash: the trusted manifest, and the registered
/// ones (kept in the database, remembered here once seen).
pub struct PersistedQueries {
    trusted: TrustedDocuments,
    /// Documents are named by their content, so a remembered one never goes stale.
    memory: moka::future::Cache<String, Arc<str>>,
}

impl PersistedQueries {
    /// Serves `trusted` and the registered documents.
    pub fn new(trusted: TrustedDocuments) -> Self {
        Self {
            trusted,
            memory: moka::future::Cache::builder()
                .weigher(|key: &String, document: &Arc<str>| {
                    u32::try_from(key.len() + document.len()).unwrap_or(u32::MAX)
                })
                .max_capacity(MEMORY_BYTES)
                .build(),
        }
    }

    /// The trusted manifest.
    pub fn trusted(&self) -> &TrustedDocuments {
        &self.trusted
    }
}

/// `extensions.persistedQuery` of a request, checked.
struct PersistedQuery {
    hash: String,
}

/// Why a request was turned away at the door.
#[derive(Debug)]
enum Refusal {
    NotSupported,
    BadHash,
    NotFound,
    HashMismatch,
    TooLarge(usize),
    TrustedOnly,
    Failed(ApiError),
}

impl Refusal {
    fn response(self, media: Media) -> HttpResponse {
        let (status, code, message) = match self {
            Refusal::NotSupported => (
                StatusCode::BAD_REQUEST,
                RequestCode::PersistedQueryNotSupported,
                "PersistedQueryNotSupported: only persistedQuery version 1 is known".to_owned(),
            ),
            Refusal::BadHash => (
                StatusCode::BAD_REQUEST,
                RequestCode::BadRequest,
                "persistedQuery.sha256Hash must be 64 hexadecimal digits".to_owned(),
            ),
            // Apollo's exact message; 200 for plain JSON clients (Apollo Client
            // retries with the query on seeing the code), 404 under
            // GraphQL-over-HTTP. Never cached: the hash may be registered next.
            Refusal::NotFound => (
                match media {
                    Media::Json => StatusCode::OK,
                    Media::GraphqlResponse => StatusCode::NOT_FOUND,
                },
                RequestCode::PersistedQueryNotFound,
                "PersistedQueryNotFound".to_owned(),
            ),
            Refusal::HashMismatch => (
                StatusCode::BAD_REQUEST,
                RequestCode::PersistedQueryHashMismatch,
                "provided sha does not match query".to_owned(),
            ),
            Refusal::TooLarge(limit) => (
                StatusCode::BAD_REQUEST,
                RequestCode::PersistedQueryTooLarge,
                format!("a persisted document has at most {limit} bytes"),
            ),
            Refusal::TrustedOnly => (
                StatusCode::FORBIDDEN,
                RequestCode::TrustedDocumentRequired,
                "this server runs only its trusted documents for anonymous callers; send one of them (by hash or text) or sign in".to_owned(),
            ),
            Refusal::Failed(error) => {
                let status = actix_web::ResponseError::status_code(&error);
                let body = serde_json::json!({ "errors": [{
                    "message": error.to_string(),
                    "extensions": { "code": error.graphql_code() },
                }] });
                return HttpResponse::build(status)
                    .content_type(media.content_type())
                    .json(body);
            }
        };
        refuse(media, status, code, &message)
    }
}

/// Puts the document of every persisted query in its request (registering
/// new ones) and applies `--graphql-trusted-only`; the response to send
/// instead when a request is turned away (a batch goes or stays whole).
pub async fn resolve(
    state: &AppState,
    caller: Caller,
    media: Media,
    requests: &mut [async_graphql::Request],
) -> Result<(), HttpResponse> {
    for request in requests.iter_mut() {
        resolve_one(state, caller, request)
            .await
            .map_err(|refusal| refusal.response(media))?;
    }
    Ok(())
}

async fn resolve_one(
    state: &AppState,
    caller: Caller,
    request: &mut async_graphql::Request,
) -> Result<(), Refusal> {
    let persisted = &state.persisted;
    let trusted_only = state.settings.graphql_trusted_only && !caller.is_staff();
    if let Some(query) = persisted_query(request)? {
        if request.query.is_empty() {
            request.query = lookup(state, &query.hash).await?.to_string();
        } else {
            register(state, &query.hash, &request.query, trusted_only).await?;
        }
    }
    if trusted_only && !persisted.trusted.trusts(&request.query) {
        return Err(Refusal::TrustedOnly);
    }
    Ok(())
}

/// The checked `extensions.persistedQuery`, if the request has one.
fn persisted_query(request: &async_graphql::Request) -> Result<Option<PersistedQuery>, Refusal> {
    let Some(extension) = request.extensions.get("persistedQuery") else {
        return Ok(None);
    };
    let GqlValue::Object(fields) = extension else {
        return Err(Refusal::BadHash);
    };
    let version = fields.get("version").and_then(|version| match version {
        GqlValue::Number(number) => number.as_i64(),
        _ => None,
    });
    if version != Some(1) {
        return Err(Refusal::NotSupported);
    }
    match fields.get("sha256Hash") {
        Some(GqlValue::String(hash))
            if hash.len() == 64 && hash.bytes().all(|byte| byte.is_ascii_hexdigit()) =>
        {
            Ok(Some(PersistedQuery {
                hash: hash.to_ascii_lowercase(),
            }))
        }
        _ => Err(Refusal::BadHash),
    }
}

/// The document with `hash`: trusted, remembered, or in the database.
async fn lookup(state: &AppState, hash: &str) -> Result<Arc<str>, Refusal> {
    let persisted = &state.persisted;
    if let Some(document) = persisted.trusted.get(hash) {
        return Ok(document);
    }
    if let Some(document) = persisted.memory.get(hash).await {
        return Ok(document);
    }
    let stored = state
        .store
        .persisted_documents()
        .get(hash)
        .await
        .map_err(|error| Refusal::Failed(error.into()))?
        .ok_or(Refusal::NotFound)?;
    let document: Arc<str> = Arc::from(stored);
    persisted
        .memory
        .insert(hash.to_owned(), document.clone())
        .await;
    Ok(document)
}

/// Registers `query` under `hash` once the hash checks out and it fits.
/// Trusted documents need no registration; under `trusted_only` nothing
/// else may be registered (the caller is refused right after).
async fn register(
    state: &AppState,
    hash: &str,
    query: &str,
    trusted_only: bool,
) -> Result<(), Refusal> {
    let limit = state.settings.graphql_persisted_max_bytes;
    if query.len() > limit {
        return Err(Refusal::TooLarge(limit));
    }
    if sha256_hex(query) != hash {
        return Err(Refusal::HashMismatch);
    }
    let persisted = &state.persisted;
    let max_documents = state.settings.graphql_persisted_max_documents;
    if trusted_only
        || max_documents == 0
        || persisted.trusted.get(hash).is_some()
        || persisted.memory.contains_key(hash)
    {
        return Ok(());
    }
    state
        .store
        .persisted_documents()
        .put(hash, query, max_documents)
        .await
        .map_err(|error| Refusal::Failed(error.into()))?;
    persisted
        .memory
        .insert(hash.to_owned(), Arc::from(query))
        .await;
    Ok(())
}
