//! Persisted GraphQL documents (automatic persisted queries): the text of a
//! query under the SHA-256 of that text, shared by every node through the
//! database so a CDN may send a hash to any of them. The store is bounded:
//! past `max_count` documents, the least recently used go.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::entities::persisted_document;
use crate::error::Result;
use crate::store::Store;

/// Persisted documents.
pub struct PersistedDocumentRepo<'a> {
    store: &'a Store,
}

impl Store {
    /// The persisted-document repository.
    pub fn persisted_documents(&self) -> PersistedDocumentRepo<'_> {
        PersistedDocumentRepo { store: self }
    }
}

impl PersistedDocumentRepo<'_> {
    /// The document whose SHA-256 (lower-case hex) is `hash`, marked as used now.
    pub async fn get(&self, hash: &str) -> Result<Option<String>> {
        let found = persisted_document::Entity::find_by_id(hash.to_owned())
            .one(self.store.db())
            .await?;
        if found.is_some() {
            persisted_document::Entity::update_many()
                .col_expr(
                    persisted_document::Column::LastUsedAt,
                    Expr::value(crate::now()),
                )
                .filter(persisted_document::Column::Hash.eq(hash))
                .exec(self.store.writer())
                .await?;
        }
        Ok(found.map(|row| row.document))
    }

    /// Stores `document` under `hash` (the caller checked that it is its
    /// SHA-256), then evicts the least recently used beyond `max_count`.
    /// Storing a known document again only marks it used.
    pub async fn put(&self, hash: &str, document: &str, max_count: u64) -> Result<()> {
        let now = crate::now();
        let db = self.store.writer();
        persisted_document::Entity::insert(persisted_document::ActiveModel {
            hash: Set(hash.to_owned()),
            document: Set(document.to_owned()),
            created_at: Set(now),
            last_used_at: Set(now),
        })
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(persisted_document::Column::Hash)
                .update_column(persisted_document::Column::LastUsedAt)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        let count = persisted_document::Entity::find().count(db).await?;
        if count > max_count {
            let excess = count - max_count;
            let oldest: Vec<String> = persisted_document::Entity::find()
                .select_only()
                .column(persisted_document::Column::Hash)
                .order_by_asc(persisted_document::Column::LastUsedAt)
                .order_by_asc(persisted_document::Column::Hash)
                .limit(excess)
                .into_tuple()
                .all(db)
                .await?;
            persisted_document::Entity::delete_many()
                .filter(persisted_document::Column::Hash.is_in(oldest))
                .exec(db)
                .await?;
        }
        Ok(())
    }

    /// How many documents are stored.
    pub async fn count(&self) -> Result<u64> {
        Ok(persisted_document::Entity::find()
            .count(self.store.db())
            .await?)
    }
}
