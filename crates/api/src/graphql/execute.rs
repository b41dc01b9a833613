//! Running GraphQL requests for the HTTP transport: as the caller the bearer
//! token names, with a code on every error, and, for anonymous queries, from
//! the public cache (see `crate::public_cache`).

use actix_web::http::{header, StatusCode};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use async_graphql::parser::types::OperationType;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::graphql::codes::RequestCode;
use crate::graphql::http::{mutation_over_get, operation_type, refuse, Media};
use crate::graphql::loaders::loaders;
use crate::graphql::MastheadSchema;
use crate::graphql::{persisted, preview};
use crate::public_cache::{CachedBody, Uncached};
use crate::rest::caching::{public_typed, PublicBody};
use crate::state::AppState;

/// Runs the requests as the caller the bearer token names and writes the answer.
pub async fn execute(
    schema: &MastheadSchema,
    state: &AppState,
    http: &HttpRequest,
    media: Media,
    requests: Vec<async_graphql::Request>,
    batched: bool,
) -> HttpResponse {
    let authorization = http
        .headers()
        .get(header::AUTHORIZATION)
        .map(|value| value.to_str().unwrap_or("invalid"));
    let caller = match Caller::from_header(state, authorization).await {
        Ok(caller) => caller,
        Err(error) => {
            // A bad token is a GraphQL error (200) for plain JSON clients, a 401
            // for GraphQL-over-HTTP ones; a database outage is a 503 for both.
            let status = match (&error, media) {
                (ApiError::Unauthenticated | ApiError::InvalidCredentials, Media::Json) => {
                    StatusCode::OK
                }
                _ => actix_web::ResponseError::status_code(&error),
            };
            // About the request, not a place in the query: no `locations`.
            let graphql = error.to_graphql();
            let mut graphql_error = async_graphql::ServerError::new(graphql.message, None);
            graphql_error.extensions = graphql.extensions;
            let mut response = HttpResponse::build(status)
                .content_type(media.content_type())
                .json(json!({ "errors": [graphql_error] }));
            if matches!(
                error,
                ApiError::Unauthenticated | ApiError::InvalidCredentials
            ) {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Bearer"),
                );
            }
            return response;
        }
    };
    let mut requests = requests;
    if let Err(response) = persisted::resolve(state, caller, media, &mut requests).await {
        return response;
    }
    let over_get = http.method() == actix_web::http::Method::GET;
    if over_get && requests.first().and_then(operation_type) == Some(OperationType::Mutation) {
        return mutation_over_get(media);
    }
    // A preview answers a draft to whoever holds its token: never cached, never indexed.
    if requests
        .iter()
        .any(|request| preview::selects_preview(&request.query))
    {
        let run = Run {
            schema,
            state,
            http,
            media,
            caller,
            batched,
        };
        return match run.answers(requests).await {
            Ok((status, bytes, _)) => {
                let mut response = run.respond(status, bytes.into());
                let headers = response.headers_mut();
                headers.insert(
                    header::CACHE_CONTROL,
                    header::HeaderValue::from_static(crate::rest::caching::PRIVATE),
                );
                headers.insert(
                    header::HeaderName::from_static("x-robots-tag"),
                    header::HeaderValue::from_static("noindex"),
                );
                response
            }
            Err(response) => response,
        };
    }
    let cache_key = public_cache_key(caller, &requests, batched, media);
    let generation = state.store.content_generation();
    if let Some(key) = &cache_key {
        if let Some(hit) = state.public_cache.cached_response(key, generation).await {
            return public_answer(state, http, media, &hit);
        }
    }
    let run = Run {
        schema,
        state,
        http,
        media,
        caller,
        batched,
    };
    // Only answers to queries are kept (so a hit above was a query too), and
    // only queries are built once for readers who miss together: two equal
    // mutations must both run.
    let is_query =
        |_: &String| requests.first().and_then(operation_type) == Some(OperationType::Query);
    let Some(key) = cache_key.filter(is_query) else {
        return match run.answers(requests).await {
            Ok((status, bytes, _)) => run.respond(status, bytes.into()),
            Err(response) => response,
        };
    };
    let read = state
        .public_cache
        .response(&key, generation, async {
            match run.answers(requests).await {
                // Only complete answers are kept: an error may be passing (an outage).
                Ok((StatusCode::OK, bytes, false)) => Ok(CachedBody::new(bytes, None)),
                Ok((status, bytes, _)) => Err(Uncached::Answer {
                    status: status.as_u16(),
                    body: bytes.into(),
                }),
                Err(_) => Err(Uncached::Failed(ApiError::Internal(
                    "the response could not be encoded".to_owned(),
                ))),
            }
        })
        .await;
    match read {
        Ok(entry) => public_answer(state, http, media, &entry),
        Err(reason) => match &*reason {
            Uncached::Answer { status, body } => run.respond(
                StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                body.clone(),
            ),
            _ => refuse(
                media,
                StatusCode::INTERNAL_SERVER_ERROR,
                RequestCode::InternalServerError,
                "the response could not be encoded",
            ),
        },
    }
}

/// A complete anonymous answer: over `GET`, a public read like REST's (strong
/// `ETag` of the exact bytes, `Cache-Control: public`, `304` for a matching
/// `If-None-Match`); over `POST`, which HTTP caches do not keep, plain bytes.
fn public_answer(
    state: &AppState,
    http: &HttpRequest,
    media: Media,
    entry: &CachedBody,
) -> HttpResponse {
    if http.method() != actix_web::http::Method::GET {
        return HttpResponse::Ok()
            .content_type(media.content_type())
            .body(entry.json.clone());
    }
    let mut response = public_typed(
        http,
        &state.settings,
        PublicBody {
            body: entry.json.clone(),
            etag: &entry.etag,
            last_modified: None,
            content_type: media.content_type(),
        },
    );
    // The media type (and with it the status of a failed answer) follows `Accept`.
    response.headers_mut().insert(
        header::VARY,
        header::HeaderValue::from_static("Accept, Accept-Encoding, Authorization"),
    );
    response
}

/// One HTTP request's worth of GraphQL operations, as the caller sent them.
struct Run<'a> {
    schema: &'a MastheadSchema,
    state: &'a AppState,
    http: &'a HttpRequest,
    media: Media,
    caller: Caller,
    batched: bool,
}

impl Run<'_> {
    /// Executes the requests: (status, body, whether any answer has errors),
    /// or the response to send when the answer cannot be encoded.
    async fn answers(
        &self,
        requests: Vec<async_graphql::Request>,
    ) -> Result<(StatusCode, Vec<u8>, bool), HttpResponse> {
        let mut answers = Vec::with_capacity(requests.len());
        let mut status = StatusCode::OK;
        for request in requests {
            let request = request
                .data(self.caller)
                .data(loaders(self.state.store.clone()))
                .data(ClientAddress::of(self.http, &self.state.settings.proxies));
            let (answer, failed) = finish(self.schema.execute(request).await);
            if failed && !self.batched && self.media == Media::GraphqlResponse {
                status = StatusCode::BAD_REQUEST;
            }
            answers.push(answer);
        }
        let errors = answers.iter().any(|answer| answer.get("errors").is_some());
        let body = if self.batched {
            Value::Array(answers)
        } else {
            answers.pop().unwrap_or(Value::Null)
        };
        match serde_json::to_vec(&body) {
            Ok(bytes) => Ok((status, bytes, errors)),
            Err(error) => {
                tracing::error!(%error, "could not encode a GraphQL response");
                Err(refuse(
                    self.media,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    RequestCode::InternalServerError,
                    "the response could not be encoded",
                ))
            }
        }
    }

    fn respond(&self, status: StatusCode, body: Bytes) -> HttpResponse {
        HttpResponse::build(status)
            .content_type(self.media.content_type())
            .body(body)
    }
}

/// Where the answer to an anonymous single request (no batch) may be cached:
/// a digest of everything that decides the answer (query text, operation
/// name, variables). Staff get drafts, so their answers are never cached.
fn public_cache_key(
    caller: Caller,
    requests: &[async_graphql::Request],
    batched: bool,
    media: Media,
) -> Option<String> {
    let [request] = requests else {
        return None;
    };
    if caller.is_staff() || batched {
        return None;
    }
    let variables = serde_json::to_vec(&request.variables).ok()?;
    let mut digest = Sha256::new();
    digest.update(request.query.as_bytes());
    digest.update([0]);
    digest.update(request.operation_name.as_deref().unwrap_or("").as_bytes());
    digest.update([0]);
    digest.update(&variables);
    // The media type decides the status of a failed answer.
    Some(format!(
        "graphql:{media:?}:{}",
        URL_SAFE_NO_PAD.encode(digest.finalize())
    ))
}

/// The response as JSON with a code on every error; `true` when the request
/// could not run at all (parse or validation failure): then it has no `data`.
fn finish(response: async_graphql::Response) -> (Value, bool) {
    let failed = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty());
    let mut errors = response.errors;
    for error in &mut errors {
        let has_code = error
            .extensions
            .as_ref()
            .is_some_and(|extensions| extensions.get("code").is_some());
        if !has_code {
            let code = if error.path.is_empty() {
                RequestCode::GraphqlValidationFailed
            } else {
                // Execution errors without a code of ours come from argument coercion.
                RequestCode::BadUserInput
            };
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("code", code.as_str());
        }
    }
    let mut body = serde_json::Map::new();
    if !failed {
        body.insert(
            "data".into(),
            serde_json::to_value(&response.data).unwrap_or(Value::Null),
        );
    }
    if !errors.is_empty() {
        body.insert(
            "errors".into(),
            serde_json::to_value(&errors).unwrap_or(Value::Null),
        );
    }
    if !response.extensions.is_empty() {
        body.insert(
            "extensions".into(),
            serde_json::to_value(&response.extensions).unwrap_or(Value::Null),
        );
    }
    (Value::Object(body), failed)
}
