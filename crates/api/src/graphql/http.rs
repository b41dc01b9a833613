//! GraphQL over HTTP (the GraphQL-over-HTTP spec): POST `application/json`
//! (a single request, or a bounded batch as a JSON array), GET for queries
//! only, `application/graphql-response+json` when the client accepts it (with
//! 4xx statuses for requests that cannot run), and a body limit of its own.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::parser::types::{DocumentOperations, OperationType};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::graphql::codes::RequestCode;
use crate::graphql::execute::execute;
use crate::graphql::MastheadSchema;
use crate::state::AppState;

/// The media type of GraphQL-over-HTTP responses.
pub const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// How the response is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// `application/json`: 200 for every request that reached GraphQL.
    Json,
    /// `application/graphql-response+json`: 4xx when the request could not run.
    GraphqlResponse,
}

impl Media {
    /// The `Content-Type` of answers in this media.
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Media::Json => "application/json",
            Media::GraphqlResponse => GRAPHQL_RESPONSE,
        }
    }
}

/// Picks the response media type from `Accept` (no header: `application/json`);
/// `None` when the client accepts neither.
pub fn negotiate(http: &HttpRequest) -> Option<Media> {
    let Some(accept) = http
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
    else {
        return Some(Media::Json);
    };
    let mut best: Option<(f32, Media)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let quality = parts
            .filter_map(|param| param.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let candidate = match media.as_str() {
            GRAPHQL_RESPONSE => Media::GraphqlResponse,
            "application/json" | "application/*" | "*/*" => Media::Json,
            _ => continue,
        };
        let better = match best {
            None => true,
            Some((q, current)) => {
                quality > q
                    || (quality == q
                        && candidate == Media::GraphqlResponse
                        && current == Media::Json)
            }
        };
        if quality > 0.0 && better {
            best = Some((quality, candidate));
        }
    }
    best.map(|(_, media)| media)
}

/// A response for a request that never reached GraphQL (malformed, too big…).
pub fn refuse(media: Media, status: StatusCode, code: RequestCode, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(media.content_type())
        .json(
            json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] }),
        )
}

fn not_acceptable() -> HttpResponse {
    refuse(
        Media::Json,
        StatusCode::NOT_ACCEPTABLE,
        RequestCode::NotAcceptable,
        "accept application/graphql-response+json or application/json",
    )
}

/// `POST /graphql`.
pub async fn post(
    schema: web::Data<MastheadSchema>,
    state: web::Data<AppState>,
    http: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let Some(media) = negotiate(&http) else {
        return not_acceptable();
    };
    let content_type = http
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return refuse(
            media,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            RequestCode::UnsupportedMediaType,
            "send the request as application/json",
        );
    }
    let limit = state.settings.graphql_max_body_bytes;
    let body = match read_body(&http, payload, limit).await {
        Ok(body) => body,
        Err(response) => return response(media),
    };
    let Ok(document) = serde_json::from_slice::<Value>(&body) else {
        return refuse(
            media,
            StatusCode::BAD_REQUEST,
            RequestCode::BadRequest,
            "the body is not valid JSON",
        );
    };
    let (requests, batched) = match document {
        Value::Array(items) => {
            let max = state.settings.graphql_max_batch;
            if max == 0 {
                return refuse(
                    media,
                    StatusCode::BAD_REQUEST,
                    RequestCode::BatchNotSupported,
                    "batched requests are disabled; send one request per POST",
                );
            }
            if items.is_empty() || items.len() > max {
                let message = format!("a batch holds 1 to {max} requests (got {})", items.len());
                return refuse(
                    media,
                    StatusCode::BAD_REQUEST,
                    RequestCode::BatchTooLarge,
                    &message,
                );
            }
            (items, true)
        }
        single => (vec![single], false),
    };
    let mut parsed = Vec::with_capacity(requests.len());
    for value in requests {
        match parse_request(value) {
            Some(request) => parsed.push(request),
            None => {
                return refuse(
                    media,
                    StatusCode::BAD_REQUEST,
                    RequestCode::BadRequest,
                    "a request is a JSON object with a string `query`, and optional `variables` (object), `operationName` and `extensions`",
                )
            }
        }
    }
    execute(&schema, &state, &http, media, parsed, batched).await
}

/// The query string of `GET /graphql`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GetParams {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

/// `GET /graphql`: a query in the query string (mutations need POST).
pub async fn get(
    schema: web::Data<MastheadSchema>,
    state: web::Data<AppState>,
    http: HttpRequest,
) -> HttpResponse {
    let Some(media) = negotiate(&http) else {
        return not_acceptable();
    };
    let bad = |message: &str| {
        refuse(
            media,
            StatusCode::BAD_REQUEST,
            RequestCode::BadRequest,
            message,
        )
    };
    let Ok(params) = web::Query::<GetParams>::from_query(http.query_string()) else {
        return bad("the query string is malformed");
    };
    let params = params.into_inner();
    // An automatic persisted query may name its document by hash alone.
    let persisted = params
        .extensions
        .as_deref()
        .is_some_and(|extensions| extensions.contains("persistedQuery"));
    let query = match params.query {
        Some(query) => query,
        None if persisted => String::new(),
        None => return bad("the `query` parameter is required"),
    };
    let mut value = json!({ "query": query, "operationName": params.operation_name });
    for (name, text) in [
        ("variables", params.variables),
        ("extensions", params.extensions),
    ] {
        if let Some(text) = text {
            match serde_json::from_str::<Value>(&text) {
                Ok(parsed @ Value::Object(_)) => value[name] = parsed,
                _ => return bad(&format!("`{name}` must be a JSON object")),
            }
        }
    }
    let Some(request) = parse_request(value) else {
        return bad("the request is malformed");
    };
    match operation_type(&request) {
        Some(OperationType::Mutation) => mutation_over_get(media),
        _ => execute(&schema, &state, &http, media, vec![request], false).await,
    }
}

/// The refusal of a mutation sent over GET (also one a persisted hash named).
pub fn mutation_over_get(media: Media) -> HttpResponse {
    let mut response = refuse(
        media,
        StatusCode::METHOD_NOT_ALLOWED,
        RequestCode::MethodNotAllowed,
        "mutations need POST",
    );
    response
        .headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
    response
}

/// Reads the body, refusing (413) anything over `limit` bytes without reading it all.
async fn read_body(
    http: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<web::BytesMut, fn(Media) -> HttpResponse> {
    fn too_large(media: Media) -> HttpResponse {
        refuse(
            media,
            StatusCode::PAYLOAD_TOO_LARGE,
            RequestCode::PayloadTooLarge,
            "the request body is too large for /graphql",
        )
    }
    fn unreadable(media: Media) -> HttpResponse {
        refuse(
            media,
            StatusCode::BAD_REQUEST,
            RequestCode::BadRequest,
            "the request body could not be read",
        )
    }
    let declared = http
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large);
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| unreadable as fn(Media) -> HttpResponse)?;
        if body.len() + chunk.len() > limit {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A GraphQL request from its JSON form; `None` when it is not one.
fn parse_request(mut value: Value) -> Option<async_graphql::Request> {
    let object = value.as_object_mut()?;
    let persisted = object
        .get("extensions")
        .and_then(|extensions| extensions.get("persistedQuery"))
        .is_some();
    if persisted && object.get("query").is_none_or(Value::is_null) {
        // Named by hash: the document is looked up before anything runs.
        object.insert("query".to_owned(), Value::String(String::new()));
    }
    if !object.get("query").is_some_and(Value::is_string) {
        return None;
    }
    // `null` means absent for the optional members.
    object.retain(|_, member| !member.is_null());
    serde_json::from_value(value).ok()
}

/// The type of the operation a GET request would run, when it can be told
/// cheaply; parse errors are left for the executor to report.
pub fn operation_type(request: &async_graphql::Request) -> Option<OperationType> {
    if crate::graphql::limits::check_nesting(&request.query).is_err() {
        return None;
    }
    let document = async_graphql::parser::parse_query(&request.query).ok()?;
    match (&document.operations, &request.operation_name) {
        (DocumentOperations::Single(operation), _) => Some(operation.node.ty),
        (DocumentOperations::Multiple(operations), Some(name)) => operations
            .iter()
            .find(|(candidate, _)| candidate.as_str() == name)
            .map(|(_, operation)| operation.node.ty),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => operations
            .values()
            .next()
            .map(|operation| operation.node.ty),
        _ => None,
    }
}
