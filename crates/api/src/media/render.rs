//! Making one rendition: cut the crop the domain planned out of the upright
//! image, scale it, and encode it afresh (lossy WebP, JPEG at quality 80 or
//! PNG). Encoders write pixels only, so no metadata of the upload survives.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::imageops::FilterType;
use image::DynamicImage;
use masthead_domain::media::{FocalPoint, RenditionFormat, RenditionSpec};

use crate::error::ApiError;

/// JPEG quality of renditions: small files without visible blocking.
pub const JPEG_QUALITY: u8 = 80;
/// WebP quality of renditions.
pub const WEBP_QUALITY: f32 = 80.0;

/// An encoded rendition.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The encoded bytes.
    pub bytes: Vec<u8>,
    /// Output width.
    pub width: u32,
    /// Output height.
    pub height: u32,
}

/// Renders `spec` of the upright `image` with crops around `focal`;
/// `NotFound` when the width is not offered for an image this size.
/// CPU-heavy: run it on the [`super::pool`].
pub fn render(
    image: &DynamicImage,
    spec: RenditionSpec,
    focal: FocalPoint,
) -> Result<Rendered, ApiError> {
    let plan = spec
        .plan(image.width(), image.height(), focal)
        .ok_or(ApiError::NotFound)?;
    let crop = plan.crop;
    let cut = if (crop.x, crop.y, crop.width, crop.height) == (0, 0, image.width(), image.height())
    {
        None
    } else {
        Some(image.crop_imm(crop.x, crop.y, crop.width, crop.height))
    };
    let source = cut.as_ref().unwrap_or(image);
    let scaled = if (plan.width, plan.height) == (source.width(), source.height()) {
        None
    } else {
        Some(source.resize_exact(plan.width, plan.height, FilterType::CatmullRom))
    };
    let output = scaled.as_ref().unwrap_or(source);
    let bytes = encode(output, spec.format)?;
    Ok(Rendered {
        bytes,
        width: output.width(),
        height: output.height(),
    })
}

fn encode(image: &DynamicImage, format: RenditionFormat) -> Result<Vec<u8>, ApiError> {
    let failed = |error: String| ApiError::Internal(format!("encoding a rendition: {error}"));
    let mut out = Vec::new();
    match format {
        RenditionFormat::Jpeg => {
            let rgb = image.to_rgb8();
            JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
                .encode_image(&rgb)
                .map_err(|error| failed(error.to_string()))?;
        }
        RenditionFormat::Png => {
            image
                .write_with_encoder(PngEncoder::new(Cursor::new(&mut out)))
                .map_err(|error| failed(error.to_string()))?;
        }
        RenditionFormat::Webp => {
            let encoded = if image.color().has_alpha() {
                let rgba = image.to_rgba8();
                webp::Encoder::from_rgba(&rgba, image.width(), image.height())
                    .encode_simple(false, WEBP_QUALITY)
                    .map(|memory| memory.to_vec())
            } else {
                let rgb = image.to_rgb8();
                webp::Encoder::from_rgb(&rgb, image.width(), image.height())
                    .encode_simple(false, WEBP_QUALITY)
                    .map(|memory| memory.to_vec())
            };
            out = encoded.map_err(|error| failed(format!("{error:?}")))?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use image::{GenericImageView, ImageDecoder, ImageReader};

    use super::*;
    use crate::media::{decode, fixtures, inspect, Bounds};

    fn spec(name: &str) -> RenditionSpec {
        RenditionSpec::parse(name).unwrap()
    }

    #[test]
    fn renditions_carry_no_metadata_and_are_upright() {
        let upload = fixtures::jpeg_with_exif(400, 300, 6);
        assert!(fixtures::contains(&upload, b"Exif\0\0"));
        let image = decode(&upload, inspect(&upload, Bounds::default()).unwrap()).unwrap();
        for name in ["160.jpg", "160.webp", "160.png", "160-1x1.jpg"] {
            let rendered = render(&image, spec(name), FocalPoint::CENTER).unwrap();
            assert!(!fixtures::contains(&rendered.bytes, b"Exif"), "{name}");
            assert!(!fixtures::contains(&rendered.bytes, b"EXIF"), "{name}");
            assert!(
                !fixtures::contains(&rendered.bytes, &fixtures::GPS_LATITUDE),
                "{name}"
            );
            let mut decoder = ImageReader::new(Cursor::new(&rendered.bytes))
                .with_guessed_format()
                .unwrap()
                .into_decoder()
                .unwrap();
            assert_eq!(decoder.exif_metadata().unwrap(), None, "{name}");
            // 300 wide, 400 high once upright.
            let expected = if name.contains("1x1") {
                (160, 160)
            } else {
                (160, 213)
            };
            assert_eq!((rendered.width, rendered.height), expected, "{name}");
        }
    }

    #[test]
    fn each_format_is_what_it_says() {
        let image = DynamicImage::ImageRgb8(fixtures::gradient(1000, 500));
        for (name, magic) in [
            ("640.jpg", &b"\xFF\xD8\xFF"[..]),
            ("640.png", &b"\x89PNG"[..]),
            ("640.webp", &b"RIFF"[..]),
        ] {
            let rendered = render(&image, spec(name), FocalPoint::CENTER).unwrap();
            assert!(rendered.bytes.starts_with(magic), "{name}");
            let back = image::load_from_memory(&rendered.bytes).unwrap();
            assert_eq!(back.dimensions(), (640, 320), "{name}");
        }
    }

    #[test]
    fn crops_follow_the_focal_point() {
        // Left half black, right half white: a square crop at the right edge is white.
        let mut pixels = image::RgbImage::new(400, 200);
        for (x, _, pixel) in pixels.enumerate_pixels_mut() {
            *pixel = if x < 200 {
                image::Rgb([0, 0, 0])
            } else {
                image::Rgb([255, 255, 255])
            };
        }
        let image = DynamicImage::ImageRgb8(pixels);
        let right = FocalPoint::new(1.0, 0.5).unwrap();
        let rendered = render(&image, spec("160-1x1.png"), right).unwrap();
        let back = image::load_from_memory(&rendered.bytes).unwrap().to_rgb8();
        assert_eq!(back.dimensions(), (160, 160));
        assert!(back.pixels().all(|pixel| pixel.0[0] > 200));
    }

    #[test]
    fn widths_beyond_the_original_are_not_found() {
        let image = DynamicImage::ImageRgb8(fixtures::gradient(700, 400));
        assert!(matches!(
            render(&image, spec("960.webp"), FocalPoint::CENTER),
            Err(ApiError::NotFound)
        ));
    }
}
