//! Webhook endpoints: where signed webhooks go, which events each wants, and
//! the secrets that sign them (kept readable: signing needs them). Every
//! change is audited in its own transaction. Deliveries live in
//! [`crate::webhook_deliveries`].

use chrono::{DateTime, Duration, Utc};
use masthead_domain::webhook::WebhookEventType;
use masthead_domain::{FieldError, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{self, AuditAction, NewAuditEntry};
use crate::entities::webhook_endpoint;
use crate::error::{parse_stored, PersistenceError, Result};
use crate::store::Store;

/// Most endpoints a site may have: each event costs one delivery per endpoint.
pub const MAX_ENDPOINTS: u64 = 50;

/// A stored endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    /// Identity.
    pub id: Uuid,
    /// Where deliveries are posted.
    pub url: String,
    /// What the endpoint is for (free text).
    pub description: String,
    /// The events it receives.
    pub events: Vec<WebhookEventType>,
    /// Disabled endpoints receive nothing (by hand, or after 3 failing days).
    pub enabled: bool,
    /// The signing secret (`whsec_…`).
    pub secret: String,
    /// The secret before the last rotation, still signing until `previous_secret_until`.
    pub previous_secret: Option<String>,
    /// When the previous secret stops signing.
    pub previous_secret_until: Option<DateTime<Utc>>,
    /// Since when every attempt failed (none when the last one succeeded).
    pub failing_since: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl WebhookEndpoint {
    /// The secrets that sign a delivery at `now`: the current one, and the
    /// previous one during its grace period.
    pub fn signing_secrets(&self, now: DateTime<Utc>) -> Vec<&str> {
        let mut secrets = vec![self.secret.as_str()];
        if let (Some(previous), Some(until)) = (&self.previous_secret, self.previous_secret_until) {
            if until > now {
                secrets.push(previous.as_str());
            }
        }
        secrets
    }
}

/// A change to an endpoint; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointChange {
    /// New target.
    pub url: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New subscription.
    pub events: Option<Vec<WebhookEventType>>,
    /// Enable or disable (enabling forgets past failures).
    pub enabled: Option<bool>,
}

/// The endpoint repository. Writes are recorded as done by nobody in
/// particular unless [`WebhookRepo::acting_as`] names someone.
pub struct WebhookRepo<'a> {
    pub(crate) store: &'a Store,
    pub(crate) actor: Option<UserId>,
}

impl Store {
    /// The webhook endpoints and their deliveries.
    pub fn webhooks(&self) -> WebhookRepo<'_> {
        WebhookRepo {
            store: self,
            actor: None,
        }
    }
}

impl WebhookRepo<'_> {
    /// The same repository, recording `actor` as the one who writes.
    pub fn acting_as(self, actor: UserId) -> Self {
        Self {
            actor: Some(actor),
            ..self
        }
    }

    /// Stores a new, enabled endpoint signing with `secret`. Past
    /// [`MAX_ENDPOINTS`] the request is refused on `url`.
    pub async fn create(
        &self,
        url: String,
        description: String,
        events: Vec<WebhookEventType>,
        secret: String,
    ) -> Result<WebhookEndpoint> {
        let txn = self.store.writer().begin().await?;
        let count = webhook_endpoint::Entity::find().count(&txn).await?;
        if count >= MAX_ENDPOINTS {
            return Err(PersistenceError::Domain(
                FieldError::new(
                    "url",
                    format!("a site has at most {MAX_ENDPOINTS} webhook endpoints"),
                )
                .into(),
            ));
        }
        let now = crate::now();
        let row = webhook_endpoint::ActiveModel {
            id: Set(Uuid::now_v7()),
            url: Set(url),
            description: Set(description),
            events: Set(events_text(&events)),
            enabled: Set(true),
            secret: Set(secret),
            previous_secret: Set(None),
            previous_secret_until: Set(None),
            failing_since: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        let entry = NewAuditEntry::webhook(self.actor, AuditAction::Create, row.id)
            .with("url", row.url.as_str())
            .with("events", events_value(&events));
        audit::record(&txn, entry).await?;
        txn.commit().await?;
        from_row(row)
    }

    /// Every endpoint, oldest first (at most [`MAX_ENDPOINTS`]).
    pub async fn list(&self) -> Result<Vec<WebhookEndpoint>> {
        webhook_endpoint::Entity::find()
            .order_by_asc(webhook_endpoint::Column::CreatedAt)
            .order_by_asc(webhook_endpoint::Column::Id)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(from_row)
            .collect()
    }

    /// The endpoint `id`.
    pub async fn get(&self, id: Uuid) -> Result<WebhookEndpoint> {
        webhook_endpoint::Entity::find_by_id(id)
            .one(self.store.db())
            .await?
            .ok_or(PersistenceError::NotFound)
            .and_then(from_row)
    }

    /// Applies `change` to endpoint `id`, audited with the fields changed.
    pub async fn update(&self, id: Uuid, change: EndpointChange) -> Result<WebhookEndpoint> {
        let txn = self.store.writer().begin().await?;
        let mut row: webhook_endpoint::ActiveModel = webhook_endpoint::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(PersistenceError::NotFound)?
            .into();
        let mut entry = NewAuditEntry::webhook(self.actor, AuditAction::Update, id);
        if let Some(url) = change.url {
            entry = entry.with("url", url.as_str());
            row.url = Set(url);
        }
        if let Some(description) = change.description {
            entry = entry.with("description", description.as_str());
            row.description = Set(description);
        }
        if let Some(events) = change.events {
            entry = entry.with("events", events_value(&events));
            row.events = Set(events_text(&events));
        }
        if let Some(enabled) = change.enabled {
            entry = entry.with("enabled", enabled);
            row.enabled = Set(enabled);
            if enabled {
                row.failing_since = Set(None);
            }
        }
        row.updated_at = Set(crate::now());
        let row = row.update(&txn).await?;
        audit::record(&txn, entry).await?;
        txn.commit().await?;
        from_row(row)
    }

    /// Deletes endpoint `id` with its delivery log.
    pub async fn delete(&self, id: Uuid) -> Result<()> {
        let txn = self.store.writer().begin().await?;
        let row = webhook_endpoint::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(PersistenceError::NotFound)?;
        webhook_endpoint::Entity::delete_by_id(id)
            .exec(&txn)
            .await?;
        let entry =
            NewAuditEntry::webhook(self.actor, AuditAction::Delete, id).with("url", row.url);
        audit::record(&txn, entry).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Gives endpoint `id` the secret `secret`; the current one keeps signing
    /// (beside it) for `overlap`.
    pub async fn rotate(
        &self,
        id: Uuid,
        secret: String,
        overlap: Duration,
    ) -> Result<WebhookEndpoint> {
        let txn = self.store.writer().begin().await?;
        let current = webhook_endpoint::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(PersistenceError::NotFound)?;
        let now = crate::now();
        let until = now + overlap;
        let mut row: webhook_endpoint::ActiveModel = current.clone().into();
        row.previous_secret = Set(Some(current.secret));
        row.previous_secret_until = Set(Some(until));
        row.secret = Set(secret);
        row.updated_at = Set(now);
        let row = row.update(&txn).await?;
        let entry = NewAuditEntry::webhook(self.actor, AuditAction::RotateSecret, id)
            .with("previous_secret_until", audit::time_text(until));
        audit::record(&txn, entry).await?;
        txn.commit().await?;
        from_row(row)
    }

    /// Records the outcome of an attempt on endpoint `id`: a success clears
    /// its failing streak; a failure starts one, and one older than
    /// `disable_after` disables the endpoint (audited, by the system).
    /// True when this call disabled it.
    pub async fn note_attempt(
        &self,
        id: Uuid,
        succeeded: bool,
        disable_after: Duration,
    ) -> Result<bool> {
        let now = crate::now();
        if succeeded {
            webhook_endpoint::Entity::update_many()
                .col_expr(
                    webhook_endpoint::Column::FailingSince,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .filter(webhook_endpoint::Column::Id.eq(id))
                .filter(webhook_endpoint::Column::FailingSince.is_not_null())
                .exec(self.store.writer())
                .await?;
            return Ok(false);
        }
        let txn = self.store.writer().begin().await?;
        webhook_endpoint::Entity::update_many()
            .col_expr(webhook_endpoint::Column::FailingSince, Expr::value(now))
            .filter(webhook_endpoint::Column::Id.eq(id))
            .filter(webhook_endpoint::Column::FailingSince.is_null())
            .exec(&txn)
            .await?;
        let disabled = webhook_endpoint::Entity::update_many()
            .col_expr(webhook_endpoint::Column::Enabled, Expr::value(false))
            .col_expr(webhook_endpoint::Column::UpdatedAt, Expr::value(now))
            .filter(webhook_endpoint::Column::Id.eq(id))
            .filter(webhook_endpoint::Column::Enabled.eq(true))
            .filter(webhook_endpoint::Column::FailingSince.lte(now - disable_after))
            .exec(&txn)
            .await?
            .rows_affected
            == 1;
        if disabled {
            let entry = NewAuditEntry::webhook(None, AuditAction::Disable, id)
                .with("reason", "every delivery failed for 3 days");
            audit::record(&txn, entry).await?;
        }
        txn.commit().await?;
        Ok(disabled)
    }
}

fn events_text(events: &[WebhookEventType]) -> String {
    events_value(events).to_string()
}

fn events_value(events: &[WebhookEventType]) -> serde_json::Value {
    events.iter().map(|event| event.as_str()).collect()
}

pub(crate) fn from_row(row: webhook_endpoint::Model) -> Result<WebhookEndpoint> {
    let names: Vec<String> = serde_json::from_str(&row.events)
        .map_err(|_| PersistenceError::Corrupt(format!("webhook events {}", row.id)))?;
    let events = names
        .iter()
        .map(|name| parse_stored(name))
        .collect::<Result<_>>()?;
    Ok(WebhookEndpoint {
        id: row.id,
        url: row.url,
        description: row.description,
        events,
        enabled: row.enabled,
        secret: row.secret,
        previous_secret: row.previous_secret,
        previous_secret_until: row.previous_secret_until,
        failing_since: row.failing_since,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
