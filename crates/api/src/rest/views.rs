//! The JSON shapes of REST responses, built from domain values. Kept apart
//! from the domain so the wire format can evolve without touching the rules.

use chrono::{DateTime, SecondsFormat, Utc};
use masthead_domain::{Article, Author, Block, BlockContent, RichText, Section, Tag};
use serde::Serialize;
use utoipa::ToSchema;

use crate::rest::image_views::{rendition_map, FeatureImageView, ImageLayoutName};
use crate::state::AppState;

/// RFC 3339 in UTC with a `Z`, the one timestamp format of the API.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A tag.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Tag)]
pub struct TagView {
    #[schema(format = "uuid")]
    pub id: String,
    pub slug: String,
    pub name: String,
    #[schema(required = true)]
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
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Author)]
pub struct AuthorView {
    #[schema(format = "uuid")]
    pub id: String,
    pub slug: String,
    pub display_name: String,
    #[schema(required = true)]
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
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = InlineText)]
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
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[schema(as = Block)]
pub enum BlockView {
    /// A paragraph of inline rich text.
    Paragraph {
        /// Stable id: kept across saves and reorders; send it back to keep the block.
        #[schema(format = "uuid")]
        id: String,
        /// Plain words.
        text: String,
        /// Sanitized HTML.
        html: String,
        /// The Markdown source (what editors change).
        markdown: String,
    },
    /// A quote set apart, with who said it and where.
    PullQuote {
        /// Stable id: kept across saves and reorders; send it back to keep the block.
        #[schema(format = "uuid")]
        id: String,
        text: String,
        #[schema(required = true)]
        icon: Option<String>,
        #[schema(required = true)]
        speaker: Option<String>,
        #[schema(required = true)]
        context: Option<String>,
    },
    /// A bulleted or numbered list of inline rich text.
    List {
        /// Stable id: kept across saves and reorders; send it back to keep the block.
        #[schema(format = "uuid")]
        id: String,
        ordered: bool,
        items: Vec<InlineView>,
    },
    /// A photo from the media library, with its renditions.
    Image {
        /// Stable id: kept across saves and reorders; send it back to keep the block.
        #[schema(format = "uuid")]
        id: String,
        /// The library item.
        #[schema(format = "uuid")]
        media_id: String,
        /// Text for screen readers (`null` when decorative).
        #[schema(required = true)]
        alt: Option<String>,
        /// True when the image adds nothing a screen reader should say.
        decorative: bool,
        #[schema(required = true)]
        caption: Option<String>,
        /// Photographer or agency.
        #[schema(required = true)]
        credit: Option<String>,
        #[schema(value_type = ImageLayoutName)]
        layout: &'static str,
        /// Pixel size of the library image.
        width: u32,
        height: u32,
        /// Width → WebP rendition address (see `Media.renditions`).
        renditions: std::collections::BTreeMap<String, String>,
        /// The renditions as an HTML `srcset`.
        srcset: String,
    },
}

impl From<&Block> for BlockView {
    fn from(block: &Block) -> Self {
        let id = block.id.to_string();
        match &block.content {
            BlockContent::Paragraph(text) => {
                let InlineView {
                    text,
                    html,
                    markdown,
                } = text.into();
                Self::Paragraph {
                    id,
                    text,
                    html,
                    markdown,
                }
            }
            BlockContent::PullQuote(quote) => Self::PullQuote {
                id,
                text: quote.text.clone(),
                icon: quote.icon.clone(),
                speaker: quote.speaker.clone(),
                context: quote.context.clone(),
            },
            BlockContent::List(list) => Self::List {
                id,
                ordered: list.ordered,
                items: list.items.iter().map(Into::into).collect(),
            },
            BlockContent::Image(image) => Self::Image {
                id,
                media_id: image.media_id.to_string(),
                alt: image.alt.clone(),
                decorative: image.decorative,
                caption: image.caption.clone(),
                credit: image.credit.clone(),
                layout: image.layout.as_str(),
                // A saved block always has its size (placement sets it).
                width: image.size.map_or(0, |size| size.width),
                height: image.size.map_or(0, |size| size.height),
                renditions: rendition_map(image.renditions()),
                srcset: image.srcset(),
            },
        }
    }
}

/// A section of the body.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Section)]
pub struct SectionView {
    /// Stable id: kept across saves and reorders; send it back to keep the section.
    #[schema(format = "uuid")]
    pub id: String,
    /// Heading words without the leading emoji; `null` for the lede.
    #[schema(required = true)]
    pub heading: Option<String>,
    /// The heading's leading emoji, split off.
    #[schema(required = true)]
    pub icon: Option<String>,
    pub blocks: Vec<BlockView>,
}

impl From<&Section> for SectionView {
    fn from(section: &Section) -> Self {
        Self {
            id: section.id.to_string(),
            heading: section.heading.clone(),
            icon: section.icon.clone(),
            blocks: section.blocks.iter().map(Into::into).collect(),
        }
    }
}

/// SEO fields.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Seo)]
pub struct SeoView {
    #[schema(required = true)]
    pub meta_title: Option<String>,
    #[schema(required = true)]
    pub meta_description: Option<String>,
    #[schema(required = true, format = "uri")]
    pub canonical_url: Option<String>,
}

/// Publishing states, as shown in `status`.
#[derive(ToSchema)]
#[schema(as = ArticleStatus, rename_all = "snake_case")]
pub enum ArticleStatusName {
    Draft,
    InReview,
    Scheduled,
    Published,
    Archived,
}

/// Who may reply, as shown in `reply_policy`.
#[derive(ToSchema)]
#[schema(as = ReplyPolicy, rename_all = "snake_case")]
pub enum ReplyPolicyName {
    Open,
    Moderated,
    Closed,
}

/// Staff roles, as shown in `role`.
#[derive(ToSchema)]
#[schema(as = Role, rename_all = "snake_case")]
pub enum RoleName {
    Admin,
    Editor,
    Author,
}

/// An article. Single-article responses carry `sections`; list items do not.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Article)]
pub struct ArticleView {
    #[schema(format = "uuid", read_only)]
    pub id: String,
    pub slug: String,
    /// The article's address on the website.
    #[schema(format = "uri", read_only)]
    pub url: String,
    pub title: String,
    pub standfirst: String,
    /// Changed only by the workflow actions, never by a save.
    #[schema(value_type = ArticleStatusName, read_only)]
    pub status: &'static str,
    #[schema(required = true, format = DateTime, read_only)]
    pub published_at: Option<String>,
    #[schema(required = true, format = DateTime, read_only)]
    pub scheduled_at: Option<String>,
    #[schema(format = DateTime, read_only)]
    pub created_at: String,
    #[schema(format = DateTime, read_only)]
    pub updated_at: String,
    /// Bumped on every write; the editor's `ETag` is this number in quotes.
    #[schema(read_only)]
    pub version: i32,
    #[schema(value_type = ReplyPolicyName)]
    pub reply_policy: &'static str,
    /// Approved replies.
    #[schema(read_only)]
    pub reply_count: u64,
    #[schema(read_only)]
    pub word_count: usize,
    #[schema(read_only)]
    pub reading_time_minutes: usize,
    /// The first tag: the collection the article is filed in.
    #[schema(required = true, read_only)]
    pub primary_tag: Option<TagView>,
    pub tags: Vec<TagView>,
    pub authors: Vec<AuthorView>,
    pub seo: SeoView,
    #[schema(required = true)]
    pub feature_image: Option<FeatureImageView>,
    /// The body (single-article responses only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = true)]
    pub sections: Option<Vec<SectionView>>,
    /// schema.org `NewsArticle` JSON-LD, as text ready to put inside
    /// `<script type="application/ld+json">` (`<`, `>`, `&` written as `\u` escapes);
    /// single public articles only (`null` for one that is not public).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, read_only)]
    pub structured_data: Option<Option<String>>,
    /// Corrections, newest first, retracted ones marked (the public article only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(read_only)]
    pub corrections: Option<Vec<crate::rest::corrections::CorrectionView>>,
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
            feature_image: article.feature_image.as_ref().map(Into::into),
            sections: with_body.then(|| article.sections.iter().map(Into::into).collect()),
            structured_data: with_body.then(|| {
                let url = state.article_url(article);
                crate::syndication::json_ld::for_public(
                    &state.settings,
                    article,
                    &url,
                    article.word_count(),
                    &[],
                    now,
                )
            }),
            corrections: None,
        }
    }
}

impl ArticleView {
    /// The public article's view with its `corrections`, which also enter its
    /// structured data (`correction`, `dateModified`).
    pub fn with_corrections(
        mut self,
        state: &AppState,
        article: &Article,
        corrections: &[masthead_domain::Correction],
        now: DateTime<Utc>,
    ) -> Self {
        let url = state.article_url(article);
        self.structured_data = Some(crate::syndication::json_ld::for_public(
            &state.settings,
            article,
            &url,
            article.word_count(),
            corrections,
            now,
        ));
        self.corrections = Some(corrections.iter().map(Into::into).collect());
        self
    }
}

/// A page of a list: `{"data": [...], "next_cursor": ...}`.
#[derive(Debug, Serialize)]
pub struct ListView<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A staff account as its owner and admins see it (with e-mail and role).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = User)]
pub struct UserView {
    #[schema(format = "uuid")]
    pub id: String,
    #[schema(format = Email)]
    pub email: String,
    pub display_name: String,
    pub slug: String,
    #[schema(required = true)]
    pub bio: Option<String>,
    #[schema(value_type = RoleName)]
    pub role: &'static str,
    pub active: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
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
