//! Reading an image upload: a `multipart/form-data` body with one `file`
//! part and optional text parts (`alt`, `caption`, `credit`, `focal_x`,
//! `focal_y`). Everything is bounded while it streams in — the file by
//! `--media-max-bytes` (413 as soon as it is passed), each text part by
//! [`TEXT_PART_MAX_BYTES`], the number of parts by [`PARTS_MAX`] — so no
//! client can make the server buffer more than one image.

use actix_multipart::{Multipart, MultipartError};
use actix_web::dev::Payload;
use actix_web::HttpRequest;
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use masthead_domain::media::MediaMetaInput;
use masthead_domain::{FieldError, ValidationErrors};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::app::media::Upload;
use crate::error::ApiError;

/// Longest text part, in bytes (a caption of 2,000 characters fits in any UTF-8).
pub const TEXT_PART_MAX_BYTES: usize = 8 * 1024;
/// Most parts one form may carry (six are known; a repeat is refused).
pub const PARTS_MAX: usize = 6;

/// The upload form, as the OpenAPI document describes it.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = MediaUploadWrite)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The image: JPEG, PNG, WebP or GIF, by its bytes; at most
    /// `--media-max-bytes` (25 MB by default), 50 megapixels and 12,000
    /// pixels a side.
    #[schema(value_type = String, format = Binary)]
    file: String,
    /// Text alternative.
    alt: Option<String>,
    /// Caption shown under the image.
    caption: Option<String>,
    /// Photographer or agency.
    credit: Option<String>,
    /// What crops keep in frame, 0 (left) to 1 (right); with `focal_y`.
    #[schema(minimum = 0.0, maximum = 1.0)]
    focal_x: Option<f64>,
    /// 0 (top) to 1 (bottom); with `focal_x`.
    #[schema(minimum = 0.0, maximum = 1.0)]
    focal_y: Option<f64>,
}

/// What a body that is not a multipart form is told.
const MULTIPART_ONLY: &str = "send the image as multipart/form-data with a `file` part";

fn refused(error: MultipartError) -> ApiError {
    match error {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible => ApiError::UnsupportedMediaType(MULTIPART_ONLY),
        other => ApiError::BadRequest(format!("the multipart body cannot be read: {other}")),
    }
}

/// Reads the form of `request` into an [`Upload`], the file at most
/// `max_bytes` long.
pub async fn read_upload(
    request: &HttpRequest,
    payload: Payload,
    max_bytes: usize,
) -> Result<Upload, ApiError> {
    let mut form = Multipart::new(request.headers(), payload);
    let mut file: Option<(String, Bytes)> = None;
    let mut meta = MediaMetaInput::default();
    let mut seen: Vec<String> = Vec::new();
    while let Some(part) = form.next().await {
        let mut part = part.map_err(refused)?;
        let name = part.name().unwrap_or_default().to_owned();
        if seen.len() == PARTS_MAX || seen.contains(&name) {
            return Err(field_error(
                &name,
                "is sent more than once, or the form has too many parts",
            ));
        }
        seen.push(name.clone());
        let limit = if name == "file" {
            max_bytes
        } else {
            TEXT_PART_MAX_BYTES
        };
        let mut body = BytesMut::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(refused)?;
            if body.len() + chunk.len() > limit {
                return Err(if name == "file" {
                    ApiError::PayloadTooLarge { limit }
                } else {
                    field_error(&name, &format!("must be at most {limit} bytes"))
                });
            }
            body.extend_from_slice(&chunk);
        }
        let body = body.freeze();
        match name.as_str() {
            "file" => {
                let file_name = part
                    .content_disposition()
                    .and_then(|disposition| disposition.get_filename())
                    .unwrap_or_default()
                    .to_owned();
                file = Some((file_name, body));
            }
            "alt" => meta.alt = Some(text(&name, &body)?),
            "caption" => meta.caption = Some(text(&name, &body)?),
            "credit" => meta.credit = Some(text(&name, &body)?),
            "focal_x" => meta.focal_x = Some(number(&name, &body)?),
            "focal_y" => meta.focal_y = Some(number(&name, &body)?),
            _ => return Err(field_error(&name, "is not a field of the upload form")),
        }
    }
    let (file_name, bytes) = file.ok_or_else(|| field_error("file", "is required"))?;
    if bytes.is_empty() {
        return Err(field_error("file", "is empty"));
    }
    Ok(Upload {
        bytes,
        file_name,
        meta,
    })
}

fn field_error(name: &str, message: &str) -> ApiError {
    let name = if name.is_empty() {
        "(unnamed part)"
    } else {
        name
    };
    ApiError::Invalid(FieldError::new(name, message).into())
}

/// A text part: UTF-8 without NUL characters (those are a 400, as in JSON).
fn text(name: &str, body: &[u8]) -> Result<String, ApiError> {
    let text = std::str::from_utf8(body).map_err(|_| field_error(name, "must be UTF-8 text"))?;
    if text.contains('\0') {
        return Err(ApiError::MalformedText(ValidationErrors(vec![
            FieldError::new(name, "must not contain NUL characters"),
        ])));
    }
    Ok(text.to_owned())
}

/// A number part (`0.5`); its range is checked with the rest of the description.
fn number(name: &str, body: &[u8]) -> Result<f64, ApiError> {
    std::str::from_utf8(body)
        .ok()
        .and_then(|text| text.trim().parse::<f64>().ok())
        .filter(|value| value.is_finite())
        .ok_or_else(|| field_error(name, "must be a number from 0 to 1"))
}
