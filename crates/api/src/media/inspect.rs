//! Checking an upload: type from the bytes, size and dimensions from the
//! header, then a bounded decode with the EXIF orientation applied.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use masthead_domain::media::MediaFormat;
use masthead_domain::FieldError;

use crate::error::ApiError;

/// Default largest upload (25 MB; `--media-max-bytes`).
pub const DEFAULT_MAX_BYTES: usize = 25 * 1024 * 1024;
/// Most pixels an image may have (50 megapixels).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Longest side an image may have.
pub const MAX_SIDE: u32 = 12_000;
/// Most memory one decode may allocate: 50 MP at 8 bytes a pixel (16-bit RGBA).
const MAX_ALLOC: u64 = MAX_PIXELS * 8;

/// The limits an upload is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Largest file, in bytes.
    pub max_bytes: usize,
}

impl Default for Bounds {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// Why an upload was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// Not JPEG, PNG, WebP or GIF by its bytes (SVG, HTML, PDF, …): 415.
    Unsupported,
    /// Larger than [`Bounds::max_bytes`]: 413.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The header declares more than [`MAX_PIXELS`] or a side over
    /// [`MAX_SIDE`]: 422, answered without decoding.
    TooManyPixels {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
    },
    /// Truncated or corrupt: 422.
    Corrupt(String),
}

impl From<Rejection> for ApiError {
    fn from(rejection: Rejection) -> Self {
        match rejection {
            Rejection::Unsupported => Self::UnsupportedMediaType(
                "the file is not a JPEG, PNG, WebP or GIF image (its type is read from its bytes)",
            ),
            Rejection::TooLarge { limit } => Self::PayloadTooLarge { limit },
            Rejection::TooManyPixels { width, height } => FieldError::new(
                "file",
                format!(
                    "the image is {width}x{height}; at most {MAX_PIXELS} pixels and \
                     {MAX_SIDE} pixels a side are accepted"
                ),
            )
            .into(),
            Rejection::Corrupt(reason) => {
                FieldError::new("file", format!("the image cannot be read: {reason}")).into()
            }
        }
    }
}

/// What an accepted upload is, known from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inspected {
    /// The sniffed format.
    pub format: MediaFormat,
    /// Width as stored (before EXIF orientation).
    pub width: u32,
    /// Height as stored (before EXIF orientation).
    pub height: u32,
}

fn image_format(format: MediaFormat) -> ImageFormat {
    match format {
        MediaFormat::Jpeg => ImageFormat::Jpeg,
        MediaFormat::Png => ImageFormat::Png,
        MediaFormat::Webp => ImageFormat::WebP,
        MediaFormat::Gif => ImageFormat::Gif,
    }
}

/// Checks `bytes` without decoding pixels: the type from the magic bytes
/// (never the name or `Content-Type`), the size, and the dimensions the
/// header declares. Cheap enough to run before queueing for the pool.
pub fn inspect(bytes: &[u8], bounds: Bounds) -> Result<Inspected, Rejection> {
    if bytes.len() > bounds.max_bytes {
        return Err(Rejection::TooLarge {
            limit: bounds.max_bytes,
        });
    }
    let format = MediaFormat::sniff(bytes).ok_or(Rejection::Unsupported)?;
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), image_format(format))
        .into_dimensions()
        .map_err(|error| Rejection::Corrupt(error.to_string()))?;
    if format == MediaFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(Rejection::Corrupt("the JPEG data is truncated".into()));
    }
    if width == 0 || height == 0 {
        return Err(Rejection::Corrupt("it has no pixels".into()));
    }
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Rejection::TooManyPixels { width, height });
    }
    Ok(Inspected {
        format,
        width,
        height,
    })
}

/// True when a JPEG's last scan is followed by its end marker (`FF D9`):
/// the JPEG decoder fills a truncated scan with grey instead of failing, so
/// a cut-off upload is caught here.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let last_scan = bytes
        .windows(2)
        .rposition(|pair| pair == [0xFF, 0xDA])
        .unwrap_or(0);
    bytes[last_scan..]
        .windows(2)
        .any(|pair| pair == [0xFF, 0xD9])
}

/// Decodes an inspected upload (the first frame of a GIF) under allocation
/// limits and turns it upright by its EXIF orientation. CPU-heavy: run it on
/// the [`super::pool`].
pub fn decode(bytes: &[u8], inspected: Inspected) -> Result<DynamicImage, Rejection> {
    let corrupt = |error: image::ImageError| Rejection::Corrupt(error.to_string());
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format(inspected.format));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let orientation = decoder.orientation().map_err(corrupt)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    image.apply_orientation(orientation);
    Ok(image)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::media::fixtures;

    #[test]
    fn the_type_comes_from_the_bytes() {
        let bounds = Bounds::default();
        for refused in [
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(),
            b"<!DOCTYPE html><html><body>photo.jpg</body></html>".to_vec(),
            b"%PDF-1.7\n1 0 obj\n".to_vec(),
            Vec::new(),
        ] {
            assert_eq!(inspect(&refused, bounds), Err(Rejection::Unsupported));
        }
        for (bytes, format) in [
            (fixtures::jpeg(64, 48), MediaFormat::Jpeg),
            (fixtures::png(64, 48), MediaFormat::Png),
            (fixtures::gif(64, 48), MediaFormat::Gif),
            (fixtures::webp(64, 48), MediaFormat::Webp),
        ] {
            let inspected = inspect(&bytes, bounds).unwrap();
            assert_eq!(
                (inspected.format, inspected.width, inspected.height),
                (format, 64, 48)
            );
            let image = decode(&bytes, inspected).unwrap();
            assert_eq!((image.width(), image.height()), (64, 48));
        }
    }

    #[test]
    fn oversize_files_are_refused_before_anything_else() {
        let bytes = fixtures::png(64, 48);
        let bounds = Bounds {
            max_bytes: bytes.len() - 1,
        };
        assert_eq!(
            inspect(&bytes, bounds),
            Err(Rejection::TooLarge {
                limit: bytes.len() - 1
            })
        );
    }

    #[test]
    fn a_tiny_png_declaring_a_huge_image_is_refused_fast() {
        let bomb = fixtures::png_declaring(100_000, 100_000);
        assert!(bomb.len() < 200);
        let started = Instant::now();
        let refused = inspect(&bomb, Bounds::default());
        assert_eq!(
            refused,
            Err(Rejection::TooManyPixels {
                width: 100_000,
                height: 100_000
            })
        );
        assert!(started.elapsed() < Duration::from_millis(50));
        // Within each side but over the pixel budget.
        let wide = fixtures::png_declaring(10_000, 6_000);
        assert!(matches!(
            inspect(&wide, Bounds::default()),
            Err(Rejection::TooManyPixels { .. })
        ));
    }

    #[test]
    fn truncated_files_are_corrupt() {
        let jpeg = fixtures::jpeg(64, 48);
        let cut = &jpeg[..jpeg.len() / 2];
        let refused = inspect(cut, Bounds::default()).and_then(|found| decode(cut, found));
        assert!(
            matches!(refused, Err(Rejection::Corrupt(_))),
            "{:?}",
            refused.err()
        );
        let png = fixtures::png(64, 48);
        let cut = &png[..png.len() - 20];
        let refused = inspect(cut, Bounds::default()).and_then(|found| decode(cut, found));
        assert!(
            matches!(refused, Err(Rejection::Corrupt(_))),
            "{:?}",
            refused.err()
        );
        assert!(matches!(
            inspect(&[0xFF, 0xD8, 0xFF], Bounds::default()),
            Err(Rejection::Corrupt(_))
        ));
    }

    #[test]
    fn exif_orientation_is_applied() {
        // Stored 64 wide and 48 high, EXIF orientation 6: shown rotated 90°.
        let bytes = fixtures::jpeg_with_exif(64, 48, 6);
        let inspected = inspect(&bytes, Bounds::default()).unwrap();
        let image = decode(&bytes, inspected).unwrap();
        assert_eq!((image.width(), image.height()), (48, 64));
    }

    #[test]
    fn rejections_map_to_statuses() {
        use actix_web::ResponseError;
        let status = |rejection: Rejection| ApiError::from(rejection).status_code().as_u16();
        assert_eq!(status(Rejection::Unsupported), 415);
        assert_eq!(status(Rejection::TooLarge { limit: 1 }), 413);
        assert_eq!(
            status(Rejection::TooManyPixels {
                width: 1,
                height: 1
            }),
            422
        );
        assert_eq!(status(Rejection::Corrupt("x".into())), 422);
    }
}
