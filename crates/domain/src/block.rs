//! Blocks: the pieces a section is made of.

use crate::emoji::split_leading_emoji;
use crate::error::{FieldError, ValidationErrors};
use crate::ids::BlockId;
use crate::image::{ImageBlock, ImageBlockInput};
use crate::limits::{ATTRIBUTION_MAX, LIST_ITEMS_MAX, PARAGRAPH_MAX, PULL_QUOTE_MAX};
use crate::rich_text::RichText;
use crate::text;

/// One piece of a section's body, in reading order, with the identity it keeps
/// across saves, reorders and restores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Stable identity (a client sends it back to keep the block).
    pub id: BlockId,
    /// What the block holds.
    pub content: BlockContent,
}

impl Block {
    /// A block with a fresh id.
    pub fn new(content: BlockContent) -> Self {
        Self {
            id: BlockId::generate(),
            content,
        }
    }

    /// The block's words, for word counts and search.
    pub fn plain_text(&self) -> String {
        self.content.plain_text()
    }

    /// The kind's stable name, as stored and as REST's `type` tag shows it.
    pub fn kind(&self) -> &'static str {
        self.content.kind()
    }
}

/// What a block holds: one of the four kinds (the vocabulary every API uses:
/// paragraph, pull quote, list, image).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockContent {
    /// A paragraph of inline rich text.
    Paragraph(RichText),
    /// A quote lifted out of the story and set large.
    PullQuote(PullQuote),
    /// A bulleted or numbered list ("At stake: …").
    List(ListBlock),
    /// A photo from the media library.
    Image(ImageBlock),
}

impl BlockContent {
    /// The block's words, for word counts and search.
    pub fn plain_text(&self) -> String {
        match self {
            BlockContent::Paragraph(text) => text.text(),
            BlockContent::PullQuote(quote) => quote.text.clone(),
            BlockContent::List(list) => list
                .items
                .iter()
                .map(RichText::text)
                .collect::<Vec<_>>()
                .join(" "),
            BlockContent::Image(image) => image.plain_text(),
        }
    }

    /// The kind's stable name, as stored and as shown in APIs.
    pub fn kind(&self) -> &'static str {
        match self {
            BlockContent::Paragraph(_) => "paragraph",
            BlockContent::PullQuote(_) => "pull_quote",
            BlockContent::List(_) => "list",
            BlockContent::Image(_) => "image",
        }
    }
}

/// A quote set apart from the text, with who said it and where. First-class
/// so that a site can list every quote by one speaker across its archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullQuote {
    /// The quoted words (plain text).
    pub text: String,
    /// A leading emoji, split off the text so frontends can style it.
    pub icon: Option<String>,
    /// Who said it ("Volodymyr Zelensky").
    pub speaker: Option<String>,
    /// Where or how it was said ("in a national address").
    pub context: Option<String>,
}

/// A list of rich-text items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListBlock {
    /// Numbered (`true`) or bulleted.
    pub ordered: bool,
    /// The items, in order.
    pub items: Vec<RichText>,
}

/// A block as a client sends it, before validation: the id of a block it
/// keeps (absent for a new block) and the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockInput {
    /// The id of an existing block of the article, to keep it; `None` for a new one.
    pub id: Option<BlockId>,
    /// The content.
    pub content: BlockContentInput,
}

impl From<BlockContentInput> for BlockInput {
    fn from(content: BlockContentInput) -> Self {
        Self { id: None, content }
    }
}

impl BlockInput {
    /// Checks every bound, naming fields relative to this block (`text`,
    /// `items[3]`); a block without an id gets a fresh one. Whether a given id
    /// belongs to the article is the article's check.
    pub fn validate(self) -> Result<Block, ValidationErrors> {
        let id = self.id.unwrap_or_else(BlockId::generate);
        self.content.validate().map(|content| Block { id, content })
    }
}

/// A block's content as a client sends it, before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockContentInput {
    /// See [`Block::Paragraph`]; `text` is Markdown source.
    Paragraph {
        /// Markdown source.
        text: String,
    },
    /// See [`PullQuote`]. When `icon` is absent, a leading emoji of `text` becomes the icon.
    PullQuote {
        /// Quoted words, possibly starting with an emoji.
        text: String,
        /// Explicit icon; wins over one found in `text`.
        icon: Option<String>,
        /// Who said it.
        speaker: Option<String>,
        /// Where or how it was said.
        context: Option<String>,
    },
    /// See [`ListBlock`]; items are Markdown source.
    List {
        /// Numbered or bulleted.
        ordered: bool,
        /// Item sources.
        items: Vec<String>,
    },
    /// See [`ImageBlock`].
    Image(ImageBlockInput),
}

impl BlockContentInput {
    /// Checks every bound, naming fields relative to this block (`text`, `items[3]`).
    pub fn validate(self) -> Result<BlockContent, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        match self {
            BlockContentInput::Paragraph { text } => {
                let text = errors.collect(text::required("text", &text, PARAGRAPH_MAX));
                errors.finish(|| BlockContent::Paragraph(RichText::new(text.unwrap_or_default())))
            }
            BlockContentInput::PullQuote {
                text,
                icon,
                speaker,
                context,
            } => {
                let (found_icon, words) = split_leading_emoji(&text);
                let text = errors.collect(text::required("text", &words, PULL_QUOTE_MAX));
                let icon = match icon.as_deref().map(str::trim) {
                    Some(given) if !given.is_empty() => errors.collect(icon_field(given)).flatten(),
                    _ => found_icon,
                };
                let speaker = errors
                    .collect(text::optional(
                        "speaker",
                        speaker.as_deref(),
                        ATTRIBUTION_MAX,
                    ))
                    .flatten();
                let context = errors
                    .collect(text::optional(
                        "context",
                        context.as_deref(),
                        ATTRIBUTION_MAX,
                    ))
                    .flatten();
                errors.finish(|| {
                    BlockContent::PullQuote(PullQuote {
                        text: text.unwrap_or_default(),
                        icon,
                        speaker,
                        context,
                    })
                })
            }
            BlockContentInput::List { ordered, items } => {
                if items.is_empty() {
                    errors
                        .0
                        .push(FieldError::new("items", "must have at least one item"));
                }
                if items.len() > LIST_ITEMS_MAX {
                    errors.0.push(FieldError::new(
                        "items",
                        format!(
                            "must have at most {LIST_ITEMS_MAX} items (got {})",
                            items.len()
                        ),
                    ));
                    return Err(errors);
                }
                let items: Vec<RichText> = items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, item)| {
                        errors
                            .collect(text::required(&format!("items[{i}]"), item, PARAGRAPH_MAX))
                            .map(RichText::new)
                    })
                    .collect();
                errors.finish(|| BlockContent::List(ListBlock { ordered, items }))
            }
            BlockContentInput::Image(image) => image.validate().map(BlockContent::Image),
        }
    }
}

/// An explicit icon must be one emoji.
pub(crate) fn icon_field(given: &str) -> Result<Option<String>, FieldError> {
    let (icon, rest) = split_leading_emoji(given);
    match icon {
        Some(icon) if rest.is_empty() => Ok(Some(icon)),
        _ => Err(FieldError::new("icon", "must be a single emoji")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(text: &str) -> BlockContentInput {
        BlockContentInput::PullQuote {
            text: text.into(),
            icon: None,
            speaker: Some("A. Speaker".into()),
            context: None,
        }
    }

    #[test]
    fn pull_quote_takes_its_icon_from_the_text() {
        let Ok(BlockContent::PullQuote(q)) = quote("🗣️ “Talk directly.”").validate()
        else {
            panic!()
        };
        assert_eq!(q.icon.as_deref(), Some("🗣️"));
        assert_eq!(q.text, "“Talk directly.”");
    }

    #[test]
    fn pull_quote_bound() {
        assert!(quote(&"q".repeat(PULL_QUOTE_MAX)).validate().is_ok());
        let errors = quote(&"q".repeat(PULL_QUOTE_MAX + 1))
            .validate()
            .unwrap_err();
        assert_eq!(errors.0[0].field, "text");
    }

    #[test]
    fn an_icon_alone_is_not_a_quote() {
        assert_eq!(quote("💬").validate().unwrap_err().0[0].field, "text");
    }

    #[test]
    fn explicit_icon_must_be_one_emoji() {
        let input = BlockContentInput::PullQuote {
            text: "x".into(),
            icon: Some("not emoji".into()),
            speaker: None,
            context: None,
        };
        assert_eq!(input.validate().unwrap_err().0[0].field, "icon");
    }

    #[test]
    fn attribution_bound() {
        let input = BlockContentInput::PullQuote {
            text: "x".into(),
            icon: None,
            speaker: Some("s".repeat(ATTRIBUTION_MAX + 1)),
            context: Some("c".repeat(ATTRIBUTION_MAX + 1)),
        };
        let fields: Vec<_> = input
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["speaker", "context"]);
    }

    #[test]
    fn paragraph_bound() {
        let ok = BlockContentInput::Paragraph {
            text: "p".repeat(PARAGRAPH_MAX),
        };
        assert!(ok.validate().is_ok());
        let too_long = BlockContentInput::Paragraph {
            text: "p".repeat(PARAGRAPH_MAX + 1),
        };
        assert_eq!(too_long.validate().unwrap_err().0[0].field, "text");
        let blank = BlockContentInput::Paragraph { text: "  ".into() };
        assert_eq!(blank.validate().unwrap_err().0[0].field, "text");
    }

    #[test]
    fn list_bounds() {
        let list = |n: usize| BlockContentInput::List {
            ordered: false,
            items: vec!["item".into(); n],
        };
        assert!(list(LIST_ITEMS_MAX).validate().is_ok());
        assert_eq!(
            list(LIST_ITEMS_MAX + 1).validate().unwrap_err().0[0].field,
            "items"
        );
        assert_eq!(list(0).validate().unwrap_err().0[0].field, "items");
        let blank_item = BlockContentInput::List {
            ordered: true,
            items: vec!["a".into(), " ".into()],
        };
        assert_eq!(blank_item.validate().unwrap_err().0[0].field, "items[1]");
    }
}
