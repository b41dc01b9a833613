//! The JSON shapes of REST responses, built from domain values. Kept apart
//! from the domain so the wire format can evolve without touching the rules.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use masthead_domain::{Article, Author, Block, Reply, RichText, Section, Tag};
use serde::Serialize;

use crate::state::AppState;

/// RFC 3339 in UTC with a `Z`, the one timestamp format of the API.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A tag.
#[derive(Debug, Serialize)]
pub struct TagView {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
}

impl From<&Tag> for TagView {
    fn from(tag: &Tag) -> Self {
        Self {
            id: tag.id.to_string(),
            slug: tag.slug.to_string(),
            name: tag.name.clone(),
            description: tag.description.clone(),
        }
    }
}

/// A byline entry (never the e-mail).
#[derive(Debug, Serialize)]
pub struct AuthorView {
    pub id: String,
    pub slug: String,
    pub display_name: String,
    pub bio: Option<String>,
}

impl From<&Author> for AuthorView {
    fn from(author: &Author) -> Self {
        Self {
            id: author.id.to_string(),
            slug: author.slug.to_string(),
            display_name: author.display_name.clone(),
            bio: author.bio.clone(),
        }
    }
}

/// Inline rich text in its three forms.
#[derive(Debug, Serialize)]
pub struct InlineView {
    /// Plain words.
    pub text: String,
    /// Sanitized HTML.
    pub html: String,
    /// The Markdown source editors wrote.
    pub markdown: String,
}

impl From<&RichText> for InlineView {
    fn from(text: &RichText) -> Self {
        Self {
            text: text.text(),
            html: text.html(),
            markdown: text.source().to_owned(),
        }
    }
}

/// A block, tagged by `type`.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlockView {
    Paragraph {
        #[serde(flatten)]
        text: InlineView,
    },
    PullQuote {
        text: String,
        icon: Option<String>,
        speaker: Option<String>,
        context: Option<String>,
    },
    List {
        ordered: bool,
        items: Vec<InlineView>,
    },
}

impl From<&Block> for BlockView {
    fn from(block: &Block) -> Self {
        match block {
            Block::Paragraph(text) => Self::Paragraph { text: text.into() },
            Block::PullQuote(quote) => Self::PullQuote {
                text: quote.text.clone(),
                icon: quote.icon.clone(),
                speaker: quote.speaker.clone(),
                context: quote.context.clone(),
            },
            Block::List(list) => Self::List {
                ordered: list.ordered,
                items: list.items.iter().map(Into::into).collect(),
            },
        }
    }
}

/// A section of the body.
#[derive(Debug, Serialize)]
pub struct SectionView {
    pub heading: Option<String>,
    pub icon: Option<String>,
    pub blocks: Vec<BlockView>,
}

impl From<&Section> for SectionView {
    fn from(section: &Section) -> Self {
        Self {
            heading: section.heading.clone(),
            icon: section.icon.clone(),
            blocks: section.blocks.iter().map(Into::into).collect(),
        }
    }
}

/// The feature image.
#[derive(Debug, Serialize)]
pub struct FeatureImageView {
    pub url: String,
    pub alt: String,
    pub caption: Option<String>,
}

/// SEO fields.
#[derive(Debug, Serialize)]
pub struct SeoView {
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub canonical_url: Option<String>,
}

/// An article; `sections` only on single-article responses.
#[derive(Debug, Serialize)]
pub struct ArticleView {
    pub id: String,
    pub slug: String,
    pub url: String,
    pub title: String,
    pub standfirst: String,
    pub status: &'static str,
    pub published_at: Option<String>,
    pub scheduled_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i32,
    pub reply_policy: &'static str,
    pub reply_count: u64,
    pub word_count: usize,
    pub reading_time_minutes: usize,
    pub primary_tag: Option<TagView>,
    pub tags: Vec<TagView>,
    pub authors: Vec<AuthorView>,
    pub seo: SeoView,
    pub feature_image: Option<FeatureImageView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sections: Option<Vec<SectionView>>,
}

impl ArticleView {
    /// Renders `article` as seen at `now`, with its body when `with_body`.
    pub fn new(
        state: &AppState,
        article: &Article,
        reply_count: u64,
        with_body: bool,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id: article.id.to_string(),
            slug: article.slug.to_string(),
            url: state.article_url(article),
            title: article.title.to_string(),
            standfirst: article.standfirst.clone(),
            status: article.lifecycle.status_at(now).as_str(),
            published_at: article.lifecycle.published_at.map(timestamp),
            scheduled_at: article.lifecycle.scheduled_at.map(timestamp),
            created_at: timestamp(article.created_at),
            updated_at: timestamp(article.updated_at),
            version: article.version,
            reply_policy: article.reply_policy.as_str(),
            reply_count,
            word_count: article.word_count(),
            reading_time_minutes: article.reading_time_minutes(),
            primary_tag: article.primary_tag().map(Into::into),
            tags: article.tags.iter().map(Into::into).collect(),
            authors: article.authors.iter().map(Into::into).collect(),
            seo: SeoView {
                meta_title: article.seo.meta_title.clone(),
                meta_description: article.seo.meta_description.clone(),
                canonical_url: article.seo.canonical_url.clone(),
            },
            feature_image: article
                .feature_image
                .as_ref()
                .map(|image| FeatureImageView {
                    url: image.url.clone(),
                    alt: image.alt.clone(),
                    caption: image.caption.clone(),
                }),
            sections: with_body.then(|| article.sections.iter().map(Into::into).collect()),
        }
    }
}

/// A public reply with its answers (never the e-mail address).
#[derive(Debug, Serialize)]
pub struct ReplyView {
    pub id: String,
    pub parent_id: Option<String>,
    pub depth: u8,
    /// `None` when the reply was removed but its answers remain.
    pub author_name: Option<String>,
    pub body: Option<String>,
    pub body_html: Option<String>,
    pub is_staff: bool,
    pub removed: bool,
    pub created_at: String,
    pub children: Vec<ReplyView>,
}

impl ReplyView {
    fn new(reply: &Reply) -> Self {
        Self {
            id: reply.id.to_string(),
            parent_id: reply.parent_id.map(|id| id.to_string()),
            depth: reply.depth,
            author_name: Some(reply.author_name.clone()),
            body: Some(reply.body.clone()),
            body_html: Some(reply.body_html()),
            is_staff: reply.is_staff,
            removed: false,
            created_at: timestamp(reply.created_at),
            children: Vec::new(),
        }
    }

    /// Builds threads from approved replies (oldest first). A reply whose
    /// parent is not visible stays at the top level, marked under a removed parent.
    pub fn threads(replies: &[Reply]) -> Vec<ReplyView> {
        let visible: HashMap<_, _> = replies.iter().map(|reply| (reply.id, reply)).collect();
        let mut children: HashMap<_, Vec<&Reply>> = HashMap::new();
        let mut roots = Vec::new();
        for reply in replies {
            match reply.parent_id {
                Some(parent) if visible.contains_key(&parent) => {
                    children.entry(parent).or_default().push(reply)
                }
                _ => roots.push(reply),
            }
        }
        fn build(
            reply: &Reply,
            children: &HashMap<masthead_domain::ReplyId, Vec<&Reply>>,
        ) -> ReplyView {
            let mut view = ReplyView::new(reply);
            view.children = children.get(&reply.id).map_or_else(Vec::new, |list| {
                list.iter().map(|child| build(child, children)).collect()
            });
            view
        }
        roots
            .into_iter()
            .map(|root| build(root, &children))
            .collect()
    }
}

/// A page of a list: `{"data": [...], "next_cursor": ...}`.
#[derive(Debug, Serialize)]
pub struct ListView<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A staff account as its owner and admins see it (with e-mail and role).
#[derive(Debug, Serialize)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub slug: String,
    pub bio: Option<String>,
    pub role: &'static str,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&masthead_domain::User> for UserView {
    fn from(user: &masthead_domain::User) -> Self {
        Self {
            id: user.id.to_string(),
            email: user.email.as_str().to_owned(),
            display_name: user.display_name.as_str().to_owned(),
            slug: user.slug.to_string(),
            bio: user.bio.clone(),
            role: user.role.as_str(),
            active: user.active,
            created_at: timestamp(user.created_at),
            updated_at: timestamp(user.updated_at),
        }
    }
}
