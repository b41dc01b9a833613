//! Images placed in articles, as GraphQL objects: `ImageBlock` in the block
//! unions (bodies and revisions) and `FeatureImage`, both with renditions and
//! a ready `srcset` when they are library images.

use async_graphql::{Enum, SimpleObject, ID};
use masthead_domain::{FeatureImage, ImageBlock, ImageLayout};

use crate::graphql::media::Rendition;

/// How wide a frontend sets an image block.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "ImageLayout")]
pub enum ImageLayoutName {
    /// Within the text column.
    Inline,
    /// Wider than the text column.
    Wide,
    /// Edge to edge.
    Full,
}

impl From<ImageLayout> for ImageLayoutName {
    fn from(layout: ImageLayout) -> Self {
        match layout {
            ImageLayout::Inline => Self::Inline,
            ImageLayout::Wide => Self::Wide,
            ImageLayout::Full => Self::Full,
        }
    }
}

impl From<ImageLayoutName> for ImageLayout {
    fn from(layout: ImageLayoutName) -> Self {
        match layout {
            ImageLayoutName::Inline => Self::Inline,
            ImageLayoutName::Wide => Self::Wide,
            ImageLayoutName::Full => Self::Full,
        }
    }
}

/// (width, path) pairs as GraphQL renditions.
pub fn renditions(list: Vec<(u32, String)>) -> Vec<Rendition> {
    list.into_iter()
        .map(|(width, url)| Rendition { width, url })
        .collect()
}

/// A photo from the media library, placed in the body.
#[derive(SimpleObject)]
#[graphql(name = "ImageBlock")]
pub struct ImageBlockNode {
    /// Stable id (a UUID): send it back in `ImageBlockInput.id` to keep the block.
    pub id: ID,
    /// The library item (`mediaItem(id:)`, staff).
    pub media_id: ID,
    /// Text for screen readers; null when decorative.
    pub alt: Option<String>,
    /// True when the image adds nothing a screen reader should say (`alt=""`).
    pub decorative: bool,
    /// Caption under the image.
    pub caption: Option<String>,
    /// Photographer or agency.
    pub credit: Option<String>,
    /// How wide it is set.
    pub layout: ImageLayoutName,
    /// Pixel width of the library image.
    pub width: u32,
    /// Pixel height of the library image.
    pub height: u32,
    /// WebP renditions at every ladder width up to the original's.
    pub renditions: Vec<Rendition>,
    /// The renditions as an HTML `srcset`.
    pub srcset: String,
}

impl ImageBlockNode {
    /// Block `id` holding `image`.
    pub fn new(id: ID, image: &ImageBlock) -> Self {
        Self {
            id,
            media_id: ID(image.media_id.to_string()),
            alt: image.alt.clone(),
            decorative: image.decorative,
            caption: image.caption.clone(),
            credit: image.credit.clone(),
            layout: image.layout.into(),
            // A saved block always has its size (placement sets it).
            width: image.size.map_or(0, |size| size.width),
            height: image.size.map_or(0, |size| size.height),
            renditions: renditions(image.renditions()),
            srcset: image.srcset(),
        }
    }
}

/// The image at the top of a story: an external URL or a library image.
#[derive(SimpleObject)]
#[graphql(name = "FeatureImage")]
pub struct FeatureImageNode {
    /// The external URL, or for a library image its JPEG rendition of at
    /// most 1920 px (relative to the server).
    pub url: String,
    /// Text for screen readers.
    pub alt: String,
    /// Visible caption and credit.
    pub caption: Option<String>,
    /// The media library item, when the image is one.
    pub media_id: Option<ID>,
    /// Pixel width of a library image.
    pub width: Option<u32>,
    /// Pixel height of a library image.
    pub height: Option<u32>,
    /// A library image's WebP renditions (empty for an external URL).
    pub renditions: Vec<Rendition>,
    /// The renditions as an HTML `srcset` (empty for an external URL).
    pub srcset: String,
}

impl From<&FeatureImage> for FeatureImageNode {
    fn from(image: &FeatureImage) -> Self {
        Self {
            url: image.url.clone(),
            alt: image.alt.clone(),
            caption: image.caption.clone(),
            media_id: image.media_id.map(|id| ID(id.to_string())),
            width: image.size.map(|size| size.width),
            height: image.size.map(|size| size.height),
            renditions: renditions(image.renditions()),
            srcset: image.srcset(),
        }
    }
}
