//! Bounded plain-text fields: the one place that decides what "empty" and
//! "too long" mean, so every field counts the same way.

use crate::error::FieldError;

/// A required text: trimmed, not empty (whitespace-only counts as empty),
/// at most `max` characters. NUL characters are refused everywhere: no
/// database stores them the same way.
pub fn required(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    bounded(field, trimmed, max)
}

/// An optional text: trimmed, empty becomes `None`, at most `max` characters.
pub fn optional(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => bounded(field, text, max).map(Some),
    }
}

/// A text that may be empty but not longer than `max` characters (trimmed).
pub fn bounded(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.contains('\0') {
        return Err(FieldError::new(field, "must not contain NUL characters"));
    }
    let length = trimmed.chars().count();
    if length > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters (got {length})"),
        ));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_only_counts_as_empty() {
        assert!(required("title", " \t\n ", 10).is_err());
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(required("t", "ééééé", 5).unwrap(), "ééééé");
        assert!(required("t", "éééééé", 5).is_err());
    }

    #[test]
    fn nul_is_refused() {
        let error = bounded("body", "a\0b", 10).unwrap_err();
        assert_eq!(error.field, "body");
    }

    #[test]
    fn optional_blank_is_none() {
        assert_eq!(optional("x", Some("  "), 5).unwrap(), None);
        assert_eq!(optional("x", None, 5).unwrap(), None);
        assert_eq!(optional("x", Some(" a "), 5).unwrap(), Some("a".into()));
    }
}
