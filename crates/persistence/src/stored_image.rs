//! The stored JSON form of an image block's placement, shared by the body
//! rows (`article_blocks.image`) and revisions, so both read back the same.

use masthead_domain::{ImageBlock, ImageLayout, ImageSize, MediaId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{PersistenceError, Result};

/// An image block as stored.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StoredImageBlock {
    media_id: Uuid,
    width: Option<u32>,
    height: Option<u32>,
    alt: Option<String>,
    decorative: bool,
    caption: Option<String>,
    credit: Option<String>,
    layout: String,
}

impl From<&ImageBlock> for StoredImageBlock {
    fn from(image: &ImageBlock) -> Self {
        Self {
            media_id: image.media_id.0,
            width: image.size.map(|size| size.width),
            height: image.size.map(|size| size.height),
            alt: image.alt.clone(),
            decorative: image.decorative,
            caption: image.caption.clone(),
            credit: image.credit.clone(),
            layout: image.layout.as_str().to_owned(),
        }
    }
}

impl StoredImageBlock {
    /// The domain block; an unknown layout is corruption.
    pub(crate) fn into_domain(self) -> Result<ImageBlock> {
        let layout = ImageLayout::parse(&self.layout)
            .ok_or_else(|| PersistenceError::Corrupt(format!("image layout {:?}", self.layout)))?;
        Ok(ImageBlock {
            media_id: MediaId(self.media_id),
            size: self
                .width
                .zip(self.height)
                .map(|(width, height)| ImageSize { width, height }),
            alt: self.alt,
            decorative: self.decorative,
            caption: self.caption,
            credit: self.credit,
            layout,
        })
    }

    /// The JSON text of a body row.
    pub(crate) fn to_json(image: &ImageBlock) -> String {
        serde_json::to_string(&Self::from(image)).unwrap_or_default()
    }

    /// The block from a body row's JSON text.
    pub(crate) fn from_json(json: &str) -> Result<ImageBlock> {
        serde_json::from_str::<Self>(json)
            .map_err(|error| PersistenceError::Corrupt(format!("image block: {error}")))?
            .into_domain()
    }
}
