//! Aspect-ratio crops around the focal point: pure arithmetic, so the rules
//! are tested here and the image code only cuts where it is told.

use super::meta::FocalPoint;

/// The crop shapes frontends ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Aspect {
    /// 16:9, for wide hero images and social cards.
    Wide,
    /// 4:3, for cards and lists.
    Standard,
    /// 1:1, for thumbnails.
    Square,
}

impl Aspect {
    /// Every aspect, in the order structured data lists them.
    pub const ALL: [Self; 3] = [Self::Wide, Self::Standard, Self::Square];

    /// The name used in URLs (`16x9`, `4x3`, `1x1`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wide => "16x9",
            Self::Standard => "4x3",
            Self::Square => "1x1",
        }
    }

    /// The aspect named as in [`Self::as_str`], if it is one.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|aspect| aspect.as_str() == value)
    }

    /// Width and height of the ratio.
    pub fn ratio(self) -> (u32, u32) {
        match self {
            Self::Wide => (16, 9),
            Self::Standard => (4, 3),
            Self::Square => (1, 1),
        }
    }
}

/// A rectangle of pixels inside an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width, at least 1.
    pub width: u32,
    /// Height, at least 1.
    pub height: u32,
}

/// The largest rectangle of `aspect` inside a `width` × `height` image,
/// centred on `focal` as far as the edges allow (a focal point near an edge
/// puts the crop against that edge rather than outside the image).
pub fn crop_rect(width: u32, height: u32, focal: FocalPoint, aspect: Aspect) -> Rect {
    let width = width.max(1);
    let height = height.max(1);
    let (rw, rh) = aspect.ratio();
    // Compare width/height with rw/rh without floating point: w*rh vs h*rw.
    let (crop_w, crop_h) = if u64::from(width) * u64::from(rh) > u64::from(height) * u64::from(rw) {
        // Too wide: keep the full height.
        let w = u64::from(height) * u64::from(rw) / u64::from(rh);
        (clamp_u32(w, width), height)
    } else {
        let h = u64::from(width) * u64::from(rh) / u64::from(rw);
        (width, clamp_u32(h, height))
    };
    Rect {
        x: place(width, crop_w, focal.x()),
        y: place(height, crop_h, focal.y()),
        width: crop_w,
        height: crop_h,
    }
}

/// The size a rendition `target_width` wide of a `source` rectangle has: the
/// same shape, never wider than the source.
pub fn scaled_size(source_width: u32, source_height: u32, target_width: u32) -> (u32, u32) {
    let width = target_width.min(source_width).max(1);
    let height = u64::from(source_height) * u64::from(width) / u64::from(source_width.max(1));
    (width, clamp_u32(height, u32::MAX))
}

fn clamp_u32(value: u64, max: u32) -> u32 {
    u32::try_from(value).unwrap_or(max).clamp(1, max.max(1))
}

/// Left (or top) edge of a `crop`-long span centred on `focal` within `full`.
fn place(full: u32, crop: u32, focal: f64) -> u32 {
    let spare = full.saturating_sub(crop);
    let centre = focal * f64::from(full);
    let start = (centre - f64::from(crop) / 2.0).round();
    // `start` is finite (focal is validated) and clamped into 0..=spare.
    start.clamp(0.0, f64::from(spare)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn focal(x: f64, y: f64) -> FocalPoint {
        FocalPoint::new(x, y).unwrap()
    }

    #[test]
    fn centred_crops_of_a_landscape_photo() {
        let rect = crop_rect(4000, 3000, FocalPoint::CENTER, Aspect::Wide);
        assert_eq!(
            rect,
            Rect {
                x: 0,
                y: 375,
                width: 4000,
                height: 2250
            }
        );
        let rect = crop_rect(4000, 3000, FocalPoint::CENTER, Aspect::Square);
        assert_eq!(
            rect,
            Rect {
                x: 500,
                y: 0,
                width: 3000,
                height: 3000
            }
        );
        let rect = crop_rect(4000, 3000, FocalPoint::CENTER, Aspect::Standard);
        assert_eq!(
            rect,
            Rect {
                x: 0,
                y: 0,
                width: 4000,
                height: 3000
            }
        );
    }

    #[test]
    fn the_focal_point_moves_the_crop_but_never_out_of_the_image() {
        let left = crop_rect(4000, 3000, focal(0.0, 0.5), Aspect::Square);
        assert_eq!(left.x, 0);
        let right = crop_rect(4000, 3000, focal(1.0, 0.5), Aspect::Square);
        assert_eq!(right.x + right.width, 4000);
        let near = crop_rect(4000, 3000, focal(0.3, 0.5), Aspect::Square);
        assert_eq!(near.x, 0, "1200 - 1500 clamps to the edge");
        let inside = crop_rect(4000, 3000, focal(0.6, 0.5), Aspect::Square);
        assert_eq!(inside.x, 900);
        let top = crop_rect(3000, 4000, focal(0.5, 0.1), Aspect::Wide);
        assert_eq!(
            top,
            Rect {
                x: 0,
                y: 0,
                width: 3000,
                height: 1687
            }
        );
        let bottom = crop_rect(3000, 4000, focal(0.5, 0.95), Aspect::Wide);
        assert_eq!(bottom.y + bottom.height, 4000);
    }

    #[test]
    fn crops_keep_their_ratio_and_stay_inside() {
        for (w, h) in [
            (1, 1),
            (7, 3),
            (3, 7),
            (12_000, 10),
            (10, 12_000),
            (1920, 1080),
        ] {
            for aspect in Aspect::ALL {
                for f in [0.0, 0.33, 0.5, 1.0] {
                    let rect = crop_rect(w, h, focal(f, 1.0 - f), aspect);
                    assert!(rect.width >= 1 && rect.height >= 1);
                    assert!(
                        rect.x + rect.width <= w && rect.y + rect.height <= h,
                        "{w}x{h} {rect:?}"
                    );
                    let (rw, rh) = aspect.ratio();
                    let err = (f64::from(rect.width) / f64::from(rect.height))
                        - f64::from(rw) / f64::from(rh);
                    assert!(
                        rect.width < 20 || rect.height < 20 || err.abs() < 0.01,
                        "{w}x{h} {rect:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn scaling_keeps_shape_and_never_upscales() {
        assert_eq!(scaled_size(4000, 2250, 1280), (1280, 720));
        assert_eq!(scaled_size(100, 50, 160), (100, 50));
        assert_eq!(scaled_size(3000, 1, 160), (160, 1));
    }

    #[test]
    fn aspect_names_round_trip() {
        for aspect in Aspect::ALL {
            assert_eq!(Aspect::parse(aspect.as_str()), Some(aspect));
        }
        assert_eq!(Aspect::parse("21x9"), None);
    }
}
