//! What the newsroom says about an image: alt text, caption, credit and the
//! focal point that crops keep in frame.

use crate::error::{FieldError, ValidationErrors};
use crate::text;

/// Most characters of alt text (a sentence or two; screen readers read it whole).
pub const ALT_MAX: usize = 1_000;
/// Most characters of a caption.
pub const CAPTION_MAX: usize = 2_000;
/// Most characters of a credit (photographer / agency).
pub const CREDIT_MAX: usize = 300;
/// Most characters of a stored file name (longer names are cut, not refused:
/// the name is only a search aid).
pub const FILE_NAME_MAX: usize = 255;

/// The point of an image, as fractions of its width and height from the top
/// left corner, that every crop keeps in frame (a face, the ball).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FocalPoint {
    x: f64,
    y: f64,
}

impl FocalPoint {
    /// The middle of the image: the focal point when none is given.
    pub const CENTER: Self = Self { x: 0.5, y: 0.5 };

    /// A focal point, if both coordinates are finite and within 0–1.
    pub fn new(x: f64, y: f64) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        for (field, value) in [("focal_x", x), ("focal_y", y)] {
            if !value.is_finite() || !(0.0..=1.0).contains(&value) {
                errors
                    .0
                    .push(FieldError::new(field, "must be a number from 0 to 1"));
            }
        }
        errors.finish(|| Self { x, y })
    }

    /// Fraction of the width from the left edge.
    pub fn x(self) -> f64 {
        self.x
    }

    /// Fraction of the height from the top edge.
    pub fn y(self) -> f64 {
        self.y
    }
}

impl Default for FocalPoint {
    fn default() -> Self {
        Self::CENTER
    }
}

/// The validated description of an image.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MediaMeta {
    /// Text alternative for readers who cannot see the image; may be empty
    /// in the library (an image block then needs its own or `decorative`).
    pub alt: String,
    /// Caption shown under the image.
    pub caption: String,
    /// Photographer or agency.
    pub credit: String,
    /// What crops keep in frame.
    pub focal: FocalPoint,
}

/// Metadata as it arrives from a form, a JSON patch or GraphQL; `None` keeps
/// the current value (or the default on upload).
#[derive(Debug, Clone, Default)]
pub struct MediaMetaInput {
    /// New alt text.
    pub alt: Option<String>,
    /// New caption.
    pub caption: Option<String>,
    /// New credit.
    pub credit: Option<String>,
    /// New focal x (0–1); must come with `focal_y`.
    pub focal_x: Option<f64>,
    /// New focal y (0–1); must come with `focal_x`.
    pub focal_y: Option<f64>,
}

impl MediaMetaInput {
    /// Applies this input over `current`, naming every offending field.
    pub fn apply(&self, current: &MediaMeta) -> Result<MediaMeta, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let alt = field(
            &mut errors,
            "alt",
            self.alt.as_deref(),
            &current.alt,
            ALT_MAX,
        );
        let caption = field(
            &mut errors,
            "caption",
            self.caption.as_deref(),
            &current.caption,
            CAPTION_MAX,
        );
        let credit = field(
            &mut errors,
            "credit",
            self.credit.as_deref(),
            &current.credit,
            CREDIT_MAX,
        );
        let focal = match (self.focal_x, self.focal_y) {
            (None, None) => Some(current.focal),
            (Some(x), Some(y)) => match FocalPoint::new(x, y) {
                Ok(point) => Some(point),
                Err(nested) => {
                    errors.0.extend(nested.0);
                    None
                }
            },
            (Some(_), None) => {
                errors.0.push(FieldError::new(
                    "focal_y",
                    "give focal_x and focal_y together",
                ));
                None
            }
            (None, Some(_)) => {
                errors.0.push(FieldError::new(
                    "focal_x",
                    "give focal_x and focal_y together",
                ));
                None
            }
        };
        errors.finish(|| MediaMeta {
            alt: alt.unwrap_or_default(),
            caption: caption.unwrap_or_default(),
            credit: credit.unwrap_or_default(),
            focal: focal.unwrap_or_default(),
        })
    }

    /// The metadata of a new upload.
    pub fn validate(&self) -> Result<MediaMeta, ValidationErrors> {
        self.apply(&MediaMeta::default())
    }
}

fn field(
    errors: &mut ValidationErrors,
    name: &str,
    new: Option<&str>,
    current: &str,
    max: usize,
) -> Option<String> {
    match new {
        None => Some(current.to_owned()),
        Some(value) => errors.collect(text::bounded(name, value, max)),
    }
}

/// A file name fit to store: its last path segment, without control
/// characters, at most [`FILE_NAME_MAX`] characters.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    last.chars()
        .filter(|c| !c.is_control())
        .take(FILE_NAME_MAX)
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focal_point_must_be_within_the_image() {
        assert!(FocalPoint::new(0.0, 1.0).is_ok());
        assert!(FocalPoint::new(0.25, 0.75).is_ok());
        let errors = FocalPoint::new(-0.1, 1.5).unwrap_err();
        assert_eq!(errors.0.len(), 2);
        assert!(FocalPoint::new(f64::NAN, 0.5).is_err());
        assert!(FocalPoint::new(0.5, f64::INFINITY).is_err());
    }

    #[test]
    fn focal_coordinates_come_together() {
        let input = MediaMetaInput {
            focal_x: Some(0.3),
            ..MediaMetaInput::default()
        };
        assert_eq!(input.validate().unwrap_err().0[0].field, "focal_y");
    }

    #[test]
    fn upload_defaults_and_bounds() {
        let meta = MediaMetaInput::default().validate().unwrap();
        assert_eq!(meta.focal, FocalPoint::CENTER);
        assert_eq!(meta.alt, "");
        let long = MediaMetaInput {
            alt: Some("a".repeat(ALT_MAX + 1)),
            credit: Some("c\0".into()),
            ..MediaMetaInput::default()
        };
        let fields: Vec<_> = long
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["alt", "credit"]);
    }

    #[test]
    fn a_patch_keeps_what_it_does_not_name() {
        let current = MediaMetaInput {
            alt: Some(" A dog ".into()),
            caption: Some("On the beach".into()),
            focal_x: Some(0.2),
            focal_y: Some(0.8),
            ..MediaMetaInput::default()
        }
        .validate()
        .unwrap();
        assert_eq!(current.alt, "A dog");
        let patched = MediaMetaInput {
            credit: Some("AP".into()),
            ..MediaMetaInput::default()
        }
        .apply(&current)
        .unwrap();
        assert_eq!(patched.alt, "A dog");
        assert_eq!(patched.credit, "AP");
        assert_eq!(patched.focal, current.focal);
    }

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(clean_file_name("C:\\Users\\me\\photo.jpg"), "photo.jpg");
        assert_eq!(clean_file_name("../../etc/pa\nsswd"), "passwd");
        assert_eq!(clean_file_name(&"x".repeat(400)).len(), FILE_NAME_MAX);
    }
}
