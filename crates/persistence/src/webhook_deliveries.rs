//! Webhook deliveries: claiming due ones for sending, recording attempts, the
//! per-endpoint delivery log, and redelivery by hand.
//!
//! A claim moves a delivery's `next_attempt_at` past a lease in the same
//! short transaction that selects it (`FOR UPDATE SKIP LOCKED` on PostgreSQL,
//! so nodes never claim the same row at once; SQLite's single writer
//! serializes claims). The send happens outside any transaction; a node that
//! dies mid-send leaves the row to be claimed again when the lease ends:
//! at least once, and `webhook-id` (the event id) lets receivers de-duplicate.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, Condition, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{self, AuditAction, NewAuditEntry};
use crate::entities::{webhook_delivery, webhook_endpoint, webhook_event};
use crate::error::{parse_stored, PersistenceError, Result};
use crate::page::{Cursor, Page, PageRequest};
use crate::webhooks::{from_row, WebhookEndpoint, WebhookRepo};

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Every attempt failed for the retry window (or the endpoint is gone or disabled).
    Failed,
}

impl DeliveryStatus {
    /// Stable name, as stored and shown in APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }
}

impl std::str::FromStr for DeliveryStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::Pending, Self::Delivered, Self::Failed]
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| format!("unknown delivery status {s:?}"))
    }
}

/// One event to one endpoint, as the delivery log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Identity.
    pub id: Uuid,
    /// The event (also the `webhook-id` header).
    pub event_id: Uuid,
    /// The event's type name.
    pub event_type: String,
    /// The endpoint.
    pub endpoint_id: Uuid,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: i32,
    /// When the next attempt is due (pending only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the last attempt was made.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The HTTP status of the last answer, if one came.
    pub last_status_code: Option<i32>,
    /// Why the last attempt failed, when it did.
    pub last_error: Option<String>,
    /// When the event was queued.
    pub created_at: DateTime<Utc>,
}

/// A delivery claimed for sending, with what sending needs.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    /// The delivery.
    pub id: Uuid,
    /// The event id: `webhook-id`.
    pub event_id: Uuid,
    /// The exact body to send and sign.
    pub payload: String,
    /// When the event was queued: `webhook-timestamp` is the send time instead.
    pub created_at: DateTime<Utc>,
    /// Attempts before this one.
    pub attempts: i32,
    /// After this instant a failure is final.
    pub give_up_at: DateTime<Utc>,
    /// The endpoint as it stands now.
    pub endpoint: WebhookEndpoint,
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The HTTP status, if an answer came.
    pub status_code: Option<i32>,
    /// Why it failed (none on success).
    pub error: Option<String>,
    /// When to try again after a failure; none makes the failure final.
    pub retry_at: Option<DateTime<Utc>>,
}

impl WebhookRepo<'_> {
    /// Claims up to `limit` due deliveries for `lease` (another attempt
    /// happens after it if this node never reports back). Deliveries of a
    /// disabled or deleted endpoint are not claimed (deleted ones are gone).
    pub async fn claim(&self, limit: u64, lease: chrono::Duration) -> Result<Vec<ClaimedDelivery>> {
        let now = crate::now();
        let txn = self.store.writer().begin().await?;
        let mut query = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.as_str()))
            .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
            .order_by_asc(webhook_delivery::Column::NextAttemptAt)
            .limit(limit);
        if self.store.backend() == DatabaseBackend::Postgres {
            query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let rows = query.all(&txn).await?;
        if rows.is_empty() {
            txn.commit().await?;
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
        webhook_delivery::Entity::update_many()
            .col_expr(
                webhook_delivery::Column::NextAttemptAt,
                Expr::value(now + lease),
            )
            .filter(webhook_delivery::Column::Id.is_in(ids.iter().copied()))
            .exec(&txn)
            .await?;
        let event_ids: Vec<Uuid> = rows.iter().map(|row| row.event_id).collect();
        let events = webhook_event::Entity::find()
            .filter(webhook_event::Column::Id.is_in(event_ids))
            .all(&txn)
            .await?;
        let endpoint_ids: Vec<Uuid> = rows.iter().map(|row| row.endpoint_id).collect();
        let endpoints = webhook_endpoint::Entity::find()
            .filter(webhook_endpoint::Column::Id.is_in(endpoint_ids))
            .all(&txn)
            .await?;
        txn.commit().await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in rows {
            let event = events.iter().find(|event| event.id == row.event_id);
            let endpoint = endpoints
                .iter()
                .find(|endpoint| endpoint.id == row.endpoint_id);
            let (Some(event), Some(endpoint)) = (event, endpoint) else {
                continue;
            };
            claimed.push(ClaimedDelivery {
                id: row.id,
                event_id: row.event_id,
                payload: event.payload.clone(),
                created_at: event.created_at,
                attempts: row.attempts,
                give_up_at: row.give_up_at,
                endpoint: from_row(endpoint.clone())?,
            });
        }
        Ok(claimed)
    }

    /// Records `attempt` of delivery `id`: delivered on success, pending
    /// until `retry_at` after a failure, failed when there is no retry.
    pub async fn record_attempt(&self, id: Uuid, attempt: Attempt) -> Result<()> {
        let now = crate::now();
        let status = match (&attempt.error, attempt.retry_at) {
            (None, _) => DeliveryStatus::Delivered,
            (Some(_), Some(_)) => DeliveryStatus::Pending,
            (Some(_), None) => DeliveryStatus::Failed,
        };
        let next = match status {
            DeliveryStatus::Pending => attempt.retry_at,
            _ => None,
        };
        webhook_delivery::Entity::update_many()
            .col_expr(
                webhook_delivery::Column::Status,
                Expr::value(status.as_str()),
            )
            .col_expr(
                webhook_delivery::Column::Attempts,
                Expr::col(webhook_delivery::Column::Attempts).add(1),
            )
            .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(next))
            .col_expr(webhook_delivery::Column::LastAttemptAt, Expr::value(now))
            .col_expr(
                webhook_delivery::Column::LastStatusCode,
                Expr::value(attempt.status_code),
            )
            .col_expr(
                webhook_delivery::Column::LastError,
                Expr::value(attempt.error),
            )
            .filter(webhook_delivery::Column::Id.eq(id))
            .exec(self.store.writer())
            .await?;
        Ok(())
    }

    /// One page of endpoint `endpoint`'s deliveries, newest first.
    pub async fn deliveries(&self, endpoint: Uuid, page: PageRequest) -> Result<Page<Delivery>> {
        self.get(endpoint).await?;
        let mut query = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::EndpointId.eq(endpoint));
        if let Some(after) = page.after {
            query = query.filter(
                Condition::any()
                    .add(webhook_delivery::Column::CreatedAt.lt(after.at))
                    .add(
                        Condition::all()
                            .add(webhook_delivery::Column::CreatedAt.eq(after.at))
                            .add(webhook_delivery::Column::Id.lt(after.id)),
                    ),
            );
        }
        let mut rows = query
            .order_by_desc(webhook_delivery::Column::CreatedAt)
            .order_by_desc(webhook_delivery::Column::Id)
            .limit(page.size + 1)
            .all(self.store.db())
            .await?;
        let has_next = rows.len() as u64 > page.size;
        rows.truncate(page.size as usize);
        let event_ids: Vec<Uuid> = rows.iter().map(|row| row.event_id).collect();
        let types: Vec<(Uuid, String)> = webhook_event::Entity::find()
            .select_only()
            .column(webhook_event::Column::Id)
            .column(webhook_event::Column::EventType)
            .filter(webhook_event::Column::Id.is_in(event_ids))
            .into_tuple()
            .all(self.store.db())
            .await?;
        let items = rows
            .into_iter()
            .map(|row| {
                let cursor = Cursor {
                    at: row.created_at,
                    id: row.id,
                };
                let event_type = types
                    .iter()
                    .find(|(id, _)| *id == row.event_id)
                    .map(|(_, name)| name.clone())
                    .unwrap_or_default();
                delivery_from_row(row, event_type).map(|delivery| (cursor, delivery))
            })
            .collect::<Result<_>>()?;
        Ok(Page {
            items,
            has_next,
            has_previous: page.after.is_some(),
        })
    }

    /// Queues delivery `delivery` of endpoint `endpoint` again, due now, with
    /// a fresh retry window (the same event, so the same `webhook-id`). Audited.
    pub async fn redeliver(
        &self,
        endpoint: Uuid,
        delivery: Uuid,
        window: chrono::Duration,
    ) -> Result<Delivery> {
        let now = crate::now();
        let txn = self.store.writer().begin().await?;
        let updated = webhook_delivery::Entity::update_many()
            .col_expr(
                webhook_delivery::Column::Status,
                Expr::value(DeliveryStatus::Pending.as_str()),
            )
            .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(now))
            .col_expr(
                webhook_delivery::Column::GiveUpAt,
                Expr::value(now + window),
            )
            .filter(webhook_delivery::Column::Id.eq(delivery))
            .filter(webhook_delivery::Column::EndpointId.eq(endpoint))
            .exec(&txn)
            .await?;
        if updated.rows_affected == 0 {
            return Err(PersistenceError::NotFound);
        }
        let row = webhook_delivery::Entity::find_by_id(delivery)
            .one(&txn)
            .await?
            .ok_or(PersistenceError::NotFound)?;
        let event_type: Option<String> = webhook_event::Entity::find_by_id(row.event_id)
            .select_only()
            .column(webhook_event::Column::EventType)
            .into_tuple()
            .one(&txn)
            .await?;
        let entry = NewAuditEntry::webhook(self.actor, AuditAction::Redeliver, endpoint)
            .with("delivery", delivery.to_string())
            .with("event", row.event_id.to_string());
        audit::record(&txn, entry).await?;
        txn.commit().await?;
        self.store.wake_outbox();
        delivery_from_row(row, event_type.unwrap_or_default())
    }
}

fn delivery_from_row(row: webhook_delivery::Model, event_type: String) -> Result<Delivery> {
    Ok(Delivery {
        id: row.id,
        event_id: row.event_id,
        event_type,
        endpoint_id: row.endpoint_id,
        status: parse_stored(&row.status)?,
        attempts: row.attempts,
        next_attempt_at: row.next_attempt_at,
        last_attempt_at: row.last_attempt_at,
        last_status_code: row.last_status_code,
        last_error: row.last_error,
        created_at: row.created_at,
    })
}
