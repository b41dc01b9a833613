//! The demo's lead photo: a harbour at dusk (sky, sun, sea, idle cranes on a
//! quay), drawn here and encoded as a JPEG, so a fresh install shows image
//! blocks, renditions and crops without shipping or fetching a photo. Drawn
//! once per process; every server of a test run reuses the bytes.

use std::sync::OnceLock;

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};

/// Width of the photo in pixels (wide enough for the 1280 rendition).
pub const WIDTH: u32 = 1600;
/// Height of the photo in pixels (16:9).
pub const HEIGHT: u32 = 900;

const HORIZON: u32 = 560;
const QUAY_TOP: u32 = 540;
const SUN: (f32, f32, f32) = (1130.0, 505.0, 62.0);

/// The JPEG bytes of the photo, or why it could not be encoded.
pub fn harbour_at_dusk() -> Result<&'static [u8], String> {
    static PHOTO: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
    PHOTO
        .get_or_init(|| {
            let mut bytes = Vec::new();
            JpegEncoder::new_with_quality(&mut bytes, 85)
                .encode_image(&draw())
                .map(|()| bytes)
                .map_err(|error| format!("encoding the demo photo: {error}"))
        })
        .as_deref()
        .map_err(Clone::clone)
}

fn draw() -> RgbImage {
    let mut noise = 0x2545_f491_u32;
    RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        // A small deterministic grain, so the picture compresses like a photo.
        noise ^= noise << 13;
        noise ^= noise >> 17;
        noise ^= noise << 5;
        let grain = (noise % 9) as f32 - 4.0;
        let [r, g, b] = scene(x, y);
        Rgb([shade(r + grain), shade(g + grain), shade(b + grain)])
    })
}

fn shade(value: f32) -> u8 {
    value.clamp(0.0, 255.0) as u8
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t.clamp(0.0, 1.0))
}

fn scene(x: u32, y: u32) -> [f32; 3] {
    let (fx, fy) = (x as f32, y as f32);
    if is_crane(x, y) {
        return [22.0, 20.0, 28.0];
    }
    if (QUAY_TOP..HORIZON + 20).contains(&y) && x < 980 {
        return [34.0, 30.0, 36.0];
    }
    let sun_distance = ((fx - SUN.0).powi(2) + (fy - SUN.1).powi(2)).sqrt();
    if y < HORIZON {
        let sky = mix(
            [38.0, 42.0, 96.0],
            [246.0, 150.0, 70.0],
            fy / HORIZON as f32,
        );
        let glow = (1.0 - sun_distance / 420.0).max(0.0);
        if sun_distance < SUN.2 {
            return [255.0, 226.0, 150.0];
        }
        return mix(sky, [255.0, 196.0, 110.0], glow * 0.8);
    }
    let depth = (fy - HORIZON as f32) / (HEIGHT - HORIZON) as f32;
    let sea = mix([120.0, 84.0, 92.0], [18.0, 34.0, 58.0], depth);
    let ripple = ((fy * 0.9).sin() * (fx * 0.013 + fy * 0.05).cos()).max(0.0);
    let path = (1.0 - ((fx - SUN.0).abs() / (60.0 + 260.0 * depth))).max(0.0);
    mix(sea, [250.0, 190.0, 110.0], ripple * path * 0.9)
}

/// Three ship-to-shore cranes: a tower with legs and a boom over the water.
fn is_crane(x: u32, y: u32) -> bool {
    [180_u32, 430, 700].into_iter().any(|base| {
        let legs = (330..QUAY_TOP).contains(&y)
            && ((base..base + 14).contains(&x) || (base + 90..base + 104).contains(&x));
        let cross = (330..344).contains(&y) && (base..base + 104).contains(&x);
        let tower = (200..330).contains(&y) && (base + 40..base + 62).contains(&x);
        let boom = (220..234).contains(&y) && (base.saturating_sub(60)..base + 260).contains(&x);
        let stay = (160..220).contains(&y) && {
            let along = (x as i64 - (base + 51) as i64) as f32;
            let drop = (y - 160) as f32;
            (along - drop * 3.0).abs() < 3.0 || (along + drop * 1.2).abs() < 3.0
        };
        legs || cross || tower || boom || stay
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use masthead_domain::media::MediaFormat;

    #[test]
    fn the_photo_is_a_jpeg_of_its_stated_size() {
        let bytes = harbour_at_dusk().unwrap();
        assert_eq!(MediaFormat::sniff(bytes), Some(MediaFormat::Jpeg));
        let decoded = image::load_from_memory(bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (WIDTH, HEIGHT));
        assert!(bytes.len() > 20_000, "a photo, not a flat fill");
    }
}
