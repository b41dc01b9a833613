//! `/admin/media`: the media library over REST. Staff upload images as
//! `multipart/form-data` (the form is read by [`crate::rest::media_form`]),
//! browse and search the library, describe, and delete; the original upload
//! is for staff only, readers get the re-encoded renditions under `/media`.
//! The rules live in [`crate::app::media`].

use std::collections::{BTreeMap, HashMap};

use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use masthead_domain::media::{MediaItem, MediaMetaInput};
use masthead_domain::MediaId;
use masthead_persistence::media::{MediaUse, Recorded};
use masthead_persistence::page::{Cursor, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::media;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::rest::body::{limit_for, read_json};
use crate::rest::caching::PRIVATE;
use crate::rest::image_views::rendition_map;
use crate::rest::listing;
use crate::rest::media_form::{read_upload, UploadForm};
use crate::rest::views::{timestamp, ListView};
use crate::state::AppState;

/// The sniffed format of an original.
#[derive(ToSchema)]
#[schema(as = MediaFormat, rename_all = "lowercase")]
pub enum MediaFormatName {
    Jpeg,
    Png,
    Webp,
    Gif,
}

/// An image file's bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct ImageBytes(#[allow(dead_code)] Vec<u8>);

/// An image of the library, as staff see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Media)]
pub struct MediaView {
    #[schema(format = "uuid")]
    pub id: String,
    /// Width in pixels, upright (after the EXIF orientation).
    pub width: u32,
    /// Height in pixels, upright.
    pub height: u32,
    /// The format of the original upload, read from its bytes.
    #[schema(value_type = MediaFormatName)]
    pub format: &'static str,
    /// Size of the original upload, in bytes.
    pub bytes: u64,
    /// Hex SHA-256 of the original: identical uploads are one item.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub sha256: String,
    /// The uploader's file name (for search; never used for the type).
    pub file_name: String,
    /// Text alternative (may be empty in the library).
    pub alt: String,
    pub caption: String,
    /// Photographer or agency.
    pub credit: String,
    /// What crops keep in frame, 0 (left) to 1 (right).
    pub focal_x: f64,
    /// 0 (top) to 1 (bottom).
    pub focal_y: f64,
    /// Width → address of the WebP rendition at that width, for every width
    /// of the ladder up to the original's. The same address ending in `.jpg`
    /// or `.png` gives JPEG or PNG, and `{width}-16x9` (or `4x3`, `1x1`) a
    /// crop around the focal point. Addresses are relative to the server.
    pub renditions: BTreeMap<String, String>,
    /// The renditions as an HTML `srcset` (`/media/…/160.webp 160w, …`).
    pub srcset: String,
    /// The original upload (staff only; it may carry EXIF data such as GPS).
    pub original_url: String,
    /// The current articles that show it (body or feature image); while
    /// any does, deleting it is `409 IN_USE`.
    pub used_by: Vec<MediaUseView>,
    /// Who uploaded it (null for images loaded by other means, such as the demo).
    #[schema(required = true, format = "uuid")]
    pub created_by: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// An article that shows a library image.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = MediaUse)]
pub struct MediaUseView {
    #[schema(format = "uuid")]
    pub article_id: String,
    pub title: String,
    pub slug: String,
    #[schema(value_type = crate::rest::views::ArticleStatusName)]
    pub status: &'static str,
}

impl MediaView {
    /// `item` with the articles that use it (from [`media::usage`]).
    pub fn new(item: &MediaItem, usage: &HashMap<MediaId, Vec<MediaUse>>) -> Self {
        let renditions = rendition_map(item.renditions());
        let used_by = usage
            .get(&item.id)
            .map(|uses| {
                uses.iter()
                    .map(|used| MediaUseView {
                        article_id: used.article_id.to_string(),
                        title: used.title.clone(),
                        slug: used.slug.clone(),
                        status: used.status.as_str(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            id: item.id.to_string(),
            width: item.width,
            height: item.height,
            format: item.format.as_str(),
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
            created_by: item.created_by.map(|user| user.to_string()),
            created_at: timestamp(item.created_at),
            updated_at: timestamp(item.updated_at),
        }
    }
}

/// `PATCH /admin/media/{id}` body: absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = MediaUpdateWrite)]
pub struct MediaPatchBody {
    /// Text alternative.
    #[serde(default)]
    pub alt: Option<String>,
    /// Caption shown under the image.
    #[serde(default)]
    pub caption: Option<String>,
    /// Photographer or agency.
    #[serde(default)]
    pub credit: Option<String>,
    /// What crops keep in frame, 0 (left) to 1 (right); with `focal_y`.
    #[serde(default)]
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub focal_x: Option<f64>,
    /// 0 (top) to 1 (bottom); with `focal_x`.
    #[serde(default)]
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub focal_y: Option<f64>,
}

/// Query of `GET /admin/media`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MediaQuery {
    /// Only items whose alt text, caption, credit or file name contains this
    /// (case-insensitive), at most 200 characters.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn media_id(id: &str) -> Result<MediaId, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound)
}

async fn answer(
    state: &AppState,
    status: actix_web::http::StatusCode,
    item: &MediaItem,
) -> Result<HttpResponse, ApiError> {
    let usage = media::usage(state, &[item.id]).await?;
    Ok(HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, PRIVATE))
        .json(MediaView::new(item, &usage)))
}

/// Uploads an image with its description. The type comes from the bytes
/// (JPEG, PNG, WebP, GIF — the first frame); size and dimensions are
/// checked from the header before anything is decoded. Bytes already in the
/// library answer that item with 200, unchanged.
#[utoipa::path(
    post,
    path = "/admin/media",
    operation_id = "upload_media",
    tag = "media",
    security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Added to the library.", body = MediaView),
        (status = 200, description = "The same bytes were already in the library: that item.", body = MediaView),
    )
)]
#[post("/admin/media")]
pub async fn upload(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.authorize(masthead_domain::policy::Action::UploadMedia)?;
    let form = read_upload(
        &request,
        payload.into_inner(),
        state.settings.media.media_max_bytes,
    )
    .await?;
    match media::upload(&state, caller, form).await? {
        Recorded::Created(item) => {
            answer(&state, actix_web::http::StatusCode::CREATED, &item).await
        }
        Recorded::Existing(item) => answer(&state, actix_web::http::StatusCode::OK, &item).await,
    }
}

/// The library, newest first, optionally searched.
#[utoipa::path(
    get,
    path = "/admin/media",
    operation_id = "list_media",
    tag = "media",
    security(("bearer" = [])),
    params(MediaQuery),
    responses(
        (status = 200, description = "A page of the library.", body = ref("#/components/schemas/MediaPage")),
    )
)]
#[get("/admin/media")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<MediaQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = listing::page_size(query.limit)?;
    let cursor = query
        .cursor
        .as_deref()
        .map(|cursor| Cursor::decode("cursor", cursor))
        .transpose()?;
    let page = media::list(
        &state,
        caller,
        query.q.as_deref(),
        PageRequest::after(limit, cursor),
    )
    .await?;
    let next_cursor = page.next_cursor().map(|cursor| cursor.encode());
    let ids: Vec<MediaId> = page.items.iter().map(|(_, item)| item.id).collect();
    let usage = media::usage(&state, &ids).await?;
    let data = page
        .items
        .iter()
        .map(|(_, item)| MediaView::new(item, &usage))
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PRIVATE))
        .json(ListView { data, next_cursor }))
}

/// One image of the library.
#[utoipa::path(
    get,
    path = "/admin/media/{id}",
    operation_id = "get_media",
    tag = "media",
    security(("bearer" = [])),
    params(("id" = String, Path, format = "uuid", description = "The image's id.")),
    responses(
        (status = 200, description = "The image.", body = MediaView),
    )
)]
#[get("/admin/media/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let item = media::get(&state, caller, media_id(&id)?).await?;
    answer(&state, actix_web::http::StatusCode::OK, &item).await
}

/// Changes an image's alt text, caption, credit or focal point (authors:
/// their own uploads; editors and admins: any). Audited.
#[utoipa::path(
    patch,
    path = "/admin/media/{id}",
    operation_id = "update_media",
    tag = "media",
    security(("bearer" = [])),
    params(("id" = String, Path, format = "uuid", description = "The image's id.")),
    request_body(content = MediaPatchBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The image as saved.", body = MediaView),
    )
)]
#[patch("/admin/media/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let id = media_id(&id)?;
    caller.authorize(masthead_domain::policy::Action::UploadMedia)?;
    let body: MediaPatchBody = read_json(&request, payload.into_inner(), limit_for(&request))
        .await?
        .value;
    let input = MediaMetaInput {
        alt: body.alt,
        caption: body.caption,
        credit: body.credit,
        focal_x: body.focal_x,
        focal_y: body.focal_y,
    };
    let item = media::update(&state, caller, id, input).await?;
    answer(&state, actix_web::http::StatusCode::OK, &item).await
}

/// Removes an image, its original and its renditions (authors: their own
/// uploads; editors and admins: any). Audited.
#[utoipa::path(
    delete,
    path = "/admin/media/{id}",
    operation_id = "delete_media",
    tag = "media",
    security(("bearer" = [])),
    params(("id" = String, Path, format = "uuid", description = "The image's id.")),
    responses(
        (status = 204, description = "Removed."),
        (status = 409, description = "Current articles show it (`IN_USE`; `detail` names them, `used_by` of the item lists them); nothing was removed.",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/admin/media/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    media::delete(&state, caller, media_id(&id)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The original upload as it was sent, metadata and all (staff only).
#[utoipa::path(
    get,
    path = "/admin/media/{id}/original",
    operation_id = "get_media_original",
    tag = "media",
    security(("bearer" = [])),
    params(("id" = String, Path, format = "uuid", description = "The image's id.")),
    responses(
        (status = 200, description = "The bytes, with the type read from them.", content(
            (ImageBytes = "image/jpeg"),
            (ImageBytes = "image/png"),
            (ImageBytes = "image/webp"),
            (ImageBytes = "image/gif"),
        )),
    )
)]
#[get("/admin/media/{id}/original")]
pub async fn original(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (item, bytes) = media::original(&state, caller, media_id(&id)?).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PRIVATE))
        .insert_header((header::CONTENT_TYPE, item.format.mime()))
        .insert_header(("x-content-type-options", "nosniff"))
        .body(bytes))
}
