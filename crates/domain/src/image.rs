//! Images an article places from the media library: image blocks in its body
//! and a feature image that names a library item.
//!
//! An article names an image by its [`MediaId`]. What the library knows of
//! it — pixel size, alt text, caption, credit — is copied into the article
//! when the article is saved ([`place_media`]), so an article reads in one
//! query, its revisions show what readers saw, and renditions need no second
//! lookup. A block's own alt, caption and credit win over the library's; a
//! later edit in the library reaches an article when it is next saved.

use std::collections::HashMap;

use crate::error::{FieldError, ValidationErrors};
use crate::ids::MediaId;
use crate::media::meta::{ALT_MAX, CAPTION_MAX, CREDIT_MAX};
use crate::media::{
    ladder_for, srcset, webp_renditions, Aspect, MediaItem, RenditionFormat, RenditionSpec,
};
use crate::text;

/// An image's pixel size (after EXIF orientation), as the library measured it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImageSize {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// How wide a frontend sets an image block: within the text column, wider
/// than it, or across the whole page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ImageLayout {
    /// Within the text column.
    #[default]
    Inline,
    /// Wider than the text column.
    Wide,
    /// Edge to edge.
    Full,
}

impl ImageLayout {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inline => "inline",
            Self::Wide => "wide",
            Self::Full => "full",
        }
    }

    /// The layout named `value`, if it is one.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "inline" => Some(Self::Inline),
            "wide" => Some(Self::Wide),
            "full" => Some(Self::Full),
            _ => None,
        }
    }
}

/// A photo in the body, from the media library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageBlock {
    /// The library item shown.
    pub media_id: MediaId,
    /// Its pixel size; `None` only before the article is saved.
    pub size: Option<ImageSize>,
    /// Text for screen readers; `None` when decorative (or before saving).
    pub alt: Option<String>,
    /// Marked as adding nothing a screen reader should say (`alt=""`).
    pub decorative: bool,
    /// Caption under the image.
    pub caption: Option<String>,
    /// Photographer or agency.
    pub credit: Option<String>,
    /// How wide it is set.
    pub layout: ImageLayout,
}

impl ImageBlock {
    /// WebP renditions at each ladder width: (width, URL path).
    pub fn renditions(&self) -> Vec<(u32, String)> {
        self.size
            .map(|size| webp_renditions(self.media_id, size.width))
            .unwrap_or_default()
    }

    /// [`Self::renditions`] as an HTML `srcset`.
    pub fn srcset(&self) -> String {
        srcset(&self.renditions())
    }

    /// The image's words (alt, caption and credit), for search.
    pub fn plain_text(&self) -> String {
        [&self.alt, &self.caption, &self.credit]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// An image block as a client sends it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageBlockInput {
    /// The library item's id, as sent.
    pub media_id: String,
    /// Alt text overriding the library's.
    pub alt: Option<String>,
    /// True for an image a screen reader should skip.
    pub decorative: bool,
    /// Caption overriding the library's.
    pub caption: Option<String>,
    /// Credit overriding the library's.
    pub credit: Option<String>,
    /// `inline` (default), `wide` or `full`.
    pub layout: Option<String>,
}

impl ImageBlockInput {
    /// Checks the block's own bounds; whether the item exists, and the alt
    /// text it then needs, are checked by [`place_media`].
    pub fn validate(self) -> Result<ImageBlock, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let media_id = errors.collect(parse_media_id("media_id", &self.media_id));
        let alt = errors
            .collect(text::optional("alt", self.alt.as_deref(), ALT_MAX))
            .flatten();
        if self.decorative && alt.is_some() {
            errors.0.push(FieldError::new(
                "alt",
                "must be empty for a decorative image",
            ));
        }
        let caption = errors
            .collect(text::optional(
                "caption",
                self.caption.as_deref(),
                CAPTION_MAX,
            ))
            .flatten();
        let credit = errors
            .collect(text::optional("credit", self.credit.as_deref(), CREDIT_MAX))
            .flatten();
        let layout = match self.layout.as_deref().map(str::trim) {
            None | Some("") => Some(ImageLayout::default()),
            Some(name) => errors.collect(
                ImageLayout::parse(name)
                    .ok_or_else(|| FieldError::new("layout", "must be inline, wide or full")),
            ),
        };
        errors.finish(|| ImageBlock {
            media_id: media_id.unwrap_or_else(MediaId::generate),
            size: None,
            alt,
            decorative: self.decorative,
            caption,
            credit,
            layout: layout.unwrap_or_default(),
        })
    }
}

/// A media id as sent (a UUID), else an error at `field`.
pub(crate) fn parse_media_id(field: &str, value: &str) -> Result<MediaId, FieldError> {
    value
        .trim()
        .parse::<MediaId>()
        .map_err(|_| FieldError::new(field, "must be a media id (a UUID)"))
}

/// What the library knows of an item, as placing it needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryImage {
    /// Pixel size.
    pub size: ImageSize,
    /// Alt text; may be empty in the library.
    pub alt: String,
    /// Caption; may be empty.
    pub caption: String,
    /// Credit; may be empty.
    pub credit: String,
}

impl From<&MediaItem> for LibraryImage {
    fn from(item: &MediaItem) -> Self {
        Self {
            size: ImageSize {
                width: item.width,
                height: item.height,
            },
            alt: item.meta.alt.clone(),
            caption: item.meta.caption.clone(),
            credit: item.meta.credit.clone(),
        }
    }
}

/// The widest ladder width of at most 1920 px an image `width` px wide is served at.
fn canonical_width(width: u32) -> u32 {
    ladder_for(width)
        .into_iter()
        .filter(|&rung| rung <= 1920)
        .max()
        .unwrap_or(width)
}

/// The widest JPEG rendition of at most 1920 px: the one URL given where a
/// single image address is wanted (feeds, structured data, `url` fields).
pub fn canonical_rendition(id: MediaId, width: u32) -> String {
    RenditionSpec {
        width: canonical_width(width),
        aspect: None,
        format: RenditionFormat::Jpeg,
    }
    .path(id)
}

/// The 16x9, 4x3 and 1x1 JPEG crops around the focal point at the canonical
/// width: the images search engines ask NewsArticle structured data to list.
pub fn aspect_crops(id: MediaId, width: u32) -> Vec<String> {
    Aspect::ALL
        .into_iter()
        .map(|aspect| {
            RenditionSpec {
                width: canonical_width(width),
                aspect: Some(aspect),
                format: RenditionFormat::Jpeg,
            }
            .path(id)
        })
        .collect()
}

/// An image slot to complete from the library: where it sits (the field
/// prefix errors are named under) and what it needs.
pub struct Placement<'a> {
    /// Field prefix, e.g. `sections[1].blocks[0].` or `feature_image.`.
    pub prefix: String,
    /// The item it names.
    pub media_id: MediaId,
    /// Filled with the library's size.
    pub size: &'a mut Option<ImageSize>,
    /// Filled with the library's alt when absent (unless decorative).
    pub alt: &'a mut Option<String>,
    /// Decorative images need no alt.
    pub decorative: bool,
    /// Filled with the library's caption when absent.
    pub caption: &'a mut Option<String>,
    /// Filled with the library's credit when absent (feature images have none).
    pub credit: Option<&'a mut Option<String>>,
}

/// Completes every placement from `library`: an id the library does not hold
/// is an error at `…media_id`, and an image that is not decorative needs alt
/// text — its own or the library's — else an error at `…alt`.
pub fn place_media(
    placements: Vec<Placement<'_>>,
    library: &HashMap<MediaId, LibraryImage>,
) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let fill = |slot: &mut Option<String>, library: &str| {
        if slot.is_none() && !text::is_blank(library.trim()) {
            *slot = Some(library.to_owned());
        }
    };
    for placement in placements {
        let Some(item) = library.get(&placement.media_id) else {
            errors.0.push(FieldError::new(
                format!("{}media_id", placement.prefix),
                "names no image in the media library",
            ));
            continue;
        };
        *placement.size = Some(item.size);
        fill(placement.caption, &item.caption);
        if let Some(credit) = placement.credit {
            fill(credit, &item.credit);
        }
        if !placement.decorative {
            fill(placement.alt, &item.alt);
            if placement.alt.is_none() {
                errors.0.push(FieldError::new(
                    format!("{}alt", placement.prefix),
                    "is required unless the image is decorative (the library item has no alt text)",
                ));
            }
        }
    }
    errors.finish(|| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(media_id: &str) -> ImageBlockInput {
        ImageBlockInput {
            media_id: media_id.into(),
            ..ImageBlockInput::default()
        }
    }

    fn library(id: MediaId, alt: &str) -> HashMap<MediaId, LibraryImage> {
        HashMap::from([(
            id,
            LibraryImage {
                size: ImageSize {
                    width: 2000,
                    height: 1000,
                },
                alt: alt.into(),
                caption: "Library caption".into(),
                credit: "Agency".into(),
            },
        )])
    }

    fn place(block: &mut ImageBlock, lib: &HashMap<MediaId, LibraryImage>) -> Vec<String> {
        let placement = Placement {
            prefix: "b.".into(),
            media_id: block.media_id,
            size: &mut block.size,
            alt: &mut block.alt,
            decorative: block.decorative,
            caption: &mut block.caption,
            credit: Some(&mut block.credit),
        };
        place_media(vec![placement], lib)
            .err()
            .map(|errors| errors.0.into_iter().map(|error| error.field).collect())
            .unwrap_or_default()
    }

    #[test]
    fn bounds_and_names_are_checked_before_the_library() {
        let fields = |input: ImageBlockInput| -> Vec<String> {
            input
                .validate()
                .unwrap_err()
                .0
                .into_iter()
                .map(|error| error.field)
                .collect()
        };
        assert_eq!(fields(input("not-a-uuid")), ["media_id"]);
        let id = MediaId::generate().to_string();
        let long = ImageBlockInput {
            alt: Some("a".repeat(ALT_MAX + 1)),
            caption: Some("c".repeat(CAPTION_MAX + 1)),
            credit: Some("r".repeat(CREDIT_MAX + 1)),
            layout: Some("sideways".into()),
            ..input(&id)
        };
        assert_eq!(fields(long), ["alt", "caption", "credit", "layout"]);
        let both = ImageBlockInput {
            alt: Some("A ferry".into()),
            decorative: true,
            ..input(&id)
        };
        assert_eq!(fields(both), ["alt"]);
        let ok = ImageBlockInput {
            layout: Some("wide".into()),
            ..input(&id)
        };
        assert_eq!(ok.validate().unwrap().layout, ImageLayout::Wide);
    }

    #[test]
    fn placing_copies_what_the_block_does_not_say_itself() {
        let id = MediaId::generate();
        let mut block = ImageBlockInput {
            caption: Some("Own caption".into()),
            ..input(&id.to_string())
        }
        .validate()
        .unwrap();
        assert!(block.renditions().is_empty(), "no size before placing");
        assert!(place(&mut block, &library(id, "Library alt")).is_empty());
        assert_eq!(block.alt.as_deref(), Some("Library alt"));
        assert_eq!(block.caption.as_deref(), Some("Own caption"));
        assert_eq!(block.credit.as_deref(), Some("Agency"));
        let widths: Vec<u32> = block.renditions().iter().map(|(w, _)| *w).collect();
        assert_eq!(widths.last(), Some(&1920), "never wider than the original");
        assert!(block
            .srcset()
            .contains(&format!("/media/{id}/160.webp 160w")));
    }

    #[test]
    fn alt_is_required_unless_decorative_and_unknown_items_are_named() {
        let id = MediaId::generate();
        let mut block = input(&id.to_string()).validate().unwrap();
        assert_eq!(place(&mut block, &library(id, " ")), ["b.alt"]);
        let mut decorative = ImageBlockInput {
            decorative: true,
            ..input(&id.to_string())
        }
        .validate()
        .unwrap();
        assert!(place(&mut decorative, &library(id, "")).is_empty());
        assert_eq!(decorative.alt, None);
        let mut unknown = input(&MediaId::generate().to_string()).validate().unwrap();
        assert_eq!(place(&mut unknown, &library(id, "x")), ["b.media_id"]);
    }

    #[test]
    fn the_canonical_rendition_is_a_jpeg_of_at_most_1920_px() {
        let id = MediaId::generate();
        assert!(canonical_rendition(id, 6000).ends_with("/1920.jpg"));
        assert!(canonical_rendition(id, 700).ends_with("/640.jpg"));
        let crops = aspect_crops(id, 1500);
        assert_eq!(
            crops,
            ["16x9", "4x3", "1x1"].map(|aspect| format!("/media/{id}/1280-{aspect}.jpg"))
        );
    }
}
