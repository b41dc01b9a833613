//! The media library: one implementation behind `POST|GET
//! /api/v1/admin/media`, `GET|PATCH|DELETE /api/v1/admin/media/{id}` and
//! `GET …/{id}/original`.
//!
//! An upload is checked in this order, cheapest first, and nothing is stored
//! until every check passed:
//!
//! 1. the caller: anonymous 401; the policy ([`Action::UploadMedia`]) 403;
//! 2. the description (alt, caption, credit, focal point): 422 naming fields;
//! 3. the bytes, by their SHA-256: bytes already in the library answer that
//!    item, unchanged (identical uploads are stored once);
//! 4. the header: size 413, type from the magic bytes 415 (never the name or
//!    `Content-Type`), declared dimensions 422 — before a pixel is decoded;
//! 5. a full decode on the image pool (truncated or corrupt: 422);
//! 6. the original is stored, then the row recorded (audited); if recording
//!    fails — or another upload of the same bytes won the race — the stored
//!    original is removed again.
//!
//! Authors edit and delete the images they uploaded; editors and admins all.
//! Every answer lists the current articles that use the item; deleting one
//! they use is refused (`409 IN_USE`, naming them).

use std::collections::HashMap;

use bytes::Bytes;
use masthead_domain::media::{clean_file_name, MediaItem, MediaMetaInput};
use masthead_domain::policy::Action;
use masthead_domain::MediaId;
use masthead_persistence::media::{MediaUse, NewMedia, Recorded};
use masthead_persistence::{Page, PageRequest};
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::media::{decode, inspect, pool, Bounds};
use crate::state::AppState;

/// An image as it arrives: its bytes, the uploader's file name and description.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The file, whole (its size was bounded while it was read).
    pub bytes: Bytes,
    /// The name the client gave it; kept for search only.
    pub file_name: String,
    /// Alt text, caption, credit and focal point.
    pub meta: MediaMetaInput,
}

/// Adds an image to the library, or answers the item that already holds
/// the same bytes (see the module doc for the order of checks).
pub async fn upload(
    state: &AppState,
    caller: Caller,
    upload: Upload,
) -> Result<Recorded, ApiError> {
    let actor = caller.authorize(Action::UploadMedia)?;
    let meta = upload.meta.validate()?;
    let sha256 = hex(&Sha256::digest(&upload.bytes));
    if let Some(existing) = state.store.media().by_sha256(&sha256).await? {
        return Ok(Recorded::Existing(existing));
    }
    let bounds = Bounds {
        max_bytes: state.settings.media.media_max_bytes,
    };
    let inspected = inspect(&upload.bytes, bounds)?;
    let bytes = upload.bytes.clone();
    let (width, height) =
        pool::run(move || decode(&bytes, inspected).map(|image| (image.width(), image.height())))
            .await??;
    let id = MediaId::generate();
    state.media.put_original(id, upload.bytes.clone()).await?;
    let recorded = state
        .store
        .media()
        .acting_as(actor.id)
        .record(NewMedia {
            id,
            sha256,
            format: inspected.format,
            width,
            height,
            bytes: upload.bytes.len() as u64,
            file_name: clean_file_name(&upload.file_name),
            meta,
        })
        .await;
    match recorded {
        Ok(Recorded::Created(item)) => Ok(Recorded::Created(item)),
        Ok(Recorded::Existing(item)) => {
            discard(state, id).await;
            Ok(Recorded::Existing(item))
        }
        Err(error) => {
            discard(state, id).await;
            Err(error.into())
        }
    }
}

/// Removes the files of an upload that was not recorded; a failure here
/// leaves an unreferenced file, which is logged, never served.
async fn discard(state: &AppState, id: MediaId) {
    if let Err(error) = state.media.delete_all(id).await {
        tracing::warn!(%id, ?error, "could not remove the files of an unrecorded upload");
    }
}

/// The current articles using each of `ids` (items none uses are absent):
/// what every library answer lists beside the item.
pub async fn usage(
    state: &AppState,
    ids: &[MediaId],
) -> Result<HashMap<MediaId, Vec<MediaUse>>, ApiError> {
    Ok(state.store.media().usage(ids).await?)
}

/// One item of the library (any staff member may browse it).
pub async fn get(state: &AppState, caller: Caller, id: MediaId) -> Result<MediaItem, ApiError> {
    caller.authorize(Action::UploadMedia)?;
    item(state, id).await
}

/// A page of the library, newest first, optionally searched in alt text,
/// caption, credit and file name.
pub async fn list(
    state: &AppState,
    caller: Caller,
    query: Option<&str>,
    page: PageRequest,
) -> Result<Page<MediaItem>, ApiError> {
    caller.authorize(Action::UploadMedia)?;
    Ok(state.store.media().search(query, page).await?)
}

/// Changes an item's description (alt, caption, credit, focal point).
pub async fn update(
    state: &AppState,
    caller: Caller,
    id: MediaId,
    input: MediaMetaInput,
) -> Result<MediaItem, ApiError> {
    let current = item(state, id).await?;
    let actor = caller.authorize(Action::EditMedia {
        own: owns(&caller, &current),
    })?;
    let meta = input.apply(&current.meta)?;
    Ok(state
        .store
        .media()
        .acting_as(actor.id)
        .update_meta(id, meta)
        .await?)
}

/// Removes an item from the library, then its original and renditions; an
/// item current articles show is `409 IN_USE` naming them, and kept.
pub async fn delete(state: &AppState, caller: Caller, id: MediaId) -> Result<(), ApiError> {
    let current = item(state, id).await?;
    let actor = caller.authorize(Action::DeleteMedia {
        own: owns(&caller, &current),
    })?;
    state.store.media().acting_as(actor.id).delete(id).await?;
    discard(state, id).await;
    Ok(())
}

/// The original upload, as it was sent (staff only: it may carry EXIF
/// metadata such as GPS position; readers get re-encoded renditions).
pub async fn original(
    state: &AppState,
    caller: Caller,
    id: MediaId,
) -> Result<(MediaItem, Bytes), ApiError> {
    let item = get(state, caller, id).await?;
    let bytes = state.media.original(id).await?;
    Ok((item, bytes))
}

async fn item(state: &AppState, id: MediaId) -> Result<MediaItem, ApiError> {
    state
        .store
        .media()
        .by_id(id)
        .await?
        .ok_or(ApiError::NotFound)
}

fn owns(caller: &Caller, item: &MediaItem) -> bool {
    caller
        .0
        .is_some_and(|actor| Some(actor.id) == item.created_by)
}

pub(crate) fn hex(digest: &[u8]) -> String {
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}
