//! The stored form of a revision's content: JSON that mirrors the domain's
//! editable content. Private to storage; the wire formats are the APIs'
//! business, and a domain type carries no serialization derive.
//!
//! Sections and blocks carry their ids. Revisions saved before they had ids
//! read with the ids the migration gave the live rows (UUID v5 of the article
//! and the position: [`SectionId::legacy`], [`BlockId::legacy`]), so restoring
//! and comparing old revisions works.

use masthead_domain::{
    ArticleContent, ArticleId, Block, BlockContent, BlockId, FeatureImage, ImageSize, ListBlock,
    MediaId, PullQuote, RichText, Section, SectionId, Seo, Slug, TagId, Title, UserId,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{parse_stored, PersistenceError, Result};
use crate::stored_image::StoredImageBlock;

/// The stored JSON form of a revision's content. Private to storage: the wire
/// formats are the APIs' business.
#[derive(Serialize, Deserialize)]
struct StoredContent {
    title: String,
    slug: Option<String>,
    standfirst: String,
    sections: Vec<StoredSection>,
    authors: Vec<Uuid>,
    tags: Vec<Uuid>,
    reply_policy: String,
    meta_title: Option<String>,
    meta_description: Option<String>,
    canonical_url: Option<String>,
    feature_image: Option<StoredImage>,
}

#[derive(Serialize, Deserialize)]
struct StoredSection {
    /// Absent in revisions saved before sections had ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<Uuid>,
    heading: Option<String>,
    icon: Option<String>,
    blocks: Vec<StoredBlock>,
}

#[derive(Serialize, Deserialize)]
struct StoredBlock {
    /// Absent in revisions saved before blocks had ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<Uuid>,
    #[serde(flatten)]
    content: StoredContentBlock,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum StoredContentBlock {
    Paragraph {
        text: String,
    },
    PullQuote {
        text: String,
        icon: Option<String>,
        speaker: Option<String>,
        context: Option<String>,
    },
    List {
        ordered: bool,
        items: Vec<String>,
    },
    Image(StoredImageBlock),
}

#[derive(Serialize, Deserialize)]
struct StoredImage {
    url: String,
    alt: String,
    caption: Option<String>,
    /// Absent in revisions saved before library images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    media_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
}

/// The JSON text stored for `content`.
pub(crate) fn encode(content: &ArticleContent) -> Result<String> {
    let stored = StoredContent {
        title: content.title.as_str().to_owned(),
        slug: content.slug.as_ref().map(|slug| slug.as_str().to_owned()),
        standfirst: content.standfirst.clone(),
        sections: content
            .sections
            .iter()
            .map(|section| StoredSection {
                id: Some(section.id.0),
                heading: section.heading.clone(),
                icon: section.icon.clone(),
                blocks: section.blocks.iter().map(stored_block).collect(),
            })
            .collect(),
        authors: content.authors.iter().map(|id| id.0).collect(),
        tags: content.tags.iter().map(|id| id.0).collect(),
        reply_policy: content.reply_policy.as_str().to_owned(),
        meta_title: content.seo.meta_title.clone(),
        meta_description: content.seo.meta_description.clone(),
        canonical_url: content.seo.canonical_url.clone(),
        feature_image: content.feature_image.as_ref().map(|image| StoredImage {
            url: image.url.clone(),
            alt: image.alt.clone(),
            caption: image.caption.clone(),
            media_id: image.media_id.map(|id| id.0),
            width: image.size.map(|size| size.width),
            height: image.size.map(|size| size.height),
        }),
    };
    // Plain strings, numbers and lists: serializing cannot fail, but if it
    // ever did, the save fails rather than the process.
    serde_json::to_string(&stored)
        .map_err(|error| PersistenceError::Corrupt(format!("revision content: {error}")))
}

fn stored_block(block: &Block) -> StoredBlock {
    StoredBlock {
        id: Some(block.id.0),
        content: stored_content(&block.content),
    }
}

fn stored_content(content: &BlockContent) -> StoredContentBlock {
    match content {
        BlockContent::Paragraph(text) => StoredContentBlock::Paragraph {
            text: text.source().to_owned(),
        },
        BlockContent::PullQuote(quote) => StoredContentBlock::PullQuote {
            text: quote.text.clone(),
            icon: quote.icon.clone(),
            speaker: quote.speaker.clone(),
            context: quote.context.clone(),
        },
        BlockContent::List(list) => StoredContentBlock::List {
            ordered: list.ordered,
            items: list
                .items
                .iter()
                .map(|item| item.source().to_owned())
                .collect(),
        },
        BlockContent::Image(image) => StoredContentBlock::Image(image.into()),
    }
}

/// The content of stored JSON text of a revision of `article`; anything
/// unreadable is corruption.
pub(crate) fn decode(json: &str, article: ArticleId) -> Result<ArticleContent> {
    let corrupt = |what: String| PersistenceError::Corrupt(format!("revision content: {what}"));
    let stored: StoredContent =
        serde_json::from_str(json).map_err(|error| corrupt(error.to_string()))?;
    Ok(ArticleContent {
        title: Title::parse("title", &stored.title).map_err(|e| corrupt(e.to_string()))?,
        slug: stored
            .slug
            .map(|slug| Slug::parse("slug", &slug))
            .transpose()
            .map_err(|e| corrupt(e.to_string()))?,
        standfirst: stored.standfirst,
        sections: stored
            .sections
            .into_iter()
            .enumerate()
            .map(|(s, section)| -> Result<Section> {
                Ok(Section {
                    id: section
                        .id
                        .map_or_else(|| SectionId::legacy(article, s), SectionId),
                    heading: section.heading,
                    icon: section.icon,
                    blocks: section
                        .blocks
                        .into_iter()
                        .enumerate()
                        .map(|(b, block)| {
                            Ok(Block {
                                id: block
                                    .id
                                    .map_or_else(|| BlockId::legacy(article, s, b), BlockId),
                                content: domain_content(block.content)?,
                            })
                        })
                        .collect::<Result<_>>()?,
                })
            })
            .collect::<Result<_>>()?,
        authors: stored.authors.into_iter().map(UserId).collect(),
        tags: stored.tags.into_iter().map(TagId).collect(),
        reply_policy: parse_stored(&stored.reply_policy)?,
        seo: Seo {
            meta_title: stored.meta_title,
            meta_description: stored.meta_description,
            canonical_url: stored.canonical_url,
        },
        feature_image: stored.feature_image.map(|image| FeatureImage {
            url: image.url,
            alt: image.alt,
            caption: image.caption,
            media_id: image.media_id.map(MediaId),
            size: image
                .width
                .zip(image.height)
                .map(|(width, height)| ImageSize { width, height }),
        }),
    })
}

fn domain_content(block: StoredContentBlock) -> Result<BlockContent> {
    Ok(match block {
        StoredContentBlock::Paragraph { text } => BlockContent::Paragraph(RichText::new(text)),
        StoredContentBlock::PullQuote {
            text,
            icon,
            speaker,
            context,
        } => BlockContent::PullQuote(PullQuote {
            text,
            icon,
            speaker,
            context,
        }),
        StoredContentBlock::List { ordered, items } => BlockContent::List(ListBlock {
            ordered,
            items: items.into_iter().map(RichText::new).collect(),
        }),
        StoredContentBlock::Image(image) => BlockContent::Image(image.into_domain()?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEGACY: &str = r#"{"title":"Old","slug":null,"standfirst":"","sections":[
        {"heading":null,"icon":null,"blocks":[{"type":"paragraph","text":"One."},
         {"type":"pull_quote","text":"Said.","icon":null,"speaker":"S","context":null}]},
        {"heading":"Two","icon":null,"blocks":[{"type":"list","ordered":false,"items":["a"]}]}],
        "authors":[],"tags":[],"reply_policy":"moderated","meta_title":null,
        "meta_description":null,"canonical_url":null,"feature_image":null}"#;

    #[test]
    fn revisions_without_ids_read_with_the_legacy_ids_of_their_positions() {
        let article = ArticleId::generate();
        let content = decode(LEGACY, article).unwrap();
        assert_eq!(content.sections[1].id, SectionId::legacy(article, 1));
        assert_eq!(
            content.sections[0].blocks[1].id,
            BlockId::legacy(article, 0, 1)
        );
        assert_eq!(decode(LEGACY, article).unwrap(), content, "deterministic");
    }

    #[test]
    fn ids_survive_a_round_trip() {
        let article = ArticleId::generate();
        let mut content = decode(LEGACY, article).unwrap();
        content.sections[0].blocks[0].id = BlockId::generate();
        let again = decode(&encode(&content).unwrap(), ArticleId::generate()).unwrap();
        assert_eq!(again, content);
    }
}
