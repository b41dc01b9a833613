//! The stored word counts (`articles.word_count`), recomputed from the whole
//! body with the domain's rule. Every save and restore stores the count of
//! what it saved; this pass brings rows written otherwise (or under an older
//! rule) in line. It runs once, right after the migration that asks for it.

use masthead_domain::article::body_word_count;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use crate::article_body;
use crate::entities::article;
use crate::error::Result;
use crate::store::Store;

/// Articles read and updated per round.
const BATCH: u64 = 500;

/// The migration after which word counts are recomputed.
pub(crate) const RECOMPUTE_AFTER: &str = "m20261202_000008_block_ids";

impl Store {
    /// Recomputes every article's stored word count from its standfirst and
    /// whole body (in rounds of 500 articles, each one transaction-free
    /// statement per changed row): what a migration that changes the
    /// counting rule or the bodies runs. Returns how many rows changed.
    pub async fn recompute_word_counts(&self) -> Result<u64> {
        let mut after: Option<Uuid> = None;
        let mut changed = 0;
        loop {
            let mut query = article::Entity::find()
                .select_only()
                .column(article::Column::Id)
                .column(article::Column::Standfirst)
                .column(article::Column::WordCount)
                .order_by_asc(article::Column::Id)
                .limit(BATCH);
            if let Some(after) = after {
                query = query.filter(article::Column::Id.gt(after));
            }
            let rows: Vec<(Uuid, String, i32)> = query.into_tuple().all(self.db()).await?;
            let Some(last) = rows.last() else {
                return Ok(changed);
            };
            after = Some(last.0);
            let ids: Vec<Uuid> = rows.iter().map(|row| row.0).collect();
            let bodies = article_body::load(self.db(), &ids).await?;
            for (id, standfirst, stored) in rows {
                let body = bodies.get(&id).map(Vec::as_slice).unwrap_or_default();
                let words = i32::try_from(body_word_count(&standfirst, body)).unwrap_or(i32::MAX);
                if words != stored {
                    article::Entity::update_many()
                        .set(article::ActiveModel {
                            word_count: Set(words),
                            ..Default::default()
                        })
                        .filter(article::Column::Id.eq(id))
                        .exec(self.writer())
                        .await?;
                    changed += 1;
                }
            }
        }
    }
}
