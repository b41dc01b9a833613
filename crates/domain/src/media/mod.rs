//! # Media: uploaded images and the renditions readers get
//!
//! An upload becomes a [`MediaItem`]: its intrinsic facts (format, size, hash)
//! plus the newsroom's description of it ([`MediaMeta`]: alt text, caption,
//! credit and the [`FocalPoint`] crops keep in frame). Readers never get the
//! upload itself: they get renditions, one per width of the fixed
//! [`ladder`], optionally cropped to an [`Aspect`] around the focal point
//! ([`crop`]), addressed by a [`RenditionSpec`] ([`rendition`]).

pub mod crop;
pub mod ladder;
pub mod meta;
pub mod rendition;

pub use crop::{crop_rect, scaled_size, Aspect, Rect};
pub use ladder::{ladder_for, LADDER};
pub use meta::{clean_file_name, FocalPoint, MediaMeta, MediaMetaInput};
pub use rendition::{original_key, RenditionFormat, RenditionPlan, RenditionSpec};

use chrono::{DateTime, Utc};

use crate::ids::{MediaId, UserId};

/// The image formats accepted on upload, as sniffed from the bytes (never
/// from the file name or the client's `Content-Type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaFormat {
    /// JPEG (`FF D8 FF`).
    Jpeg,
    /// PNG (`89 50 4E 47`).
    Png,
    /// WebP (`RIFF....WEBP`).
    Webp,
    /// GIF; only the first frame is ever rendered.
    Gif,
}

impl MediaFormat {
    /// The stored name (`jpeg`, `png`, `webp`, `gif`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Gif => "gif",
        }
    }

    /// The format stored as [`Self::as_str`], if it is one.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "jpeg" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            "webp" => Some(Self::Webp),
            "gif" => Some(Self::Gif),
            _ => None,
        }
    }

    /// The MIME type of the original upload.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Gif => "image/gif",
        }
    }

    /// Sniffs the format from the first bytes of a file; anything else
    /// (SVG, HTML, PDF, …) is `None` and refused.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Self::Gif)
        } else {
            None
        }
    }
}

/// An image in the media library.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaItem {
    /// Its identity.
    pub id: MediaId,
    /// Hex SHA-256 of the uploaded bytes: identical uploads are stored once.
    pub sha256: String,
    /// The sniffed format of the original.
    pub format: MediaFormat,
    /// Width of the original in pixels, after EXIF orientation.
    pub width: u32,
    /// Height of the original in pixels, after EXIF orientation.
    pub height: u32,
    /// Size of the original upload in bytes.
    pub bytes: u64,
    /// The uploader's file name, for search only (never used for the type).
    pub file_name: String,
    /// The newsroom's description.
    pub meta: MediaMeta,
    /// Who uploaded it (authors may edit their own only).
    pub created_by: Option<UserId>,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
    /// When its metadata last changed.
    pub updated_at: DateTime<Utc>,
}

impl MediaItem {
    /// The ladder widths this image can be served at.
    pub fn widths(&self) -> Vec<u32> {
        ladder_for(self.width)
    }

    /// The WebP rendition at each of [`Self::widths`]: (width, URL path).
    pub fn renditions(&self) -> Vec<(u32, String)> {
        webp_renditions(self.id, self.width)
    }

    /// [`Self::renditions`] as an HTML `srcset`, ready for an `<img>`.
    pub fn srcset(&self) -> String {
        srcset(&self.renditions())
    }
}

/// The WebP rendition of image `id` (`width` pixels wide) at each ladder
/// width it can be served at: (width, URL path). WebP because every current
/// browser takes it and it is the smallest; the same path ending in `.jpg`
/// or `.png` serves the other encodings.
pub fn webp_renditions(id: MediaId, width: u32) -> Vec<(u32, String)> {
    ladder_for(width)
        .into_iter()
        .map(|width| {
            let spec = RenditionSpec {
                width,
                aspect: None,
                format: RenditionFormat::Webp,
            };
            (width, spec.path(id))
        })
        .collect()
}

/// Renditions as an HTML `srcset` (`path 640w, path 1280w`).
pub fn srcset(renditions: &[(u32, String)]) -> String {
    renditions
        .iter()
        .map(|(width, path)| format!("{path} {width}w"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_accepted_formats_and_refuses_the_rest() {
        assert_eq!(
            MediaFormat::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(MediaFormat::Jpeg)
        );
        assert_eq!(
            MediaFormat::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(MediaFormat::Png)
        );
        assert_eq!(
            MediaFormat::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(MediaFormat::Webp)
        );
        assert_eq!(MediaFormat::sniff(b"GIF89a...."), Some(MediaFormat::Gif));
        assert_eq!(
            MediaFormat::sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            None
        );
        assert_eq!(MediaFormat::sniff(b"<!doctype html><html>"), None);
        assert_eq!(MediaFormat::sniff(b"%PDF-1.7"), None);
        assert_eq!(MediaFormat::sniff(b"RIFF\0\0\0\0WAVE"), None);
        assert_eq!(MediaFormat::sniff(b""), None);
    }

    #[test]
    fn format_names_round_trip() {
        for format in [
            MediaFormat::Jpeg,
            MediaFormat::Png,
            MediaFormat::Webp,
            MediaFormat::Gif,
        ] {
            assert_eq!(MediaFormat::parse(format.as_str()), Some(format));
        }
        assert_eq!(MediaFormat::parse("svg"), None);
    }
}
