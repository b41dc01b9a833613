//! GraphQL object types: thin wrappers that expose domain values.

use async_graphql::{Object, SimpleObject, Union, ID};
use chrono::{DateTime, Utc};
use masthead_domain::{Article, Author, Block, RichText, Section, Tag};

/// A published story.
pub struct ArticleNode {
    article: Article,
    now: DateTime<Utc>,
}

impl ArticleNode {
    /// Wraps `article` as seen at `now`.
    pub fn new(article: Article, now: DateTime<Utc>) -> Self {
        Self { article, now }
    }
}

#[Object(name = "Article")]
impl ArticleNode {
    /// Stable identity.
    async fn id(&self) -> ID {
        ID(self.article.id.to_string())
    }
    /// URL name.
    async fn slug(&self) -> &str {
        self.article.slug.as_str()
    }
    /// Headline.
    async fn title(&self) -> &str {
        self.article.title.as_str()
    }
    /// Summary under the headline.
    async fn standfirst(&self) -> &str {
        &self.article.standfirst
    }
    /// Publishing status as readers would describe it now (`draft`, `in_review`, `scheduled`, `published`, `archived`).
    async fn status(&self) -> &'static str {
        self.article.lifecycle.status_at(self.now).as_str()
    }
    /// When it became public.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.article.lifecycle.published_at
    }
    /// When its content last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.article.updated_at
    }
    /// Bumped on every write; send it back as `expectedVersion` when updating.
    async fn version(&self) -> i32 {
        self.article.version
    }
    /// Words in standfirst and body.
    async fn word_count(&self) -> usize {
        self.article.word_count()
    }
    /// Minutes to read, rounded up.
    async fn reading_time_minutes(&self) -> usize {
        self.article.reading_time_minutes()
    }
    /// The byline, in order.
    async fn authors(&self) -> Vec<AuthorNode> {
        self.article.authors.iter().map(AuthorNode::from).collect()
    }
    /// Tags, primary first.
    async fn tags(&self) -> Vec<TagNode> {
        self.article.tags.iter().map(TagNode::from).collect()
    }
    /// The collection the story is filed in.
    async fn primary_tag(&self) -> Option<TagNode> {
        self.article.primary_tag().map(TagNode::from)
    }
    /// The body, in order.
    async fn sections(&self) -> Vec<SectionNode> {
        self.article
            .sections
            .iter()
            .map(SectionNode::from)
            .collect()
    }
}

/// A member of staff on a byline.
#[derive(SimpleObject)]
#[graphql(name = "Author")]
pub struct AuthorNode {
    /// Stable identity.
    pub id: ID,
    /// URL name of the author page.
    pub slug: String,
    /// Byline name.
    pub display_name: String,
    /// Short biography.
    pub bio: Option<String>,
}

impl From<&Author> for AuthorNode {
    fn from(author: &Author) -> Self {
        Self {
            id: ID(author.id.to_string()),
            slug: author.slug.to_string(),
            display_name: author.display_name.clone(),
            bio: author.bio.clone(),
        }
    }
}

/// A collection or topic.
#[derive(SimpleObject)]
#[graphql(name = "Tag")]
pub struct TagNode {
    /// Stable identity.
    pub id: ID,
    /// URL name.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// What the collection is about.
    pub description: Option<String>,
}

impl From<&Tag> for TagNode {
    fn from(tag: &Tag) -> Self {
        Self {
            id: ID(tag.id.to_string()),
            slug: tag.slug.to_string(),
            name: tag.name.clone(),
            description: tag.description.clone(),
        }
    }
}

/// A headed part of the body; the lede has no heading.
#[derive(SimpleObject)]
#[graphql(name = "Section")]
pub struct SectionNode {
    /// Heading words, without the emoji.
    pub heading: Option<String>,
    /// The heading's leading emoji.
    pub icon: Option<String>,
    /// Blocks in reading order.
    pub blocks: Vec<BlockNode>,
}

impl From<&Section> for SectionNode {
    fn from(section: &Section) -> Self {
        Self {
            heading: section.heading.clone(),
            icon: section.icon.clone(),
            blocks: section.blocks.iter().map(BlockNode::from).collect(),
        }
    }
}

/// One piece of a section.
#[derive(Union)]
#[graphql(name = "Block")]
pub enum BlockNode {
    /// A paragraph.
    Paragraph(ParagraphNode),
    /// A pull quote.
    PullQuote(PullQuoteNode),
    /// A list.
    ListBlock(ListBlockNode),
}

impl From<&Block> for BlockNode {
    fn from(block: &Block) -> Self {
        match block {
            Block::Paragraph(text) => Self::Paragraph(ParagraphNode::from(text)),
            Block::PullQuote(quote) => Self::PullQuote(PullQuoteNode {
                text: quote.text.clone(),
                icon: quote.icon.clone(),
                speaker: quote.speaker.clone(),
                context: quote.context.clone(),
            }),
            Block::List(list) => Self::ListBlock(ListBlockNode {
                ordered: list.ordered,
                items: list.items.iter().map(InlineTextNode::from).collect(),
            }),
        }
    }
}

/// A paragraph of inline rich text.
#[derive(SimpleObject)]
#[graphql(name = "Paragraph")]
pub struct ParagraphNode {
    /// Plain words.
    pub text: String,
    /// Sanitized inline HTML.
    pub html: String,
    /// Markdown source.
    pub markdown: String,
}

impl From<&RichText> for ParagraphNode {
    fn from(text: &RichText) -> Self {
        Self {
            text: text.text(),
            html: text.html(),
            markdown: text.source().to_owned(),
        }
    }
}

/// A quote set apart from the text.
#[derive(SimpleObject)]
#[graphql(name = "PullQuote")]
pub struct PullQuoteNode {
    /// The quoted words.
    pub text: String,
    /// Leading emoji.
    pub icon: Option<String>,
    /// Who said it.
    pub speaker: Option<String>,
    /// Where or how it was said.
    pub context: Option<String>,
}

/// A bulleted or numbered list.
#[derive(SimpleObject)]
#[graphql(name = "ListBlock")]
pub struct ListBlockNode {
    /// Numbered when true.
    pub ordered: bool,
    /// Items in order.
    pub items: Vec<InlineTextNode>,
}

/// A piece of inline rich text.
#[derive(SimpleObject)]
#[graphql(name = "InlineText")]
pub struct InlineTextNode {
    /// Plain words.
    pub text: String,
    /// Sanitized inline HTML.
    pub html: String,
    /// Markdown source.
    pub markdown: String,
}

impl From<&RichText> for InlineTextNode {
    fn from(text: &RichText) -> Self {
        Self {
            text: text.text(),
            html: text.html(),
            markdown: text.source().to_owned(),
        }
    }
}

/// A staff account, as its owner and admins see it.
#[derive(SimpleObject)]
#[graphql(name = "User")]
pub struct UserNode {
    /// Stable identity.
    pub id: ID,
    /// Sign-in address.
    pub email: String,
    /// Byline name.
    pub display_name: String,
    /// URL name of the author page.
    pub slug: String,
    /// Short biography.
    pub bio: Option<String>,
    /// `admin`, `editor` or `author`.
    pub role: String,
    /// Disabled accounts cannot sign in.
    pub active: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

impl From<&masthead_domain::User> for UserNode {
    fn from(user: &masthead_domain::User) -> Self {
        Self {
            id: ID(user.id.to_string()),
            email: user.email.as_str().to_owned(),
            display_name: user.display_name.as_str().to_owned(),
            slug: user.slug.to_string(),
            bio: user.bio.clone(),
            role: user.role.as_str().to_owned(),
            active: user.active,
            created_at: user.created_at,
        }
    }
}
