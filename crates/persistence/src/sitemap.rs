//! What sitemaps need of the public archive, read by the `(public_at, id)`
//! index: each call walks one range of it, so the sitemap index and the news
//! sitemap cost the same for 100 articles as for 100,000.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use sea_orm::sea_query::SimpleExpr;

use crate::articles::public_at_or_before;
use crate::entities::article;
use crate::error::Result;
use crate::store::Store;

/// One public article as a sitemap lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapArticle {
    /// Its current slug.
    pub slug: String,
    /// Its headline.
    pub title: String,
    /// When it became public.
    pub public_at: DateTime<Utc>,
    /// Its last change as the public sees it.
    pub modified: DateTime<Utc>,
}

/// Sitemap reads.
pub struct SitemapRepo<'a> {
    store: &'a Store,
}

impl Store {
    /// Sitemap reads of the public archive.
    pub fn sitemap(&self) -> SitemapRepo<'_> {
        SitemapRepo { store: self }
    }
}

impl SitemapRepo<'_> {
    /// When the newest article public at `now` and before `before` became public.
    pub async fn newest_before(
        &self,
        now: DateTime<Utc>,
        before: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        let row = article::Entity::find()
            .filter(one_upper_bound(now, before))
            .order_by_desc(article::Column::PublicAt)
            .limit(1)
            .one(self.store.db())
            .await?;
        Ok(row.and_then(|row| row.public_at))
    }

    /// How many articles public at `now` became public in `[from, until)`:
    /// how many files a month's sitemap needs.
    pub async fn count_between(
        &self,
        now: DateTime<Utc>,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<u64> {
        Ok(article::Entity::find()
            .filter(one_upper_bound(now, until))
            .filter(article::Column::PublicAt.gte(from))
            .count(self.store.db())
            .await?)
    }

    /// Articles public at `now` that became public in `[from, until)`, newest
    /// first, at most `limit` after skipping `offset` (the earlier files of a
    /// month split into several).
    pub async fn between(
        &self,
        now: DateTime<Utc>,
        (from, until): (DateTime<Utc>, DateTime<Utc>),
        limit: u64,
        offset: u64,
    ) -> Result<Vec<SitemapArticle>> {
        let rows = article::Entity::find()
            .filter(one_upper_bound(now, until))
            .filter(article::Column::PublicAt.gte(from))
            .order_by_desc(article::Column::PublicAt)
            .order_by_desc(article::Column::Id)
            .offset(offset)
            .limit(limit)
            .all(self.store.db())
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let public_at = row.public_at?;
                Some(SitemapArticle {
                    slug: row.slug,
                    title: row.title,
                    modified: public_at.max(row.updated_at),
                    public_at,
                })
            })
            .collect())
    }
}

/// `public_at <= now` and `public_at < before`, said as the one bound that
/// matters: SQLite takes only one upper bound as the range of its index walk,
/// and with both it could walk every article newer than `before` first.
fn one_upper_bound(now: DateTime<Utc>, before: DateTime<Utc>) -> SimpleExpr {
    if before <= now {
        article::Column::PublicAt.lt(before)
    } else {
        public_at_or_before(now)
    }
}
