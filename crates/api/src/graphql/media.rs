//! The media library over GraphQL (staff): browse, search, describe and
//! delete, with the rules of [`crate::app::media`]. Uploading is REST's
//! `POST /api/v1/admin/media` (multipart); a GraphQL client uploads there and
//! uses the id it gets back. Media ids are plain UUIDs, not graph nodes.

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use masthead_domain::media::{MediaFormat, MediaItem, MediaMetaInput};
use std::collections::HashMap;

use masthead_domain::MediaId;
use masthead_persistence::media::MediaUse;
use masthead_persistence::page::{Cursor, PageRequest};

use crate::app::media;
use crate::error::ApiError;
use crate::graphql::connection::{page_info, page_size, PageInfoNode};
use crate::graphql::context::{caller, state, OrGql};
use crate::graphql::ids::{self, Kind};
use crate::graphql::types::image::renditions;
use crate::graphql::types::ArticleStatusValue;

/// The format of an original upload, read from its bytes.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "MediaFormat")]
pub enum MediaFormatName {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    Webp,
    /// GIF (renditions show its first frame).
    Gif,
}

impl From<MediaFormat> for MediaFormatName {
    fn from(format: MediaFormat) -> Self {
        match format {
            MediaFormat::Jpeg => Self::Jpeg,
            MediaFormat::Png => Self::Png,
            MediaFormat::Webp => Self::Webp,
            MediaFormat::Gif => Self::Gif,
        }
    }
}

/// One width an image is served at.
#[derive(SimpleObject)]
pub struct Rendition {
    /// Width in pixels, from the ladder.
    pub width: u32,
    /// Address of the WebP rendition, relative to the server; the same
    /// address ending in `.jpg` or `.png` gives JPEG or PNG.
    pub url: String,
}

/// An image of the library, as staff see it.
#[derive(SimpleObject)]
#[graphql(name = "MediaItem")]
pub struct MediaNode {
    /// Its id (a UUID).
    pub id: ID,
    /// Width in pixels, upright (after the EXIF orientation).
    pub width: u32,
    /// Height in pixels, upright.
    pub height: u32,
    /// The format of the original upload.
    pub format: MediaFormatName,
    /// Size of the original upload, in bytes.
    pub bytes: u64,
    /// Hex SHA-256 of the original: identical uploads are one item.
    pub sha256: String,
    /// The uploader's file name (for search only).
    pub file_name: String,
    /// Text alternative (may be empty in the library).
    pub alt: String,
    /// Caption shown under the image.
    pub caption: String,
    /// Photographer or agency.
    pub credit: String,
    /// What crops keep in frame, 0 (left) to 1 (right).
    pub focal_x: f64,
    /// 0 (top) to 1 (bottom).
    pub focal_y: f64,
    /// Every width of the ladder up to the original's.
    pub renditions: Vec<Rendition>,
    /// The renditions as an HTML `srcset` (`/media/…/160.webp 160w, …`).
    pub srcset: String,
    /// The original upload (staff only; it may carry EXIF data such as GPS).
    pub original_url: String,
    /// The current articles that show it (body or feature image); while any
    /// does, `deleteMedia` is refused with `IN_USE`.
    pub used_by: Vec<MediaUseNode>,
    /// Who uploaded it (null for images loaded by other means).
    pub created_by: Option<ID>,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
    /// When its description last changed.
    pub updated_at: DateTime<Utc>,
}

/// An article that shows a library image.
#[derive(SimpleObject)]
#[graphql(name = "MediaUse")]
pub struct MediaUseNode {
    /// The article's global ID.
    pub article_id: ID,
    /// Its headline.
    pub title: String,
    /// Its slug.
    pub slug: String,
    /// Its status.
    pub status: ArticleStatusValue,
}

impl MediaNode {
    /// `item` with the articles that use it (from [`media::usage`]).
    fn new(item: &MediaItem, usage: &HashMap<MediaId, Vec<MediaUse>>) -> Self {
        let used_by = usage
            .get(&item.id)
            .map(|uses| {
                uses.iter()
                    .map(|used| MediaUseNode {
                        article_id: ids::encode(Kind::Article, used.article_id),
                        title: used.title.clone(),
                        slug: used.slug.clone(),
                        status: used.status.into(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let renditions = renditions(item.renditions());
        Self {
            id: ID(item.id.to_string()),
            width: item.width,
            height: item.height,
            format: item.format.into(),
            bytes: item.bytes,
            sha256: item.sha256.clone(),
            file_name: item.file_name.clone(),
            alt: item.meta.alt.clone(),
            caption: item.meta.caption.clone(),
            credit: item.meta.credit.clone(),
            focal_x: item.meta.focal.x(),
            focal_y: item.meta.focal.y(),
            renditions,
            srcset: item.srcset(),
            original_url: format!("/api/v1/admin/media/{}/original", item.id),
            used_by,
            created_by: item.created_by.map(|user| ID(user.to_string())),
            created_at: item.created_at,
            updated_at: item.updated_at,
        }
    }
}

/// A page of the library, newest first.
#[derive(SimpleObject)]
pub struct MediaPage {
    /// The images.
    pub nodes: Vec<MediaNode>,
    /// Where the page stands (`endCursor` continues it).
    pub page_info: PageInfoNode,
}

/// Changes to an image's description; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateMediaInput {
    /// Text alternative (at most 1,000 characters).
    pub alt: Option<String>,
    /// Caption (at most 2,000 characters).
    pub caption: Option<String>,
    /// Photographer or agency (at most 300 characters).
    pub credit: Option<String>,
    /// 0–1, given together with `focalY`.
    pub focal_x: Option<f64>,
    /// 0–1, given together with `focalX`.
    pub focal_y: Option<f64>,
}

/// A media id; anything but a UUID names nothing.
fn media_id(id: &ID) -> Result<MediaId> {
    id.parse::<MediaId>()
        .map_err(|_| ApiError::NotFound.to_graphql())
}

/// Media library reads (staff).
#[derive(Default)]
pub struct MediaQuery;

#[Object]
impl MediaQuery {
    /// The library, newest first; `q` searches alt text, caption, credit
    /// and file name (case-insensitive, at most 200 characters).
    async fn media(
        &self,
        ctx: &Context<'_>,
        q: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<MediaPage> {
        let size = page_size(ctx, "first", first)?;
        let after = after
            .as_deref()
            .map(|cursor| Cursor::decode("after", cursor))
            .transpose()
            .gql()?;
        let page = media::list(
            state(ctx)?,
            caller(ctx),
            q.as_deref(),
            PageRequest::after(size, after),
        )
        .await
        .gql()?;
        let ids: Vec<MediaId> = page.items.iter().map(|(_, item)| item.id).collect();
        let usage = media::usage(state(ctx)?, &ids).await.gql()?;
        Ok(MediaPage {
            page_info: page_info(&page),
            nodes: page
                .items
                .iter()
                .map(|(_, item)| MediaNode::new(item, &usage))
                .collect(),
        })
    }

    /// One image of the library.
    async fn media_item(&self, ctx: &Context<'_>, id: ID) -> Result<MediaNode> {
        let item = media::get(state(ctx)?, caller(ctx), media_id(&id)?)
            .await
            .gql()?;
        let usage = media::usage(state(ctx)?, &[item.id]).await.gql()?;
        Ok(MediaNode::new(&item, &usage))
    }
}

/// Media library writes (authors: their own uploads; editors and admins: any), audited.
#[derive(Default)]
pub struct MediaMutation;

#[Object]
impl MediaMutation {
    /// Changes an image's alt text, caption, credit or focal point.
    async fn update_media(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateMediaInput,
    ) -> Result<MediaNode> {
        let input = MediaMetaInput {
            alt: input.alt,
            caption: input.caption,
            credit: input.credit,
            focal_x: input.focal_x,
            focal_y: input.focal_y,
        };
        let item = media::update(state(ctx)?, caller(ctx), media_id(&id)?, input)
            .await
            .gql()?;
        let usage = media::usage(state(ctx)?, &[item.id]).await.gql()?;
        Ok(MediaNode::new(&item, &usage))
    }

    /// Removes an image, its original and its renditions; answers its id.
    async fn delete_media(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        media::delete(state(ctx)?, caller(ctx), media_id(&id)?)
            .await
            .gql()?;
        Ok(id)
    }
}
