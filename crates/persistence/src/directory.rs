//! The public directory: tags and authors as readers browse them, each with
//! how many public articles it has, in slug order with keyset pagination.
//! An author is a member of staff with at least one public article; staff who
//! never published stay out of the public eye.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use masthead_domain::{Author, Tag};
use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entities::{article, article_author, article_tag, tag, user};
use crate::error::Result;
use crate::store::Store;
use crate::tags::tag_from_row;
use crate::users::user_from_row;

/// A directory entry with its count of public articles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed<T> {
    /// The tag or author.
    pub item: T,
    /// Public articles filed under it (or bylined by them).
    pub article_count: u64,
}

/// One page of the directory, in slug order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryPage<T> {
    /// The entries.
    pub items: Vec<Listed<T>>,
    /// More entries follow the last one.
    pub has_next: bool,
}

/// The public directory.
pub struct DirectoryRepo<'a> {
    store: &'a Store,
}

impl Store {
    /// The public directory of tags and authors.
    pub fn directory(&self) -> DirectoryRepo<'_> {
        DirectoryRepo { store: self }
    }
}

impl DirectoryRepo<'_> {
    /// Tags after the slug `after`, at most `limit`, as seen at `now`.
    pub async fn tags(
        &self,
        now: DateTime<Utc>,
        after: Option<&str>,
        limit: u64,
    ) -> Result<DirectoryPage<Tag>> {
        let mut query = tag::Entity::find().order_by_asc(tag::Column::Slug);
        if let Some(after) = after {
            query = query.filter(tag::Column::Slug.gt(after));
        }
        let mut rows = query.limit(limit + 1).all(self.store.db()).await?;
        let has_next = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let tags = rows
            .into_iter()
            .map(tag_from_row)
            .collect::<Result<Vec<_>>>()?;
        let items = self.with_tag_counts(now, tags).await?;
        Ok(DirectoryPage { items, has_next })
    }

    /// The tag with this slug.
    pub async fn tag(&self, now: DateTime<Utc>, slug: &str) -> Result<Option<Listed<Tag>>> {
        let Some(tag) = self.store.tags().by_slug(slug).await? else {
            return Ok(None);
        };
        Ok(self.with_tag_counts(now, vec![tag]).await?.pop())
    }

    /// Authors after the slug `after`, at most `limit`, as seen at `now`.
    pub async fn authors(
        &self,
        now: DateTime<Utc>,
        after: Option<&str>,
        limit: u64,
    ) -> Result<DirectoryPage<Author>> {
        let mut query = user::Entity::find()
            .filter(user::Column::Id.in_subquery(bylined(now)))
            .order_by_asc(user::Column::Slug);
        if let Some(after) = after {
            query = query.filter(user::Column::Slug.gt(after));
        }
        let mut rows = query.limit(limit + 1).all(self.store.db()).await?;
        let has_next = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let authors = rows
            .into_iter()
            .map(|row| user_from_row(row).map(|user| user.as_author()))
            .collect::<Result<Vec<_>>>()?;
        let items = self.with_author_counts(now, authors).await?;
        Ok(DirectoryPage { items, has_next })
    }

    /// The author with this slug, if they have a public article.
    pub async fn author(&self, now: DateTime<Utc>, slug: &str) -> Result<Option<Listed<Author>>> {
        let row = user::Entity::find()
            .filter(user::Column::Slug.eq(slug))
            .filter(user::Column::Id.in_subquery(bylined(now)))
            .one(self.store.db())
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let author = user_from_row(row)?.as_author();
        Ok(self.with_author_counts(now, vec![author]).await?.pop())
    }

    async fn with_tag_counts(
        &self,
        now: DateTime<Utc>,
        tags: Vec<Tag>,
    ) -> Result<Vec<Listed<Tag>>> {
        let ids: Vec<Uuid> = tags.iter().map(|tag| tag.id.0).collect();
        let counts: HashMap<Uuid, i64> = if ids.is_empty() {
            HashMap::new()
        } else {
            article_tag::Entity::find()
                .select_only()
                .column(article_tag::Column::TagId)
                .column_as(Expr::col(article_tag::Column::ArticleId).count(), "n")
                .filter(article_tag::Column::TagId.is_in(ids))
                .filter(article_tag::Column::ArticleId.in_subquery(public_ids(now)))
                .group_by(article_tag::Column::TagId)
                .into_tuple::<(Uuid, i64)>()
                .all(self.store.db())
                .await?
                .into_iter()
                .collect()
        };
        Ok(tags
            .into_iter()
            .map(|tag| Listed {
                article_count: counts.get(&tag.id.0).copied().unwrap_or(0).max(0) as u64,
                item: tag,
            })
            .collect())
    }

    async fn with_author_counts(
        &self,
        now: DateTime<Utc>,
        authors: Vec<Author>,
    ) -> Result<Vec<Listed<Author>>> {
        let ids: Vec<Uuid> = authors.iter().map(|author| author.id.0).collect();
        let counts: HashMap<Uuid, i64> = if ids.is_empty() {
            HashMap::new()
        } else {
            article_author::Entity::find()
                .select_only()
                .column(article_author::Column::UserId)
                .column_as(Expr::col(article_author::Column::ArticleId).count(), "n")
                .filter(article_author::Column::UserId.is_in(ids))
                .filter(article_author::Column::ArticleId.in_subquery(public_ids(now)))
                .group_by(article_author::Column::UserId)
                .into_tuple::<(Uuid, i64)>()
                .all(self.store.db())
                .await?
                .into_iter()
                .collect()
        };
        Ok(authors
            .into_iter()
            .map(|author| Listed {
                article_count: counts.get(&author.id.0).copied().unwrap_or(0).max(0) as u64,
                item: author,
            })
            .collect())
    }
}

/// Ids of the articles the public may read at `now` (the same rule as article reads).
fn public_ids(now: DateTime<Utc>) -> SelectStatement {
    Query::select()
        .column(article::Column::Id)
        .from(article::Entity)
        .and_where(crate::articles::public_at_or_before(now))
        .to_owned()
}

/// Ids of the users on the byline of a public article.
fn bylined(now: DateTime<Utc>) -> SelectStatement {
    Query::select()
        .column(article_author::Column::UserId)
        .from(article_author::Entity)
        .and_where(Expr::col(article_author::Column::ArticleId).in_subquery(public_ids(now)))
        .to_owned()
}
