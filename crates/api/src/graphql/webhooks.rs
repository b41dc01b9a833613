//! Webhook endpoints over GraphQL (admins only): the same operations and
//! rules as `/api/v1/admin/webhooks` (see [`crate::app::webhooks`]). Endpoint
//! and delivery ids are plain UUIDs: they are not graph nodes.

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use masthead_domain::webhook::WebhookEventType;
use masthead_persistence::page::{Cursor, PageRequest};
use masthead_persistence::webhook_deliveries::{Delivery, DeliveryStatus};
use masthead_persistence::webhooks::WebhookEndpoint;
use uuid::Uuid;

use crate::app::webhooks::{self, EndpointPatch, NewEndpoint};
use crate::error::ApiError;
use crate::graphql::connection::{page_info, page_size, PageInfoNode};
use crate::graphql::context::{caller, state, OrGql};

/// An event an endpoint can subscribe to.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum WebhookEvent {
    /// `article.published`: an article became public.
    ArticlePublished,
    /// `article.updated`: a public article changed (edit, correction, slug change).
    ArticleUpdated,
    /// `article.unpublished`: a public article stopped being public.
    ArticleUnpublished,
    /// `article.deleted`: a public article was deleted.
    ArticleDeleted,
    /// `reply.approved`: a reply became visible.
    ReplyApproved,
    /// `reply.pending`: a reply waits for moderation.
    ReplyPending,
}

impl From<WebhookEvent> for WebhookEventType {
    fn from(event: WebhookEvent) -> Self {
        match event {
            WebhookEvent::ArticlePublished => Self::ArticlePublished,
            WebhookEvent::ArticleUpdated => Self::ArticleUpdated,
            WebhookEvent::ArticleUnpublished => Self::ArticleUnpublished,
            WebhookEvent::ArticleDeleted => Self::ArticleDeleted,
            WebhookEvent::ReplyApproved => Self::ReplyApproved,
            WebhookEvent::ReplyPending => Self::ReplyPending,
        }
    }
}

impl From<WebhookEventType> for WebhookEvent {
    fn from(event: WebhookEventType) -> Self {
        match event {
            WebhookEventType::ArticlePublished => Self::ArticlePublished,
            WebhookEventType::ArticleUpdated => Self::ArticleUpdated,
            WebhookEventType::ArticleUnpublished => Self::ArticleUnpublished,
            WebhookEventType::ArticleDeleted => Self::ArticleDeleted,
            WebhookEventType::ReplyApproved => Self::ReplyApproved,
            WebhookEventType::ReplyPending => Self::ReplyPending,
        }
    }
}

/// Where a delivery stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum WebhookDeliveryStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Every attempt failed for 24 hours.
    Failed,
}

/// A webhook endpoint.
#[derive(SimpleObject)]
#[graphql(name = "Webhook")]
pub struct WebhookNode {
    /// Its id (a UUID).
    pub id: ID,
    /// Where deliveries are posted.
    pub url: String,
    /// What it is for.
    pub description: String,
    /// The events it receives.
    pub events: Vec<WebhookEvent>,
    /// Disabled endpoints receive nothing.
    pub enabled: bool,
    /// The signing secret: only in the answers of `createWebhook` and
    /// `rotateWebhookSecret`, this once.
    pub secret: Option<String>,
    /// Until when the secret before the last rotation still signs too.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    /// Since when every attempt failed.
    pub failing_since: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl WebhookNode {
    fn of(endpoint: &WebhookEndpoint, with_secret: bool) -> Self {
        let now = masthead_persistence::now();
        Self {
            id: ID(endpoint.id.to_string()),
            url: endpoint.url.clone(),
            description: endpoint.description.clone(),
            events: endpoint.events.iter().map(|e| (*e).into()).collect(),
            enabled: endpoint.enabled,
            secret: with_secret.then(|| endpoint.secret.clone()),
            previous_secret_expires_at: endpoint.previous_secret_until.filter(|at| *at > now),
            failing_since: endpoint.failing_since,
            created_at: endpoint.created_at,
            updated_at: endpoint.updated_at,
        }
    }
}

/// One event sent (or to be sent) to one endpoint.
#[derive(SimpleObject)]
#[graphql(name = "WebhookDelivery")]
pub struct DeliveryNode {
    /// Its id (a UUID).
    pub id: ID,
    /// The event's id: the `webhook-id` header, the same on every attempt.
    pub event_id: ID,
    /// The event's type name, e.g. `article.published`.
    pub event_type: String,
    /// Where it stands.
    pub status: WebhookDeliveryStatus,
    /// Attempts made so far.
    pub attempts: i32,
    /// When the next attempt is due (pending only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the last attempt was made.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// HTTP status of the last answer.
    pub last_response_code: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the event was queued.
    pub created_at: DateTime<Utc>,
}

impl From<&Delivery> for DeliveryNode {
    fn from(delivery: &Delivery) -> Self {
        Self {
            id: ID(delivery.id.to_string()),
            event_id: ID(delivery.event_id.to_string()),
            event_type: delivery.event_type.clone(),
            status: match delivery.status {
                DeliveryStatus::Pending => WebhookDeliveryStatus::Pending,
                DeliveryStatus::Delivered => WebhookDeliveryStatus::Delivered,
                DeliveryStatus::Failed => WebhookDeliveryStatus::Failed,
            },
            attempts: delivery.attempts,
            next_attempt_at: delivery.next_attempt_at,
            last_attempt_at: delivery.last_attempt_at,
            last_response_code: delivery.last_status_code,
            last_error: delivery.last_error.clone(),
            created_at: delivery.created_at,
        }
    }
}

/// A page of an endpoint's deliveries, newest first.
#[derive(SimpleObject)]
pub struct WebhookDeliveryPage {
    /// The deliveries.
    pub nodes: Vec<DeliveryNode>,
    /// Where the page stands (`endCursor` continues it).
    pub page_info: PageInfoNode,
}

/// A new endpoint.
#[derive(InputObject)]
pub struct CreateWebhookInput {
    /// Where deliveries go: `https`, not an internal address (at most 2,048 characters).
    pub url: String,
    /// The events it receives (1 to 6, each once).
    pub events: Vec<WebhookEvent>,
    /// What it is for (at most 500 characters).
    pub description: Option<String>,
}

/// Changes to an endpoint; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateWebhookInput {
    /// New target.
    pub url: Option<String>,
    /// New events.
    pub events: Option<Vec<WebhookEvent>>,
    /// New description.
    pub description: Option<String>,
    /// Enable or disable (enabling forgets past failures).
    pub enabled: Option<bool>,
}

fn names(events: &[WebhookEvent]) -> Vec<String> {
    events
        .iter()
        .map(|event| WebhookEventType::from(*event).as_str().to_owned())
        .collect()
}

/// An endpoint or delivery id; anything but a UUID names nothing.
fn uuid(id: &ID) -> Result<Uuid> {
    id.parse::<Uuid>()
        .map_err(|_| ApiError::NotFound.to_graphql())
}

/// Webhook reads (admins only).
#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// Every webhook endpoint, oldest first (without secrets).
    async fn webhooks(&self, ctx: &Context<'_>) -> Result<Vec<WebhookNode>> {
        let endpoints = webhooks::list(state(ctx)?, caller(ctx)).await.gql()?;
        Ok(endpoints
            .iter()
            .map(|e| WebhookNode::of(e, false))
            .collect())
    }

    /// One webhook endpoint (without its secret).
    async fn webhook(&self, ctx: &Context<'_>, id: ID) -> Result<WebhookNode> {
        let endpoint = webhooks::get(state(ctx)?, caller(ctx), uuid(&id)?)
            .await
            .gql()?;
        Ok(WebhookNode::of(&endpoint, false))
    }

    /// An endpoint's deliveries, newest first.
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        webhook_id: ID,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<WebhookDeliveryPage> {
        let size = page_size(ctx, "first", first)?;
        let after = after
            .as_deref()
            .map(|cursor| Cursor::decode("after", cursor))
            .transpose()
            .gql()?;
        let page = webhooks::deliveries(
            state(ctx)?,
            caller(ctx),
            uuid(&webhook_id)?,
            PageRequest::after(size, after),
        )
        .await
        .gql()?;
        Ok(WebhookDeliveryPage {
            page_info: page_info(&page),
            nodes: page
                .items
                .iter()
                .map(|(_, d)| DeliveryNode::from(d))
                .collect(),
        })
    }
}

/// Webhook writes (admins only), each audited.
#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Creates an endpoint; the answer carries its `secret`, this once.
    async fn create_webhook(
        &self,
        ctx: &Context<'_>,
        input: CreateWebhookInput,
    ) -> Result<WebhookNode> {
        let input = NewEndpoint {
            url: input.url,
            events: names(&input.events),
            description: input.description,
        };
        let endpoint = webhooks::create(state(ctx)?, caller(ctx), input)
            .await
            .gql()?;
        Ok(WebhookNode::of(&endpoint, true))
    }

    /// Changes an endpoint's URL, events, description or enabled flag.
    async fn update_webhook(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateWebhookInput,
    ) -> Result<WebhookNode> {
        let patch = EndpointPatch {
            url: input.url,
            events: input.events.as_deref().map(names),
            description: input.description,
            enabled: input.enabled,
        };
        let endpoint = webhooks::update(state(ctx)?, caller(ctx), uuid(&id)?, patch)
            .await
            .gql()?;
        Ok(WebhookNode::of(&endpoint, false))
    }

    /// Deletes an endpoint and its delivery log. Answers its id.
    async fn delete_webhook(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        webhooks::delete(state(ctx)?, caller(ctx), uuid(&id)?)
            .await
            .gql()?;
        Ok(id)
    }

    /// Gives an endpoint a new `secret` (in the answer, this once); the old
    /// one keeps signing beside it for 24 hours.
    async fn rotate_webhook_secret(&self, ctx: &Context<'_>, id: ID) -> Result<WebhookNode> {
        let endpoint = webhooks::rotate_secret(state(ctx)?, caller(ctx), uuid(&id)?)
            .await
            .gql()?;
        Ok(WebhookNode::of(&endpoint, true))
    }

    /// Queues a delivery again, due now (same event, same `webhook-id`).
    async fn redeliver_webhook(
        &self,
        ctx: &Context<'_>,
        webhook_id: ID,
        delivery_id: ID,
    ) -> Result<DeliveryNode> {
        let delivery = webhooks::redeliver(
            state(ctx)?,
            caller(ctx),
            uuid(&webhook_id)?,
            uuid(&delivery_id)?,
        )
        .await
        .gql()?;
        Ok(DeliveryNode::from(&delivery))
    }
}
