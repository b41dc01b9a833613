//! Shrink-on-load: a JPEG rendition much smaller than its original is cut
//! from the original decoded at 1/2, 1/4 or 1/8 of its size, which the JPEG
//! decoder does almost for free in its inverse DCT. A 1280 px rendition of a
//! 24-megapixel photo then decodes 1/4 of the pixels' work into 1/16 of the
//! memory. The rendition is still scaled to its exact size afterwards, so
//! only the work changes, not the address or the output size.

use std::io::Cursor;

use image::{DynamicImage, GrayImage, ImageDecoder, ImageFormat, ImageReader, RgbImage};
use masthead_domain::media::{FocalPoint, MediaFormat, RenditionSpec};

use crate::media::inspect::{decode, Inspected, Rejection};

/// The decode factors the JPEG decoder offers, largest first.
const FACTORS: [u32; 3] = [8, 4, 2];

/// The largest factor by which the upright `width` × `height` original can
/// be reduced before `spec` is cut from it: the planned crop, reduced, must
/// still be at least as large as the rendition. 1 when nothing can be saved.
pub fn reduction(width: u32, height: u32, spec: RenditionSpec, focal: FocalPoint) -> u32 {
    let Some(plan) = spec.plan(width, height, focal) else {
        return 1;
    };
    FACTORS
        .into_iter()
        .find(|factor| {
            plan.crop.width / factor >= plan.width && plan.crop.height / factor >= plan.height
        })
        .unwrap_or(1)
}

/// Decodes an inspected upload upright, a JPEG at 1/`factor` of its size
/// (any other format, or a JPEG the scaled decoder cannot read exactly —
/// CMYK, 16-bit — at full size, as [`decode`] does).
pub fn decode_reduced(
    bytes: &[u8],
    inspected: Inspected,
    factor: u32,
) -> Result<DynamicImage, Rejection> {
    if factor > 1 && inspected.format == MediaFormat::Jpeg {
        if let Some(image) = reduced_jpeg(bytes, inspected, factor)? {
            return Ok(image);
        }
    }
    decode(bytes, inspected)
}

fn reduced_jpeg(
    bytes: &[u8],
    inspected: Inspected,
    factor: u32,
) -> Result<Option<DynamicImage>, Rejection> {
    let corrupt = |error: String| Rejection::Corrupt(error);
    let orientation = ImageReader::with_format(Cursor::new(bytes), ImageFormat::Jpeg)
        .into_decoder()
        .and_then(|mut decoder| decoder.orientation())
        .map_err(|error| corrupt(error.to_string()))?;
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder
        .read_info()
        .map_err(|error| corrupt(error.to_string()))?;
    // Stored dimensions were bounded (≤ 12,000 px a side) at upload.
    let wanted = |side: u32| u16::try_from(side.div_ceil(factor)).unwrap_or(u16::MAX);
    let (width, height) = decoder
        .scale(wanted(inspected.width), wanted(inspected.height))
        .map_err(|error| corrupt(error.to_string()))?;
    let pixels = decoder
        .decode()
        .map_err(|error| corrupt(error.to_string()))?;
    let (width, height) = (u32::from(width), u32::from(height));
    let format = decoder.info().map(|info| info.pixel_format);
    let image = match format {
        Some(jpeg_decoder::PixelFormat::RGB24) => {
            RgbImage::from_raw(width, height, pixels).map(DynamicImage::ImageRgb8)
        }
        Some(jpeg_decoder::PixelFormat::L8) => {
            GrayImage::from_raw(width, height, pixels).map(DynamicImage::ImageLuma8)
        }
        _ => None,
    };
    Ok(image.map(|mut image| {
        image.apply_orientation(orientation);
        image
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::{fixtures, inspect, render, Bounds};
    use masthead_domain::media::{Aspect, RenditionFormat};

    fn spec(width: u32, aspect: Option<Aspect>) -> RenditionSpec {
        RenditionSpec {
            width,
            aspect,
            format: RenditionFormat::Png,
        }
    }

    #[test]
    fn the_factor_keeps_the_reduced_crop_at_least_as_large_as_the_rendition() {
        let center = FocalPoint::CENTER;
        assert_eq!(reduction(6000, 4000, spec(1280, None), center), 4);
        assert_eq!(reduction(6000, 4000, spec(640, None), center), 8);
        assert_eq!(reduction(6000, 4000, spec(1920, None), center), 2);
        assert_eq!(reduction(6000, 4000, spec(2560, None), center), 2);
        assert_eq!(reduction(1300, 800, spec(1280, None), center), 1);
        // A square crop of a wide photo is 4000 px wide: 1/2 keeps 2000 ≥ 1920.
        assert_eq!(
            reduction(6000, 4000, spec(1920, Some(Aspect::Square)), center),
            2
        );
        assert_eq!(
            reduction(6000, 4000, spec(99, None), center),
            1,
            "off the ladder"
        );
    }

    /// Mean absolute difference per channel between two same-sized images.
    fn difference(a: &DynamicImage, b: &DynamicImage) -> f64 {
        let (a, b) = (a.to_rgb8(), b.to_rgb8());
        assert_eq!(a.dimensions(), b.dimensions());
        let total: u64 = a
            .as_raw()
            .iter()
            .zip(b.as_raw())
            .map(|(x, y)| u64::from(x.abs_diff(*y)))
            .sum();
        total as f64 / a.as_raw().len() as f64
    }

    #[test]
    fn a_reduced_decode_renders_the_same_rendition_upright() {
        // Stored 1200 x 800 with EXIF orientation 6: upright 800 x 1200.
        let bytes = fixtures::jpeg_with_exif(1200, 800, 6);
        let inspected = inspect(&bytes, Bounds::default()).unwrap();
        let full = decode(&bytes, inspected).unwrap();
        assert_eq!((full.width(), full.height()), (800, 1200));
        for wanted in [spec(160, None), spec(320, Some(Aspect::Wide))] {
            let factor = reduction(800, 1200, wanted, FocalPoint::CENTER);
            assert!(factor >= 2, "{wanted:?}");
            let reduced = decode_reduced(&bytes, inspected, factor).unwrap();
            assert_eq!(
                (reduced.width(), reduced.height()),
                (800 / factor, 1200 / factor),
                "upright at 1/{factor}"
            );
            let from_full = render(&full, wanted, FocalPoint::CENTER).unwrap();
            let from_reduced = render(&reduced, wanted, FocalPoint::CENTER).unwrap();
            assert_eq!(
                (from_reduced.width, from_reduced.height),
                (from_full.width, from_full.height)
            );
            let a = image::load_from_memory(&from_full.bytes).unwrap();
            let b = image::load_from_memory(&from_reduced.bytes).unwrap();
            let difference = difference(&a, &b);
            assert!(difference < 6.0, "{wanted:?}: {difference}");
        }
    }

    #[test]
    fn other_formats_decode_at_full_size() {
        let bytes = fixtures::png(400, 200);
        let inspected = inspect(&bytes, Bounds::default()).unwrap();
        let image = decode_reduced(&bytes, inspected, 4).unwrap();
        assert_eq!((image.width(), image.height()), (400, 200));
    }
}
