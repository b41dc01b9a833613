//! The article document editors send to `POST /admin/articles` and
//! `PUT /admin/articles/{id}`: the very document `GET` returned.
//!
//! - Read-only fields (`id`, `url`, `status`, timestamps, `version`, counts,
//!   `primary_tag`, a paragraph's `text` and `html`, …) are accepted and ignored,
//!   so a client can GET, change a field and PUT.
//! - Any other field is refused with 422 naming its path: nobody can
//!   mass-assign what the API does not offer.
//! - Paragraphs and list items are edited through `markdown` (the source);
//!   a paragraph or item sent without `markdown` takes its `text` as the source,
//!   and a list item may also be a plain Markdown string.
//! - `authors` and `tags` are lists of ids, each either an id string or an
//!   object with an `id` (as GET returns them; their other fields are ignored).
//! - `PUT` replaces the whole document: a field left out is cleared (except
//!   `slug`, which is kept when absent).

use masthead_domain::{
    ArticleInput, BlockContentInput, BlockId, BlockInput, BodyIds, FieldError, ImageBlockInput,
    ReplyPolicy, SectionId, SectionInput, TagId, UserId, ValidationErrors,
};
use serde::de::{Error as _, IgnoredAny};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type};
use utoipa::openapi::RefOr;
use utoipa::ToSchema;

/// An article as editors write it (the `Article` document minus what is read-only).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ArticleWrite)]
pub struct ArticleDocument {
    /// The headline (1–300 characters).
    #[serde(default)]
    pub title: String,
    /// Lower-case slug; derived from the title when absent on create, kept when absent on update.
    #[serde(default)]
    pub slug: Option<String>,
    /// The summary under the headline.
    #[serde(default)]
    pub standfirst: Option<String>,
    /// The body.
    #[serde(default)]
    pub sections: Vec<SectionDocument>,
    /// The byline: 1–20 user ids (empty on create means the caller).
    #[serde(default)]
    pub authors: Vec<Reference>,
    /// Tag ids, the primary tag first.
    #[serde(default)]
    pub tags: Vec<Reference>,
    /// Who may reply (moderated when absent).
    #[serde(default)]
    #[schema(value_type = Option<crate::rest::views::ReplyPolicyName>)]
    pub reply_policy: Option<String>,
    /// Search-engine overrides.
    #[serde(default)]
    pub seo: Option<SeoDocument>,
    /// The top image; `null` removes it.
    #[serde(default)]
    pub feature_image: Option<FeatureImageDocument>,
    #[serde(default)]
    #[schema(value_type = Value, read_only)]
    pub id: Option<IgnoredAny>,
    #[serde(default)]
    #[schema(value_type = Value, read_only)]
    pub url: Option<IgnoredAny>,
    #[serde(default)]
    #[schema(value_type = Value, read_only)]
    pub status: Option<IgnoredAny>,
    #[serde(default)]
    #[schema(value_type = Value, read_only)]
    pub published_at: Option<IgnoredAny>,
    #[serde(default)]
    #[schema(value_type = Value, read_only)]
    pub scheduled_at: Option<IgnoredAny>,
    #[serde(default)]
    #[schema(value_type = Value, read_only)]
    pub created_at: Option<IgnoredAny>,
    #[serde(default)]
    #[schema(value_type = Value, read_only)]
    pub updated_at: Option<IgnoredAny>,
    #[serde(default)]
    #[schema(value_type = Value, read_only)]
    pub version: Option<IgnoredAny>,
    #[serde(default)]
    #[schema(value_type = Value, read_only)]
    pub reply_count: Option<IgnoredAny>,
    #[serde(default)]
    #[schema(value_type = Value, read_only)]
    pub word_count: Option<IgnoredAny>,
    #[serde(default)]
    #[schema(value_type = Value, read_only)]
    pub reading_time_minutes: Option<IgnoredAny>,
    #[serde(default)]
    #[schema(value_type = Value, read_only)]
    pub primary_tag: Option<IgnoredAny>,
    #[serde(default)]
    #[schema(value_type = Value, read_only)]
    pub structured_data: Option<IgnoredAny>,
    #[serde(default)]
    #[schema(value_type = Value, read_only)]
    pub corrections: Option<IgnoredAny>,
}

/// A section as editors write it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SectionWrite)]
pub struct SectionDocument {
    /// The section's id as GET returned it, to keep the section; absent for a new one.
    #[serde(default)]
    #[schema(format = "uuid")]
    pub id: Option<String>,
    /// Heading; a leading emoji becomes the icon. `null` for the lede.
    #[serde(default)]
    pub heading: Option<String>,
    /// One emoji; wins over one found in the heading.
    #[serde(default)]
    pub icon: Option<String>,
    /// The blocks, in reading order.
    #[serde(default)]
    pub blocks: Vec<BlockDocument>,
}

/// A block as editors write it, tagged by `type`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[schema(as = BlockWrite)]
pub enum BlockDocument {
    /// A paragraph: `markdown` is the source (`text` is used when it is absent).
    Paragraph {
        /// The block's id as GET returned it, to keep the block; absent for a new block.
        #[serde(default)]
        #[schema(format = "uuid")]
        id: Option<String>,
        #[serde(default)]
        markdown: Option<String>,
        #[serde(default)]
        text: Option<String>,
        #[serde(default)]
        #[schema(value_type = Value, read_only)]
        html: Option<IgnoredAny>,
    },
    /// A pull quote; a leading emoji of `text` becomes the icon when `icon` is absent.
    PullQuote {
        /// The block's id as GET returned it, to keep the block; absent for a new block.
        #[serde(default)]
        #[schema(format = "uuid")]
        id: Option<String>,
        #[serde(default)]
        text: String,
        #[serde(default)]
        icon: Option<String>,
        #[serde(default)]
        speaker: Option<String>,
        #[serde(default)]
        context: Option<String>,
    },
    /// A list of Markdown items.
    List {
        /// The block's id as GET returned it, to keep the block; absent for a new block.
        #[serde(default)]
        #[schema(format = "uuid")]
        id: Option<String>,
        #[serde(default)]
        ordered: bool,
        #[serde(default)]
        items: Vec<InlineDocument>,
    },
    /// A photo from the media library. `alt`, `caption` and `credit` default
    /// to the library's when absent; `alt` is required (here or in the
    /// library) unless `decorative`.
    Image {
        /// The block's id as GET returned it, to keep the block; absent for a new block.
        #[serde(default)]
        #[schema(format = "uuid")]
        id: Option<String>,
        /// The library item (`GET /admin/media`).
        #[serde(default)]
        #[schema(format = "uuid")]
        media_id: String,
        #[serde(default)]
        alt: Option<String>,
        /// True for an image a screen reader should skip (then no `alt`).
        #[serde(default)]
        decorative: bool,
        #[serde(default)]
        caption: Option<String>,
        #[serde(default)]
        credit: Option<String>,
        /// `inline` (default), `wide` or `full`.
        #[serde(default)]
        #[schema(value_type = Option<crate::rest::image_views::ImageLayoutName>)]
        layout: Option<String>,
        #[serde(default)]
        #[schema(value_type = Value, read_only)]
        width: Option<IgnoredAny>,
        #[serde(default)]
        #[schema(value_type = Value, read_only)]
        height: Option<IgnoredAny>,
        #[serde(default)]
        #[schema(value_type = Value, read_only)]
        renditions: Option<IgnoredAny>,
        #[serde(default)]
        #[schema(value_type = Value, read_only)]
        srcset: Option<IgnoredAny>,
    },
}

/// SEO overrides as editors write them.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SeoWrite)]
pub struct SeoDocument {
    #[serde(default)]
    pub meta_title: Option<String>,
    #[serde(default)]
    pub meta_description: Option<String>,
    #[serde(default)]
    pub canonical_url: Option<String>,
}

/// The feature image as editors write it: an external `url` (alt text
/// required), or a `media_id` from the library (alt text defaults to the
/// library's). GET's `url` of a library image is read back but ignored.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = FeatureImageWrite)]
pub struct FeatureImageDocument {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub alt: Option<String>,
    #[serde(default)]
    pub caption: Option<String>,
    /// A media library item instead of a URL.
    #[serde(default)]
    #[schema(format = "uuid")]
    pub media_id: Option<String>,
    #[serde(default)]
    #[schema(value_type = Value, read_only)]
    pub width: Option<IgnoredAny>,
    #[serde(default)]
    #[schema(value_type = Value, read_only)]
    pub height: Option<IgnoredAny>,
    #[serde(default)]
    #[schema(value_type = Value, read_only)]
    pub renditions: Option<IgnoredAny>,
    #[serde(default)]
    #[schema(value_type = Value, read_only)]
    pub srcset: Option<IgnoredAny>,
}

/// A list item: a Markdown string, or `{markdown, text, html}` as GET returns it.
#[derive(Debug)]
pub enum InlineDocument {
    /// The Markdown source itself.
    Source(String),
    /// An object; `markdown` wins over `text`, `html` is ignored.
    Object {
        /// The source, when given.
        markdown: Option<String>,
        /// Plain text, the source when `markdown` is absent.
        text: Option<String>,
    },
}

impl<'de> Deserialize<'de> for InlineDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Object {
            #[serde(default)]
            markdown: Option<String>,
            #[serde(default)]
            text: Option<String>,
            #[serde(default)]
            #[allow(dead_code)]
            html: Option<IgnoredAny>,
        }
        match Value::deserialize(deserializer)? {
            Value::String(source) => Ok(Self::Source(source)),
            value @ Value::Object(_) => {
                let object = Object::deserialize(value).map_err(D::Error::custom)?;
                Ok(Self::Object {
                    markdown: object.markdown,
                    text: object.text,
                })
            }
            _ => Err(D::Error::custom(
                "must be a Markdown string or an object with `markdown`",
            )),
        }
    }
}

impl utoipa::PartialSchema for InlineDocument {
    fn schema() -> RefOr<Schema> {
        let text = |description: &str| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some(description))
        };
        OneOfBuilder::new()
            .item(text("The Markdown source."))
            .item(
                ObjectBuilder::new()
                    .property("markdown", text("The Markdown source."))
                    .property(
                        "text",
                        text("Used as the source when `markdown` is absent."),
                    )
                    .property(
                        "html",
                        ObjectBuilder::new()
                            .schema_type(SchemaType::AnyValue)
                            .read_only(Some(true)),
                    )
                    .additional_properties(Some(
                        utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
                    )),
            )
            .into()
    }
}

impl ToSchema for InlineDocument {
    fn name() -> std::borrow::Cow<'static, str> {
        "InlineWrite".into()
    }
}

/// An author or tag named by id: an id string, or an object with an `id`.
#[derive(Debug)]
pub struct Reference(pub String);

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// The object form: `id`, plus the read-only fields GET shows for authors and tags.
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Object {
            id: String,
            #[serde(default)]
            slug: Option<IgnoredAny>,
            #[serde(default)]
            name: Option<IgnoredAny>,
            #[serde(default)]
            description: Option<IgnoredAny>,
            #[serde(default)]
            display_name: Option<IgnoredAny>,
            #[serde(default)]
            bio: Option<IgnoredAny>,
        }
        match Value::deserialize(deserializer)? {
            Value::String(id) => Ok(Self(id)),
            value @ Value::Object(_) => Object::deserialize(value)
                .map(|object| Self(object.id))
                .map_err(D::Error::custom),
            _ => Err(D::Error::custom("must be an id or an object with an `id`")),
        }
    }
}

impl utoipa::PartialSchema for Reference {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(utoipa::openapi::SchemaFormat::Custom("uuid".into()))),
            )
            .item({
                let ignored = || {
                    ObjectBuilder::new()
                        .schema_type(SchemaType::AnyValue)
                        .read_only(Some(true))
                        .description(Some("Read-only: accepted and ignored."))
                };
                ObjectBuilder::new()
                    .property(
                        "id",
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .format(Some(utoipa::openapi::SchemaFormat::Custom("uuid".into()))),
                    )
                    .required("id")
                    .property("slug", ignored())
                    .property("name", ignored())
                    .property("description", ignored())
                    .property("display_name", ignored())
                    .property("bio", ignored())
                    .additional_properties(Some(
                        utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
                    ))
                    .description(Some("An author or tag as GET returns it."))
            })
            .description(Some("An author or tag, by id."))
            .into()
    }
}

impl ToSchema for Reference {
    fn name() -> std::borrow::Cow<'static, str> {
        "Reference".into()
    }
}

/// Where each block's source came from, to name errors by the field the client sent.
enum Origin {
    /// The `markdown` field.
    Markdown,
    /// The `text` field.
    Text,
    /// The value itself (a list item given as a string).
    Whole,
}

impl ArticleDocument {
    /// The domain input, with `default_author` as the byline when none is given.
    /// Errors carry document paths (`feature_image.alt`, `sections[0].blocks[1].markdown`).
    /// `known` are the ids of the article's current body (none on create): the
    /// only ids a section or block may send back.
    pub fn validate(
        self,
        default_author: Option<UserId>,
        known: &BodyIds,
    ) -> Result<masthead_domain::ArticleContent, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let mut authors: Vec<UserId> = ids(&mut errors, "authors", &self.authors);
        if authors.is_empty() && self.authors.is_empty() {
            authors.extend(default_author);
        }
        let tags: Vec<TagId> = ids(&mut errors, "tags", &self.tags);
        let reply_policy =
            self.reply_policy.as_deref().and_then(|policy| {
                errors.collect(policy.parse::<ReplyPolicy>().map_err(|_| {
                    FieldError::new("reply_policy", "must be open, moderated or closed")
                }))
            });
        let mut origins: Vec<Vec<Vec<Origin>>> = Vec::new();
        let sections = self
            .sections
            .into_iter()
            .enumerate()
            .map(|(i, section)| {
                let mut section_origins = Vec::new();
                let blocks = section
                    .blocks
                    .into_iter()
                    .enumerate()
                    .map(|(j, block)| {
                        let (id, content, block_origins) = block_input(block);
                        section_origins.push(block_origins);
                        let field = format!("sections[{i}].blocks[{j}].id");
                        BlockInput {
                            id: parse_id(&mut errors, &field, id).map(BlockId),
                            content,
                        }
                    })
                    .collect();
                origins.push(section_origins);
                let field = format!("sections[{i}].id");
                SectionInput {
                    id: parse_id(&mut errors, &field, section.id).map(SectionId),
                    heading: section.heading,
                    icon: section.icon,
                    blocks,
                }
            })
            .collect();
        let seo = self.seo.unwrap_or_default();
        let image = self.feature_image;
        let input = ArticleInput {
            title: self.title,
            slug: self.slug,
            standfirst: self.standfirst,
            sections,
            authors,
            tags,
            reply_policy,
            meta_title: seo.meta_title,
            meta_description: seo.meta_description,
            canonical_url: seo.canonical_url,
            // A library image's `url` is its rendition, read back from GET: not input.
            feature_image_url: image
                .as_ref()
                .filter(|image| image.media_id.is_none())
                .and_then(|image| image.url.clone()),
            feature_image_alt: image.as_ref().and_then(|image| image.alt.clone()),
            feature_image_caption: image.as_ref().and_then(|image| image.caption.clone()),
            feature_image_media_id: image.and_then(|image| image.media_id),
        };
        match input.validate_with(known) {
            Ok(content) if errors.is_empty() => Ok(content),
            Ok(_) => Err(errors),
            Err(domain) => {
                // A byline whose ids did not parse is already reported entry by entry.
                let reported = |list: &str| {
                    let prefix = format!("{list}[");
                    errors
                        .0
                        .iter()
                        .any(|error| error.field.starts_with(&prefix))
                };
                let skip: Vec<&str> = ["authors", "tags"]
                    .into_iter()
                    .filter(|list| reported(list))
                    .collect();
                let domain: Vec<FieldError> = domain
                    .0
                    .into_iter()
                    .filter(|error| !skip.contains(&error.field.as_str()))
                    .map(|error| rename(error, &origins))
                    .collect();
                errors.0.extend(domain);
                Err(errors)
            }
        }
    }
}

/// A section's or block's id as sent: a UUID, else an error at `field`.
fn parse_id(errors: &mut ValidationErrors, field: &str, id: Option<String>) -> Option<uuid::Uuid> {
    let id = id?;
    errors.collect(
        uuid::Uuid::parse_str(&id)
            .map_err(|_| FieldError::new(field, "must be an id (a UUID) as GET returned it")),
    )
}

/// A block's id as sent, its content input and, per text it holds, where its
/// source came from.
fn block_input(block: BlockDocument) -> (Option<String>, BlockContentInput, Vec<Origin>) {
    match block {
        BlockDocument::Paragraph {
            id, markdown, text, ..
        } => {
            let (source, origin) = source_of(markdown, text);
            (
                id,
                BlockContentInput::Paragraph { text: source },
                vec![origin],
            )
        }
        BlockDocument::PullQuote {
            id,
            text,
            icon,
            speaker,
            context,
        } => (
            id,
            BlockContentInput::PullQuote {
                text,
                icon,
                speaker,
                context,
            },
            Vec::new(),
        ),
        BlockDocument::List { id, ordered, items } => {
            let (items, origins) = items
                .into_iter()
                .map(|item| match item {
                    InlineDocument::Source(source) => (source, Origin::Whole),
                    InlineDocument::Object { markdown, text } => source_of(markdown, text),
                })
                .unzip();
            (id, BlockContentInput::List { ordered, items }, origins)
        }
        BlockDocument::Image {
            id,
            media_id,
            alt,
            decorative,
            caption,
            credit,
            layout,
            ..
        } => (
            id,
            BlockContentInput::Image(ImageBlockInput {
                media_id,
                alt,
                decorative,
                caption,
                credit,
                layout,
            }),
            Vec::new(),
        ),
    }
}

fn source_of(markdown: Option<String>, text: Option<String>) -> (String, Origin) {
    match (markdown, text) {
        (Some(markdown), _) => (markdown, Origin::Markdown),
        (None, Some(text)) => (text, Origin::Text),
        (None, None) => (String::new(), Origin::Markdown),
    }
}

fn ids<T: From<uuid::Uuid>>(
    errors: &mut ValidationErrors,
    field: &str,
    refs: &[Reference],
) -> Vec<T> {
    refs.iter()
        .enumerate()
        .filter_map(|(index, reference)| {
            errors.collect(
                uuid::Uuid::parse_str(reference.0.trim())
                    .map(T::from)
                    .map_err(|_| FieldError::new(format!("{field}[{index}]"), "is not a valid id")),
            )
        })
        .collect()
}

/// Names a domain error by the document field the client sent.
fn rename(mut error: FieldError, origins: &[Vec<Vec<Origin>>]) -> FieldError {
    if let Some((section, block, rest)) = block_path(&error.field) {
        let origins = origins
            .get(section)
            .and_then(|blocks| blocks.get(block))
            .map(Vec::as_slice);
        let renamed = match (rest, origins) {
            // Only paragraphs record an origin for `text`; a pull quote's `text` is its own.
            ("text", Some([Origin::Markdown])) => Some("markdown".to_owned()),
            (item, Some(origins)) if item.starts_with("items[") => item
                .trim_start_matches("items[")
                .trim_end_matches(']')
                .parse::<usize>()
                .ok()
                .and_then(|index| match origins.get(index) {
                    Some(Origin::Markdown) => Some(format!("{item}.markdown")),
                    Some(Origin::Text) => Some(format!("{item}.text")),
                    _ => None,
                }),
            _ => None,
        };
        if let Some(rest) = renamed {
            error.field = format!("sections[{section}].blocks[{block}].{rest}");
        }
    }
    error
}

/// Splits `sections[2].blocks[0].text` into (2, 0, "text").
fn block_path(field: &str) -> Option<(usize, usize, &str)> {
    let rest = field.strip_prefix("sections[")?;
    let (section, rest) = rest.split_once("].blocks[")?;
    let (block, rest) = rest.split_once("].")?;
    Some((section.parse().ok()?, block.parse().ok()?, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document(value: Value) -> ArticleDocument {
        serde_json::from_value(value).unwrap()
    }

    fn fields(value: Value) -> Vec<String> {
        document(value)
            .validate(Some(UserId::generate()), &BodyIds::default())
            .unwrap_err()
            .0
            .into_iter()
            .map(|error| error.field)
            .collect()
    }

    #[test]
    fn a_get_document_round_trips_with_read_only_fields_ignored() {
        let author = UserId::generate();
        let content = document(json!({
            "id": "x", "version": 3, "status": "published", "url": "u", "word_count": 9,
            "title": "Headline", "slug": "headline",
            "authors": [{"id": author.to_string(), "slug": "a", "display_name": "A", "bio": null}],
            "sections": [{"heading": null, "icon": null, "blocks": [
                {"type": "paragraph", "text": "bold", "html": "<p><strong>bold</strong></p>", "markdown": "**bold**"},
                {"type": "list", "ordered": false, "items": [{"text": "a", "html": "a", "markdown": "*a*"}, "b"]}
            ]}],
            "seo": {"meta_title": null, "meta_description": null, "canonical_url": null},
            "feature_image": null
        }))
        .validate(None, &BodyIds::default())
        .unwrap();
        assert_eq!(content.authors, [author]);
        assert_eq!(content.title.as_str(), "Headline");
        let masthead_domain::BlockContent::Paragraph(text) = &content.sections[0].blocks[0].content
        else {
            panic!()
        };
        assert_eq!(text.source(), "**bold**");
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(
            serde_json::from_value::<ArticleDocument>(json!({"title": "t", "role": "admin"}))
                .is_err()
        );
        assert!(serde_json::from_value::<ArticleDocument>(json!({
            "title": "t", "sections": [{"blocks": [{"type": "paragraph", "markdown": "x", "bold": true}]}]
        }))
        .is_err());
        assert!(serde_json::from_value::<ArticleDocument>(
            json!({"title": "t", "tags": [{"id": "x", "hack": 1}]})
        )
        .is_err());
    }

    #[test]
    fn errors_are_named_by_document_paths() {
        assert_eq!(
            fields(json!({
                "title": "t",
                "sections": [{"blocks": [{"type": "paragraph", "markdown": "ok"}]},
                             {"blocks": [{"type": "paragraph", "markdown": " "}, {"type": "list", "items": [{"markdown": ""}, ""]}]}],
                "feature_image": {"url": "https://x.example/a.jpg"},
                "tags": ["nope"],
                "reply_policy": "sometimes"
            })),
            [
                "tags[0]",
                "reply_policy",
                "sections[1].blocks[0].markdown",
                "sections[1].blocks[1].items[0].markdown",
                "sections[1].blocks[1].items[1]",
                "feature_image.alt",
            ]
        );
    }

    #[test]
    fn an_empty_byline_on_create_is_the_caller() {
        let caller = UserId::generate();
        let content = document(json!({"title": "t"}))
            .validate(Some(caller), &BodyIds::default())
            .unwrap();
        assert_eq!(content.authors, [caller]);
        let errors = document(json!({"title": "t", "authors": []}))
            .validate(None, &BodyIds::default())
            .unwrap_err();
        assert_eq!(errors.0[0].field, "authors", "an update must keep a byline");
    }
}
