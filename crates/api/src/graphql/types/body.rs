//! An article's body as GraphQL objects: sections of blocks (paragraphs,
//! pull quotes, lists) of inline rich text.

use async_graphql::{Context, Object, SimpleObject, Union, ID};
use masthead_domain::{ArticleId, Block, PullQuote, RichText, Section};

use crate::graphql::context::{sees_drafts, GqlResult};
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::{ArticleById, Loaders};
use crate::graphql::types::article::ArticleNode;
use crate::graphql::types::enums::BlockKind;

/// A headed part of the body; the lede has no heading.
#[derive(SimpleObject)]
#[graphql(name = "Section")]
pub struct SectionNode {
    /// Heading words, without the emoji.
    pub heading: Option<String>,
    /// The heading's leading emoji, split off so frontends can style it.
    pub icon: Option<String>,
    /// Blocks in reading order.
    pub blocks: Vec<BlockNode>,
}

impl SectionNode {
    /// The sections of `article`'s body, each block knowing its place.
    pub fn all(article: ArticleId, body: &[Section]) -> Vec<Self> {
        body.iter()
            .enumerate()
            .map(|(s, section)| Self::at(article, s, section))
            .collect()
    }

    /// Section number `s` of `article`'s body.
    pub fn at(article: ArticleId, s: usize, section: &Section) -> Self {
        Self {
            heading: section.heading.clone(),
            icon: section.icon.clone(),
            blocks: section
                .blocks
                .iter()
                .enumerate()
                .map(|(b, block)| BlockNode::new(article, s, b, block))
                .collect(),
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

impl BlockNode {
    /// The block at `position` of section `section` of `article`.
    pub fn new(article: ArticleId, section: usize, position: usize, block: &Block) -> Self {
        match block {
            Block::Paragraph(text) => Self::Paragraph(ParagraphNode {
                kind: BlockKind::Paragraph,
                text: text.text(),
                html: text.html(),
                markdown: text.source().to_owned(),
            }),
            Block::PullQuote(quote) => Self::PullQuote(PullQuoteNode::new(
                article,
                section as i32,
                position as i32,
                quote.clone(),
            )),
            Block::List(list) => Self::ListBlock(ListBlockNode {
                kind: BlockKind::List,
                ordered: list.ordered,
                items: list.items.iter().map(InlineTextNode::from).collect(),
            }),
        }
    }
}

/// The pull quotes of a body, in reading order.
pub fn placed_quotes(article: ArticleId, body: &[Section]) -> Vec<PullQuoteNode> {
    body.iter()
        .enumerate()
        .flat_map(|(s, section)| {
            section
                .blocks
                .iter()
                .enumerate()
                .filter_map(move |(b, block)| match block {
                    Block::PullQuote(quote) => Some(PullQuoteNode::new(
                        article,
                        s as i32,
                        b as i32,
                        quote.clone(),
                    )),
                    _ => None,
                })
        })
        .collect()
}

/// A paragraph of inline rich text.
#[derive(SimpleObject)]
#[graphql(name = "Paragraph")]
pub struct ParagraphNode {
    /// Always `PARAGRAPH`.
    pub kind: BlockKind,
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
    section: i32,
    block: i32,
    quote: PullQuote,
}

impl PullQuoteNode {
    /// The quote at block `block` of section `section` of `article`.
    pub fn new(article: ArticleId, section: i32, block: i32, quote: PullQuote) -> Self {
        Self {
            article,
            section,
            block,
            quote,
        }
    }

    /// The local key of its global ID: `<article>/<section>/<block>`.
    pub fn key(&self) -> String {
        format!("{}/{}/{}", self.article, self.section, self.block)
    }

    /// Parses [`PullQuoteNode::key`].
    pub fn parse_key(key: &str) -> Option<(ArticleId, usize, usize)> {
        let mut parts = key.split('/');
        let article = parts.next()?.parse().ok()?;
        let section = parts.next()?.parse().ok()?;
        let block = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some((article, section, block))
    }
}

/// A quote set apart from the text, with who said it; listed across articles by speaker.
#[Object(name = "PullQuote")]
impl PullQuoteNode {
    /// Global ID: the quote's place in its article (changes if the body is reordered).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::PullQuote, self.key())
    }
    /// Always `PULL_QUOTE`.
    async fn kind(&self) -> BlockKind {
        BlockKind::PullQuote
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
#[graphql(name = "ListBlock")]
pub struct ListBlockNode {
    /// Always `LIST`.
    pub kind: BlockKind,
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
