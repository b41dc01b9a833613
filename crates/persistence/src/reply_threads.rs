//! Approved replies of many articles at once, for GraphQL's reply loader:
//! a page of articles with their replies costs one statement, not one per article.

use std::collections::HashMap;

use masthead_domain::{ArticleId, Reply, ReplyStatus};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::reply;
use crate::error::Result;
use crate::replies::reply_from_row;
use crate::store::Store;

impl Store {
    /// Every approved reply under each of `article_ids`, oldest first; threads
    /// are rebuilt from `parent_id` by the caller. Articles without replies get
    /// an empty list.
    pub async fn approved_replies_of(
        &self,
        article_ids: &[ArticleId],
    ) -> Result<HashMap<ArticleId, Vec<Reply>>> {
        let mut by_article: HashMap<ArticleId, Vec<Reply>> =
            article_ids.iter().map(|id| (*id, Vec::new())).collect();
        if article_ids.is_empty() {
            return Ok(by_article);
        }
        let rows = reply::Entity::find()
            .filter(reply::Column::ArticleId.is_in(article_ids.iter().map(|id| id.0)))
            .filter(reply::Column::Status.eq(ReplyStatus::Approved.as_str()))
            .order_by_asc(reply::Column::CreatedAt)
            .order_by_asc(reply::Column::Id)
            .all(self.db())
            .await?;
        for row in rows {
            let reply = reply_from_row(row)?;
            by_article.entry(reply.article_id).or_default().push(reply);
        }
        Ok(by_article)
    }
}
