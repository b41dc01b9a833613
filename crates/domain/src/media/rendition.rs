//! Rendition addresses: `/media/{id}/{width}.{ext}` and
//! `/media/{id}/{width}-{aspect}.{ext}`, and the object-store keys they are
//! kept under beside the original.

use super::crop::{crop_rect, scaled_size, Aspect, Rect};
use super::ladder;
use super::meta::FocalPoint;
use crate::ids::MediaId;

/// The encodings renditions are served in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RenditionFormat {
    /// Lossy WebP: smallest, what modern browsers get.
    Webp,
    /// JPEG at quality ~80: the universal fallback.
    Jpeg,
    /// PNG: lossless, for graphics.
    Png,
}

impl RenditionFormat {
    /// The file extension in URLs.
    pub fn ext(self) -> &'static str {
        match self {
            Self::Webp => "webp",
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }

    /// The `Content-Type` it is served with.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Webp => "image/webp",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    /// The format of extension `ext`, if served.
    pub fn from_ext(ext: &str) -> Option<Self> {
        match ext {
            "webp" => Some(Self::Webp),
            "jpg" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            _ => None,
        }
    }
}

/// One rendition of an image: a ladder width, an optional crop, an encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RenditionSpec {
    /// A width from the ladder.
    pub width: u32,
    /// The crop, or `None` for the whole image.
    pub aspect: Option<Aspect>,
    /// The encoding.
    pub format: RenditionFormat,
}

/// How to make a rendition: cut `crop` out of the (oriented) original and
/// scale it to `width` × `height`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenditionPlan {
    /// The source rectangle.
    pub crop: Rect,
    /// Output width.
    pub width: u32,
    /// Output height.
    pub height: u32,
}

impl RenditionSpec {
    /// Parses the last URL segment (`1280.webp`, `640-16x9.jpg`); `None` for
    /// anything else, including widths off the ladder (answered 404).
    pub fn parse(file: &str) -> Option<Self> {
        let (stem, ext) = file.rsplit_once('.')?;
        let format = RenditionFormat::from_ext(ext)?;
        let (width, aspect) = match stem.split_once('-') {
            Some((width, aspect)) => (width, Some(Aspect::parse(aspect)?)),
            None => (stem, None),
        };
        // Digits only: no sign, no leading zeros ("0640" is not a ladder URL).
        if width.starts_with('0') || !width.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let width: u32 = width.parse().ok()?;
        ladder::LADDER.contains(&width).then_some(Self {
            width,
            aspect,
            format,
        })
    }

    /// The last URL segment, the inverse of [`Self::parse`].
    pub fn file_name(&self) -> String {
        match self.aspect {
            Some(aspect) => format!("{}-{}.{}", self.width, aspect.as_str(), self.format.ext()),
            None => format!("{}.{}", self.width, self.format.ext()),
        }
    }

    /// The object-store key the rendition is kept under, beside the original.
    pub fn key(&self, id: MediaId) -> String {
        format!("{id}/{}", self.file_name())
    }

    /// The public URL path of the rendition.
    pub fn path(&self, id: MediaId) -> String {
        format!("/media/{}", self.key(id))
    }

    /// What to cut and how big to make it from a `width` × `height` original,
    /// or `None` when this width is not offered for that image.
    pub fn plan(&self, width: u32, height: u32, focal: FocalPoint) -> Option<RenditionPlan> {
        if !ladder::allows(width, self.width) {
            return None;
        }
        let crop = match self.aspect {
            Some(aspect) => crop_rect(width, height, focal, aspect),
            None => Rect {
                x: 0,
                y: 0,
                width: width.max(1),
                height: height.max(1),
            },
        };
        let (out_w, out_h) = scaled_size(crop.width, crop.height, self.width);
        Some(RenditionPlan {
            crop,
            width: out_w,
            height: out_h,
        })
    }
}

/// The object-store key of an original upload (served to staff only).
pub fn original_key(id: MediaId) -> String {
    format!("{id}/original")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ladder_urls_only() {
        let spec = RenditionSpec::parse("1280.webp").unwrap();
        assert_eq!(
            (spec.width, spec.aspect, spec.format),
            (1280, None, RenditionFormat::Webp)
        );
        let spec = RenditionSpec::parse("640-16x9.jpg").unwrap();
        assert_eq!(spec.aspect, Some(Aspect::Wide));
        for bad in [
            "1000.webp",
            "1280.gif",
            "1280",
            "-16x9.jpg",
            "640-21x9.jpg",
            "0640.png",
            "+640.png",
            "640-16x9-1x1.jpg",
            "99999999999999.webp",
            "../1280.webp",
            "1280.jpeg",
        ] {
            assert_eq!(RenditionSpec::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn names_and_keys_round_trip() {
        let id = MediaId::generate();
        for name in ["160.png", "2560-1x1.webp", "960-4x3.jpg"] {
            let spec = RenditionSpec::parse(name).unwrap();
            assert_eq!(spec.file_name(), name);
            assert_eq!(spec.key(id), format!("{id}/{name}"));
            assert_eq!(spec.path(id), format!("/media/{id}/{name}"));
        }
        assert_eq!(original_key(id), format!("{id}/original"));
    }

    #[test]
    fn plans_refuse_widths_beyond_the_original() {
        let spec = RenditionSpec::parse("1920.webp").unwrap();
        assert_eq!(spec.plan(1500, 1000, FocalPoint::CENTER), None);
        let plan = RenditionSpec::parse("1280-1x1.webp")
            .unwrap()
            .plan(4000, 3000, FocalPoint::CENTER)
            .unwrap();
        assert_eq!(
            (plan.crop.width, plan.width, plan.height),
            (3000, 1280, 1280)
        );
        let plan = RenditionSpec::parse("160.jpg")
            .unwrap()
            .plan(100, 80, FocalPoint::CENTER)
            .unwrap();
        assert_eq!((plan.width, plan.height), (100, 80));
    }
}
