//! Preview links: a token that opens one article, as it stands now, to
//! whoever holds it (an editor's preview on the real site), read-only, until
//! it expires, is revoked, or the article is deleted (the rows go with it).
//! Only the SHA-256 of a token is stored; handing one out and revoking one
//! are audited on the article in the write's own transaction.

use chrono::{DateTime, Utc};
use masthead_domain::{ArticleId, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{self, AuditAction, NewAuditEntry};
use crate::entities::preview_link;
use crate::error::{PersistenceError, Result};
use crate::store::Store;

/// Most links one article may have (expired and revoked ones included, until
/// the article is deleted): a bound on what one editor can pile up.
pub const MAX_LINKS_PER_ARTICLE: usize = 100;

/// A preview link as stored (its token is not: only its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewLink {
    /// The link's id (to list and revoke it).
    pub id: Uuid,
    /// The one article it opens.
    pub article_id: ArticleId,
    /// Who handed it out (every link is handed out by a member of staff).
    pub created_by: UserId,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl PreviewLink {
    /// Whether the token still opens the article at `now`.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

/// Preview links.
pub struct PreviewLinkRepo<'a> {
    store: &'a Store,
    actor: Option<UserId>,
}

impl Store {
    /// The preview-link repository.
    pub fn preview_links(&self) -> PreviewLinkRepo<'_> {
        PreviewLinkRepo {
            store: self,
            actor: None,
        }
    }
}

impl PreviewLinkRepo<'_> {
    /// The same repository, recording `actor` as the one who writes.
    pub fn acting_as(self, actor: UserId) -> Self {
        Self {
            actor: Some(actor),
            ..self
        }
    }

    /// Stores a link to `article` whose token hashes to `token_hash`, audited.
    /// An article that already has [`MAX_LINKS_PER_ARTICLE`] is refused
    /// (`Duplicate` on `preview_links`); an unknown article is `NotFound`.
    pub async fn create(
        &self,
        article: ArticleId,
        created_by: UserId,
        token_hash: String,
        expires_at: DateTime<Utc>,
    ) -> Result<PreviewLink> {
        let txn = self.store.writer().begin().await?;
        let existing = preview_link::Entity::find()
            .filter(preview_link::Column::ArticleId.eq(article.0))
            .all(&txn)
            .await?
            .len();
        if existing >= MAX_LINKS_PER_ARTICLE {
            return Err(PersistenceError::Duplicate {
                field: "preview_links",
            });
        }
        let row = preview_link::ActiveModel {
            id: Set(Uuid::now_v7()),
            article_id: Set(article.0),
            token_hash: Set(token_hash),
            created_by: Set(Some(created_by.0)),
            created_at: Set(crate::now()),
            expires_at: Set(expires_at),
            revoked_at: Set(None),
        }
        .insert(&txn)
        .await
        .map_err(|error| match PersistenceError::from(error) {
            // The article went away between the caller's read and this write.
            PersistenceError::Database(_) => PersistenceError::NotFound,
            other => other,
        })?;
        let link = from_row(row)?;
        let entry =
            NewAuditEntry::article(Some(created_by), AuditAction::CreatePreviewLink, article)
                .with("preview_link", link.id.to_string())
                .with("expires_at", audit::time_text(link.expires_at));
        audit::record(&txn, entry).await?;
        txn.commit().await?;
        Ok(link)
    }

    /// Every link of `article`, newest first.
    pub async fn of_article(&self, article: ArticleId) -> Result<Vec<PreviewLink>> {
        preview_link::Entity::find()
            .filter(preview_link::Column::ArticleId.eq(article.0))
            .order_by_desc(preview_link::Column::CreatedAt)
            .order_by_desc(preview_link::Column::Id)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(from_row)
            .collect()
    }

    /// The link `id`, whatever its article.
    pub async fn by_id(&self, id: Uuid) -> Result<Option<PreviewLink>> {
        preview_link::Entity::find_by_id(id)
            .one(self.store.db())
            .await?
            .map(from_row)
            .transpose()
    }

    /// The link whose token hashes to `token_hash`, active or not.
    pub async fn by_token_hash(&self, token_hash: &str) -> Result<Option<PreviewLink>> {
        preview_link::Entity::find()
            .filter(preview_link::Column::TokenHash.eq(token_hash))
            .one(self.store.db())
            .await?
            .map(from_row)
            .transpose()
    }

    /// Revokes link `id` of `article` (one of another article is
    /// `NotFound`). Revoking it again changes nothing and is not audited.
    pub async fn revoke(&self, article: ArticleId, id: Uuid) -> Result<PreviewLink> {
        let now = crate::now();
        let txn = self.store.writer().begin().await?;
        let result = preview_link::Entity::update_many()
            .col_expr(preview_link::Column::RevokedAt, Expr::value(now))
            .filter(preview_link::Column::Id.eq(id))
            .filter(preview_link::Column::ArticleId.eq(article.0))
            .filter(preview_link::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        let row = preview_link::Entity::find_by_id(id)
            .filter(preview_link::Column::ArticleId.eq(article.0))
            .one(&txn)
            .await?
            .ok_or(PersistenceError::NotFound)?;
        if result.rows_affected == 1 {
            let entry = NewAuditEntry::article(self.actor, AuditAction::RevokePreviewLink, article)
                .with("preview_link", id.to_string());
            audit::record(&txn, entry).await?;
        }
        txn.commit().await?;
        from_row(row)
    }
}

fn from_row(row: preview_link::Model) -> Result<PreviewLink> {
    let created_by = row.created_by.ok_or_else(|| {
        PersistenceError::Corrupt(format!("preview link {} has no creator", row.id))
    })?;
    Ok(PreviewLink {
        id: row.id,
        article_id: ArticleId(row.article_id),
        created_by: UserId(created_by),
        created_at: row.created_at,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
    })
}
