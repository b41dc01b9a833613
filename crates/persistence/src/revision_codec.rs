//! The stored form of a revision's content: JSON that mirrors the domain's
//! editable content. Private to storage; the wire formats are the APIs'
//! business, and a domain type carries no serialization derive.

use masthead_domain::{
    ArticleContent, Block, FeatureImage, ListBlock, PullQuote, RichText, Section, Seo, Slug, TagId,
    Title, UserId,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{parse_stored, PersistenceError, Result};

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
    heading: Option<String>,
    icon: Option<String>,
    blocks: Vec<StoredBlock>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum StoredBlock {
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
}

#[derive(Serialize, Deserialize)]
struct StoredImage {
    url: String,
    alt: String,
    caption: Option<String>,
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
        }),
    };
    // Plain strings, numbers and lists: serializing cannot fail, but if it
    // ever did, the save fails rather than the process.
    serde_json::to_string(&stored)
        .map_err(|error| PersistenceError::Corrupt(format!("revision content: {error}")))
}

fn stored_block(block: &Block) -> StoredBlock {
    match block {
        Block::Paragraph(text) => StoredBlock::Paragraph {
            text: text.source().to_owned(),
        },
        Block::PullQuote(quote) => StoredBlock::PullQuote {
            text: quote.text.clone(),
            icon: quote.icon.clone(),
            speaker: quote.speaker.clone(),
            context: quote.context.clone(),
        },
        Block::List(list) => StoredBlock::List {
            ordered: list.ordered,
            items: list
                .items
                .iter()
                .map(|item| item.source().to_owned())
                .collect(),
        },
    }
}

/// The content of stored JSON text; anything unreadable is corruption.
pub(crate) fn decode(json: &str) -> Result<ArticleContent> {
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
            .map(|section| Section {
                heading: section.heading,
                icon: section.icon,
                blocks: section.blocks.into_iter().map(domain_block).collect(),
            })
            .collect(),
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
        }),
    })
}

fn domain_block(block: StoredBlock) -> Block {
    match block {
        StoredBlock::Paragraph { text } => Block::Paragraph(RichText::new(text)),
        StoredBlock::PullQuote {
            text,
            icon,
            speaker,
            context,
        } => Block::PullQuote(PullQuote {
            text,
            icon,
            speaker,
            context,
        }),
        StoredBlock::List { ordered, items } => Block::List(ListBlock {
            ordered,
            items: items.into_iter().map(RichText::new).collect(),
        }),
    }
}
