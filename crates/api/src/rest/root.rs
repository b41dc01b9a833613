//! `GET /api/v1`: the REST API's own index, so the base path that `/` links
//! to answers with where to go next rather than a 404. The operation list is
//! read from the OpenAPI document, so it cannot drift from what is served.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::rest::caching::public_json;
use crate::rest::http::PREFIX;
use crate::rest::openapi;
use crate::state::AppState;

/// The REST API's index.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiIndexView {
    /// What this is.
    pub about: String,
    /// The OpenAPI 3.1 document that describes every operation.
    pub openapi: String,
    /// The browsable reference.
    pub docs: String,
    /// Every documented operation, in the document's order.
    pub operations: Vec<OperationView>,
}

/// One documented operation.
#[derive(Debug, Serialize, ToSchema)]
pub struct OperationView {
    /// The HTTP method, upper-case.
    pub method: String,
    /// The full path, with `{placeholders}` for path parameters.
    pub path: String,
    /// The document's `operationId`.
    pub operation_id: String,
}

impl ApiIndexView {
    /// The index of the served document.
    fn new() -> Self {
        let document = openapi::document();
        let mut operations = Vec::new();
        if let Some(paths) = document["paths"].as_object() {
            for (path, item) in paths {
                for method in ["get", "post", "put", "patch", "delete"] {
                    if let Some(operation) = item.get(method) {
                        operations.push(OperationView {
                            method: method.to_uppercase(),
                            path: format!("{PREFIX}{path}"),
                            operation_id: operation["operationId"]
                                .as_str()
                                .unwrap_or_default()
                                .to_owned(),
                        });
                    }
                }
            }
        }
        Self {
            about: "The REST API of Masthead, version 1".to_owned(),
            openapi: format!("{PREFIX}/openapi.json"),
            docs: "/api/docs".to_owned(),
            operations,
        }
    }
}

/// Where the REST API's description and operations are.
#[utoipa::path(
    get,
    path = "/",
    operation_id = "get_api_index",
    tag = "syndication",
    responses(
        (status = 200, description = "Links to the OpenAPI document and the reference, and every operation.", body = ApiIndexView),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
    )
)]
#[get("/")]
pub async fn show(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    answer(&state, &request)
}

/// `GET /api/v1` without the trailing slash: the same index.
#[get("")]
pub async fn show_bare(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    answer(&state, &request)
}

/// The index as a cacheable public answer.
fn answer(state: &AppState, request: &HttpRequest) -> Result<HttpResponse, ApiError> {
    let body = serde_json::to_vec(&ApiIndexView::new())
        .map_err(|error| ApiError::Internal(format!("serialize: {error}")))?;
    Ok(public_json(request, &state.settings, body, None))
}
