//! Bounded plain-text fields: the one place that decides what "empty" and
//! "too long" mean, so every field counts the same way.
//!
//! "Empty" means nothing a reader would see: whitespace, Unicode format
//! characters (general category Cf: zero-width space and joiners, U+2060,
//! the BOM, the soft hyphen, direction marks, tag characters…) and the few
//! letters and marks that render as blanks (Hangul fillers, the Braille
//! blank, variation selectors, the combining grapheme joiner) do not count.
//! The upper bound counts every character stored, visible or not, so
//! invisible padding cannot grow a field past its bound.

use unicode_general_category::{get_general_category, GeneralCategory};

use crate::error::FieldError;

/// True when `c` shows nothing on its own: whitespace, a format character
/// (Cf) or a known blank filler. Used for every emptiness check.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace() || is_format_or_filler(c)
}

/// True when `c` is an invisible non-whitespace character: a format
/// character (Cf) or a letter or mark that renders as a blank.
pub fn is_format_or_filler(c: char) -> bool {
    get_general_category(c) == GeneralCategory::Format
        || matches!(
            c,
            '\u{034F}' // combining grapheme joiner
                | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers
                | '\u{2800}' // Braille pattern blank
                | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' // variation selectors
        )
}

/// How many characters of `value` a reader would see (see [`is_invisible`]).
pub fn visible_length(value: &str) -> usize {
    value.chars().filter(|c| !is_invisible(*c)).count()
}

/// True when `value` holds nothing visible.
pub fn is_blank(value: &str) -> bool {
    value.chars().all(is_invisible)
}

/// A required text: trimmed, not blank (whitespace and invisible characters
/// only count as empty), at most `max` characters. NUL characters are
/// refused everywhere: no database stores them the same way.
pub fn required(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if is_blank(trimmed) {
        return Err(FieldError::new(field, "must not be empty"));
    }
    bounded(field, trimmed, max)
}

/// An optional text: trimmed, blank becomes `None`, at most `max` characters.
pub fn optional(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    match value.map(str::trim) {
        None => Ok(None),
        Some(text) if is_blank(text) => Ok(None),
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
    fn invisible_characters_alone_count_as_empty() {
        for blank in [
            "\u{200B}\u{200B}\u{200B}",
            "\u{200B}\u{200D}\u{2060}",
            " \u{FEFF}\u{00AD} ",
            "\u{3164}\u{2800}\u{FE0F}",
            "\u{202E}\u{E0001}",
        ] {
            assert!(is_blank(blank), "{blank:?}");
            assert_eq!(visible_length(blank), 0, "{blank:?}");
            let error = required("title", blank, 10).unwrap_err();
            assert_eq!(error.message, "must not be empty");
            assert_eq!(optional("heading", Some(blank), 10).unwrap(), None);
        }
    }

    #[test]
    fn visible_text_around_invisible_characters_is_kept_whole() {
        assert_eq!(visible_length("a\u{200B}b"), 2);
        assert_eq!(required("t", "a\u{200B}b", 10).unwrap(), "a\u{200B}b");
        // Emoji joined by ZWJ stay visible and are stored as given.
        assert_eq!(required("t", "👩\u{200D}💻", 10).unwrap(), "👩\u{200D}💻");
        assert!(!is_blank(
            "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}"
        ));
    }

    #[test]
    fn invisible_padding_counts_against_the_upper_bound() {
        let padded = format!("abc{}", "\u{200B}".repeat(10));
        let error = required("name", &padded, 5).unwrap_err();
        assert!(error.message.contains("at most 5"), "{}", error.message);
    }

    #[test]
    fn optional_blank_is_none() {
        assert_eq!(optional("x", Some("  "), 5).unwrap(), None);
        assert_eq!(optional("x", None, 5).unwrap(), None);
        assert_eq!(optional("x", Some(" a "), 5).unwrap(), Some("a".into()));
    }
}
