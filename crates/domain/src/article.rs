//! The article: the story a newsroom publishes, and its editable content.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::block::BlockContent;
use crate::error::{FieldError, ValidationErrors};
use crate::ids::{ArticleId, BlockId, MediaId, SectionId, TagId, UserId};
use crate::image::{canonical_rendition, place_media, ImageSize, LibraryImage, Placement};
use crate::lifecycle::Lifecycle;
use crate::limits::{
    AUTHORS_MAX, META_DESCRIPTION_MAX, META_TITLE_MAX, SECTIONS_MAX, STANDFIRST_MAX, TAGS_MAX,
    TITLE_MAX, URL_MAX,
};
use crate::reading;
use crate::section::{Section, SectionInput};
use crate::slug::Slug;
use crate::tag::Tag;
use crate::text;
use crate::user::Author;

/// An article's headline: 1–300 characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    /// Parses a headline given as `field`.
    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        text::required(field, value, TITLE_MAX).map(Self)
    }

    /// The headline as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Title {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who may reply under an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum ReplyPolicy {
    /// Replies appear at once unless they look like spam.
    Open,
    /// Replies wait for a moderator (the default: safest for a newsroom).
    #[default]
    Moderated,
    /// No new replies.
    Closed,
}

impl ReplyPolicy {
    /// Every policy.
    pub const ALL: [ReplyPolicy; 3] = [
        ReplyPolicy::Open,
        ReplyPolicy::Moderated,
        ReplyPolicy::Closed,
    ];

    /// Stable name, as stored and shown in APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplyPolicy::Open => "open",
            ReplyPolicy::Moderated => "moderated",
            ReplyPolicy::Closed => "closed",
        }
    }
}

impl FromStr for ReplyPolicy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|policy| policy.as_str() == s)
            .ok_or_else(|| format!("unknown reply policy {s:?}"))
    }
}

/// What search engines and social cards show; each falls back to the article's own fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Seo {
    /// `<title>` override.
    pub meta_title: Option<String>,
    /// `<meta name="description">` override.
    pub meta_description: Option<String>,
    /// Where the original lives when this is a syndicated copy.
    pub canonical_url: Option<String>,
}

/// The image at the top of the story: an external URL, or an item of the
/// media library (see [`crate::image`] for what is copied from it on save).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureImage {
    /// Absolute http(s) URL, or for a library image its canonical rendition
    /// path (`/media/{id}/1920.jpg`, set when the article is saved).
    pub url: String,
    /// Text for screen readers; required, a newsroom's accessibility duty
    /// (a library image may take the library's).
    pub alt: String,
    /// Visible caption and credit.
    pub caption: Option<String>,
    /// The library item, when the image is one.
    pub media_id: Option<MediaId>,
    /// The library item's pixel size (set when the article is saved).
    pub size: Option<ImageSize>,
}

impl FeatureImage {
    /// WebP renditions of a library image at each ladder width (none for an external URL).
    pub fn renditions(&self) -> Vec<(u32, String)> {
        match (self.media_id, self.size) {
            (Some(id), Some(size)) => crate::media::webp_renditions(id, size.width),
            _ => Vec::new(),
        }
    }

    /// [`Self::renditions`] as an HTML `srcset` (empty for an external URL).
    pub fn srcset(&self) -> String {
        crate::media::srcset(&self.renditions())
    }

    /// The addresses structured data lists: a library image's 16x9, 4x3 and
    /// 1x1 crops, or the external URL.
    pub fn structured_data_images(&self) -> Vec<String> {
        match (self.media_id, self.size) {
            (Some(id), Some(size)) => crate::image::aspect_crops(id, size.width),
            _ => vec![self.url.clone()],
        }
    }
}

/// Everything an editor writes and saves, validated. The store adds identity,
/// lifecycle, version and timestamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleContent {
    /// The headline.
    pub title: Title,
    /// Requested slug; derived from the title when absent.
    pub slug: Option<Slug>,
    /// The summary under the headline.
    pub standfirst: String,
    /// The body.
    pub sections: Vec<Section>,
    /// Byline, in order (1–20 authors).
    pub authors: Vec<UserId>,
    /// Tags; the first is the primary tag (the collection it is filed in).
    pub tags: Vec<TagId>,
    /// Who may reply.
    pub reply_policy: ReplyPolicy,
    /// Search-engine overrides.
    pub seo: Seo,
    /// The top image.
    pub feature_image: Option<FeatureImage>,
}

impl ArticleContent {
    /// Every media library item the article places (blocks and feature image).
    pub fn media_ids(&self) -> Vec<MediaId> {
        let blocks = self.sections.iter().flat_map(|section| {
            section
                .blocks
                .iter()
                .filter_map(|block| match &block.content {
                    BlockContent::Image(image) => Some(image.media_id),
                    _ => None,
                })
        });
        let mut ids: Vec<MediaId> = blocks
            .chain(self.feature_image.iter().filter_map(|image| image.media_id))
            .collect();
        ids.sort_unstable_by_key(|id| id.0);
        ids.dedup();
        ids
    }

    /// Completes every library image from `library` (see
    /// [`crate::image::place_media`]): errors name `sections[i].blocks[j].media_id`,
    /// `….alt`, `feature_image.media_id` or `feature_image.alt`.
    pub fn place_media(
        &mut self,
        library: &HashMap<MediaId, LibraryImage>,
    ) -> Result<(), ValidationErrors> {
        let mut placements = Vec::new();
        for (i, section) in self.sections.iter_mut().enumerate() {
            for (j, block) in section.blocks.iter_mut().enumerate() {
                if let BlockContent::Image(image) = &mut block.content {
                    placements.push(Placement {
                        prefix: format!("sections[{i}].blocks[{j}]."),
                        media_id: image.media_id,
                        size: &mut image.size,
                        alt: &mut image.alt,
                        decorative: image.decorative,
                        caption: &mut image.caption,
                        credit: Some(&mut image.credit),
                    });
                }
            }
        }
        let mut feature = self.feature_image.as_mut().and_then(|image| {
            let media_id = image.media_id?;
            let alt = (!image.alt.is_empty()).then(|| image.alt.clone());
            Some((image, media_id, alt))
        });
        if let Some((image, media_id, alt)) = feature.as_mut() {
            placements.push(Placement {
                prefix: "feature_image.".to_owned(),
                media_id: *media_id,
                size: &mut image.size,
                alt,
                decorative: false,
                caption: &mut image.caption,
                credit: None,
            });
        }
        let placed = place_media(placements, library);
        if let Some((image, media_id, alt)) = feature {
            image.alt = alt.unwrap_or_default();
            if let Some(size) = image.size {
                image.url = canonical_rendition(media_id, size.width);
            }
        }
        placed
    }

    /// Words in standfirst and body, headings included.
    pub fn word_count(&self) -> usize {
        body_word_count(&self.standfirst, &self.sections)
    }

    /// The slug to store: the requested one, else one from the title.
    pub fn slug_or_derived(&self) -> Option<Slug> {
        self.slug
            .clone()
            .or_else(|| Slug::from_title(self.title.as_str()))
    }
}

/// An article as a client sends it, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ArticleInput {
    /// Headline.
    pub title: String,
    /// Optional slug in slug form.
    pub slug: Option<String>,
    /// Summary under the headline.
    pub standfirst: Option<String>,
    /// Body sections.
    pub sections: Vec<SectionInput>,
    /// Byline author ids.
    pub authors: Vec<UserId>,
    /// Tag ids, primary first.
    pub tags: Vec<TagId>,
    /// Reply policy; moderated when absent.
    pub reply_policy: Option<ReplyPolicy>,
    /// SEO title override.
    pub meta_title: Option<String>,
    /// SEO description override.
    pub meta_description: Option<String>,
    /// Canonical URL.
    pub canonical_url: Option<String>,
    /// Feature image URL; alt text becomes required with it.
    pub feature_image_url: Option<String>,
    /// Feature image alt text.
    pub feature_image_alt: Option<String>,
    /// Feature image caption.
    pub feature_image_caption: Option<String>,
    /// A media library item as the feature image, instead of a URL; its alt
    /// text then defaults to the library's.
    pub feature_image_media_id: Option<String>,
}

/// The section and block ids of an article's current body: the only ids a
/// save may send back (a new article has none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BodyIds {
    sections: Vec<SectionId>,
    blocks: Vec<BlockId>,
}

impl BodyIds {
    /// The ids of `sections`.
    pub fn of(sections: &[Section]) -> Self {
        Self {
            sections: sections.iter().map(|section| section.id).collect(),
            blocks: sections
                .iter()
                .flat_map(|section| section.blocks.iter().map(|block| block.id))
                .collect(),
        }
    }
}

impl ArticleInput {
    /// Checks every bound at once and names each failing field by its path,
    /// for a new article: any section or block id sent is unknown.
    pub fn validate(self) -> Result<ArticleContent, ValidationErrors> {
        self.validate_with(&BodyIds::default())
    }

    /// [`Self::validate`] for a save of an article whose body has `known` ids:
    /// a section or block sent with an id keeps it when the id is one of
    /// `known`; an unknown or repeated id is an error at its path
    /// (`sections[1].blocks[0].id`); one without an id gets a fresh id.
    pub fn validate_with(self, known: &BodyIds) -> Result<ArticleContent, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        check_body_ids(&self.sections, known, &mut errors);
        let title = errors.collect(Title::parse("title", &self.title));
        let slug = match self.slug.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(slug) => errors.collect(Slug::parse("slug", slug)),
        };
        let standfirst = errors
            .collect(text::bounded(
                "standfirst",
                self.standfirst.as_deref().unwrap_or(""),
                STANDFIRST_MAX,
            ))
            .unwrap_or_default();
        let sections = validate_sections(self.sections, &mut errors);
        check_count(&mut errors, "authors", self.authors.len(), 1, AUTHORS_MAX);
        check_count(&mut errors, "tags", self.tags.len(), 0, TAGS_MAX);
        let seo = Seo {
            meta_title: errors
                .collect(text::optional(
                    "seo.meta_title",
                    self.meta_title.as_deref(),
                    META_TITLE_MAX,
                ))
                .flatten(),
            meta_description: errors
                .collect(text::optional(
                    "seo.meta_description",
                    self.meta_description.as_deref(),
                    META_DESCRIPTION_MAX,
                ))
                .flatten(),
            canonical_url: errors
                .collect(url("seo.canonical_url", self.canonical_url.as_deref()))
                .flatten(),
        };
        let image_url = errors
            .collect(url("feature_image.url", self.feature_image_url.as_deref()))
            .flatten();
        let image_alt = errors
            .collect(text::optional(
                "feature_image.alt",
                self.feature_image_alt.as_deref(),
                META_DESCRIPTION_MAX,
            ))
            .flatten();
        let image_caption = errors
            .collect(text::optional(
                "feature_image.caption",
                self.feature_image_caption.as_deref(),
                META_DESCRIPTION_MAX,
            ))
            .flatten();
        let image_media = self.feature_image_media_id.as_deref().and_then(|id| {
            errors.collect(crate::image::parse_media_id("feature_image.media_id", id))
        });
        let feature_image = match (image_media, image_url, image_alt) {
            (Some(_), Some(_), _) => {
                errors.0.push(FieldError::new(
                    "feature_image.url",
                    "give either a url or a media_id, not both",
                ));
                None
            }
            (Some(media_id), None, alt) => Some(FeatureImage {
                url: String::new(),
                alt: alt.unwrap_or_default(),
                caption: image_caption,
                media_id: Some(media_id),
                size: None,
            }),
            (None, Some(url), Some(alt)) => Some(FeatureImage {
                url,
                alt,
                caption: image_caption,
                media_id: None,
                size: None,
            }),
            (None, Some(_), None) => {
                errors.0.push(FieldError::new(
                    "feature_image.alt",
                    "is required with a feature image",
                ));
                None
            }
            (None, None, _) => None,
        };
        if has_duplicates(&self.authors) {
            errors
                .0
                .push(FieldError::new("authors", "must not repeat an author"));
        }
        if has_duplicates(&self.tags) {
            errors
                .0
                .push(FieldError::new("tags", "must not repeat a tag"));
        }
        // A missing title has its error recorded already.
        let Some(title) = title else {
            return Err(errors);
        };
        errors.finish(|| ArticleContent {
            title,
            slug,
            standfirst,
            sections,
            authors: self.authors,
            tags: self.tags,
            reply_policy: self.reply_policy.unwrap_or_default(),
            seo,
            feature_image,
        })
    }
}

fn validate_sections(inputs: Vec<SectionInput>, errors: &mut ValidationErrors) -> Vec<Section> {
    if inputs.len() > SECTIONS_MAX {
        errors.0.push(FieldError::new(
            "sections",
            format!(
                "must have at most {SECTIONS_MAX} sections (got {})",
                inputs.len()
            ),
        ));
        return Vec::new();
    }
    let mut sections = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.into_iter().enumerate() {
        match input.validate() {
            Ok(section) => sections.push(section),
            Err(nested) => errors.absorb(&format!("sections[{i}]."), nested),
        }
    }
    sections
}

/// Records every sent id that is not `known` or repeats an earlier one.
fn check_body_ids(sections: &[SectionInput], known: &BodyIds, errors: &mut ValidationErrors) {
    let mut seen_sections: HashMap<SectionId, usize> = HashMap::new();
    let mut seen_blocks: HashMap<BlockId, (usize, usize)> = HashMap::new();
    for (i, section) in sections.iter().enumerate() {
        if let Some(id) = section.id {
            let field = format!("sections[{i}].id");
            if let Some(first) = seen_sections.insert(id, i) {
                errors.0.push(FieldError::new(
                    field,
                    format!("repeats the id of sections[{first}]"),
                ));
            } else if !known.sections.contains(&id) {
                errors.0.push(FieldError::new(
                    field,
                    "is not the id of a section of this article (leave it out for a new section)",
                ));
            }
        }
        for (j, block) in section.blocks.iter().enumerate() {
            let Some(id) = block.id else { continue };
            let field = format!("sections[{i}].blocks[{j}].id");
            if let Some((fi, fj)) = seen_blocks.insert(id, (i, j)) {
                errors.0.push(FieldError::new(
                    field,
                    format!("repeats the id of sections[{fi}].blocks[{fj}]"),
                ));
            } else if !known.blocks.contains(&id) {
                errors.0.push(FieldError::new(
                    field,
                    "is not the id of a block of this article (leave it out for a new block)",
                ));
            }
        }
    }
}

fn has_duplicates<T: PartialEq>(ids: &[T]) -> bool {
    (1..ids.len()).any(|i| ids[..i].contains(&ids[i]))
}

fn check_count(errors: &mut ValidationErrors, field: &str, count: usize, min: usize, max: usize) {
    if count < min || count > max {
        errors.0.push(FieldError::new(
            field,
            format!("must have {min}-{max} entries (got {count})"),
        ));
    }
}

/// An optional absolute http(s) URL without spaces or control characters.
fn url(field: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(url) = text::optional(field, value, URL_MAX)? else {
        return Ok(None);
    };
    let lower = url.to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    if !scheme_ok
        || url.len() <= "https://".len()
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(FieldError::new(field, "must be an absolute http(s) URL"));
    }
    Ok(Some(url))
}

/// Words of a standfirst and its sections (headings, paragraphs, quotes, lists).
pub fn body_word_count(standfirst: &str, sections: &[Section]) -> usize {
    let body: usize = sections
        .iter()
        .map(|section| {
            let heading = section.heading.as_deref().map_or(0, reading::word_count);
            heading
                + section
                    .blocks
                    .iter()
                    .map(|block| reading::word_count(&block.plain_text()))
                    .sum::<usize>()
        })
        .sum();
    reading::word_count(standfirst) + body
}

/// A stored article with its byline and tags resolved: what readers and editors see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Stable identity.
    pub id: ArticleId,
    /// Current slug (unique among current and retired slugs).
    pub slug: Slug,
    /// Headline.
    pub title: Title,
    /// Summary under the headline.
    pub standfirst: String,
    /// Body.
    pub sections: Vec<Section>,
    /// Byline, in order.
    pub authors: Vec<Author>,
    /// Tags, primary first.
    pub tags: Vec<Tag>,
    /// Publishing state and times.
    pub lifecycle: Lifecycle,
    /// Who may reply.
    pub reply_policy: ReplyPolicy,
    /// Search-engine overrides.
    pub seo: Seo,
    /// Top image.
    pub feature_image: Option<FeatureImage>,
    /// Bumped on every write; the optimistic-locking token.
    pub version: i32,
    /// Words in standfirst and body as computed when the content was saved
    /// ([`ArticleContent::word_count`]): stored, so lists without bodies show
    /// the same figure as the article itself.
    pub word_count: usize,
    /// When it was first saved.
    pub created_at: DateTime<Utc>,
    /// When its content last changed.
    pub updated_at: DateTime<Utc>,
}

impl Article {
    /// The collection the story is filed in (its first tag).
    pub fn primary_tag(&self) -> Option<&Tag> {
        self.tags.first()
    }

    /// Words in standfirst and body (the stored figure; bodies need not be loaded).
    pub fn word_count(&self) -> usize {
        self.word_count
    }

    /// Minutes to read, rounded up, from the stored word count.
    pub fn reading_time_minutes(&self) -> usize {
        reading::reading_time_minutes(self.word_count)
    }

    /// True when the public may read it at `now`.
    pub fn is_public_at(&self, now: DateTime<Utc>) -> bool {
        self.lifecycle.is_public_at(now)
    }

    /// True when `user` is on the byline.
    pub fn is_by(&self, user: UserId) -> bool {
        self.authors.iter().any(|author| author.id == user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::{BlockContentInput, BlockInput};

    fn valid() -> ArticleInput {
        ArticleInput {
            title: "A headline".into(),
            authors: vec![UserId::generate()],
            sections: vec![SectionInput {
                id: None,
                heading: None,
                icon: None,
                blocks: vec![BlockContentInput::Paragraph {
                    text: "Lede words here.".into(),
                }
                .into()],
            }],
            ..ArticleInput::default()
        }
    }

    fn fields(input: ArticleInput) -> Vec<String> {
        input
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn a_valid_article_passes_with_defaults() {
        let content = valid().validate().unwrap();
        assert_eq!(content.reply_policy, ReplyPolicy::Moderated);
        assert_eq!(content.slug_or_derived().unwrap().as_str(), "a-headline");
        assert_eq!(content.word_count(), 3);
    }

    #[test]
    fn title_bounds() {
        assert!(ArticleInput {
            title: "t".repeat(TITLE_MAX),
            ..valid()
        }
        .validate()
        .is_ok());
        assert_eq!(
            fields(ArticleInput {
                title: "t".repeat(TITLE_MAX + 1),
                ..valid()
            }),
            ["title"]
        );
        assert_eq!(
            fields(ArticleInput {
                title: " \n ".into(),
                ..valid()
            }),
            ["title"]
        );
        assert_eq!(
            fields(ArticleInput {
                title: String::new(),
                ..valid()
            }),
            ["title"]
        );
    }

    #[test]
    fn standfirst_bound() {
        assert!(ArticleInput {
            standfirst: Some("s".repeat(STANDFIRST_MAX)),
            ..valid()
        }
        .validate()
        .is_ok());
        assert_eq!(
            fields(ArticleInput {
                standfirst: Some("s".repeat(STANDFIRST_MAX + 1)),
                ..valid()
            }),
            ["standfirst"]
        );
    }

    #[test]
    fn sections_bound() {
        let sections = |n| vec![SectionInput::default(); n];
        assert!(ArticleInput {
            sections: sections(SECTIONS_MAX),
            ..valid()
        }
        .validate()
        .is_ok());
        assert_eq!(
            fields(ArticleInput {
                sections: sections(SECTIONS_MAX + 1),
                ..valid()
            }),
            ["sections"]
        );
    }

    #[test]
    fn nested_errors_name_their_full_path() {
        let mut input = valid();
        input.sections.push(SectionInput::default());
        input.sections.push(SectionInput {
            id: None,
            heading: Some("Ok".into()),
            icon: None,
            blocks: vec![BlockContentInput::Paragraph { text: "".into() }.into()],
        });
        assert_eq!(fields(input), ["sections[2].blocks[0].text"]);
    }

    #[test]
    fn sent_ids_are_kept_when_known_and_fresh_when_absent() {
        let first = valid().validate().unwrap();
        let known = BodyIds::of(&first.sections);
        let section = &first.sections[0];
        let mut input = valid();
        input.sections[0].id = Some(section.id);
        input.sections[0].blocks[0].id = Some(section.blocks[0].id);
        input.sections[0].blocks.push(
            BlockContentInput::Paragraph {
                text: "New.".into(),
            }
            .into(),
        );
        let saved = input.validate_with(&known).unwrap();
        assert_eq!(saved.sections[0].id, section.id);
        assert_eq!(saved.sections[0].blocks[0].id, section.blocks[0].id);
        assert_ne!(saved.sections[0].blocks[1].id, section.blocks[0].id);
        // Without ids, a save makes new ones.
        let fresh = valid().validate_with(&known).unwrap();
        assert_ne!(fresh.sections[0].id, section.id);
    }

    #[test]
    fn unknown_and_repeated_ids_are_refused_at_their_path() {
        let first = valid().validate().unwrap();
        let known = BodyIds::of(&first.sections);
        let block = first.sections[0].blocks[0].id;
        let mut input = valid();
        input.sections[0].id = Some(SectionId::generate());
        input.sections[0].blocks[0].id = Some(block);
        input.sections[0].blocks.push(BlockInput {
            id: Some(block),
            content: BlockContentInput::Paragraph { text: "x".into() },
        });
        input.sections[0].blocks.push(BlockInput {
            id: Some(BlockId::generate()),
            content: BlockContentInput::Paragraph { text: "y".into() },
        });
        let errors = input.clone().validate_with(&known).unwrap_err();
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "sections[0].id",
                "sections[0].blocks[1].id",
                "sections[0].blocks[2].id"
            ]
        );
        assert!(errors.0[1].message.contains("sections[0].blocks[0]"));
        // A new article knows no ids at all.
        let mut new = valid();
        new.sections[0].blocks[0].id = Some(block);
        assert_eq!(fields_of(new.validate()), ["sections[0].blocks[0].id"]);
        // A section repeated: the second names the first.
        let mut twice = valid();
        twice.sections[0].id = Some(first.sections[0].id);
        twice.sections.push(twice.sections[0].clone());
        twice.sections[1].blocks.clear();
        assert_eq!(fields_of(twice.validate_with(&known)), ["sections[1].id"]);
    }

    fn fields_of(result: Result<ArticleContent, ValidationErrors>) -> Vec<String> {
        result.unwrap_err().0.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn byline_and_tags_bounds() {
        assert_eq!(
            fields(ArticleInput {
                authors: vec![],
                ..valid()
            }),
            ["authors"]
        );
        let author = UserId::generate();
        assert_eq!(
            fields(ArticleInput {
                authors: vec![author, author],
                ..valid()
            }),
            ["authors"]
        );
        let tags = (0..=TAGS_MAX).map(|_| TagId::generate()).collect();
        assert_eq!(fields(ArticleInput { tags, ..valid() }), ["tags"]);
    }

    #[test]
    fn bad_slug_and_urls_are_named() {
        let input = ArticleInput {
            slug: Some("Not A Slug".into()),
            canonical_url: Some("javascript:alert(1)".into()),
            feature_image_url: Some("https://img.example/a.jpg".into()),
            ..valid()
        };
        assert_eq!(
            fields(input),
            ["slug", "seo.canonical_url", "feature_image.alt"]
        );
    }

    #[test]
    fn all_errors_come_back_at_once() {
        let input = ArticleInput {
            title: String::new(),
            authors: vec![],
            ..valid()
        };
        assert_eq!(fields(input), ["title", "authors"]);
    }
}
