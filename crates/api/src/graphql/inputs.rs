//! What editors send to write an article: the whole article in one object,
//! body included. Validation is the domain's; errors are named by their path
//! in this input (`sections[2].blocks[0].text`, `seo.metaTitle`).

use async_graphql::{InputObject, OneofObject, ID};
use masthead_domain::{
    ArticleContent, BlockContentInput, BlockId, BlockInput as DomainBlock, BodyIds, FieldError,
    SectionId, SectionInput as DomainSection, TagId, UserId, ValidationErrors,
};

use crate::graphql::ids::{self, Kind};
use crate::graphql::types::{ImageLayoutName, ReplyPolicyValue};

/// An article as an editor saves it: every field, the whole body.
#[derive(InputObject, Debug, Clone)]
pub struct ArticleInput {
    /// Headline, 1-300 characters.
    pub title: String,
    /// URL name in slug form; derived from the title when absent (kept as is on update).
    pub slug: Option<String>,
    /// Summary under the headline, at most 600 characters.
    pub standfirst: Option<String>,
    /// The body, in reading order (at most 100 sections).
    #[graphql(default)]
    pub sections: Vec<SectionInput>,
    /// Byline (Author or User IDs, 1-20, in order); the caller when absent.
    pub authors: Option<Vec<ID>>,
    /// Tag IDs, primary first (at most 30).
    #[graphql(default)]
    pub tags: Vec<ID>,
    /// Who may reply (default `MODERATED`).
    pub reply_policy: Option<ReplyPolicyValue>,
    /// Search-engine overrides.
    pub seo: Option<SeoInput>,
    /// The image at the top.
    pub feature_image: Option<FeatureImageInput>,
}

/// Search-engine overrides; each falls back to the article's own fields.
#[derive(InputObject, Debug, Clone, Default)]
pub struct SeoInput {
    /// `<title>` override.
    pub meta_title: Option<String>,
    /// `<meta name="description">` override.
    pub meta_description: Option<String>,
    /// Absolute URL of the original, for syndicated copies.
    pub canonical_url: Option<String>,
}

/// The image at the top of a story: an external `url`, or a `mediaId` from
/// the media library (one of the two).
#[derive(InputObject, Debug, Clone)]
pub struct FeatureImageInput {
    /// Absolute http(s) URL.
    pub url: Option<String>,
    /// A media library item instead of a URL.
    pub media_id: Option<ID>,
    /// Text for screen readers (required with a URL; defaults to the library's).
    pub alt: Option<String>,
    /// Visible caption and credit.
    pub caption: Option<String>,
}

/// A headed part of the body.
#[derive(InputObject, Debug, Clone)]
pub struct SectionInput {
    /// The section's `id` as read, to keep the section; absent for a new one.
    pub id: Option<ID>,
    /// Heading; a leading emoji becomes the icon. None for the lede.
    pub heading: Option<String>,
    /// Explicit icon (one emoji); wins over one in the heading.
    pub icon: Option<String>,
    /// Blocks in reading order (at most 200).
    #[graphql(default)]
    pub blocks: Vec<BlockInput>,
}

/// One block: exactly one of its fields is given.
#[derive(OneofObject, Debug, Clone)]
pub enum BlockInput {
    /// A paragraph.
    Paragraph(ParagraphInput),
    /// A pull quote.
    PullQuote(PullQuoteInput),
    /// A list.
    List(ListInput),
    /// A photo from the media library.
    Image(ImageBlockInput),
}

/// A photo from the media library. `alt`, `caption` and `credit` default to
/// the library's; alt text (here or in the library) is required unless
/// `decorative`.
#[derive(InputObject, Debug, Clone)]
pub struct ImageBlockInput {
    /// The image block's `id` as read, to keep the block; absent for a new one.
    pub id: Option<ID>,
    /// The library item (`MediaItem.id`).
    pub media_id: ID,
    /// Text for screen readers, overriding the library's.
    pub alt: Option<String>,
    /// True for an image a screen reader should skip (then no `alt`).
    #[graphql(default)]
    pub decorative: bool,
    /// Caption, overriding the library's.
    pub caption: Option<String>,
    /// Photographer or agency, overriding the library's.
    pub credit: Option<String>,
    /// How wide it is set (default `INLINE`).
    pub layout: Option<ImageLayoutName>,
}

/// A paragraph of inline Markdown (emphasis, strong, links, code).
#[derive(InputObject, Debug, Clone)]
pub struct ParagraphInput {
    /// The paragraph's `id` as read, to keep the block; absent for a new one.
    pub id: Option<ID>,
    /// Markdown source, 1-20,000 characters.
    pub text: String,
}

/// A quote set apart from the text.
#[derive(InputObject, Debug, Clone)]
pub struct PullQuoteInput {
    /// The pull quote's `id` as read (its global ID), to keep the block; absent for a new one.
    pub id: Option<ID>,
    /// The quoted words; a leading emoji becomes the icon.
    pub text: String,
    /// Explicit icon (one emoji).
    pub icon: Option<String>,
    /// Who said it.
    pub speaker: Option<String>,
    /// Where or how it was said.
    pub context: Option<String>,
}

/// A bulleted or numbered list of inline Markdown items.
#[derive(InputObject, Debug, Clone)]
pub struct ListInput {
    /// The list's `id` as read, to keep the block; absent for a new one.
    pub id: Option<ID>,
    /// Numbered when true.
    #[graphql(default)]
    pub ordered: bool,
    /// Items in order (1-100).
    pub items: Vec<String>,
}

impl ArticleInput {
    /// Validates the whole input at once; `default_author` fills an absent
    /// byline, `known` are the ids of the body it replaces (none on create).
    /// Every broken field is reported, named by its path in this input.
    pub fn validate(
        self,
        default_author: UserId,
        known: &BodyIds,
    ) -> Result<ArticleContent, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let authors = match self.authors {
            None => vec![default_author],
            Some(list) => parse_ids(&mut errors, "authors", &list, &[Kind::Author, Kind::User])
                .into_iter()
                .map(UserId)
                .collect(),
        };
        let tags = parse_ids(&mut errors, "tags", &self.tags, &[Kind::Tag])
            .into_iter()
            .map(TagId)
            .collect();
        let seo = self.seo.unwrap_or_default();
        let image = self.feature_image;
        let input = masthead_domain::ArticleInput {
            title: self.title,
            slug: self.slug,
            standfirst: self.standfirst,
            sections: self
                .sections
                .into_iter()
                .enumerate()
                .map(|(i, section)| section.into_domain(i, &mut errors))
                .collect(),
            authors,
            tags,
            reply_policy: self.reply_policy.map(Into::into),
            meta_title: seo.meta_title,
            meta_description: seo.meta_description,
            canonical_url: seo.canonical_url,
            feature_image_url: image.as_ref().and_then(|image| image.url.clone()),
            feature_image_alt: image.as_ref().and_then(|image| image.alt.clone()),
            feature_image_caption: image.as_ref().and_then(|image| image.caption.clone()),
            feature_image_media_id: image.and_then(|image| image.media_id).map(|id| id.0),
        };
        match input.validate_with(known) {
            Ok(content) if errors.0.is_empty() => Ok(content),
            Ok(_) => Err(errors),
            Err(domain) => {
                // The domain names errors by their place in the article
                // (`seo.meta_title`); the GraphQL edge writes them in camelCase.
                errors.0.extend(domain.0);
                Err(errors)
            }
        }
    }
}

impl SectionInput {
    /// Section `i` as the domain's input; an id that is not a UUID is recorded.
    fn into_domain(self, i: usize, errors: &mut ValidationErrors) -> DomainSection {
        let id = self
            .id
            .and_then(|id| errors.collect(uuid_id(&format!("sections[{i}].id"), &id)))
            .map(SectionId);
        DomainSection {
            id,
            heading: self.heading,
            icon: self.icon,
            blocks: self
                .blocks
                .into_iter()
                .enumerate()
                .map(|(j, block)| block.into_domain(&format!("sections[{i}].blocks[{j}]"), errors))
                .collect(),
        }
    }
}

impl BlockInput {
    /// The block at `path` as the domain's input; an id that is not a block's is recorded.
    fn into_domain(self, path: &str, errors: &mut ValidationErrors) -> DomainBlock {
        let (id, content) = match self {
            BlockInput::Paragraph(paragraph) => (
                paragraph.id,
                BlockContentInput::Paragraph {
                    text: paragraph.text,
                },
            ),
            BlockInput::PullQuote(quote) => (
                quote.id,
                BlockContentInput::PullQuote {
                    text: quote.text,
                    icon: quote.icon,
                    speaker: quote.speaker,
                    context: quote.context,
                },
            ),
            BlockInput::List(list) => (
                list.id,
                BlockContentInput::List {
                    ordered: list.ordered,
                    items: list.items,
                },
            ),
            BlockInput::Image(image) => (
                image.id,
                BlockContentInput::Image(masthead_domain::ImageBlockInput {
                    media_id: image.media_id.0,
                    alt: image.alt,
                    decorative: image.decorative,
                    caption: image.caption,
                    credit: image.credit,
                    layout: image.layout.map(|layout| {
                        masthead_domain::ImageLayout::from(layout)
                            .as_str()
                            .to_owned()
                    }),
                }),
            ),
        };
        // Named like the domain's errors: by the block's place, not the one-of field.
        let id = id
            .and_then(|id| errors.collect(block_id(&format!("{path}.id"), &id)))
            .map(BlockId);
        DomainBlock { id, content }
    }
}

/// A section's or block's id: the UUID a read gave.
fn uuid_id(field: &str, id: &ID) -> Result<uuid::Uuid, FieldError> {
    id.parse()
        .map_err(|_| FieldError::new(field, "is not the id of a section or block"))
}

/// A block's id: its UUID, or a pull quote's global ID (which holds it).
fn block_id(field: &str, id: &ID) -> Result<uuid::Uuid, FieldError> {
    if let Some((Kind::PullQuote, key)) = ids::decode(id) {
        if let Some((_, block)) = crate::graphql::types::PullQuoteNode::parse_key(&key) {
            return Ok(block.0);
        }
    }
    uuid_id(field, id)
}

/// Parses a list of IDs, recording `field[i]` for each one that is not of `kinds`.
fn parse_ids(
    errors: &mut ValidationErrors,
    field: &str,
    list: &[ID],
    kinds: &[Kind],
) -> Vec<uuid::Uuid> {
    list.iter()
        .enumerate()
        .filter_map(
            |(i, id)| match ids::uuid_of(&format!("{field}[{i}]"), id, kinds) {
                Ok(uuid) => Some(uuid),
                Err(crate::error::ApiError::Invalid(invalid)) => {
                    errors.0.extend(invalid.0);
                    None
                }
                Err(_) => None,
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ArticleInput {
        ArticleInput {
            title: "A headline".into(),
            slug: None,
            standfirst: None,
            sections: vec![],
            authors: None,
            tags: vec![],
            reply_policy: None,
            seo: None,
            feature_image: None,
        }
    }

    #[test]
    fn a_missing_byline_is_the_caller() {
        let me = UserId::generate();
        let known = BodyIds::default();
        assert_eq!(input().validate(me, &known).unwrap().authors, vec![me]);
    }

    #[test]
    fn errors_are_named_by_their_path_in_the_input() {
        let mut bad = input();
        bad.title = String::new();
        bad.tags = vec![ID("nonsense".into())];
        bad.seo = Some(SeoInput {
            meta_title: Some("t".repeat(301)),
            ..SeoInput::default()
        });
        bad.sections = vec![SectionInput {
            id: None,
            heading: None,
            icon: None,
            blocks: vec![
                BlockInput::Paragraph(ParagraphInput {
                    id: None,
                    text: " ".into(),
                }),
                BlockInput::List(ListInput {
                    id: Some(ID("not-a-uuid".into())),
                    ordered: false,
                    items: vec!["x".into()],
                }),
            ],
        }];
        let fields: Vec<String> = bad
            .validate(UserId::generate(), &BodyIds::default())
            .unwrap_err()
            .0
            .into_iter()
            .map(|error| error.field)
            .collect();
        assert_eq!(
            fields,
            [
                "tags[0]",
                "sections[0].blocks[1].id",
                "title",
                "sections[0].blocks[0].text",
                "seo.meta_title"
            ]
        );
    }

    #[test]
    fn a_pull_quote_keeps_its_id_through_its_global_id() {
        let article = masthead_domain::ArticleId::generate();
        let block = BlockId::generate();
        let global = ids::encode(Kind::PullQuote, format!("{article}/{block}"));
        assert_eq!(block_id("id", &global).unwrap(), block.0);
        assert_eq!(block_id("id", &ID(block.to_string())).unwrap(), block.0);
        assert!(block_id("id", &ids::encode(Kind::Tag, block)).is_err());
    }
}
