//! Moderation: the queue of replies by status (newest first, with counts), and
//! approving, rejecting, marking as spam or deleting one reply or many at once.

use std::collections::{BTreeSet, HashMap, HashSet};

use masthead_domain::{ArticleId, ModerationAction, Reply, ReplyId, ReplyStatus, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
    TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{self, AuditAction, NewAuditEntry};
use crate::entities::reply;
use crate::error::{parse_stored, Result};
use crate::page::{Cursor, Page};
use crate::replies::{reply_from_row, ReplyRepo};

/// Which replies the queue shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// Only this status (`None`: every status).
    pub status: Option<ReplyStatus>,
    /// Only under this article.
    pub article_id: Option<ArticleId>,
    /// Only from this client (its salted address hash), for abuse review.
    pub client_hash: Option<String>,
}

/// What a moderation request changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moderated {
    /// The replies as they were before, in the order asked for (duplicates once).
    pub before: Vec<Reply>,
    /// Ids that name no reply. When any is missing, nothing was changed.
    pub missing: Vec<ReplyId>,
}

impl ReplyRepo<'_> {
    /// One page of the queue, newest first (keyset on creation time and id).
    pub async fn queue(
        &self,
        filter: &QueueFilter,
        size: u64,
        after: Option<Cursor>,
    ) -> Result<Page<Reply>> {
        let mut query = filtered(filter, true);
        if let Some(after) = after {
            query = query.filter(
                Condition::any()
                    .add(reply::Column::CreatedAt.lt(after.at))
                    .add(
                        Condition::all()
                            .add(reply::Column::CreatedAt.eq(after.at))
                            .add(reply::Column::Id.lt(after.id)),
                    ),
            );
        }
        let mut rows = query
            .order_by_desc(reply::Column::CreatedAt)
            .order_by_desc(reply::Column::Id)
            .limit(size + 1)
            .all(self.store.db())
            .await?;
        let has_next = rows.len() as u64 > size;
        rows.truncate(size as usize);
        let items = rows
            .into_iter()
            .map(|row| {
                let cursor = Cursor {
                    at: row.created_at,
                    id: row.id,
                };
                reply_from_row(row).map(|reply| (cursor, reply))
            })
            .collect::<Result<_>>()?;
        Ok(Page {
            items,
            has_next,
            has_previous: after.is_some(),
        })
    }

    /// How many replies have each status under the filter's article and client
    /// (its status is ignored); every status is present, zero included.
    pub async fn status_counts(&self, filter: &QueueFilter) -> Result<HashMap<ReplyStatus, u64>> {
        let rows: Vec<(String, i64)> = filtered(filter, false)
            .select_only()
            .column(reply::Column::Status)
            .column_as(Expr::col(reply::Column::Id).count(), "n")
            .group_by(reply::Column::Status)
            .into_tuple()
            .all(self.store.db())
            .await?;
        let mut counts: HashMap<ReplyStatus, u64> =
            ReplyStatus::ALL.into_iter().map(|s| (s, 0)).collect();
        for (status, n) in rows {
            counts.insert(parse_stored(&status)?, n.max(0) as u64);
        }
        Ok(counts)
    }

    /// Applies `action` to every reply of `ids` in one transaction: all of them
    /// change, or (when an id names no reply) none does. Recorded in the audit
    /// log as done by the system; see [`ReplyRepo::moderate_as`].
    pub async fn moderate(&self, ids: &[ReplyId], action: ModerationAction) -> Result<Moderated> {
        self.moderate_as(None, ids, action).await
    }

    /// [`ReplyRepo::moderate`] by `actor`: each changed reply gets an audit
    /// entry (`moderate` with `from`/`to` statuses, or `delete`) in the same
    /// transaction.
    pub async fn moderate_as(
        &self,
        actor: Option<UserId>,
        ids: &[ReplyId],
        action: ModerationAction,
    ) -> Result<Moderated> {
        let mut seen = HashSet::new();
        let unique: Vec<Uuid> = ids
            .iter()
            .map(|id| id.0)
            .filter(|id| seen.insert(*id))
            .collect();
        let txn = self.store.writer().begin().await?;
        let rows = reply::Entity::find()
            .filter(reply::Column::Id.is_in(unique.iter().copied()))
            .all(&txn)
            .await?;
        let mut found: HashMap<Uuid, reply::Model> =
            rows.into_iter().map(|row| (row.id, row)).collect();
        let missing: Vec<ReplyId> = unique
            .iter()
            .filter(|id| !found.contains_key(id))
            .map(|id| ReplyId(*id))
            .collect();
        if !missing.is_empty() || unique.is_empty() {
            txn.rollback().await?;
            return Ok(Moderated {
                before: Vec::new(),
                missing,
            });
        }
        match action.target_status() {
            Some(status) => {
                reply::Entity::update_many()
                    .col_expr(reply::Column::Status, Expr::value(status.as_str()))
                    .col_expr(reply::Column::UpdatedAt, Expr::value(crate::now()))
                    .filter(reply::Column::Id.is_in(unique.iter().copied()))
                    .exec(&txn)
                    .await?;
            }
            None => {
                reply::Entity::delete_many()
                    .filter(reply::Column::Id.is_in(unique.iter().copied()))
                    .exec(&txn)
                    .await?;
            }
        }
        for id in &unique {
            if let Some(row) = found.get(id) {
                let (kind, reply) = (AuditAction::Moderate, ReplyId(row.id));
                let entry = match action.target_status() {
                    Some(status) => {
                        NewAuditEntry::reply(actor, kind, reply, ArticleId(row.article_id))
                            .with("action", action.as_str())
                            .with("from", row.status.as_str())
                            .with("to", status.as_str())
                    }
                    None => NewAuditEntry::reply(
                        actor,
                        AuditAction::Delete,
                        reply,
                        ArticleId(row.article_id),
                    )
                    .with("action", action.as_str())
                    .with("from", row.status.as_str()),
                };
                audit::record(&txn, entry).await?;
                if let Some(status) = action.target_status() {
                    if status.as_str() != row.status {
                        let mut now = crate::replies::reply_from_row(row.clone())?;
                        now.status = status;
                        crate::outbox::reply_changed(&txn, self.store, &now).await?;
                    }
                }
            }
        }
        txn.commit().await?;
        let articles: BTreeSet<Uuid> = found.values().map(|row| row.article_id).collect();
        self.store
            .articles_changed(articles.into_iter().map(ArticleId))
            .await;
        let before = unique
            .iter()
            .filter_map(|id| found.remove(id))
            .map(reply_from_row)
            .collect::<Result<_>>()?;
        Ok(Moderated {
            before,
            missing: Vec::new(),
        })
    }
}

fn filtered(filter: &QueueFilter, with_status: bool) -> Select<reply::Entity> {
    let mut query = reply::Entity::find();
    if let (true, Some(status)) = (with_status, filter.status) {
        query = query.filter(reply::Column::Status.eq(status.as_str()));
    }
    if let Some(article) = filter.article_id {
        query = query.filter(reply::Column::ArticleId.eq(article.0));
    }
    if let Some(client) = &filter.client_hash {
        query = query.filter(reply::Column::ClientHash.eq(client.as_str()));
    }
    query
}
