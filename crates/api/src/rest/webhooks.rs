//! `/admin/webhooks`: webhook endpoints and their delivery logs, for admins
//! only. A secret appears in the answers of create and rotate-secret, once.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use masthead_domain::policy::Action;
use masthead_persistence::page::{Cursor, PageRequest};
use masthead_persistence::webhook_deliveries::Delivery;
use masthead_persistence::webhooks::WebhookEndpoint;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::app::webhooks::{self, EndpointPatch, NewEndpoint};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::rest::body::{limit_for, read_json};
use crate::rest::listing;
use crate::rest::views::{timestamp, ListView};
use crate::state::AppState;

/// An event an endpoint can subscribe to, as `events` names it.
#[derive(ToSchema)]
#[schema(as = WebhookEventType)]
pub enum WebhookEventName {
    /// An article became public.
    #[schema(rename = "article.published")]
    ArticlePublished,
    /// A public article changed: an edit, a correction, a slug change.
    #[schema(rename = "article.updated")]
    ArticleUpdated,
    /// A public article stopped being public.
    #[schema(rename = "article.unpublished")]
    ArticleUnpublished,
    /// A public article was deleted.
    #[schema(rename = "article.deleted")]
    ArticleDeleted,
    /// A reply became visible.
    #[schema(rename = "reply.approved")]
    ReplyApproved,
    /// A reply waits for moderation.
    #[schema(rename = "reply.pending")]
    ReplyPending,
}

/// `POST /admin/webhooks` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = WebhookCreateWrite)]
pub struct CreateWebhookBody {
    /// Where deliveries are posted: `https`, not an internal address (at most 2,048 characters).
    #[schema(max_length = 2048, format = "uri")]
    pub url: String,
    /// Event names, each once: `article.published`, `article.updated`,
    /// `article.unpublished`, `article.deleted`, `reply.approved`, `reply.pending`.
    #[schema(value_type = Vec<WebhookEventName>, min_items = 1, max_items = 6)]
    pub events: Vec<String>,
    /// What the endpoint is for (at most 500 characters).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub description: Option<String>,
}

/// `PATCH /admin/webhooks/{id}` body: absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = WebhookUpdateWrite)]
pub struct UpdateWebhookBody {
    /// New target (same rules as on creation).
    #[serde(default)]
    #[schema(max_length = 2048, format = "uri")]
    pub url: Option<String>,
    /// New event names.
    #[serde(default)]
    #[schema(value_type = Option<Vec<WebhookEventName>>, min_items = 1, max_items = 6)]
    pub events: Option<Vec<String>>,
    /// New description.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// Enable or disable (enabling forgets past failures).
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// A webhook endpoint.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Webhook)]
pub struct WebhookView {
    #[schema(format = "uuid")]
    pub id: String,
    pub url: String,
    pub description: String,
    #[schema(value_type = Vec<WebhookEventName>)]
    pub events: Vec<String>,
    /// Disabled endpoints receive nothing.
    pub enabled: bool,
    /// The signing secret (`whsec_…`): only in the answers of create and
    /// rotate-secret; keep it, it is never shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Until when the secret before the last rotation still signs too.
    pub previous_secret_expires_at: Option<String>,
    /// Since when every attempt failed (null when the last one succeeded).
    pub failing_since: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl WebhookView {
    fn of(endpoint: &WebhookEndpoint, with_secret: bool) -> Self {
        let now = masthead_persistence::now();
        Self {
            id: endpoint.id.to_string(),
            url: endpoint.url.clone(),
            description: endpoint.description.clone(),
            events: endpoint
                .events
                .iter()
                .map(|e| e.as_str().to_owned())
                .collect(),
            enabled: endpoint.enabled,
            secret: with_secret.then(|| endpoint.secret.clone()),
            previous_secret_expires_at: endpoint
                .previous_secret_until
                .filter(|until| *until > now)
                .map(timestamp),
            failing_since: endpoint.failing_since.map(timestamp),
            created_at: timestamp(endpoint.created_at),
            updated_at: timestamp(endpoint.updated_at),
        }
    }
}

/// Where a delivery stands.
#[derive(ToSchema)]
#[schema(as = WebhookDeliveryStatus, rename_all = "snake_case")]
pub enum WebhookDeliveryStatusName {
    /// Waiting for its (next) attempt.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Every attempt failed for 24 hours.
    Failed,
}

/// One event sent (or to be sent) to one endpoint.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = WebhookDelivery)]
pub struct DeliveryView {
    #[schema(format = "uuid")]
    pub id: String,
    /// The event's id: the `webhook-id` header, the same on every attempt.
    #[schema(format = "uuid")]
    pub event_id: String,
    /// The event's type, e.g. `article.published`.
    #[schema(value_type = WebhookEventName)]
    pub event_type: String,
    /// `pending`, `delivered` or `failed`.
    #[schema(value_type = WebhookDeliveryStatusName)]
    pub status: String,
    /// Attempts made so far.
    pub attempts: i32,
    /// When the next attempt is due (pending only).
    pub next_attempt_at: Option<String>,
    /// When the last attempt was made.
    pub last_attempt_at: Option<String>,
    /// HTTP status of the last answer.
    pub last_response_code: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    pub created_at: String,
}

impl From<&Delivery> for DeliveryView {
    fn from(delivery: &Delivery) -> Self {
        Self {
            id: delivery.id.to_string(),
            event_id: delivery.event_id.to_string(),
            event_type: delivery.event_type.clone(),
            status: delivery.status.as_str().to_owned(),
            attempts: delivery.attempts,
            next_attempt_at: delivery.next_attempt_at.map(timestamp),
            last_attempt_at: delivery.last_attempt_at.map(timestamp),
            last_response_code: delivery.last_status_code,
            last_error: delivery.last_error.clone(),
            created_at: timestamp(delivery.created_at),
        }
    }
}

/// Query of `GET /admin/webhooks/{id}/deliveries`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQuery {
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn private(response: &mut actix_web::HttpResponseBuilder) -> &mut actix_web::HttpResponseBuilder {
    response.insert_header(("cache-control", "private, no-store"))
}

fn endpoint_id(id: &str) -> Result<Uuid, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound)
}

/// Creates an endpoint; the answer carries its secret, this once.
#[utoipa::path(
    post,
    path = "/admin/webhooks",
    operation_id = "create_webhook",
    tag = "webhooks",
    security(("bearer" = [])),
    request_body(content = CreateWebhookBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Created, with `secret`.", body = WebhookView),
    )
)]
#[post("/admin/webhooks")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.authorize(Action::ManageWebhooks)?;
    let body: CreateWebhookBody = read_json(&request, payload.into_inner(), limit_for(&request))
        .await?
        .value;
    let input = NewEndpoint {
        url: body.url,
        events: body.events,
        description: body.description,
    };
    let endpoint = webhooks::create(&state, caller, input).await?;
    Ok(private(&mut HttpResponse::Created()).json(WebhookView::of(&endpoint, true)))
}

/// Every endpoint, oldest first, in one page (`next_cursor` is null).
#[utoipa::path(
    get,
    path = "/admin/webhooks",
    operation_id = "list_webhooks",
    tag = "webhooks",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every endpoint (without secrets).",
            body = ref("#/components/schemas/WebhookPage")),
    )
)]
#[get("/admin/webhooks")]
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let endpoints = webhooks::list(&state, caller).await?;
    Ok(private(&mut HttpResponse::Ok()).json(ListView {
        data: endpoints
            .iter()
            .map(|endpoint| WebhookView::of(endpoint, false))
            .collect(),
        next_cursor: None,
    }))
}

/// One endpoint (without its secret).
#[utoipa::path(
    get,
    path = "/admin/webhooks/{id}",
    operation_id = "get_webhook",
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The endpoint's id.")),
    responses(
        (status = 200, description = "The endpoint.", body = WebhookView),
    )
)]
#[get("/admin/webhooks/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.authorize(Action::ManageWebhooks)?;
    let endpoint = webhooks::get(&state, caller, endpoint_id(&id)?).await?;
    Ok(private(&mut HttpResponse::Ok()).json(WebhookView::of(&endpoint, false)))
}

/// Changes an endpoint's URL, events, description or enabled flag.
#[utoipa::path(
    patch,
    path = "/admin/webhooks/{id}",
    operation_id = "update_webhook",
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The endpoint's id.")),
    request_body(content = UpdateWebhookBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The endpoint as saved.", body = WebhookView),
    )
)]
#[patch("/admin/webhooks/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.authorize(Action::ManageWebhooks)?;
    let id = endpoint_id(&id)?;
    let body: UpdateWebhookBody = read_json(&request, payload.into_inner(), limit_for(&request))
        .await?
        .value;
    let patch = EndpointPatch {
        url: body.url,
        events: body.events,
        description: body.description,
        enabled: body.enabled,
    };
    let endpoint = webhooks::update(&state, caller, id, patch).await?;
    Ok(private(&mut HttpResponse::Ok()).json(WebhookView::of(&endpoint, false)))
}

/// Deletes an endpoint and its delivery log.
#[utoipa::path(
    delete,
    path = "/admin/webhooks/{id}",
    operation_id = "delete_webhook",
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The endpoint's id.")),
    responses(
        (status = 204, description = "Deleted."),
    )
)]
#[delete("/admin/webhooks/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.authorize(Action::ManageWebhooks)?;
    webhooks::delete(&state, caller, endpoint_id(&id)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Gives an endpoint a new secret (in the answer, this once); the old one
/// keeps signing beside it for 24 hours.
#[utoipa::path(
    post,
    path = "/admin/webhooks/{id}/rotate-secret",
    operation_id = "rotate_webhook_secret",
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The endpoint's id.")),
    responses(
        (status = 200, description = "The endpoint, with its new `secret`.", body = WebhookView),
    )
)]
#[post("/admin/webhooks/{id}/rotate-secret")]
pub async fn rotate_secret(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.authorize(Action::ManageWebhooks)?;
    let endpoint = webhooks::rotate_secret(&state, caller, endpoint_id(&id)?).await?;
    Ok(private(&mut HttpResponse::Ok()).json(WebhookView::of(&endpoint, true)))
}

/// An endpoint's deliveries, newest first.
#[utoipa::path(
    get,
    path = "/admin/webhooks/{id}/deliveries",
    operation_id = "list_webhook_deliveries",
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The endpoint's id."), DeliveriesQuery),
    responses(
        (status = 200, description = "A page of deliveries, newest first.",
            body = ref("#/components/schemas/WebhookDeliveryPage")),
    )
)]
#[get("/admin/webhooks/{id}/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<DeliveriesQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.authorize(Action::ManageWebhooks)?;
    let id = endpoint_id(&id)?;
    let limit = listing::page_size(query.limit)?;
    let cursor = query
        .cursor
        .as_deref()
        .map(|cursor| Cursor::decode("cursor", cursor))
        .transpose()?;
    let page = webhooks::deliveries(&state, caller, id, PageRequest::after(limit, cursor)).await?;
    let next_cursor = page.next_cursor().map(|cursor| cursor.encode());
    Ok(private(&mut HttpResponse::Ok()).json(ListView {
        data: page
            .items
            .iter()
            .map(|(_, d)| DeliveryView::from(d))
            .collect(),
        next_cursor,
    }))
}

/// Queues a delivery again, due now (same event, same `webhook-id`).
#[utoipa::path(
    post,
    path = "/admin/webhooks/{id}/deliveries/{delivery}/redeliver",
    operation_id = "redeliver_webhook",
    tag = "webhooks",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The endpoint's id."),
        ("delivery" = String, Path, description = "The delivery's id."),
    ),
    responses(
        (status = 202, description = "Queued; the delivery as it now stands.", body = DeliveryView),
    )
)]
#[post("/admin/webhooks/{id}/deliveries/{delivery}/redeliver")]
pub async fn redeliver(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    caller.authorize(Action::ManageWebhooks)?;
    let (id, delivery) = path.into_inner();
    let delivery =
        webhooks::redeliver(&state, caller, endpoint_id(&id)?, endpoint_id(&delivery)?).await?;
    Ok(private(&mut HttpResponse::Accepted()).json(DeliveryView::from(&delivery)))
}
