//! The article a reply goes under, as replies need it: which article, and
//! whether it takes replies. Posting a reply and reading an article's threads
//! only need these two fields; loading the whole article for them (bylines,
//! tags, sections, blocks) cost nine statements where this costs one, and on a
//! busy PostgreSQL every statement waits its turn for a core
//! (`bench/writers.sh`).

use masthead_domain::{ArticleId, ReplyPolicy};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::articles::{visible, ArticleRepo};
use crate::entities::article;
use crate::error::{parse_stored, Result};
use crate::slug_history;
use crate::Visibility;

/// What replies need to know of their article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyTarget {
    /// The article.
    pub id: ArticleId,
    /// Whether (and how) it takes replies.
    pub reply_policy: ReplyPolicy,
}

impl ArticleRepo<'_> {
    /// The reply target with this id, if `visibility` may see the article.
    pub async fn reply_target_by_id(
        &self,
        id: ArticleId,
        visibility: Visibility,
    ) -> Result<Option<ReplyTarget>> {
        self.reply_target(article::Column::Id.eq(id.0), visibility)
            .await
    }

    /// The reply target with this slug, if `visibility` may see the article.
    /// A retired slug finds the article too, as [`ArticleRepo::by_slug`] does.
    pub async fn reply_target_by_slug(
        &self,
        slug: &str,
        visibility: Visibility,
    ) -> Result<Option<ReplyTarget>> {
        let found = self
            .reply_target(article::Column::Slug.eq(slug), visibility)
            .await?;
        if found.is_some() {
            return Ok(found);
        }
        match slug_history::retired_owner(self.db(), slug).await? {
            Some(id) => self.reply_target_by_id(ArticleId(id), visibility).await,
            None => Ok(None),
        }
    }

    async fn reply_target(
        &self,
        condition: sea_orm::sea_query::SimpleExpr,
        visibility: Visibility,
    ) -> Result<Option<ReplyTarget>> {
        let row: Option<(Uuid, String)> = visible(article::Entity::find(), visibility)
            .filter(condition)
            .select_only()
            .column(article::Column::Id)
            .column(article::Column::ReplyPolicy)
            .into_tuple()
            .one(self.db())
            .await?;
        row.map(|(id, policy)| {
            Ok(ReplyTarget {
                id: ArticleId(id),
                reply_policy: parse_stored(&policy)?,
            })
        })
        .transpose()
    }
}
