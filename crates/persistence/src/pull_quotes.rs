//! Pull quotes across the archive, found by speaker through the
//! `speaker_key` index: "every quote by this minister".

use masthead_domain::{ArticleId, PullQuote};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::article_body::{block_from_row, speaker_key};
use crate::articles::Visibility;
use crate::entities::{article, article_block};
use crate::error::{PersistenceError, Result};
use crate::store::Store;

/// Where a quote stands, as a stable position for pagination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct QuotePosition {
    /// The article it is in.
    pub article_id: ArticleId,
    /// Its section.
    pub section: i32,
    /// Its place in the section.
    pub block: i32,
}

/// A pull quote with where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedQuote {
    /// Position, also the pagination key.
    pub position: QuotePosition,
    /// The quote.
    pub quote: PullQuote,
}

/// The pull-quote repository.
pub struct PullQuoteRepo<'a> {
    store: &'a Store,
}

impl Store {
    /// The pull-quote repository.
    pub fn pull_quotes(&self) -> PullQuoteRepo<'_> {
        PullQuoteRepo { store: self }
    }
}

impl PullQuoteRepo<'_> {
    /// Quotes by `speaker` (any case; all speakers when `None`) in articles
    /// `visibility` may see, newest article first, after `after`, at most `limit`
    /// (plus one, so the caller knows whether more follow).
    pub async fn list(
        &self,
        speaker: Option<&str>,
        visibility: Visibility,
        after: Option<QuotePosition>,
        limit: u64,
    ) -> Result<Vec<PlacedQuote>> {
        let mut query = quotes(speaker, visibility);
        if let Some(after) = after {
            let (id, section, block) = (after.article_id.0, after.section, after.block);
            query = query.filter(
                Condition::any()
                    .add(article_block::Column::ArticleId.lt(id))
                    .add(
                        Condition::all()
                            .add(article_block::Column::ArticleId.eq(id))
                            .add(
                                Condition::any()
                                    .add(article_block::Column::SectionPosition.gt(section))
                                    .add(
                                        Condition::all()
                                            .add(article_block::Column::SectionPosition.eq(section))
                                            .add(article_block::Column::Position.gt(block)),
                                    ),
                            ),
                    ),
            );
        }
        let rows = query
            .order_by_desc(article_block::Column::ArticleId)
            .order_by_asc(article_block::Column::SectionPosition)
            .order_by_asc(article_block::Column::Position)
            .limit(limit)
            .all(self.store.db())
            .await?;
        rows.into_iter()
            .map(|row| {
                let position = QuotePosition {
                    article_id: ArticleId(row.article_id),
                    section: row.section_position,
                    block: row.position,
                };
                match block_from_row(row)? {
                    masthead_domain::Block::PullQuote(quote) => Ok(PlacedQuote { position, quote }),
                    _ => Err(PersistenceError::Corrupt(
                        "pull-quote row of another kind".into(),
                    )),
                }
            })
            .collect()
    }

    /// How many quotes `list` pages through for `speaker` (GraphQL `totalCount`).
    pub async fn count(&self, speaker: Option<&str>, visibility: Visibility) -> Result<u64> {
        Ok(quotes(speaker, visibility).count(self.store.db()).await?)
    }
}

/// Pull-quote blocks by `speaker` (all when `None`) in articles `visibility` may see.
fn quotes(speaker: Option<&str>, visibility: Visibility) -> sea_orm::Select<article_block::Entity> {
    let mut query =
        article_block::Entity::find().filter(article_block::Column::Kind.eq("pull_quote"));
    if let Some(speaker) = speaker {
        query = query.filter(article_block::Column::SpeakerKey.eq(speaker_key(speaker)));
    }
    if let Visibility::Public { now } = visibility {
        let public = Query::select()
            .column(article::Column::Id)
            .from(article::Entity)
            .and_where(crate::articles::public_at_or_before(now))
            .to_owned();
        query = query.filter(article_block::Column::ArticleId.in_subquery(public));
    }
    query
}
