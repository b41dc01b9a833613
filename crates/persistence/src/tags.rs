//! Tags: the publication's collections and topics.

use masthead_domain::{Slug, Tag, TagContent, TagId};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::entities::tag;
use crate::error::{PersistenceError, Result};
use crate::store::Store;

/// Tags.
pub struct TagRepo<'a> {
    store: &'a Store,
}

impl Store {
    /// The tag repository.
    pub fn tags(&self) -> TagRepo<'_> {
        TagRepo { store: self }
    }
}

impl TagRepo<'_> {
    /// Creates a tag; a taken slug is [`PersistenceError::Duplicate`].
    pub async fn create(&self, content: TagContent) -> Result<Tag> {
        let now = crate::now();
        let row = tag::ActiveModel {
            id: Set(TagId::generate().0),
            slug: Set(content.slug.as_str().to_owned()),
            name: Set(content.name),
            description: Set(content.description),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(self.store.db())
        .await?;
        tag_from_row(row)
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
        match row.update(self.store.db()).await {
            Ok(row) => {
                self.store.content_changed().await;
                tag_from_row(row)
            }
            Err(sea_orm::DbErr::RecordNotUpdated) => Err(PersistenceError::NotFound),
            Err(error) => Err(error.into()),
        }
    }

    /// Deletes a tag; articles lose it (and cached public reads are retired).
    pub async fn delete(&self, id: TagId) -> Result<()> {
        let result = tag::Entity::delete_by_id(id.0)
            .exec(self.store.db())
            .await?;
        if result.rows_affected == 0 {
            return Err(PersistenceError::NotFound);
        }
        self.store.content_changed().await;
        Ok(())
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

    /// The tags with these ids, in no particular order.
    pub(crate) async fn by_ids(&self, ids: &[Uuid]) -> Result<Vec<Tag>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        tag::Entity::find()
            .filter(tag::Column::Id.is_in(ids.iter().copied()))
            .all(self.store.db())
            .await?
            .into_iter()
            .map(tag_from_row)
            .collect()
    }
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
