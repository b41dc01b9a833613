//! Managing webhook endpoints (admins only): one implementation behind
//! `/api/v1/admin/webhooks` and the GraphQL `webhooks` / `createWebhook` / …
//! fields. Every write is audited, naming the caller. URLs pass the address
//! guard ([`crate::webhooks::target`]) when saved.

use masthead_domain::policy::Action;
use masthead_domain::webhook::check_settings;
use masthead_domain::ValidationErrors;
use masthead_persistence::outbox::RETRY_WINDOW;
use masthead_persistence::page::{Page, PageRequest};
use masthead_persistence::webhook_deliveries::Delivery;
use masthead_persistence::webhooks::{EndpointChange, WebhookEndpoint};
use uuid::Uuid;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::webhooks::signing::new_secret;
use crate::webhooks::target::Guard;

/// How long the secret before a rotation keeps signing.
pub const ROTATION_OVERLAP: chrono::Duration = chrono::Duration::hours(24);

/// A new endpoint's settings.
#[derive(Debug, Clone, Default)]
pub struct NewEndpoint {
    /// Where deliveries go.
    pub url: String,
    /// Event names.
    pub events: Vec<String>,
    /// What it is for.
    pub description: Option<String>,
}

/// A change to an endpoint; absent fields stay.
#[derive(Debug, Clone, Default)]
pub struct EndpointPatch {
    /// New target.
    pub url: Option<String>,
    /// New event names.
    pub events: Option<Vec<String>>,
    /// New description.
    pub description: Option<String>,
    /// Enable or disable.
    pub enabled: Option<bool>,
}

async fn checked_url(state: &AppState, url: &str) -> Result<String, ApiError> {
    let guard = Guard::new(&state.settings.webhooks)
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    guard
        .check_url(url)
        .await
        .map(|_| url.to_owned())
        .map_err(|error| ValidationErrors::from(error).into())
}

/// Creates an endpoint with a fresh secret (in the answer, this once).
pub async fn create(
    state: &AppState,
    caller: Caller,
    input: NewEndpoint,
) -> Result<WebhookEndpoint, ApiError> {
    let actor = caller.authorize(Action::ManageWebhooks)?;
    let description = input.description.unwrap_or_default();
    let events = check_settings(Some(&input.url), Some(&input.events), Some(&description))?
        .unwrap_or_default();
    let url = checked_url(state, &input.url).await?;
    Ok(state
        .store
        .webhooks()
        .acting_as(actor.id)
        .create(url, description, events, new_secret())
        .await?)
}

/// Every endpoint (secrets are not shown by the APIs).
pub async fn list(state: &AppState, caller: Caller) -> Result<Vec<WebhookEndpoint>, ApiError> {
    caller.authorize(Action::ManageWebhooks)?;
    Ok(state.store.webhooks().list().await?)
}

/// One endpoint.
pub async fn get(state: &AppState, caller: Caller, id: Uuid) -> Result<WebhookEndpoint, ApiError> {
    caller.authorize(Action::ManageWebhooks)?;
    Ok(state.store.webhooks().get(id).await?)
}

/// Changes an endpoint's URL, events, description or enabled flag.
pub async fn update(
    state: &AppState,
    caller: Caller,
    id: Uuid,
    patch: EndpointPatch,
) -> Result<WebhookEndpoint, ApiError> {
    let actor = caller.authorize(Action::ManageWebhooks)?;
    let events = check_settings(
        patch.url.as_deref(),
        patch.events.as_deref(),
        patch.description.as_deref(),
    )?;
    let url = match &patch.url {
        Some(url) => Some(checked_url(state, url).await?),
        None => None,
    };
    let change = EndpointChange {
        url,
        description: patch.description,
        events,
        enabled: patch.enabled,
    };
    Ok(state
        .store
        .webhooks()
        .acting_as(actor.id)
        .update(id, change)
        .await?)
}

/// Deletes an endpoint and its delivery log.
pub async fn delete(state: &AppState, caller: Caller, id: Uuid) -> Result<(), ApiError> {
    let actor = caller.authorize(Action::ManageWebhooks)?;
    Ok(state
        .store
        .webhooks()
        .acting_as(actor.id)
        .delete(id)
        .await?)
}

/// Gives an endpoint a new secret (in the answer, this once); the old one
/// keeps signing beside it for [`ROTATION_OVERLAP`].
pub async fn rotate_secret(
    state: &AppState,
    caller: Caller,
    id: Uuid,
) -> Result<WebhookEndpoint, ApiError> {
    let actor = caller.authorize(Action::ManageWebhooks)?;
    Ok(state
        .store
        .webhooks()
        .acting_as(actor.id)
        .rotate(id, new_secret(), ROTATION_OVERLAP)
        .await?)
}

/// One page of an endpoint's deliveries, newest first.
pub async fn deliveries(
    state: &AppState,
    caller: Caller,
    id: Uuid,
    page: PageRequest,
) -> Result<Page<Delivery>, ApiError> {
    caller.authorize(Action::ManageWebhooks)?;
    Ok(state.store.webhooks().deliveries(id, page).await?)
}

/// Queues a delivery again (same event and `webhook-id`, a fresh retry window).
pub async fn redeliver(
    state: &AppState,
    caller: Caller,
    id: Uuid,
    delivery: Uuid,
) -> Result<Delivery, ApiError> {
    let actor = caller.authorize(Action::ManageWebhooks)?;
    Ok(state
        .store
        .webhooks()
        .acting_as(actor.id)
        .redeliver(id, delivery, RETRY_WINDOW)
        .await?)
}
