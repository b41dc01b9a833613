//! The webhook outbox: an event row and one delivery row per subscribed,
//! enabled endpoint, written through the transaction of the change the event
//! announces. A rolled-back change therefore queues nothing, and a committed
//! one is never lost by a crash before delivery: the delivery workers
//! ([`crate::webhook_deliveries`]) pick the rows up on any node.
//!
//! ```ignore
//! let txn = db.begin().await?;
//! /* … change the article … */
//! outbox::article_event(&txn, store, WebhookEventType::ArticleUpdated, &article, previous_slug).await?;
//! txn.commit().await?;
//! store.wake_outbox();
//! ```

use chrono::{DateTime, Duration, Utc};
use masthead_domain::webhook::WebhookEventType;
use masthead_domain::{Article, ArticleStatus, Reply, ReplyStatus};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::entities::{article, webhook_delivery, webhook_endpoint, webhook_event};
use crate::error::Result;
use crate::store::Store;

/// How long a delivery is retried before it is `failed`.
pub const RETRY_WINDOW: Duration = Duration::hours(24);

/// Queues `event_type` with `data` for every enabled endpoint subscribed to it
/// (nothing at all when none is). `data` is the payload's `data` object.
pub(crate) async fn enqueue(
    db: &impl ConnectionTrait,
    event_type: WebhookEventType,
    data: Map<String, Value>,
) -> Result<()> {
    let endpoints: Vec<(Uuid, String)> = webhook_endpoint::Entity::find()
        .select_only()
        .column(webhook_endpoint::Column::Id)
        .column(webhook_endpoint::Column::Events)
        .filter(webhook_endpoint::Column::Enabled.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    let subscribed: Vec<Uuid> = endpoints
        .into_iter()
        .filter(|(_, events)| subscribes(events, event_type))
        .map(|(id, _)| id)
        .collect();
    if subscribed.is_empty() {
        return Ok(());
    }
    insert(db, Uuid::now_v7(), event_type, data, subscribed).await
}

/// Writes event `id` and its deliveries; an event id already stored (a
/// deterministic one another node wrote first) writes nothing.
async fn insert(
    db: &impl ConnectionTrait,
    id: Uuid,
    event_type: WebhookEventType,
    data: Map<String, Value>,
    subscribed: Vec<Uuid>,
) -> Result<()> {
    let now = crate::now();
    let payload = json!({
        "type": event_type.as_str(),
        "timestamp": crate::audit::time_text(now),
        "data": Value::Object(data),
    });
    let written = webhook_event::Entity::insert(webhook_event::ActiveModel {
        id: Set(id),
        event_type: Set(event_type.as_str().to_owned()),
        payload: Set(payload.to_string()),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(webhook_event::Column::Id)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    if written == 0 {
        return Ok(());
    }
    let rows = subscribed
        .into_iter()
        .map(|endpoint| new_delivery(id, endpoint, now));
    webhook_delivery::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// A pending delivery of `event` to `endpoint`, due at once.
fn new_delivery(event: Uuid, endpoint: Uuid, now: DateTime<Utc>) -> webhook_delivery::ActiveModel {
    webhook_delivery::ActiveModel {
        id: Set(Uuid::now_v7()),
        event_id: Set(event),
        endpoint_id: Set(endpoint),
        status: Set("pending".to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(Some(now)),
        last_attempt_at: Set(None),
        last_status_code: Set(None),
        last_error: Set(None),
        give_up_at: Set(now + RETRY_WINDOW),
        created_at: Set(now),
    }
}

/// True when the stored subscription list (a JSON array) names `event_type`.
fn subscribes(stored: &str, event_type: WebhookEventType) -> bool {
    serde_json::from_str::<Vec<String>>(stored)
        .map(|events| events.iter().any(|event| event == event_type.as_str()))
        .unwrap_or(false)
}

/// Queues an article event: `data` names the article (`id`, `slug`,
/// `previous_slug` when the slug just changed, `url`, `version`, `title`, `status`).
pub(crate) async fn article_event(
    db: &impl ConnectionTrait,
    store: &Store,
    event_type: WebhookEventType,
    article: &Article,
    previous_slug: Option<&str>,
) -> Result<()> {
    let slug = article.slug.as_str();
    let data = article_data(
        store,
        article.id.0,
        slug,
        previous_slug,
        article.version,
        article.title.as_str(),
        article.lifecycle.status.as_str(),
    );
    enqueue(db, event_type, data).await
}

/// The `data` of an article event, from its parts (a deleted article has no
/// [`Article`] any more).
pub(crate) fn article_data(
    store: &Store,
    id: Uuid,
    slug: &str,
    previous_slug: Option<&str>,
    version: i32,
    title: &str,
    status: &str,
) -> Map<String, Value> {
    let mut data = Map::new();
    data.insert("id".into(), id.to_string().into());
    data.insert("slug".into(), slug.into());
    if let Some(previous) = previous_slug {
        data.insert("previous_slug".into(), previous.into());
    }
    data.insert("url".into(), store.article_url(slug).into());
    data.insert("version".into(), version.into());
    data.insert("title".into(), title.into());
    data.insert("status".into(), status.into());
    data
}

/// Queues a reply event (`reply.approved` or `reply.pending`): `data` names
/// the reply and its article (`article_id`, `slug`, `url`).
async fn reply_event(
    db: &impl ConnectionTrait,
    store: &Store,
    event_type: WebhookEventType,
    reply: &Reply,
    article_slug: &str,
) -> Result<()> {
    let mut data = Map::new();
    data.insert("id".into(), reply.id.0.to_string().into());
    data.insert("article_id".into(), reply.article_id.0.to_string().into());
    data.insert("slug".into(), article_slug.into());
    data.insert("url".into(), store.article_url(article_slug).into());
    data.insert("status".into(), reply.status.as_str().into());
    data.insert(
        "parent_id".into(),
        reply.parent_id.map(|id| id.0.to_string()).into(),
    );
    enqueue(db, event_type, data).await
}

/// Queues `reply.approved` or `reply.pending` for `reply` as it now stands
/// (other statuses announce nothing), looking up its article's slug in `db`.
pub(crate) async fn reply_changed(
    db: &impl ConnectionTrait,
    store: &Store,
    reply: &Reply,
) -> Result<()> {
    let event = match reply.status {
        ReplyStatus::Approved => WebhookEventType::ReplyApproved,
        ReplyStatus::Pending => WebhookEventType::ReplyPending,
        _ => return Ok(()),
    };
    let slug: Option<String> = article::Entity::find_by_id(reply.article_id.0)
        .select_only()
        .column(article::Column::Slug)
        .into_tuple()
        .one(db)
        .await?;
    match slug {
        Some(slug) => reply_event(db, store, event, reply, &slug).await,
        None => Ok(()),
    }
}

/// Queues `article.published` for a scheduled article whose time came
/// (`published_at`): no write happens then, so each node's scheduler calls
/// this, and the event id, derived from the article and the time, makes the
/// first node's call the only one that queues anything.
pub async fn scheduled_article_due(
    store: &Store,
    id: masthead_domain::ArticleId,
    published_at: DateTime<Utc>,
) -> Result<()> {
    use sea_orm::TransactionTrait;
    let Some(article) = store
        .articles()
        .by_id(id, crate::Visibility::Staff)
        .await?
        .filter(|article| article.lifecycle.is_public_at(crate::now()))
    else {
        return Ok(());
    };
    let event_id = Uuid::new_v5(
        &Uuid::NAMESPACE_OID,
        format!(
            "article.published/{}/{}",
            id.0,
            crate::audit::time_text(published_at)
        )
        .as_bytes(),
    );
    let txn = store.writer().begin().await?;
    let endpoints: Vec<(Uuid, String)> = webhook_endpoint::Entity::find()
        .select_only()
        .column(webhook_endpoint::Column::Id)
        .column(webhook_endpoint::Column::Events)
        .filter(webhook_endpoint::Column::Enabled.eq(true))
        .into_tuple()
        .all(&txn)
        .await?;
    let event_type = WebhookEventType::ArticlePublished;
    let subscribed: Vec<Uuid> = endpoints
        .into_iter()
        .filter(|(_, events)| subscribes(events, event_type))
        .map(|(id, _)| id)
        .collect();
    if !subscribed.is_empty() {
        let data = article_data(
            store,
            article.id.0,
            article.slug.as_str(),
            None,
            article.version,
            article.title.as_str(),
            ArticleStatus::Published.as_str(),
        );
        insert(&txn, event_id, event_type, data, subscribed).await?;
    }
    txn.commit().await?;
    store.wake_outbox();
    Ok(())
}
