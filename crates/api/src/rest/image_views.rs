//! The JSON shapes of images placed in articles: the feature image and the
//! renditions both it and image blocks carry.

use std::collections::BTreeMap;

use masthead_domain::FeatureImage;
use serde::Serialize;
use utoipa::ToSchema;

/// How wide a frontend sets an image block, as shown in `layout`.
#[derive(ToSchema)]
#[schema(as = ImageLayout, rename_all = "snake_case")]
pub enum ImageLayoutName {
    /// Within the text column.
    Inline,
    /// Wider than the text column.
    Wide,
    /// Edge to edge.
    Full,
}

/// Width → address of the WebP rendition at that width (relative to the
/// server); the same address ending in `.jpg` or `.png` gives JPEG or PNG,
/// and `{width}-16x9` (or `4x3`, `1x1`) a crop around the focal point.
pub fn rendition_map(renditions: Vec<(u32, String)>) -> BTreeMap<String, String> {
    renditions
        .into_iter()
        .map(|(width, path)| (width.to_string(), path))
        .collect()
}

/// The feature image.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = FeatureImage)]
pub struct FeatureImageView {
    /// The external URL, or for a library image its JPEG rendition of at
    /// most 1920 px (relative to the server).
    pub url: String,
    pub alt: String,
    #[schema(required = true)]
    pub caption: Option<String>,
    /// The media library item, when the image is one.
    #[schema(required = true, format = "uuid")]
    pub media_id: Option<String>,
    /// Pixel size of a library image (`null` for an external URL).
    #[schema(required = true)]
    pub width: Option<u32>,
    #[schema(required = true)]
    pub height: Option<u32>,
    /// A library image's renditions (empty for an external URL).
    pub renditions: BTreeMap<String, String>,
    /// The renditions as an HTML `srcset` (empty for an external URL).
    pub srcset: String,
}

impl From<&FeatureImage> for FeatureImageView {
    fn from(image: &FeatureImage) -> Self {
        Self {
            url: image.url.clone(),
            alt: image.alt.clone(),
            caption: image.caption.clone(),
            media_id: image.media_id.map(|id| id.to_string()),
            width: image.size.map(|size| size.width),
            height: image.size.map(|size| size.height),
            renditions: rendition_map(image.renditions()),
            srcset: image.srcset(),
        }
    }
}
