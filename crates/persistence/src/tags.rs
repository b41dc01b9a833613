//! Tags: the publication's collections and topics.

use masthead_domain::{Slug, Tag, TagContent, TagId, UserId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{self, AuditAction, NewAuditEntry};
use crate::content_clock::Change;
use crate::entities::tag;
use crate::error::{PersistenceError, Result};
use crate::store::Store;

/// Tags. Writes are audited, naming the actor given by [`TagRepo::acting_as`]
/// (the system when none is named).
pub struct TagRepo<'a> {
    store: &'a Store,
    actor: Option<UserId>,
}

impl Store {
    /// The tag repository.
    pub fn tags(&self) -> TagRepo<'_> {
        TagRepo {
            store: self,
            actor: None,
        }
    }
}

impl TagRepo<'_> {
    /// The same repository, recording `actor` as the one who writes.
    pub fn acting_as(self, actor: UserId) -> Self {
        Self {
            actor: Some(actor),
            ..self
        }
    }

    /// Creates a tag; a taken slug is [`PersistenceError::Duplicate`].
    pub async fn create(&self, content: TagContent) -> Result<Tag> {
        let now = crate::now();
        let txn = self.store.writer().begin().await?;
        let row = tag::ActiveModel {
            id: Set(TagId::generate().0),
            slug: Set(content.slug.as_str().to_owned()),
            name: Set(content.name),
            description: Set(content.description),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        let tag = tag_from_row(row)?;
        self.record(&txn, AuditAction::Create, &tag).await?;
        txn.commit().await?;
        Ok(tag)
    }

    /// Renames or re-describes a tag. Public articles show their tags, so
    /// cached public reads are retired.
    pub async fn update(&self, id: TagId, content: TagContent) -> Result<Tag> {
        let row = tag::ActiveModel {
            id: sea_orm::Unchanged(id.0),
            slug: Set(content.slug.as_str().to_owned()),
            name: Set(content.name),
            description: Set(content.description),
            updated_at: Set(crate::now()),
            ..Default::default()
        };
        let txn = self.store.writer().begin().await?;
        let tag = match row.update(&txn).await {
            Ok(row) => tag_from_row(row)?,
            Err(sea_orm::DbErr::RecordNotUpdated) => return Err(PersistenceError::NotFound),
            Err(error) => return Err(error.into()),
        };
        let tagged = crate::search::index::articles_of_tag(&txn, id.0).await?;
        self.store.articles().reindex_in(&txn, &tagged).await?;
        self.record(&txn, AuditAction::Update, &tag).await?;
        txn.commit().await?;
        self.store.content_changed(Change::Everything).await;
        Ok(tag)
    }

    /// Deletes a tag; articles lose it (and cached public reads are retired).
    pub async fn delete(&self, id: TagId) -> Result<()> {
        // Read before the transaction: it then starts with its write, so SQLite
        // takes its write lock first instead of failing to upgrade a read.
        let row = tag::Entity::find_by_id(id.0)
            .one(self.store.db())
            .await?
            .ok_or(PersistenceError::NotFound)?;
        let txn = self.store.writer().begin().await?;
        let tagged = crate::search::index::articles_of_tag(&txn, id.0).await?;
        let result = tag::Entity::delete_by_id(id.0).exec(&txn).await?;
        if result.rows_affected == 0 {
            return Err(PersistenceError::NotFound);
        }
        self.store.articles().reindex_in(&txn, &tagged).await?;
        let tag = tag_from_row(row)?;
        self.record(&txn, AuditAction::Delete, &tag).await?;
        txn.commit().await?;
        self.store.content_changed(Change::Everything).await;
        Ok(())
    }

    async fn record(
        &self,
        db: &impl ConnectionTrait,
        action: AuditAction,
        tag: &Tag,
    ) -> Result<()> {
        let entry = NewAuditEntry::tag(self.actor, action, tag.id)
            .with("slug", tag.slug.as_str())
            .with("name", tag.name.as_str());
        audit::record(db, entry).await
    }

    /// The tag with this slug.
    pub async fn by_slug(&self, slug: &str) -> Result<Option<Tag>> {
        tag::Entity::find()
            .filter(tag::Column::Slug.eq(slug))
            .one(self.store.db())
            .await?
            .map(tag_from_row)
            .transpose()
    }

    /// Every tag, by name.
    pub async fn list(&self) -> Result<Vec<Tag>> {
        tag::Entity::find()
            .order_by_asc(tag::Column::Name)
            .order_by_asc(tag::Column::Id)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(tag_from_row)
            .collect()
    }
}

/// The tags with these ids read through `db` (which may be a write's
/// transaction), in no particular order.
pub(crate) async fn by_ids_in(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Tag>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    tag::Entity::find()
        .filter(tag::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(tag_from_row)
        .collect()
}

pub(crate) fn tag_from_row(row: tag::Model) -> Result<Tag> {
    Ok(Tag {
        id: TagId(row.id),
        slug: Slug::parse("slug", &row.slug)
            .map_err(|e| PersistenceError::Corrupt(e.to_string()))?,
        name: row.name,
        description: row.description,
    })
}
