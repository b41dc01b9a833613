//! An article body as rows: sections by position, blocks by (section, position).
//! Writing replaces the whole body inside the caller's transaction; reading
//! rebuilds it in order from two queries, for one article or a whole page.

use std::collections::HashMap;

use masthead_domain::{
    Block, BlockContent, BlockId, ListBlock, PullQuote, RichText, Section, SectionId,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::entities::{article_block, article_section};
use crate::error::{PersistenceError, Result};
use crate::stored_image::StoredImageBlock;

/// Deletes the old body of `article_id` and inserts `sections` in its place.
pub(crate) async fn replace(
    db: &impl ConnectionTrait,
    article_id: Uuid,
    sections: &[Section],
) -> Result<()> {
    article_block::Entity::delete_many()
        .filter(article_block::Column::ArticleId.eq(article_id))
        .exec(db)
        .await?;
    article_section::Entity::delete_many()
        .filter(article_section::Column::ArticleId.eq(article_id))
        .exec(db)
        .await?;
    if sections.is_empty() {
        return Ok(());
    }
    let section_rows =
        sections
            .iter()
            .enumerate()
            .map(|(position, section)| article_section::ActiveModel {
                article_id: Set(article_id),
                position: Set(position as i32),
                id: Set(section.id.0),
                heading: Set(section.heading.clone()),
                icon: Set(section.icon.clone()),
            });
    article_section::Entity::insert_many(section_rows)
        .exec(db)
        .await?;
    let block_rows: Vec<article_block::ActiveModel> = sections
        .iter()
        .enumerate()
        .flat_map(|(section_position, section)| {
            section
                .blocks
                .iter()
                .enumerate()
                .map(move |(position, block)| {
                    block_row(article_id, section_position as i32, position as i32, block)
                })
        })
        .collect();
    // Bounded batches keep each INSERT under every backend's bind-parameter limit.
    for batch in block_rows.chunks(500) {
        article_block::Entity::insert_many(batch.to_vec())
            .exec(db)
            .await?;
    }
    Ok(())
}

pub(crate) fn block_row(
    article_id: Uuid,
    section_position: i32,
    position: i32,
    block: &Block,
) -> article_block::ActiveModel {
    let mut row = article_block::ActiveModel {
        article_id: Set(article_id),
        section_position: Set(section_position),
        position: Set(position),
        id: Set(block.id.0),
        kind: Set(block.kind().to_owned()),
        text: Set(None),
        icon: Set(None),
        speaker: Set(None),
        speaker_key: Set(None),
        context: Set(None),
        ordered: Set(None),
        items: Set(None),
        image: Set(None),
    };
    match &block.content {
        BlockContent::Paragraph(text) => row.text = Set(Some(text.source().to_owned())),
        BlockContent::PullQuote(quote) => {
            row.text = Set(Some(quote.text.clone()));
            row.icon = Set(quote.icon.clone());
            row.speaker = Set(quote.speaker.clone());
            row.speaker_key = Set(quote.speaker.as_deref().map(speaker_key));
            row.context = Set(quote.context.clone());
        }
        BlockContent::List(list) => {
            let items: Vec<&str> = list.items.iter().map(RichText::source).collect();
            row.ordered = Set(Some(list.ordered));
            row.items = Set(Some(serde_json::Value::from(items).to_string()));
        }
        BlockContent::Image(image) => row.image = Set(Some(StoredImageBlock::to_json(image))),
    }
    row
}

/// The normalized form of a speaker's name that the speaker index holds.
pub fn speaker_key(speaker: &str) -> String {
    speaker.trim().to_lowercase()
}

/// Reads the bodies of `article_ids`, each in order; articles without sections get an empty body.
pub(crate) async fn load(
    db: &impl ConnectionTrait,
    article_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Section>>> {
    let mut bodies: HashMap<Uuid, Vec<Section>> = HashMap::with_capacity(article_ids.len());
    if article_ids.is_empty() {
        return Ok(bodies);
    }
    // Sections and blocks at once (see `ArticleRepo::hydrate`).
    let (sections, blocks) = tokio::try_join!(
        article_section::Entity::find()
            .filter(article_section::Column::ArticleId.is_in(article_ids.iter().copied()))
            .order_by_asc(article_section::Column::ArticleId)
            .order_by_asc(article_section::Column::Position)
            .all(db),
        article_block::Entity::find()
            .filter(article_block::Column::ArticleId.is_in(article_ids.iter().copied()))
            .order_by_asc(article_block::Column::ArticleId)
            .order_by_asc(article_block::Column::SectionPosition)
            .order_by_asc(article_block::Column::Position)
            .all(db)
    )?;
    for row in sections {
        bodies.entry(row.article_id).or_default().push(Section {
            id: SectionId(row.id),
            heading: row.heading,
            icon: row.icon,
            blocks: Vec::new(),
        });
    }
    for row in blocks {
        let section = bodies
            .get_mut(&row.article_id)
            .and_then(|sections| sections.get_mut(row.section_position as usize))
            .ok_or_else(|| {
                PersistenceError::Corrupt(format!(
                    "block without section in article {}",
                    row.article_id
                ))
            })?;
        section.blocks.push(block_from_row(row)?);
    }
    Ok(bodies)
}

/// Rebuilds a domain block from its row.
pub(crate) fn block_from_row(row: article_block::Model) -> Result<Block> {
    Ok(Block {
        id: BlockId(row.id),
        content: content_from_row(row)?,
    })
}

fn content_from_row(row: article_block::Model) -> Result<BlockContent> {
    match row.kind.as_str() {
        "paragraph" => Ok(BlockContent::Paragraph(RichText::new(
            row.text.unwrap_or_default(),
        ))),
        "pull_quote" => Ok(BlockContent::PullQuote(PullQuote {
            text: row.text.unwrap_or_default(),
            icon: row.icon,
            speaker: row.speaker,
            context: row.context,
        })),
        "list" => {
            let items: Vec<String> = serde_json::from_str(row.items.as_deref().unwrap_or("[]"))
                .map_err(|error| PersistenceError::Corrupt(format!("list items: {error}")))?;
            Ok(BlockContent::List(ListBlock {
                ordered: row.ordered.unwrap_or(false),
                items: items.into_iter().map(RichText::new).collect(),
            }))
        }
        "image" => Ok(BlockContent::Image(StoredImageBlock::from_json(
            row.image.as_deref().unwrap_or("{}"),
        )?)),
        other => Err(PersistenceError::Corrupt(format!(
            "unknown block kind {other:?}"
        ))),
    }
}

impl crate::store::Store {
    /// The bodies of several articles in two statements, whatever their number:
    /// what GraphQL's body loader batches a page of articles into. Articles
    /// without sections (or unknown ids) get an empty body.
    pub async fn article_bodies(
        &self,
        ids: &[masthead_domain::ArticleId],
    ) -> Result<HashMap<masthead_domain::ArticleId, Vec<Section>>> {
        let raw: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
        let mut bodies = load(self.db(), &raw).await?;
        Ok(ids
            .iter()
            .map(|id| (*id, bodies.remove(&id.0).unwrap_or_default()))
            .collect())
    }
}
