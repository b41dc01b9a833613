//! Pull quotes across the archive, newest publication first, found by speaker
//! through the `speaker_key` index: "every quote by this minister".

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use masthead_domain::{ArticleId, BlockContent, BlockId, FieldError, PullQuote};
use sea_orm::sea_query::{Expr, Func, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, RelationDef,
};

use crate::article_body::{block_from_row, speaker_key};
use crate::articles::Visibility;
use crate::entities::{article, article_block};
use crate::error::{PersistenceError, Result};
use crate::store::Store;

/// Where a quote stands in the list's order (its article's publication time,
/// then the article, then reading order): the keyset of its pagination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotePosition {
    /// When its article was published (the epoch for an unpublished one, staff only).
    pub published_at: DateTime<Utc>,
    /// The article it is in.
    pub article_id: ArticleId,
    /// Its section.
    pub section: i32,
    /// Its place in the section.
    pub block: i32,
}

impl QuotePosition {
    /// The opaque cursor a client gets for this position.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!(
            "q|{}|{}|{}|{}",
            self.published_at.to_rfc3339(),
            self.article_id,
            self.section,
            self.block
        ))
    }

    /// Reads a client's cursor; anything malformed is a field error on `field`.
    pub fn decode(field: &str, cursor: &str) -> Result<Self> {
        let invalid =
            || PersistenceError::Domain(FieldError::new(field, "is not a valid cursor").into());
        if cursor.len() > 200 {
            return Err(invalid());
        }
        let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let mut parts = text.split('|');
        let (Some("q"), Some(at), Some(id), Some(section), Some(block), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(invalid());
        };
        Ok(Self {
            published_at: DateTime::parse_from_rfc3339(at)
                .map_err(|_| invalid())?
                .with_timezone(&Utc),
            article_id: id.parse().map_err(|_| invalid())?,
            section: section.parse().map_err(|_| invalid())?,
            block: block.parse().map_err(|_| invalid())?,
        })
    }
}

/// A pull quote with where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedQuote {
    /// Position, also the pagination key.
    pub position: QuotePosition,
    /// The block's stable id.
    pub id: BlockId,
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
    /// `visibility` may see, newest publication first (ties: the article with
    /// the greater id first), in reading order within an article; after
    /// `after`, at most `limit` (plus one, so the caller knows whether more follow).
    pub async fn list(
        &self,
        speaker: Option<&str>,
        visibility: Visibility,
        after: Option<QuotePosition>,
        limit: u64,
    ) -> Result<Vec<PlacedQuote>> {
        check_speaker(speaker)?;
        let key = sort_key(visibility);
        let mut query = quotes(speaker, visibility).select_also(article::Entity);
        if let Some(after) = after {
            query = query.filter(after_position(key.clone(), after));
        }
        let rows = query
            .order_by(key, sea_orm::Order::Desc)
            .order_by_desc(article_block::Column::ArticleId)
            .order_by_asc(article_block::Column::SectionPosition)
            .order_by_asc(article_block::Column::Position)
            .limit(limit)
            .all(self.store.db())
            .await?;
        rows.into_iter()
            .map(|(row, article)| {
                let published_at = article
                    .and_then(|article| article.published_at)
                    .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
                let position = QuotePosition {
                    published_at,
                    article_id: ArticleId(row.article_id),
                    section: row.section_position,
                    block: row.position,
                };
                let block = block_from_row(row)?;
                match block.content {
                    BlockContent::PullQuote(quote) => Ok(PlacedQuote {
                        position,
                        id: block.id,
                        quote,
                    }),
                    _ => Err(PersistenceError::Corrupt(
                        "pull-quote row of another kind".into(),
                    )),
                }
            })
            .collect()
    }

    /// How many quotes `list` pages through for `speaker` (GraphQL `totalCount`).
    pub async fn count(&self, speaker: Option<&str>, visibility: Visibility) -> Result<u64> {
        check_speaker(speaker)?;
        Ok(quotes(speaker, visibility).count(self.store.db()).await?)
    }
}

/// The articles of quotes, joined for their publication time.
fn to_article() -> RelationDef {
    article_block::Entity::belongs_to(article::Entity)
        .from(article_block::Column::ArticleId)
        .to(article::Column::Id)
        .into()
}

/// The sort key: the public see `public_at` (their publication time, indexed);
/// staff also see unpublished articles, last, at the epoch.
fn sort_key(visibility: Visibility) -> SimpleExpr {
    match visibility {
        Visibility::Public { .. } => Expr::col((article::Entity, article::Column::PublicAt)).into(),
        Visibility::Staff => Func::coalesce([
            Expr::col((article::Entity, article::Column::PublishedAt)).into(),
            Expr::val(DateTime::<Utc>::UNIX_EPOCH).into(),
        ])
        .into(),
    }
}

/// Quotes after `cursor` in the list's order: an older article, or an older
/// id at the same time, or further on in the same article.
fn after_position(key: SimpleExpr, cursor: QuotePosition) -> Condition {
    let at = cursor.published_at;
    let id = cursor.article_id.0;
    let later_in_article = Condition::any()
        .add(article_block::Column::SectionPosition.gt(cursor.section))
        .add(
            Condition::all()
                .add(article_block::Column::SectionPosition.eq(cursor.section))
                .add(article_block::Column::Position.gt(cursor.block)),
        );
    Condition::any()
        .add(Expr::expr(key.clone()).lt(at))
        .add(
            Condition::all()
                .add(Expr::expr(key.clone()).eq(at))
                .add(article_block::Column::ArticleId.lt(id)),
        )
        .add(
            Condition::all()
                .add(Expr::expr(key).eq(at))
                .add(article_block::Column::ArticleId.eq(id))
                .add(later_in_article),
        )
}

/// Pull-quote blocks by `speaker` (all when `None`) in articles `visibility`
/// may see, joined to their articles.
fn quotes(speaker: Option<&str>, visibility: Visibility) -> sea_orm::Select<article_block::Entity> {
    let mut query = article_block::Entity::find()
        .join(JoinType::InnerJoin, to_article())
        .filter(article_block::Column::Kind.eq("pull_quote"));
    if let Some(speaker) = speaker {
        query = query.filter(article_block::Column::SpeakerKey.eq(speaker_key(speaker)));
    }
    if let Visibility::Public { now } = visibility {
        query = query.filter(crate::articles::public_at_or_before(now));
    }
    query
}

/// Refuses a speaker filter longer than any stored attribution.
fn check_speaker(speaker: Option<&str>) -> std::result::Result<(), masthead_domain::DomainError> {
    use masthead_domain::limits::{check_filter, ATTRIBUTION_MAX};
    check_filter("speaker", speaker, ATTRIBUTION_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let position = QuotePosition {
            published_at: crate::now(),
            article_id: ArticleId::generate(),
            section: 2,
            block: 5,
        };
        assert_eq!(
            QuotePosition::decode("cursor", &position.encode()).unwrap(),
            position
        );
        for bad in ["", "!!", "cXwx", &"a".repeat(300)] {
            assert!(QuotePosition::decode("cursor", bad).is_err(), "{bad}");
        }
        let old_form = URL_SAFE_NO_PAD.encode(format!("q|{}|1|2", ArticleId::generate()));
        assert!(QuotePosition::decode("cursor", &old_form).is_err());
    }
}
