//! An article's body as GraphQL objects: sections of blocks (paragraphs,
//! pull quotes, lists, images) of inline rich text. `__typename` tells the block
//! types apart (`Paragraph`, `PullQuote`, `List`, `ImageBlock`), and every section and block
//! has a stable `id` (a UUID, kept across saves, reorders and restores).

use async_graphql::{Context, Object, SimpleObject, Union, ID};
use masthead_domain::{ArticleId, Block, BlockContent, BlockId, PullQuote, RichText, Section};

use crate::graphql::context::{sees_drafts, GqlResult};
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::{ArticleById, Loaders};
use crate::graphql::types::article::ArticleNode;
use crate::graphql::types::image::ImageBlockNode;

/// A headed part of the body; the lede has no heading.
#[derive(SimpleObject)]
#[graphql(name = "Section")]
pub struct SectionNode {
    /// Stable id (a UUID): kept across saves and reorders; send it back in
    /// `SectionInput.id` to keep the section.
    pub id: ID,
    /// Heading words, without the emoji.
    pub heading: Option<String>,
    /// The heading's leading emoji, split off so frontends can style it.
    pub icon: Option<String>,
    /// Blocks in reading order.
    pub blocks: Vec<BlockNode>,
}

impl SectionNode {
    /// The sections of `article`'s body.
    pub fn all(article: ArticleId, body: &[Section]) -> Vec<Self> {
        body.iter()
            .map(|section| Self::new(article, section))
            .collect()
    }

    /// One section of `article`'s body.
    pub fn new(article: ArticleId, section: &Section) -> Self {
        Self {
            id: ID(section.id.to_string()),
            heading: section.heading.clone(),
            icon: section.icon.clone(),
            blocks: section
                .blocks
                .iter()
                .map(|block| BlockNode::new(article, block))
                .collect(),
        }
    }
}

/// One piece of a section; `__typename` says which.
#[derive(Union)]
#[graphql(name = "Block")]
pub enum BlockNode {
    /// A paragraph.
    Paragraph(ParagraphNode),
    /// A pull quote.
    PullQuote(PullQuoteNode),
    /// A list.
    List(ListNode),
    /// A photo from the media library.
    Image(ImageBlockNode),
}

impl BlockNode {
    /// A block of `article`.
    pub fn new(article: ArticleId, block: &Block) -> Self {
        let id = ID(block.id.to_string());
        match &block.content {
            BlockContent::Paragraph(text) => Self::Paragraph(ParagraphNode {
                id,
                text: text.text(),
                html: text.html(),
                markdown: text.source().to_owned(),
            }),
            BlockContent::PullQuote(quote) => {
                Self::PullQuote(PullQuoteNode::new(article, block.id, quote.clone()))
            }
            BlockContent::List(list) => Self::List(ListNode {
                id,
                ordered: list.ordered,
                items: list.items.iter().map(InlineTextNode::from).collect(),
            }),
            BlockContent::Image(image) => Self::Image(ImageBlockNode::new(id, image)),
        }
    }
}

/// The pull quotes of a body, in reading order.
pub fn placed_quotes(article: ArticleId, body: &[Section]) -> Vec<PullQuoteNode> {
    body.iter()
        .flat_map(|section| {
            section
                .blocks
                .iter()
                .filter_map(move |block| match &block.content {
                    BlockContent::PullQuote(quote) => {
                        Some(PullQuoteNode::new(article, block.id, quote.clone()))
                    }
                    _ => None,
                })
        })
        .collect()
}

/// A paragraph of inline rich text.
#[derive(SimpleObject)]
#[graphql(name = "Paragraph")]
pub struct ParagraphNode {
    /// Stable id (a UUID): send it back in `ParagraphInput.id` to keep the block.
    pub id: ID,
    /// Plain words.
    pub text: String,
    /// Sanitized inline HTML.
    pub html: String,
    /// Markdown source.
    pub markdown: String,
}

/// A quote set apart from the text, first-class: listed across articles by speaker.
#[derive(Clone)]
pub struct PullQuoteNode {
    article: ArticleId,
    block: BlockId,
    quote: PullQuote,
}

impl PullQuoteNode {
    /// The quote of block `block` of `article`.
    pub fn new(article: ArticleId, block: BlockId, quote: PullQuote) -> Self {
        Self {
            article,
            block,
            quote,
        }
    }

    /// The local key of its global ID: `<article>/<block id>`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.article, self.block)
    }

    /// Parses [`PullQuoteNode::key`].
    pub fn parse_key(key: &str) -> Option<(ArticleId, BlockId)> {
        let (article, block) = key.split_once('/')?;
        Some((article.parse().ok()?, block.parse().ok()?))
    }
}

/// A quote set apart from the text, with who said it; listed across articles by speaker.
#[Object(name = "PullQuote")]
impl PullQuoteNode {
    /// Global ID (a `Node` ID, refetchable with `node`) made of the quote's
    /// article and block id, kept across saves and reorders: send it back in
    /// `PullQuoteInput.id` to keep the block.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::PullQuote, self.key())
    }
    /// The quoted words.
    async fn text(&self) -> &str {
        &self.quote.text
    }
    /// Leading emoji.
    async fn icon(&self) -> Option<&str> {
        self.quote.icon.as_deref()
    }
    /// Who said it.
    async fn speaker(&self) -> Option<&str> {
        self.quote.speaker.as_deref()
    }
    /// Where or how it was said.
    async fn context(&self) -> Option<&str> {
        self.quote.context.as_deref()
    }
    /// The article it appears in.
    async fn article(&self, ctx: &Context<'_>) -> GqlResult<Option<ArticleNode>> {
        let key = ArticleById {
            id: self.article,
            staff: sees_drafts(ctx),
        };
        let article = ctx.data::<Loaders>()?.load_one(key).await?;
        let now = masthead_persistence::now();
        Ok(article.map(|article| ArticleNode::without_body(article, now)))
    }
}

/// A bulleted or numbered list.
#[derive(SimpleObject)]
#[graphql(name = "List")]
pub struct ListNode {
    /// Stable id (a UUID): send it back in `ListInput.id` to keep the block.
    pub id: ID,
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
