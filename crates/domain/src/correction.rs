//! Corrections: the public record of what a published story got wrong (or
//! later clarified or updated). A correction is public once added, never
//! edited in place; a mistaken one is retracted with a reason and stays
//! visible as retracted.

use chrono::{DateTime, Utc};

use crate::error::{FieldError, ValidationErrors};
use crate::ids::{ArticleId, CorrectionId};
use crate::text;

/// Longest correction text, in characters.
pub const MAX_TEXT: usize = 2_000;
/// Longest retraction reason, in characters.
pub const MAX_REASON: usize = 500;

/// What kind of note it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CorrectionKind {
    /// A fact was wrong.
    Correction,
    /// Something was unclear or open to a wrong reading.
    Clarification,
    /// News since publication.
    Update,
}

impl CorrectionKind {
    /// Every kind.
    pub const ALL: [CorrectionKind; 3] = [Self::Correction, Self::Clarification, Self::Update];

    /// Stable name, as stored and shown in APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Correction => "correction",
            Self::Clarification => "clarification",
            Self::Update => "update",
        }
    }

    /// The name readers see above the note.
    pub fn label(self) -> &'static str {
        match self {
            Self::Correction => "Correction",
            Self::Clarification => "Clarification",
            Self::Update => "Update",
        }
    }

    /// The kind named `name`, or a field error naming `field`.
    pub fn parse(field: &str, name: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .ok_or_else(|| {
                FieldError::new(field, "must be one of correction, clarification, update")
            })
    }
}

/// A correction as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// Identity.
    pub id: CorrectionId,
    /// The article it corrects.
    pub article_id: ArticleId,
    /// Its kind.
    pub kind: CorrectionKind,
    /// What readers are told.
    pub text: String,
    /// When it was published (on adding).
    pub published_at: DateTime<Utc>,
    /// When it was retracted, if it was.
    pub retracted_at: Option<DateTime<Utc>>,
    /// Why it was retracted.
    pub retraction_reason: Option<String>,
}

impl Correction {
    /// Whether it still stands (was not retracted).
    pub fn stands(&self) -> bool {
        self.retracted_at.is_none()
    }
}

/// A new correction, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCorrection {
    /// Its kind.
    pub kind: CorrectionKind,
    /// Its text (1–2,000 characters).
    pub text: String,
}

impl NewCorrection {
    /// Checks `kind` (a name, `correction` when absent) and `text`.
    pub fn parse(kind: Option<&str>, text: &str) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let kind = errors.collect(CorrectionKind::parse("kind", kind.unwrap_or("correction")));
        let text = errors.collect(text::required("text", text, MAX_TEXT));
        match (kind, text) {
            (Some(kind), Some(text)) if errors.is_empty() => Ok(Self { kind, text }),
            _ => Err(errors),
        }
    }
}

/// A retraction reason (1–500 characters).
pub fn retraction_reason(reason: &str) -> Result<String, ValidationErrors> {
    text::required("reason", reason, MAX_REASON).map_err(Into::into)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_correction_needs_a_known_kind_and_bounded_text() {
        let ok = NewCorrection::parse(Some("clarification"), "  The mayor said Tuesday. ").unwrap();
        assert_eq!(ok.kind, CorrectionKind::Clarification);
        assert_eq!(ok.text, "The mayor said Tuesday.");
        assert_eq!(
            NewCorrection::parse(None, "x").unwrap().kind,
            CorrectionKind::Correction
        );
        let both = NewCorrection::parse(Some("retraction"), "   ").unwrap_err();
        let fields: Vec<&str> = both.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["kind", "text"]);
        assert!(NewCorrection::parse(None, &"x".repeat(MAX_TEXT + 1)).is_err());
        assert!(NewCorrection::parse(None, "nul\0").is_err());
        assert!(retraction_reason("").is_err());
        assert!(retraction_reason(&"y".repeat(MAX_REASON + 1)).is_err());
        assert_eq!(
            retraction_reason(" wrong article ").unwrap(),
            "wrong article"
        );
    }
}
